"""The morning run on working days: per-case reminders and each person's morning list (digest).

Runs once a day from the scheduler (notifications.tasks.morning_reminders). On a day off (a Sunday,
a public holiday; a make-up working Saturday is a working day) it does nothing at all. It works
committee by committee, each in its own scope, with a fixed number of queries per committee however
many people or cases it has: counts are grouped by person, notifications written in one insert that
skips what was already told (so running it twice, or retrying it, tells nobody twice). Each
committee's morning is one transaction: a run that dies part-way leaves none of that committee's
notifications without their e-mail and WeCom post, and its retry tells and sends them.
"""

import datetime
from collections import Counter, defaultdict

from django.db import transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseEvent, Referral
from committee.models import Committee, Membership, StreetOfficer
from committee.roles import Role
from committee.scoping import committee_scope, unscoped
from common.workdays import is_workday
from notifications import delivery
from notifications.models import Notification
from notifications.services import case_url
from residents.selectors import care_roster

K = Notification.Kind


def next_workday(day: datetime.date) -> datetime.date:
    day += datetime.timedelta(days=1)
    while not is_workday(day):
        day += datetime.timedelta(days=1)
    return day


def previous_workday(day: datetime.date) -> datetime.date:
    day -= datetime.timedelta(days=1)
    while not is_workday(day):
        day -= datetime.timedelta(days=1)
    return day


def morning(today: datetime.date) -> dict[str, int]:
    """Send the morning's reminders and digests. Returns how many notifications of each kind were new."""
    if not is_workday(today):
        return {}
    with unscoped():  # the job serves every committee; each is then worked in its own scope
        committees = list(Committee.objects.order_by("pk").values_list("pk", "name"))
    sent: Counter[str] = Counter()
    for committee_id, name in committees:
        with committee_scope([committee_id]), transaction.atomic():
            sent.update(_committee_morning(committee_id, name, today))
    if _first_workday_of_week(today):
        with transaction.atomic():  # as a committee's morning: no notice left without its e-mail
            sent.update(_street_week(today))
    return dict(sent)


def _first_workday_of_week(today: datetime.date) -> bool:
    monday = today - datetime.timedelta(days=today.weekday())
    return not any(is_workday(monday + datetime.timedelta(days=i)) for i in range(today.weekday()))


def _street_week(today: datetime.date) -> Counter[str]:
    """Street officers, on the week's first working day: each committee's overdue and unassigned, in
    the inbox and, for those who asked, by e-mail (about no one committee: never to a committee's
    WeCom group)."""
    officers = list(StreetOfficer.objects.filter(user__is_active=True).values_list("street_id", "user_id"))
    if not officers:
        return Counter()
    with unscoped():  # counts for every street with an officer; each officer gets only their own street's
        committees = {c.pk: c for c in Committee.objects.filter(street__in={s for s, _ in officers})}
        counts = {
            row["committee"]: row
            for row in Case.objects.filter(committee__in=committees, status__in=Case.OPEN_STATUSES)
            .values("committee")
            .annotate(
                overdue=Count("pk", filter=Q(due_date__lt=today)),
                unassigned=Count("pk", filter=Q(assignee__isnull=True)),
            )
            .order_by()
        }
    rows = []
    run_at = timezone.now()  # as in _committee_morning: the rows found with it are the new ones
    for street_id, user_id in officers:
        lines = [
            [c.name, counts.get(c.pk, {}).get("overdue", 0), counts.get(c.pk, {}).get("unassigned", 0)]
            for c in sorted(committees.values(), key=lambda c: c.name)
            if c.street_id == street_id
        ]
        rows.append(
            Notification(
                recipient_id=user_id,
                kind=K.STREET_WEEK,
                key=f"street:{street_id}:{today}",
                params={"committees": lines},
                url=reverse("dashboard"),
                created_at=run_at,
            )
        )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    new = list(Notification.objects.filter(kind=K.STREET_WEEK, created_at=run_at))
    delivery.queue(new, committee_id=None, batch=f"street-week:{today}")
    return Counter({K.STREET_WEEK: len(new)} if new else {})


def _case_row(user_id: int, kind: str, key: str, case: Case, **params) -> Notification:
    # Only members of the case's committee are told, and in these reminders they are its assignee or
    # its secretary: people who may see the case, sensitive or not.
    return Notification(
        recipient_id=user_id,
        kind=kind,
        key=key,
        params={"case": case.number, "title": case.title, **params},
        url=case_url(case.pk),
    )


def _committee_morning(committee_id: int, committee_name: str, today: datetime.date) -> Counter[str]:
    members = dict(
        Membership.objects.filter(committee_id=committee_id, user__is_active=True).values_list(
            "user_id", "role"
        )
    )
    # Who holds a post in another committee too: they get a morning list (and visits) from each, so
    # those are keyed by committee and say which committee they are about.
    elsewhere = set(
        Membership.objects.filter(user__in=list(members))
        .exclude(committee_id=committee_id)
        .values_list("user_id", flat=True)
    )

    def named(user_id: int) -> dict:
        return {"committee": committee_name} if user_id in elsewhere else {}

    staff = {u for u, role in members.items() if role in (Role.SECRETARY, Role.WORKER)}
    secretaries = [u for u, role in members.items() if role == Role.SECRETARY]
    rows: list[Notification] = []
    digest: dict[int, Counter[str]] = defaultdict(Counter)

    open_cases = Case.objects.filter(committee_id=committee_id, status__in=Case.OPEN_STATUSES)
    # Due by the next working day (Friday tells of Monday), and overdue once: the first working day after.
    soon = open_cases.filter(assignee__in=staff, due_date__gt=today, due_date__lte=next_workday(today))
    for case in soon:
        rows.append(
            _case_row(
                case.assignee_id, K.DUE_SOON, f"due:{case.pk}:{case.due_date}", case, date=str(case.due_date)
            )
        )
    newly_late = open_cases.filter(
        assignee__in=staff, due_date__lt=today, due_date__gte=previous_workday(today)
    )
    for case in newly_late:
        rows.append(
            _case_row(
                case.assignee_id,
                K.OVERDUE,
                f"overdue:{case.pk}:{case.due_date}",
                case,
                date=str(case.due_date),
            )
        )

    # Outside bodies' replies past their date: the assignee at once, the secretary after a week. Only
    # for open cases: nobody chases a reply for a case resolved, withdrawn or closed.
    late = Referral.objects.filter(
        committee_id=committee_id,
        replied_on__isnull=True,
        reply_expected_by__lt=today,
        case_open=True,
    ).select_related("case", "body")
    week_ago = today - datetime.timedelta(days=7)
    for referral in late:
        case = referral.case
        params = {
            "body": referral.body.name,
            "body_en": referral.body.name_en,
            "date": str(referral.reply_expected_by),
        }
        if case.assignee_id in staff:
            rows.append(_case_row(case.assignee_id, K.REPLY_LATE, f"late:{referral.pk}", case, **params))
        if referral.reply_expected_by <= week_ago:
            for user_id in secretaries:
                rows.append(_case_row(user_id, K.REPLY_LATE, f"late:{referral.pk}", case, **params))
        for user_id in secretaries:
            digest[user_id]["late_replies"] += 1

    # Care-roster visits due by the end of the week, to the worker of the resident's grid.
    week_end = today + datetime.timedelta(days=6 - today.weekday())
    visits = (
        care_roster([committee_id])
        .filter(next_visit_due__lte=week_end, household__building__grid__worker__in=staff)
        .values_list("household__building__grid__worker")
        .annotate(n=Count("pk"))
        .order_by()
    )
    # Told in the morning list only: a notice of its own besides said the same figure twice on the
    # week's first morning (K.VISITS_DUE is kept for the rows written before).
    for worker_id, n in visits:
        digest[worker_id]["visits"] = n

    # Each person's counts, grouped by assignee in one query.
    by_assignee = (
        open_cases.filter(assignee__in=staff)
        .values_list("assignee")
        .annotate(
            due_today=Count("pk", filter=Q(due_date=today)),
            overdue=Count("pk", filter=Q(due_date__lt=today)),
        )
        .order_by()
    )
    # Each figure is set, never added to (Counter.update adds): a secretary's overdue is the
    # committee's, set below in place of her own, as the dashboard and the case list count it.
    for user_id, due_today, overdue in by_assignee:
        digest[user_id]["due_today"] = due_today
        digest[user_id]["overdue"] = overdue
    since = previous_workday(today)  # assigned since the last morning list
    # Assigned, taken, or logged for someone else (a case logged for oneself is known to them).
    given = Q(kind=CaseEvent.Kind.ASSIGNED) | (
        Q(kind=CaseEvent.Kind.CREATED, data__has_key="assignee") & ~Q(actor=F("case__assignee"))
    )
    assigned = (
        CaseEvent.objects.filter(
            given,
            committee_id=committee_id,
            at__date__gte=since,
            at__date__lte=today,
            case__assignee__in=staff,
        )
        .values_list("case__assignee")
        .annotate(n=Count("case", distinct=True))
        .order_by()
    )
    for user_id, n in assigned:
        digest[user_id]["assigned"] = n
    if secretaries:
        totals = open_cases.aggregate(
            unassigned=Count("pk", filter=Q(assignee__isnull=True)),
            overdue=Count("pk", filter=Q(due_date__lt=today)),
        )
        follow_ups = Case.objects.filter(
            committee_id=committee_id, status=Case.Status.RESOLVED, satisfaction=""
        ).count()
        for user_id in secretaries:
            digest[user_id]["unassigned"] = totals["unassigned"]
            digest[user_id]["overdue"] = totals["overdue"]
            digest[user_id]["follow_ups"] = follow_ups

    for user_id, counts in digest.items():
        counts = +counts  # drop the zeros
        if counts:
            # A list of visits alone leads to the roster, where they are; any other to the cases.
            url = reverse("residents:roster") if set(counts) == {"visits"} else reverse("cases:list")
            rows.append(
                Notification(
                    recipient_id=user_id,
                    kind=K.DIGEST,
                    key=f"digest:{committee_id}:{today}",
                    params={**counts, **named(user_id)},
                    url=url,
                )
            )
    rows = _dedup(rows)
    # One timestamp for the run's rows: those it finds afterwards with it are the ones it added (a
    # conflict, told on an earlier run, keeps its own), and only those go out by e-mail and WeCom.
    run_at = timezone.now()
    for row in rows:
        row.created_at = run_at
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    if not rows:
        return Counter()
    # bulk_create returns every row given, told before or not: count and send only the new ones.
    new = list(Notification.objects.filter(recipient__in=list(members), created_at=run_at))
    delivery.queue(new, committee_id=committee_id, batch=f"morning:{committee_id}:{today}")
    return Counter(n.kind for n in new)


def _dedup(rows: list[Notification]) -> list[Notification]:
    seen: set[tuple[int, str]] = set()
    unique = []
    for row in rows:
        if (row.recipient_id, row.key) not in seen:
            seen.add((row.recipient_id, row.key))
            unique.append(row)
    return unique
