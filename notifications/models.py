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
from django.utils.translation import pgettext_lazy


class Notification(models.Model):
    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("Case assigned to you")
        TAKEN_FROM = "taken_from", _("Case taken from you")
        REOPENED = "reopened", _("Case reopened")
        NOT_SATISFIED = "not_satisfied", _("Resident not satisfied")
        REPLY = "reply", _("Reply received")
        DUE_SOON = "due_soon", _("Case due")
        OVERDUE = "overdue", _("Case overdue")
        REPLY_LATE = "reply_late", _("Reply late")
        VISITS_DUE = "visits_due", _("Visits due")
        DIGEST = "digest", _("Morning list")
        STREET_WEEK = "street_week", _("The street's week")
        TASK_FAILED = "task_failed", _("Background job failed")
        IMPORT_DONE = "import_done", _("Import finished")
        IMPORT_FAILED = "import_failed", _("Import failed")
        REOPEN_REQUESTED = "reopen_requested", _("Reopen requested")
        REOPEN_DECLINED = "reopen_declined", _("Reopen request declined")
        DUPLICATE_JOINED = "duplicate_joined", _("Duplicate joined your case")
        STAFF_LEFT = "staff_left", _("Cases of staff who left")

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

    @property
    def figure_buttons(self):
        """A morning list's figures, each a button opening its own list through "read" (empty for any
        other notification, and a list written before its figures had links)."""
        from notifications.sentences import digest_figures, digest_html

        return digest_html(self, buttons=True) if digest_figures(self)[1] else ""

    @property
    def figure_links(self):
        """As figure_buttons, plain links: for a morning list already read."""
        from notifications.sentences import digest_figures, digest_html

        return digest_html(self, buttons=False) if digest_figures(self)[1] else ""

    def link_of(self, figure: str) -> str:
        """Where "read" opens: one figure's list of a morning list (`figure` its key), else the link."""
        links = self.params.get("links") or {}
        return links.get(figure) or self.url


class Preference(models.Model):
    """How one person wants to be told, besides the inbox (always): by e-mail, or not (the default)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    by_email = models.BooleanField(_("also by e-mail"), default=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id} e-mail={self.by_email}"


class CommitteeChannel(models.Model):
    """A committee's WeCom (企业微信) group robot, set by its secretary: new notifications of the
    committee's people are also posted there, short and with nothing sensitive (see delivery.py)."""

    committee = models.OneToOneField(
        "committee.Committee", models.CASCADE, related_name="channel", verbose_name=_("committee")
    )
    wecom_webhook = models.CharField(_("WeCom group robot address"), max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("set by"),
    )
    updated_at = models.DateTimeField(_("set at"), default=timezone.now)

    class Meta:
        verbose_name = _("committee channel")
        verbose_name_plural = _("committee channels")

    def __str__(self) -> str:
        return f"{self.committee_id} wecom={'yes' if self.wecom_webhook else 'no'}"


class DeliveryQuerySet(models.QuerySet):
    def to_street_officers(self, street_ids) -> "DeliveryQuerySet":
        """The e-mails about no one committee (a street officer's week) to whoever holds a post on
        these streets now: what those streets' officers read of each other's mail. An officer of two
        streets gets one e-mail for both, listed in each; one whose post was removed since is read in
        the admin only."""
        return self.filter(
            channel=Delivery.Channel.EMAIL,
            committee__isnull=True,
            recipient__street_posts__street__in=street_ids,
        )


class Delivery(models.Model):
    """One message sent outside the app: an e-mail to a person or a post to a committee's WeCom group.
    Its committee is the one whose people it tells; an e-mail about no one committee (a street
    officer's weekly figures) has none, so that no committee's secretary lists it.

    Its text is written (masked and scoped) when it is made; the worker sends it, trying again up to
    TASK_MAX_ATTEMPTS times; one that fails for good stays here and is shown to the secretary (a
    street officer's to the street's officers: notifications:street). An e-mail whose person may no
    longer be mailed when it is sent (deactivated since, or their address removed) is not sent, nor
    tried again: it is marked skipped, with why."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        WECOM = "wecom", _("WeCom group")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", pgettext_lazy("a message", "Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent")

    class SkipReason(models.TextChoices):
        DEACTIVATED = "deactivated", _("The person's account was deactivated")
        NO_ADDRESS = "no_address", _("The person has no e-mail address any more")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel)
    committee = models.ForeignKey(
        "committee.Committee",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("committee"),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient"),
    )
    # One message per batch (an event, a morning) and recipient: a retried job sends nothing twice.
    key = models.CharField(max_length=150, unique=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("message"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("last error"), max_length=200, blank=True)
    skip_reason = models.CharField(_("why not sent"), max_length=20, choices=SkipReason, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(pgettext_lazy("a message", "sent"), null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["committee", "status"], name="delivery_committee_status")]
        constraints = [
            # A post goes to its committee's group: only an e-mail may be about no one committee.
            models.CheckConstraint(
                condition=models.Q(channel="email") | models.Q(committee__isnull=False),
                name="delivery_post_has_committee",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.key} {self.status}"
