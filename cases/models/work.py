"""The records of work on a case, each a row under it that carries the case's committee: the
timeline (CaseEvent), referrals to outside bodies and their replies, follow-up calls, aid and
attachments. Each keeps the range of the dates a person types beside the reason for it.
"""

import datetime as dt
import secrets
from collections.abc import Collection
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.models.bodies import OutsideBody
from cases.models.case import DUE_DATE_HORIZON_YEARS, Case
from cases.storage import private_storage
from committee.models import CommitteeOwned
from common.dates import outside_range, years_after
from common.lengths import NOTE_MAX, limit
from common.masking import mask_numbers_in_text


class _CaseChild(CommitteeOwned):
    """A row under a case: carries the case's committee so that the scoped managers work."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.committee_id = self.case.committee_id
        super().save(*args, **kwargs)


class CaseEvent(_CaseChild):
    class Kind(models.TextChoices):
        CREATED = "created", _("Logged")
        NOTE = "note", _("Note")
        EDITED = "edited", _("Edited")
        REPORTERS_ADDED = "reporters_added", _("Reporters added")
        ASSIGNED = "assigned", _("Assigned")
        STATUS = "status", _("Status changed")
        REFERRAL_SENT = "referral_sent", _("Referral sent")
        REPLY = "reply", _("Reply received")
        CHASE = "chase", _("Chased")
        FOLLOW_UP = "follow_up", pgettext_lazy("event kind", "Follow-up call")
        REOPENED = "reopened", _("Reopened")
        PHOTO_ADDED = "photo_added", _("File added")
        PHOTO_REMOVED = "photo_removed", _("File removed")
        AID = "aid", _("Aid")
        DUPLICATE = "duplicate", _("Marked duplicate")
        DUPLICATE_JOINED = "duplicate_joined", _("Duplicate joined")  # on the case kept
        REOPEN_REQUESTED = "reopen_requested", _("Reopen requested")
        REOPEN_DECLINED = "reopen_declined", _("Reopen request declined")
        DUE_RECOUNTED = "due_recounted", _("Due date counted again")
        PARTY_ADDED = "party_added", _("Person added")
        PARTY_REMOVED = "party_removed", _("Person removed")

    case = models.ForeignKey(Case, models.CASCADE, related_name="events", verbose_name=_("case"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    text = models.TextField(_("text"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    # The one-time token of the form whose submit wrote this event (its author's): the same form
    # posted again (a double tap, Back and save) finds it and writes nothing (services.Repeated).
    # Looked up among one case's events under the case's row lock: no index of its own.
    form_token = models.CharField(max_length=40, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"], name="case_event_case_at")]

    def __str__(self) -> str:
        # The admin's title of an event: its case's number, its kind in words and when, in Shanghai time.
        return f"{self.case.number} {self.get_kind_display()} {timezone.localtime(self.at):%Y-%m-%d %H:%M}"


# The dates of a referral (Referral.check_dates). Its reply is expected within the due date's
# horizon of the day it was sent: an outside body's answer that takes longer (a relocation, a lift)
# is chased meanwhile; 9999-12-31 would keep a referral off every late list and reminder for good.
SENT_BEFORE_LOGGED = _("A referral cannot be sent before the day the case was logged (%(day)s).")
SENT_AFTER_TODAY = _("A referral cannot be sent later than today (%(day)s).")
EXPECTED_BEFORE_SENT = _("The reply cannot be expected before the day the referral was sent (%(day)s).")
EXPECTED_TOO_FAR = _(
    "The reply can be expected at most two years after the day the referral was sent (%(day)s at the latest)."
)
# A new date promised when the body is chased (services.chase): a day gone by would make the reply
# late again at once, and tell nobody anything new.
PROMISED_IN_THE_PAST = _("The date they now promise cannot be in the past (%(day)s at the earliest).")
REPLIED_BEFORE_SENT = _("The reply cannot have come before the day the referral was sent (%(day)s).")
REPLIED_AFTER_TODAY = _("The reply cannot have come later than today (%(day)s).")


class Referral(_CaseChild):
    case = models.ForeignKey(Case, models.CASCADE, related_name="referrals", verbose_name=_("case"))
    body = models.ForeignKey(OutsideBody, models.PROTECT, related_name="referrals", verbose_name=_("sent to"))
    sent_on = models.DateField(_("sent on"), default=timezone.localdate)
    their_reference = models.CharField(_("their reference"), max_length=50, blank=True)
    # The body's contact person, their name and number (王师傅 13912345678): one of its staff, not a
    # resident, so shown as typed to whoever sees the case, never masked (review 8, finding 7).
    contact = models.CharField(_("their contact"), max_length=100, blank=True)
    reply_expected_by = models.DateField(_("reply expected by"), null=True, blank=True)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    reply = models.TextField(_("reply"), blank=True, validators=[limit(NOTE_MAX)])
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("sent by")
    )
    # The case's state, kept here by Case's saves (cases/apps.py): the late referrals are counted
    # from this table alone. Joined to their cases, a district's 30,000 unanswered referrals took
    # the district overview from 34 ms to 140–330 (bench district, README).
    case_open = models.BooleanField(default=True, db_default=True, editable=False)
    case_sensitive = models.BooleanField(default=False, db_default=False, editable=False)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["sent_on", "pk"]
        indexes = [
            # The dashboard's late referrals (no reply, expected before today, the case open): read
            # from the few waiting ones by date, not from every referral the committee still waits
            # on (24,000 at the bench's 300,000 cases, 1.8 ms and growing, against a few entries),
            # nor from those of cases closed without an answer, which pile up year after year.
            # With the case's sensitivity, which the count of a reader who may not see sensitive
            # cases filters by.
            models.Index(
                fields=["committee", "reply_expected_by", "case_sensitive"],
                condition=models.Q(replied_on__isnull=True, case_open=True),
                name="referral_waiting_open",
            ),
        ]

    @staticmethod
    def late(today) -> models.Q:
        """A referral past its expected reply on `today`: no reply yet, the date before today, its case
        open (nobody chases a reply for a case resolved, withdrawn or closed). The one definition the
        morning list's figure (notifications/reminders.py) and the late referrals' lists and counts
        (reports/figures.py) read: a date promised when the body is chased moves the referral off both."""
        return models.Q(replied_on__isnull=True, reply_expected_by__lt=today, case_open=True)

    def save(self, *args, **kwargs):
        if self._state.adding:
            self.case_open, self.case_sensitive = self.case.is_open, self.case.sensitive
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.body} {self.sent_on}"

    @staticmethod
    def sent_on_range(*, logged_on: dt.date, today: dt.date) -> tuple[dt.date, dt.date]:
        """The earliest and latest day a referral of a case logged on `logged_on` may be sent on:
        not before the case (there was nothing to refer), not after today (it is recorded once sent)."""
        return logged_on, today

    @staticmethod
    def reply_expected_range(sent_on: dt.date) -> tuple[dt.date, dt.date]:
        """The days a reply may be expected by: from the day sent to DUE_DATE_HORIZON_YEARS after it."""
        return sent_on, years_after(sent_on, DUE_DATE_HORIZON_YEARS)

    @staticmethod
    def replied_on_range(*, sent_on: dt.date, today: dt.date) -> tuple[dt.date, dt.date]:
        """The days a reply may have come on: from the day sent to today."""
        return sent_on, today

    @classmethod
    def check_dates(
        cls,
        *,
        logged_on: dt.date,
        today: dt.date,
        sent_on: dt.date,
        reply_expected_by: dt.date | None = None,
        replied_on: dt.date | None = None,
        changed: Collection[str] | None = None,
    ) -> None:
        """Refuse a referral's dates outside their ranges (0001-01-01 and 9999-12-31 were once
        saved, and replies before the referral): a ValidationError with each refused date on its
        field. `logged_on`: the local day the case was logged; `today`: the local day it is recorded.

        `changed`: the fields an edit changes (None: all, a new referral). Only those are checked,
        and the dates measured from a changed sent_on: a referral whose stored date lies outside
        its range (from before the rule) stays correctable while that date is left as it is."""
        if changed is not None and "sent_on" in changed:
            changed = {*changed, "reply_expected_by", "replied_on"}
        errors: dict[str, ValidationError] = {}

        def check(field, day, *rule) -> None:
            if day is None or (changed is not None and field not in changed):
                return
            if error := outside_range(day, *rule):
                errors[field] = error

        sent_range = cls.sent_on_range(logged_on=logged_on, today=today)
        check("sent_on", sent_on, *sent_range, SENT_BEFORE_LOGGED, SENT_AFTER_TODAY)
        if "sent_on" in errors:
            # The other days are measured from this one: a good day measured from a wrong one was
            # refused too ("the reply expected at most two years after sending, 0003-01-01").
            raise ValidationError(errors)
        expected_range = cls.reply_expected_range(sent_on)
        check("reply_expected_by", reply_expected_by, *expected_range, EXPECTED_BEFORE_SENT, EXPECTED_TOO_FAR)
        replied_range = cls.replied_on_range(sent_on=sent_on, today=today)
        check("replied_on", replied_on, *replied_range, REPLIED_BEFORE_SENT, REPLIED_AFTER_TODAY)
        if errors:
            raise ValidationError(errors)

    @classmethod
    def check_promised_by(cls, day: dt.date, *, sent_on: dt.date, today: dt.date) -> None:
        """Refuse the reply date an outside body promises when chased (the `promised_by` field) that
        lies in the past, or beyond the reply's horizon from the day it was sent (as the first date)."""
        earliest, latest = cls.reply_expected_range(sent_on)
        if error := outside_range(day, max(earliest, today), latest, PROMISED_IN_THE_PAST, EXPECTED_TOO_FAR):
            raise ValidationError({"promised_by": error})

    @property
    def is_outstanding(self) -> bool:
        return self.replied_on is None

    @property
    def days_out(self) -> int:
        return self.days_out_from(self.sent_on, self.replied_on, timezone.localdate())

    @staticmethod
    def days_out_from(sent_on: dt.date, replied_on: dt.date | None, today: dt.date) -> int:
        """days_out of a referral sent on `sent_on`, replied on `replied_on` (None: awaited) on the
        day `today`: a list of cases asks the day once for all its rows (cases/rows.py)."""
        return ((replied_on or today) - sent_on).days

    @property
    def is_late(self) -> bool:
        expected = self.reply_expected_by
        return self.is_outstanding and expected is not None and expected < timezone.localdate()

    @property
    def days_late(self) -> int:
        """Days the reply came after the date it was expected (0 when on time, awaited or not dated)."""
        if self.replied_on is None or self.reply_expected_by is None:
            return 0
        return max(0, (self.replied_on - self.reply_expected_by).days)


# The day of a follow-up call (FollowUp.check_called_on). The call asks the resident whether the work
# is done to their satisfaction, so it comes after the case was resolved: a call before it was a call
# during the work (a note on the timeline), and a case resolved again after a reopening is asked
# about the last resolution. Not after today: a call is recorded once made.
CALLED_BEFORE_RESOLVED = _(
    "The follow-up call cannot be earlier than the day the case was resolved (%(day)s)."
)
CALLED_BEFORE_LOGGED = _("The follow-up call cannot be earlier than the day the case was logged (%(day)s).")
CALLED_AFTER_TODAY = _("The follow-up call cannot be later than today (%(day)s).")


class FollowUp(_CaseChild):
    case = models.ForeignKey(Case, models.CASCADE, related_name="follow_ups", verbose_name=_("case"))
    called_on = models.DateField(_("called on"), default=timezone.localdate)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("called by")
    )
    satisfaction = models.CharField(_("satisfaction"), max_length=20, choices=Case.Satisfaction)
    comment = models.TextField(_("comment"), blank=True, validators=[limit(NOTE_MAX)])

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["called_on", "pk"]

    def __str__(self) -> str:
        return f"{self.called_on} {self.get_satisfaction_display()}"

    @staticmethod
    def called_on_range(*, after: dt.date, today: dt.date) -> tuple[dt.date, dt.date]:
        """The days a call may be recorded on: from `after` (the day the case was resolved) to today.
        A resolution stored in the future (from before the rules) is no reason to refuse today."""
        return min(after, today), today

    @classmethod
    def check_called_on(
        cls, called_on: dt.date, *, after: dt.date, today: dt.date, resolved: bool = True
    ) -> None:
        """Refuse a call's day outside called_on_range: a ValidationError on called_on. `after`: the
        local day the case was resolved, or (`resolved` False) logged, where the resolution that a
        call followed is not known (an older call corrected in the admin: only the last is kept)."""
        error = outside_range(
            called_on,
            *cls.called_on_range(after=after, today=today),
            CALLED_BEFORE_RESOLVED if resolved else CALLED_BEFORE_LOGGED,
            CALLED_AFTER_TODAY,
        )
        if error:
            raise ValidationError({"called_on": error})


# The dates of aid (Aid.check_dates). Aid is applied for on a case, so not before the day the case
# was logged (the committee learns of the need there, and applies on the family's behalf), and
# decided and paid from the day it was applied for; none later than today, each being recorded when
# it happens. The monthly ledger and summary count aid by the month applied for and paid: a
# 0001-01-01 or a 9999-12-31 was aid that no month's ledger would ever show.
APPLIED_BEFORE_LOGGED = _("Aid cannot be applied for before the day the case was logged (%(day)s).")
APPLIED_AFTER_TODAY = _("Aid cannot be applied for later than today (%(day)s).")
DECIDED_BEFORE_APPLIED = _("Aid cannot be decided on before the day it was applied for (%(day)s).")
DECIDED_AFTER_TODAY = _("Aid cannot be decided on later than today (%(day)s).")
PAID_BEFORE_APPLIED = _("Aid cannot be paid before the day it was applied for (%(day)s).")
PAID_AFTER_TODAY = _("Aid cannot be paid later than today (%(day)s).")


class Aid(_CaseChild):
    class Kind(models.TextChoices):
        SUBSIDY = "subsidy", _("Civil-affairs subsidy")
        EMERGENCY = "emergency", _("Emergency aid")
        DONATION = "donation", _("Donation")
        GOODS = "goods", _("Goods")

    class Status(models.TextChoices):
        APPLIED = "applied", pgettext_lazy("aid status", "Applied")
        APPROVED = "approved", pgettext_lazy("aid status", "Approved")
        PAID = "paid", pgettext_lazy("aid status", "Paid")
        NOT_ELIGIBLE = "not_eligible", pgettext_lazy("aid status", "Not eligible")

    case = models.ForeignKey(Case, models.CASCADE, related_name="aid", verbose_name=_("case"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2, default=0)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.APPLIED)
    donors = models.TextField(_("donors"), blank=True, validators=[limit(NOTE_MAX)])
    applied_on = models.DateField(_("applied on"), default=timezone.localdate)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, validators=[limit(NOTE_MAX)])

    class Meta:
        verbose_name = _("aid")
        verbose_name_plural = _("aid")
        ordering = ["applied_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ¥{self.amount}"

    @staticmethod
    def applied_on_range(*, logged_on: dt.date, today: dt.date) -> tuple[dt.date, dt.date]:
        """The days aid on a case logged on `logged_on` may be applied for: from that day to today."""
        return logged_on, today

    @staticmethod
    def decided_range(*, applied_on: dt.date, today: dt.date) -> tuple[dt.date, dt.date]:
        """The days aid may be decided on or paid: from the day applied for to today (an application
        stored in the future, from before the rule, is no reason to refuse today)."""
        return min(applied_on, today), today

    @classmethod
    def check_dates(
        cls,
        *,
        logged_on: dt.date,
        today: dt.date,
        applied_on: dt.date,
        decided_on: dt.date | None = None,
        paid_on: dt.date | None = None,
        changed: Collection[str] | None = None,
    ) -> None:
        """Refuse aid's dates outside their ranges: a ValidationError with each refused date on its
        field. `logged_on`: the local day the case was logged; `today`: the local day it is recorded.
        `changed`: the fields an edit changes (None: all); only those are checked, and the dates
        measured from a changed applied_on, so that a date stored before the rule and left as it is
        never locks the record."""
        if changed is not None and "applied_on" in changed:
            changed = {*changed, "decided_on", "paid_on"}
        decided = cls.decided_range(applied_on=applied_on, today=today)
        rules = (
            (
                "applied_on",
                applied_on,
                cls.applied_on_range(logged_on=logged_on, today=today),
                APPLIED_BEFORE_LOGGED,
                APPLIED_AFTER_TODAY,
            ),
            ("decided_on", decided_on, decided, DECIDED_BEFORE_APPLIED, DECIDED_AFTER_TODAY),
            ("paid_on", paid_on, decided, PAID_BEFORE_APPLIED, PAID_AFTER_TODAY),
        )
        errors = {
            field: error
            for field, day, (earliest, latest), too_early, too_late in rules
            if day is not None and (changed is None or field in changed)
            if (error := outside_range(day, earliest, latest, too_early, too_late))
        }
        if "applied_on" in errors:  # the other days are measured from it: only it is wrong
            errors = {"applied_on": errors["applied_on"]}
        if errors:
            raise ValidationError(errors)


def _attachment_name(instance: "Attachment", filename: str) -> str:
    """A random name: nothing of the original name (which may hold a resident's name) on disk."""
    ext = Path(filename).suffix.lower()[:6]
    return f"cases/{timezone.now():%Y/%m}/{secrets.token_hex(16)}{ext}"


class Attachment(_CaseChild):
    class Stage(models.TextChoices):
        BEFORE = "before", _("Before")
        AFTER = "after", _("After")
        OTHER = "other", _("Other")

    case = models.ForeignKey(Case, models.CASCADE, related_name="attachments", verbose_name=_("case"))
    file = models.FileField(_("file"), upload_to=_attachment_name, storage=private_storage, max_length=200)
    # A photo's phone-sized JPEG, shown on pages (the original, without its metadata, opens on tap).
    display = models.FileField(
        _("display copy"), upload_to=_attachment_name, storage=private_storage, max_length=200, blank=True
    )
    original_name = models.CharField(_("original name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size"))
    stage = models.CharField(_("stage"), max_length=10, choices=Stage, default=Stage.BEFORE)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        # The admin names a file by it (the case's inline of files): a photo saved as 身份证….jpg.
        return mask_numbers_in_text(self.original_name)

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
