"""The access log (查阅记录): one row each time a person's data is looked at.

Append-only: rows are written by audit.services.record and removed only by `manage.py prune_access_log`
once older than AUDIT_RETENTION_DAYS (at least 183: the Cybersecurity Law asks for six months).
The looked-at objects are kept as plain ids (no foreign-key constraint), so that the record outlives
any correction of the row it points to and never blocks one.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committee.models import CommitteeOwned

# The kinds of number a reveal's or a full-number search's detail names by their code (as
# residents.RevealLog.Field stores them; the labels are its own): "phone", "id_number id_number",
# "home_phone: reason". Shown as words: the log read "周涛根 id_number" on a Chinese page.
NUMBER_KINDS = {"id_number": _("ID number"), "phone": _("phone"), "home_phone": _("household phone")}


class AccessRecord(CommitteeOwned):
    class Kind(models.TextChoices):
        RESIDENT = "resident", _("Resident page")
        HOUSEHOLD = "household", _("Household page")
        CASE = "case", _("Case page")
        EXPORT = "export", _("Export")
        # A registry export with full ID and phone numbers: a kind of its own, so that the log can
        # be filtered for it (each number in it is also in the reveal log, residents.RevealLog).
        EXPORT_FULL = "export_full", _("Export with full numbers")
        REVEAL = "reveal", _("Reveal of a number")
        # A search by a whole ID or phone number, by who may reveal it: it tells whose number it is
        # as a reveal does. The record names the kind of number (detail), never the number.
        SEARCH_FULL = "search_full", _("Search by a full number")
        ADMIN = "admin", _("Admin page")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("who")
    )
    at = models.DateTimeField(_("when"), default=timezone.now, editable=False)
    kind = models.CharField(_("what"), max_length=12, choices=Kind)
    resident = models.ForeignKey(
        "residents.Resident",
        models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resident"),
    )
    household = models.ForeignKey(
        "residents.Household",
        models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("household"),
    )
    case = models.ForeignKey(
        "cases.Case",
        models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case"),
    )
    # For an export: what was exported (its name and filters, numbers masked) and how many rows.
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    # An export's filters as it applied them, in no language, said in the reader's (audit/exported.py).
    # Empty for a page view, a reveal, and an export noted before it was kept (its detail says it).
    exported = models.JSONField(_("what was exported"), null=True, blank=True, editable=False)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    # An export over several committees (a street's ledger) is noted in each of them with the
    # export's rows in all: how many committees shared them, so that no committee's log reads as if
    # all the rows were its own. Empty for one committee's.
    committees = models.PositiveSmallIntegerField(_("committees exported"), null=True, blank=True)

    class Meta:
        verbose_name = _("access record")
        verbose_name_plural = _("access records")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["committee", "at"], name="access_committee_at"),
            models.Index(fields=["resident", "at"], name="access_resident_at"),
            models.Index(fields=["household", "at"], name="access_household_at"),
            models.Index(fields=["case", "at"], name="access_case_at"),
        ]

    def __str__(self) -> str:
        # The admin's title of a record: who, what, and when in Shanghai time (not ids and codes in UTC).
        return f"{self.user} · {self.get_kind_display()} · {timezone.localtime(self.at):%Y-%m-%d %H:%M}"

    @property
    def detail_said(self) -> str:
        """The detail in the reader's words: an export's filters as it applied them (导出事项清单
        （状态：未结）); a reveal's or a full-number search's kinds of number as their labels (电话,
        身份证号), whatever follows them (a reason) as typed."""
        if self.exported:
            from audit.exported import said

            return said(self.exported)
        if self.kind not in (self.Kind.REVEAL, self.Kind.SEARCH_FULL):
            return self.detail
        head, colon, rest = self.detail.partition(":")
        codes = head.split()
        if not codes or any(code not in NUMBER_KINDS for code in codes):
            return self.detail  # an administrator's reveal of a staff phone, in words already
        return " · ".join(dict.fromkeys(str(NUMBER_KINDS[code]) for code in codes)) + colon + rest

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("The access log is append-only: a record is never changed.")
        super().save(*args, **kwargs)
