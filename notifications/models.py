"""Each person's inbox: what happened to their work, told once, in their language.

A notification stores its kind and the few facts its sentence needs (`params`), decided for its
recipient when it is made: a sensitive case's title is left out for someone who may not see the
case, free text is stored with its numbers masked. The sentence is rendered when it is read, so the
same row reads in Chinese or English.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("case assigned to you")
        TAKEN_FROM = "taken_from", _("case taken from you")
        REOPENED = "reopened", _("case reopened")
        NOT_SATISFIED = "not_satisfied", _("resident not satisfied")
        REPLY = "reply", _("reply received")
        DUE_SOON = "due_soon", _("case due")
        OVERDUE = "overdue", _("case overdue")
        REPLY_LATE = "reply_late", _("reply late")
        VISITS_DUE = "visits_due", _("visits due")
        DIGEST = "digest", _("morning list")
        STREET_WEEK = "street_week", _("the street's week")
        TASK_FAILED = "task_failed", _("background job failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    params = models.JSONField(_("details"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=200, blank=True)
    # Makes every job idempotent: the same fact told to the same person twice is one row.
    key = models.CharField(max_length=120)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_unique_key")]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.kind} {self.key}"

    @property
    def sentence(self) -> str:
        from notifications.sentences import sentence

        return sentence(self)
