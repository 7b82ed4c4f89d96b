"""The case and what it is filed under: a resident's problem from the first report to the follow-up
call (Case), its residents (CaseParty), its categories and each committee's yearly numbering (the
outside bodies it is referred to: bodies.py).

Residents' pages, the dashboard and the reports read these fields: add fields, never rename them.
Who may do what is in rules.py, the writes in services/, the timeline's events in events.py.
"""

import datetime as dt
from collections.abc import Collection
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from cases.titles import title_from_details
from committee.models import Committee, CommitteeOwned
from common.dates import outside_range, years_after
from common.lengths import DESCRIPTION_MAX, NOTE_MAX, limit
from common.masking import mask_numbers_in_text
from common.workdays import add_workdays, due_days
from holidays.calendar import unsettled_years

if TYPE_CHECKING:
    from cases.models.work import Referral


def label_in_language(name: str, name_en: str) -> str:
    """A name kept in Chinese and English, in the active language (Chinese when no English is given)."""
    return name_en if (get_language() or "").startswith("en") and name_en else name


def _label(obj) -> str:
    return label_in_language(obj.name, obj.name_en)


class CaseCategory(models.Model):
    """A kind of problem (drainage, hardship aid, …). Global; edited in the admin."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=30)
    name_en = models.CharField(_("name (English)"), max_length=50)
    default_due_days = models.PositiveSmallIntegerField(
        _("due in (working days)"), default=10, help_text=_("Working days from logging to the due date.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    sensitive_by_default = models.BooleanField(
        _("sensitive by default"),
        default=False,
        help_text=_(
            "Cases of this category are logged as sensitive (seen only by the secretary, the assignee "
            "and whoever logged them): hardship aid names a family's illness, disability and money."
        ),
    )

    class Meta:
        verbose_name = _("case category")
        verbose_name_plural = _("case categories")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return _label(self)


class CaseCounter(models.Model):
    """The last number given in one committee and year; locked while a case takes the next one."""

    committee = models.ForeignKey(Committee, models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["committee", "year"], name="case_counter_unique")]

    def __str__(self) -> str:
        return f"{self.committee_id}/{self.year}: {self.last}"


# Case.OPEN_STATUSES as plain values, for the indexes in Case.Meta (which cannot see the class body).
OPEN_STATUS_VALUES = ("new", "in_progress", "waiting")

# How far after the day a case was logged a due date set by hand may be. A counted date is at most
# 30 working days away (the longest default, 20 for relocation or illegal construction, and half
# again for low priority: about six weeks). A date is set by hand for what the count cannot know: an
# outside body's schedule, the season, a relocation or a lift installation that runs a year or
# more; the edit checks it against the logging day, not today, so a case still open after its first
# year must still be given a date. Two years leaves those room; what lies past it is a slip (2062
# for 2026) or a placeholder (9999-12-31) that would keep the case off every overdue list and
# reminder for good. The words below say "two years": change them with this number.
DUE_DATE_HORIZON_YEARS = 2
DUE_BEFORE_TODAY = _("The due date cannot be earlier than today (%(day)s).")
DUE_BEFORE_LOGGED = _("The due date cannot be earlier than the day the case was logged (%(day)s).")
DUE_TOO_FAR_FROM_TODAY = _("The due date can be at most two years from today (%(day)s at the latest).")
DUE_TOO_FAR_FROM_LOGGED = _(
    "The due date can be at most two years after the day the case was logged (%(day)s at the latest)."
)

# A new case says what happened (Case.title_from): its title, its details, or at least a photo of it.
SAYS_NOTHING = _(
    "Say what happened: a few words under “What is the problem?”, in the details, or a photo of it."
)

# When a case was logged, resolved and closed (Case.check_times): the app writes them itself, and an
# administrator corrects them in the admin. Logged within the year its number says (2026-0042 was
# logged in 2026: the committee's counter of that year gave it) and not after today; resolved from
# the day logged to today; closed from the day resolved (or logged, a case withdrawn or a duplicate
# is closed unresolved) to today. The dashboards count cases by these days.
LOGGED_BEFORE_NUMBER_YEAR = _(
    "The day logged cannot be earlier than %(day)s: the case's number is of that year."
)
LOGGED_AFTER_NUMBER_YEAR = _(
    "The day logged cannot be later than %(day)s: today, or the last day of the year of the case's number."
)
RESOLVED_BEFORE_LOGGED = _("The day resolved cannot be earlier than the day the case was logged (%(day)s).")
RESOLVED_AFTER_TODAY = _("The day resolved cannot be later than today (%(day)s).")
CLOSED_BEFORE_RESOLVED = _("The day closed cannot be earlier than the day the case was resolved (%(day)s).")
CLOSED_BEFORE_LOGGED = _("The day closed cannot be earlier than the day the case was logged (%(day)s).")
CLOSED_AFTER_TODAY = _("The day closed cannot be later than today (%(day)s).")


def open_rank_expression() -> models.Case:
    """0 for an open case, 1 otherwise: the case list's open-first order, and the expression of the
    index that serves it (the planner uses the index only for this very expression)."""
    return models.Case(
        models.When(status__in=OPEN_STATUS_VALUES, then=models.Value(0)),
        default=models.Value(1),
        output_field=models.IntegerField(),
    )


class Case(CommitteeOwned):
    class Source(models.TextChoices):
        WALK_IN = "walk_in", _("Walk-in")
        PHONE = "phone", _("Phone")
        VISIT = "visit", _("Visit")
        PATROL = "patrol", _("Patrol")
        BUILDING_LEADER = "building_leader", _("Building leader")
        HOTLINE = "hotline", _("12345 hotline")
        WECHAT = "wechat", _("WeChat group")
        OTHER = "other", _("Other")

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        URGENT = "urgent", _("Urgent")

    class Status(models.TextChoices):
        NEW = "new", pgettext_lazy("case status", "New")
        IN_PROGRESS = "in_progress", pgettext_lazy("case status", "In progress")
        WAITING = "waiting", pgettext_lazy("case status", "Waiting")
        RESOLVED = "resolved", pgettext_lazy("case status", "Resolved")
        CLOSED = "closed", pgettext_lazy("case status", "Closed")

    class Closure(models.TextChoices):
        FOLLOWED_UP = "followed_up", _("Followed up")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        DUPLICATE = "duplicate", _("Duplicate")

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", pgettext_lazy("satisfaction", "Satisfied")
        MOSTLY = "mostly", pgettext_lazy("satisfaction", "Mostly satisfied")
        NOT_SATISFIED = "not_satisfied", pgettext_lazy("satisfaction", "Not satisfied")

    OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.WAITING)
    assert OPEN_STATUSES == OPEN_STATUS_VALUES

    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    seq = models.PositiveIntegerField(_("sequence"), editable=False)
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True, validators=[limit(DESCRIPTION_MAX)])
    category = models.ForeignKey(
        CaseCategory, models.PROTECT, related_name="cases", verbose_name=_("category")
    )
    source = models.CharField(_("source"), max_length=20, choices=Source, default=Source.WALK_IN)
    work_order_number = models.CharField(_("work order number"), max_length=40, blank=True)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority, default=Priority.NORMAL)
    building = models.ForeignKey(
        "residents.Building",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("building"),
    )
    household = models.ForeignKey(
        "residents.Household",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("household"),
    )
    place = models.CharField(_("place"), max_length=100, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assignee"),
    )
    due_date = models.DateField(_("due date"))
    # The working days the due date was counted with, from the day the case was logged (category and
    # priority at the time); empty once someone set the date by hand. A year's holidays entered
    # later count such a date again (cases/due_dates.py); a date set by hand stays as set.
    due_workdays = models.PositiveSmallIntegerField(
        _("due in working days"), null=True, blank=True, editable=False
    )
    # The day those working days are counted from when it is not the day the case was logged: a
    # case reopened is due again counted from the day it was reopened (count_due_again).
    due_counted_from = models.DateField(_("due date counted from"), null=True, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.NEW)
    closure = models.CharField(_("closed as"), max_length=20, choices=Closure, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    resolution = models.TextField(_("resolution"), blank=True, validators=[limit(NOTE_MAX)])
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The answer at the follow-up call after this resolution: empty until the call, and again once
    # the case is reopened (services), so that a case resolved again waits for a call of its own
    # (the list's follow_up=due, the secretary's home, closing).
    satisfaction = models.CharField(_("satisfaction"), max_length=20, choices=Satisfaction, blank=True)
    # The latest follow-up call, whichever resolution it followed, kept by the service that records
    # a call (and by the admin's corrections of the calls): the dashboards' satisfaction counts each
    # case once, by this call, on its day (reports/figures.py).
    last_called_on = models.DateField(_("last called on"), null=True, blank=True, editable=False)
    last_call_result = models.CharField(
        _("answer at the last follow-up call"),
        max_length=20,
        choices=Satisfaction,
        blank=True,
        editable=False,
    )
    sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_("Only the secretary, the assignee and whoever logged it see a sensitive case."),
    )
    visit = models.ForeignKey(
        "residents.Visit",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("from visit"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("logged by")
    )
    created_at = models.DateTimeField(_("logged at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Optimistic locking: every change carries the version it started from; a stale one is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # A random token from the intake form: a double-clicked submit finds the case it already made.
    intake_token = models.CharField(max_length=40, blank=True, editable=False)
    # What the list's search box matches (cases/search.py writes it; a trigram index on PostgreSQL).
    search_key = models.TextField(default="", blank=True, editable=False)
    # A worker asked the secretary to reopen this resolved or closed case (services.ask_reopen): set
    # while the request waits, cleared when the case is reopened or the request declined. The
    # reason and who asked are on the timeline (the request's event).
    reopen_requested_at = models.DateTimeField(
        _("reopen requested at"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "year", "seq"], name="case_unique_number"),
            models.UniqueConstraint(
                fields=["committee", "intake_token"],
                condition=~models.Q(intake_token=""),
                name="case_unique_intake_token",
            ),
        ]
        indexes = [
            models.Index(fields=["committee", "status", "due_date"], name="case_committee_status_due"),
            models.Index(fields=["committee", "assignee", "status"], name="case_committee_assignee"),
            models.Index(fields=["committee", "created_at"], name="case_committee_created"),
            # The dashboard's resolved-this-month, median and 12-month trend read by resolution date.
            models.Index(fields=["committee", "resolved_at"], name="case_committee_resolved"),
            # The satisfaction's 90 days and the rollup's months read by the latest call's day.
            models.Index(
                fields=["committee", "last_called_on"],
                condition=models.Q(last_called_on__isnull=False),
                name="case_committee_called",
            ),
            models.Index(fields=["building", "category", "status"], name="case_building_category"),
            # The lists' orders, so that a page reads its 25 rows from an index in order and stops
            # instead of fetching and sorting every open case. Partial: open cases only (a small
            # share of all cases, the ones these lists show).
            # The case list's default (open cases, due soonest) and the dashboard's overdue list:
            # The columns after id are there for the counts, not the order: with every column a
            # count of open cases reads (the visibility rule's sensitive, assignee and creator, the
            # status, the category filter) in the index, PostgreSQL counts from the index alone
            # (an index-only scan) instead of visiting a heap page per open case: the pager's
            # capped count, the dashboard's open and overdue counts. Key columns, not INCLUDE:
            # Django leaves INCLUDE out on SQLite, whose counts are then covered too.
            models.Index(
                fields=[
                    "committee",
                    "due_date",
                    "id",
                    "status",
                    "category",
                    "assignee",
                    "sensitive",
                    "created_by",
                ],
                condition=models.Q(status__in=OPEN_STATUS_VALUES),
                name="case_open_due",
            ),
            # A worker's queue (assignee = me) and the unassigned cases (assignee IS NULL), and
            # (covering, as above) their counts and the dashboard's workload of open cases:
            models.Index(
                fields=["committee", "assignee", "due_date", "id", "status", "sensitive", "created_by"],
                condition=models.Q(status__in=OPEN_STATUS_VALUES),
                name="case_open_assignee_due",
            ),
            # "Any status": open first, then due soonest (cases/filters.py SORTS["due"]). The
            # expression must be the list's ORDER BY expression exactly (open_rank_expression).
            models.Index(
                models.F("committee"),
                open_rank_expression(),
                models.F("due_date"),
                models.F("id"),
                name="case_open_rank_due",
            ),
            # A street's or the district's list (many committees): the same two orders across
            # committees, read in order and filtered by committee. The committee-first indexes
            # above serve one committee, but for 25 or 300 committees PostgreSQL would fetch and
            # sort all their open cases: 512 ms for the district officer's first page at
            # 2,000,000 cases (bench_district), against a few ms read in order.
            models.Index(
                fields=["due_date", "id"],
                condition=models.Q(status__in=OPEN_STATUS_VALUES),
                name="case_open_due_all",
            ),
            models.Index(
                open_rank_expression(), models.F("due_date"), models.F("id"), name="case_open_rank_due_all"
            ),
            # A reader's own sensitive cases (theirs as assignee or author), which the dashboard
            # counts live over the 12 months for a worker (reports/rollup_reads.own_sensitive):
            # few rows among the committee's cases, but without these a worker's 50,000 assigned
            # cases were read to find their 1,500 sensitive ones, four times (103 of the worker
            # dashboard's 143 ms at 300,000 cases).
            models.Index(
                fields=["committee", "assignee"],
                condition=models.Q(sensitive=True),
                name="case_sensitive_assignee",
            ),
            models.Index(
                fields=["committee", "created_by"],
                condition=models.Q(sensitive=True),
                name="case_sensitive_author",
            ),
            # The secretary's home counts the pending reopen requests (few rows among all cases).
            models.Index(
                fields=["committee"],
                condition=models.Q(reopen_requested_at__isnull=False),
                name="case_reopen_requested",
            ),
        ]

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        case = super().from_db(db, field_names, values, **kwargs)
        # The values as read: a save that moves a case out of a closed month (reopened, another
        # category) marks that month of the dashboard's rollup stale too (reports/rollup.py).
        case.loaded_values = dict(zip(field_names, values, strict=True))
        return case

    def __str__(self) -> str:
        # Shown wherever a case is named (the admin's titles, lists and history): a number typed into
        # the title is masked there, as on every page.
        return f"{self.number} {mask_numbers_in_text(self.title)}"

    @property
    def number(self) -> str:
        return f"{self.year}-{self.seq:04d}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.overdue_on(timezone.localdate())

    def overdue_on(self, today: dt.date) -> bool:
        """is_overdue on a given day: a list asks the day once for all its rows."""
        return self.is_open and self.due_date < today

    def due_unsettled_years(self) -> list[int]:
        """The years without a holiday schedule that this open case's due date was counted over:
        the date is provisional (Monday to Friday without the holidays the law fixes) and moves
        when they are entered (cases/due_dates.py), so the case page and the rows say so. Empty
        for a date set by hand (it stays as set) or a case no longer open (it is not counted again)."""
        if not self.is_open or self.due_workdays is None:
            return []
        start = self.due_counted_from or timezone.localdate(self.created_at)
        return unsettled_years(min(start, self.due_date), self.due_date)

    @staticmethod
    def title_from(title: str, description: str, category: CaseCategory, *, photos: bool) -> str:
        """What a new case is called: its title as typed, else made from its details, else
        (a category tapped and a photo taken on a phone: the photo shows what happened) its
        category's name. A category alone says nothing of what happened: a ValidationError on the
        title, in words."""
        if title.strip():
            return title.strip()
        # Its first sentence within 40 characters, never ending on a contact number (cases/titles.py).
        if made := title_from_details(description):
            return made
        if photos:
            return category.label
        raise ValidationError({"title": SAYS_NOTHING})

    # The fields count_due_again sets, for the save that follows it.
    DUE_COUNTED = ("due_date", "due_workdays", "due_counted_from")

    def count_due_again(self, day: dt.date) -> dt.date | None:
        """A case reopened on `day` (by the secretary, or "not satisfied" on the follow-up call) is
        worked again: its due date is counted anew from that day, by its category and priority in
        working days as on logging, not left at the passed date that made it overdue at once. A
        later date it already has stays (set by hand for a year-long lift installation, resolved
        early). Sets the DUE_COUNTED fields (the caller saves them) and returns the new date, or
        None when the date stays."""
        category = CaseCategory.objects.values_list("default_due_days", flat=True)
        counted = due_days(category.get(pk=self.category_id), self.priority)
        due = add_workdays(day, counted)
        if self.due_date >= due:
            return None
        # Counted, not set by hand: a year's holidays entered later count it again from this day
        # (cases/due_dates.py).
        self.due_date, self.due_workdays, self.due_counted_from = due, counted, day
        return due

    @staticmethod
    def due_date_range(logged_on: dt.date) -> tuple[dt.date, dt.date]:
        """The earliest and latest due date someone may set by hand on a case logged on `logged_on`
        (its local date in Shanghai): from that day to DUE_DATE_HORIZON_YEARS years after it."""
        return logged_on, years_after(logged_on, DUE_DATE_HORIZON_YEARS)

    @classmethod
    def check_due_date(cls, due_date: dt.date, *, logged_on: dt.date, new: bool = False) -> None:
        """Refuse a due date set by hand outside due_date_range: before the case was logged it is
        overdue from the start (0001-01-01 was once saved), too far after it never comes due and
        is never reminded of (9999-12-31). A ValidationError on the due_date field; `new`: the case
        is being logged now, so its logging day is "today" in the words."""
        error = outside_range(
            due_date,
            *cls.due_date_range(logged_on),
            DUE_BEFORE_TODAY if new else DUE_BEFORE_LOGGED,
            DUE_TOO_FAR_FROM_TODAY if new else DUE_TOO_FAR_FROM_LOGGED,
        )
        if error:
            raise ValidationError({"due_date": error})

    @classmethod
    def check_times(
        cls,
        *,
        year: int,
        created_at: dt.datetime,
        resolved_at: dt.datetime | None,
        closed_at: dt.datetime | None,
        today: dt.date,
        changed: Collection[str] | None = None,
    ) -> None:
        """Refuse a case's logging, resolving or closing time outside its range (above), compared by
        their local days: a ValidationError with each on its field. `year`: the year of the case's
        number. `changed`: the fields a correction changes (None: all); only those are checked, and
        the later times measured from a changed earlier one, so that a time stored before the rule
        and left as it is never locks the case."""
        if changed is not None:
            changed = set(changed)
            if "created_at" in changed:
                changed |= {"resolved_at", "closed_at"}
            if "resolved_at" in changed:
                changed.add("closed_at")
        logged = timezone.localdate(created_at)
        resolved = timezone.localdate(resolved_at) if resolved_at else None
        first_of_year = dt.date(year, 1, 1)
        rules = [
            (
                "created_at",
                logged,
                (first_of_year, max(first_of_year, min(dt.date(year, 12, 31), today))),
                LOGGED_BEFORE_NUMBER_YEAR,
                LOGGED_AFTER_NUMBER_YEAR,
            ),
            ("resolved_at", resolved, (logged, today), RESOLVED_BEFORE_LOGGED, RESOLVED_AFTER_TODAY),
            (
                "closed_at",
                timezone.localdate(closed_at) if closed_at else None,
                (resolved or logged, today),
                CLOSED_BEFORE_RESOLVED if resolved else CLOSED_BEFORE_LOGGED,
                CLOSED_AFTER_TODAY,
            ),
        ]
        errors = {
            field: error
            for field, day, (earliest, latest), too_early, too_late in rules
            if day is not None and (changed is None or field in changed)
            if (error := outside_range(day, earliest, latest, too_early, too_late))
        }
        if errors:
            raise ValidationError(errors)

    @property
    def waiting_referral(self) -> "Referral | None":
        """The oldest referral still waiting for its outside body's reply, from the rows that
        selectors.case_rows prefetches or the two columns selectors.with_waiting_referral reads
        (then a Referral that is not saved, with its body id and day sent only); None without
        either: this never queries per row."""
        if hasattr(self, "waiting_body_id"):  # selectors.with_waiting_referral: its body and day only
            if self.waiting_body_id is None:
                return None
            from cases.models.work import Referral  # work.py's models point at Case: imported here

            return Referral(case=self, body_id=self.waiting_body_id, sent_on=self.waiting_sent_on)
        outstanding = getattr(self, "outstanding_referrals", None)
        return outstanding[0] if outstanding else None

    @property
    def location(self) -> str:
        if self.household_id:
            return self.household.address
        if self.building_id:
            return self.building.address
        return self.place


class CaseParty(CommitteeOwned):
    class Role(models.TextChoices):
        REPORTER = "reporter", _("Reporter")
        OTHER_PARTY = "other_party", _("Other party")
        BENEFICIARY = "beneficiary", _("Beneficiary")

    case = models.ForeignKey(Case, models.CASCADE, related_name="parties", verbose_name=_("case"))
    resident = models.ForeignKey(
        "residents.Resident", models.PROTECT, related_name="case_parties", verbose_name=_("resident")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.REPORTER)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "resident", "role"], name="case_party_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.resident} ({self.get_role_display()})"

    def save(self, *args, **kwargs):
        self.committee_id = self.case.committee_id
        super().save(*args, **kwargs)
