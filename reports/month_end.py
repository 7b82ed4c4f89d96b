"""A month's figures as at its last day, for the monthly summary: the care roster's rate, the cases
overdue and the referrals late (review 9, finding 10).

The current month is read live, as at today, as the dashboard reads it. A month that has ended is
read from its MonthEnd rows (reports/models.py), written the first time it is asked for: from the
history the records keep (cases open at the end of that day by their logged, resolved and closed
times; each resident's latest visit on or before it), not from how things stand today, so that
October's summary does not list a case logged in November. Once written they are read as written:
a summary printed again later gives the same figures, however the registry and the cases have
changed since. (A case reopened after the day, or a due date recounted since, is read as it stands
when the month is first summarised: the records keep no older status or due date.)
"""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet

from cases.models import Case, Referral
from cases.selectors import visible_cases
from committee.scoping import InIds
from reports.figures import Period, add_months, late_referrals, start_of
from reports.forms import Choice
from reports.models import MonthEnd
from reports.roster import roster_counts
from residents.care import next_due, shortest_cadence_sql
from residents.models import Resident


@dataclass
class AsAt:
    day: dt.date
    is_today: bool  # the current month: as at today, read live
    roster_size: int
    roster_on_cadence: int
    overdue: QuerySet[Case]  # those the reader may see, longest overdue first
    late_referrals: int


def figures(choice: Choice, access, today: dt.date) -> AsAt:
    if choice.month_end >= today:
        roster = roster_counts(choice.committee_ids, today)
        overdue = visible_cases(
            access, Case.objects.filter(InIds("committee_id", choice.committee_ids))
        ).filter(status__in=Case.OPEN_STATUSES, due_date__lt=today)
        return AsAt(
            day=today,
            is_today=True,
            roster_size=sum(r.size for r in roster.values()),
            roster_on_cadence=sum(r.on_cadence for r in roster.values()),
            overdue=overdue.order_by("due_date", "pk"),
            late_referrals=late_referrals(choice.committee_ids, Period(today), access).count(),
        )
    rows = month_end_rows(choice.committee_ids, choice.month)
    case_ids = [pk for row in rows for pk in row.overdue_cases]
    referral_ids = [pk for row in rows for pk in row.late_referrals]
    visible = visible_cases(access, Case.objects.filter(InIds("committee_id", choice.committee_ids)))
    return AsAt(
        day=choice.month_end,
        is_today=False,
        roster_size=sum(row.roster_size for row in rows),
        roster_on_cadence=sum(row.roster_on_cadence for row in rows),
        overdue=visible.filter(pk__in=case_ids).order_by("due_date", "pk"),
        late_referrals=Referral.objects.filter(pk__in=referral_ids, case__in=visible).count(),
    )


def overdue_at(committee_ids: list[int], month: dt.date) -> list[int]:
    """The ids of the cases overdue at the end of `month` (its first day) in these committees, as its
    summary counted them: what the case list's overdue_at filter shows."""
    return [pk for row in month_end_rows(committee_ids, month) for pk in row.overdue_cases]


def month_end_rows(committee_ids: list[int], month: dt.date) -> list[MonthEnd]:
    """Each committee's MonthEnd row of an ended month, written where missing."""
    rows = {
        row.committee_id: row for row in MonthEnd.objects.filter(committee_id__in=committee_ids, month=month)
    }
    for committee_id in committee_ids:
        if committee_id not in rows:
            rows[committee_id] = _write(committee_id, month)
    return [rows[cid] for cid in committee_ids]


def _write(committee_id: int, month: dt.date) -> MonthEnd:
    day = add_months(month, 1) - dt.timedelta(days=1)
    size, on_cadence = _roster_on(committee_id, day)
    open_cases = _open_on(committee_id, day)
    overdue = list(
        open_cases.filter(due_date__lt=day).order_by("due_date", "pk").values_list("pk", flat=True)
    )
    late = Referral.all_objects.filter(
        committee_id=committee_id, sent_on__lte=day, reply_expected_by__lt=day, case__in=open_cases
    ).exclude(replied_on__lte=day)
    row = MonthEnd(
        committee_id=committee_id,
        month=month,
        as_at=day,
        roster_size=size,
        roster_on_cadence=on_cadence,
        overdue_cases=overdue,
        late_referrals=list(late.order_by("pk").values_list("pk", flat=True)),
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:  # written meanwhile by another request: theirs is the one kept
        return MonthEnd.objects.get(committee_id=committee_id, month=month)
    return row


def _open_on(committee_id: int, day: dt.date) -> QuerySet[Case]:
    """The committee's cases (sensitive or not) logged by the end of `day` and not yet resolved or
    closed then."""
    end = start_of(day + dt.timedelta(days=1))
    return (
        Case.all_objects.filter(committee_id=committee_id, created_at__lt=end)
        .exclude(resolved_at__lt=end)
        .exclude(closed_at__lt=end)
    )


def _roster_on(committee_id: int, day: dt.date) -> tuple[int, int]:
    """The care roster on `day` (registered by then, not yet moved out or deceased, in a category
    with a cadence) and how many of them were on cadence: their next visit, counted from their
    latest visit on or before that day (residents.care.next_due), not due before it."""
    end = start_of(day + dt.timedelta(days=1))
    rows = (
        Resident.all_objects.filter(committee_id=committee_id, created_at__lt=end)
        .filter(Q(archived="") | Q(archived_on__gt=day))
        .values("pk", "created_at")
        .annotate(
            cadence=shortest_cadence_sql(),
            last=Max("visits__visited_at", filter=Q(visits__visited_at__lt=end)),
        )
        .filter(cadence__isnull=False)
        .order_by()
    )
    size = on_cadence = 0
    for row in rows:
        size += 1
        if next_due(row["cadence"], row["last"], row["created_at"]) >= day:
            on_cadence += 1
    return size, on_cadence
