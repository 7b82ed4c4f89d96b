"""Due dates counted again when a year's holidays are entered or corrected.

A case logged in December is often due in January. When the next year's holidays are not known yet
(the State Council's notice comes in November or December; the calendar library learns it only with
a new release), its due date is counted Monday to Friday, and the dashboard and the admin warn of
it. Once an administrator enters the year (holidays/admin.py), every open case whose counted days
ran into that year is counted again from the day it was logged (or reopened: Case.due_counted_from)
with the same number of working days (Case.due_workdays), and the change is noted on its timeline.
A date someone set by hand is theirs and stays; closed cases keep the date they were closed against.
"""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from cases import events
from cases.models import Case
from cases.services import LOCKED
from committee.scoping import committee_scope, unscoped
from common.workdays import add_workdays
from holidays import calendar
from holidays.calendar import forget_entered_days


def _counted_over(years: list[int]):
    """Open cases whose counted days may reach into these years: logged before the last one ended
    (a reopened case's count starts later still), due on or after the first one began (a count that
    ends before a year cannot change with it)."""
    ends = timezone.make_aware(datetime.datetime(max(years) + 1, 1, 1))
    return Case.objects.filter(
        status__in=Case.OPEN_STATUSES,
        due_workdays__isnull=False,
        due_date__gte=datetime.date(min(years), 1, 1),
        created_at__lt=ends,
    )


def recount(years: Iterable[int]) -> int:
    """Count again the due dates that these years' holidays decide; returns how many moved. Each
    committee in its own scope and transaction; running it twice moves nothing the second time."""
    years = sorted(set(years))
    if not years:
        return 0
    forget_entered_days()  # the schedule as committed now, not as this process last read it
    with unscoped():  # the years are the whole deployment's: find the committees, then work each in its scope
        committee_ids = list(
            _counted_over(years).values_list("committee_id", flat=True).order_by("committee_id").distinct()
        )
    moved = 0
    for committee_id in committee_ids:
        with committee_scope([committee_id]), transaction.atomic():
            moved += _recount_committee(committee_id, years)
    return moved


def _recount_committee(committee_id: int, years: list[int]) -> int:
    cases = (
        _counted_over(years)
        .filter(committee_id=committee_id)
        .select_for_update()
        .only(*LOCKED, "due_workdays", "due_counted_from")
        .order_by("pk")
    )
    moved = 0
    # The system's correction, not a person's action: noted on the timeline, told to nobody (the
    # morning list already reads the new date).
    with events.history():
        for case in cases:
            start = case.due_counted_from or timezone.localdate(case.created_at)
            due = add_workdays(start, case.due_workdays)
            if due == case.due_date:
                continue
            before, case.due_date = case.due_date, due
            case.version += 1  # an edit form opened before this is refused, not saved over it
            case.save(update_fields=["due_date", "version", "updated_at"])
            payload = events.DueRecounted(before=str(before), after=str(due), years=tuple(years))
            events.record(case, payload, actor=None)
            moved += 1
    return moved


DAY_OFF = _(
    "The due date %(day)s is a day off (%(why)s). It is saved as set; if it should be a working day, "
    "the next one is %(next)s."
)
# Before a year's schedule is entered, the next working day by Monday to Friday and the law's days
# may still be one the notice bridges (the days after 1–3 October), or a weekend it has worked: said
# as provisional, as the due dates counted over such a year are (review 8, item 8).
DAY_OFF_UNSETTLED = _(
    "The due date %(day)s is a day off (%(why)s). It is saved as set; if it should be a working day, "
    "the next one is provisionally %(next)s (the State Council's notice may add days off and working "
    "weekends)."
)
BY_LAW = _("%(name)s, a public holiday by law; %(year)s's holiday schedule is not entered yet")
NOT_ENTERED = _("%(name)s; %(year)s's holiday schedule is not entered yet")


def day_off_warning(day: datetime.date | None) -> str | None:
    """What to tell whoever set a due date by hand on a day off, or None.

    The date is kept as set, not moved to the next working day nor refused: a date typed by hand is
    a decision (the resident asked for Saturday, when they are at home; a 12345 work order's own
    deadline; the day a contractor comes; a committee works weekends around holidays), and moving it
    would silently break what was arranged. But a day picked on a phone's calendar lands on a
    holiday unnoticed, so they are told, with the next working day, should they have meant one. A
    date counted from the category is a working day already. In a year not entered, the law's days
    are named (元旦, 春节, 清明, 劳动节, 端午, 中秋, 国庆: holidays.calendar.by_law_holidays) and the
    next working day is said as provisional."""
    if day is None:
        return None
    off = calendar.day_off(day)
    if off is None:
        return None
    following = calendar.next_workday(day)
    if off.by_law_only:
        why = BY_LAW % {"name": off.name, "year": day.year}
    else:
        why = off.name or WEEKDAYS[day.weekday()]
        if not calendar.has_schedule(day.year):
            why = NOT_ENTERED % {"name": why, "year": day.year}
    said = DAY_OFF_UNSETTLED if calendar.unsettled_years(day, following) else DAY_OFF
    return said % {"day": day.isoformat(), "why": why, "next": following.isoformat()}
