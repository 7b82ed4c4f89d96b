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
from urllib.parse import urlencode

from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Referral
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


def _due(case: Case) -> dict:
    """A reminder's due date, and whether it is provisional: counted over a year whose holidays are
    not entered (Case.due_unsettled_years, as the case page and the rows say). Kept as it was when
    told: the date the sentence gives is the one counted then, which the year's entry may move."""
    return {"date": str(case.due_date), **({"provisional": True} if case.due_unsettled_years() else {})}


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
            _case_row(case.assignee_id, K.DUE_SOON, f"due:{case.pk}:{case.due_date}", case, **_due(case))
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
                **_due(case),
            )
        )

    # Outside bodies' replies past their date, only for open cases (nobody chases a reply for a case
    # resolved, withdrawn or closed). Counted in the morning list every working day while late: each
    # assignee's theirs, the secretary's the committee's (set below). Told one by one only on the
    # morning its date has just passed (since the last working day), to the assignee: the key holds
    # the date, so a new date promised when the body is chased (cases/services/work.py chase) is told
    # again once it passes. One notice for every late referral, every morning, was a first morning of
    # ten "has not replied" lines for one worker (review 6, findings 5 and 12).
    late = Referral.objects.filter(Referral.late(today), committee_id=committee_id)
    late_total = 0
    for user_id, n in late.values_list("case__assignee").annotate(n=Count("pk")).order_by():
        late_total += n
        if user_id in staff:
            digest[user_id]["late_replies"] = n
    newly_late_replies = late.filter(
        reply_expected_by__gte=previous_workday(today), case__assignee__in=staff
    ).select_related("case", "body")
    for referral in newly_late_replies:
        case = referral.case
        params = {
            "body": referral.body.name,
            "body_en": referral.body.name_en,
            "date": str(referral.reply_expected_by),
        }
        key = f"late:{referral.pk}:{referral.reply_expected_by}"
        rows.append(_case_row(case.assignee_id, K.REPLY_LATE, key, case, **params))

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
    # No "newly assigned" figure: each assignment is told at once, in its own notice (services.py),
    # and the morning list said it again the next morning (review 6, finding 12); the case is in the
    # reader's own open cases, which the list opens.
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
            digest[user_id]["late_replies"] = late_total

    for user_id, counts in digest.items():
        counts = +counts  # drop the zeros
        if counts:
            links = figure_links(
                counts,
                user_id=user_id,
                committee_id=committee_id,
                secretary=user_id in secretaries,
                several=user_id in elsewhere,
                today=today,
                week_end=week_end,
            )
            rows.append(
                Notification(
                    recipient_id=user_id,
                    kind=K.DIGEST,
                    key=f"digest:{committee_id}:{today}",
                    params={**counts, **named(user_id), "links": links},
                    url=_main_link(
                        counts,
                        links,
                        user_id=user_id,
                        committee_id=committee_id if user_id in elsewhere else None,
                        secretary=user_id in secretaries,
                    ),
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


# The morning list's figures in the order its sentence says them (notifications/sentences.py).
FIGURES = ("due_today", "overdue", "visits", "unassigned", "late_replies", "follow_ups")


def figure_links(
    counts: Counter[str],
    *,
    user_id: int,
    committee_id: int,
    secretary: bool,
    several: bool,
    today: datetime.date,
    week_end: datetime.date,
) -> dict[str, str]:
    """Each figure of a morning list → the list that holds what it counts, as many rows as the
    figure on its day (tests/notifications/test_morning_links.py): the case list's filters
    (cases/filters.py), the late referrals' list of the committee (reports/views.py, ?assignee=)
    and the care roster (residents/filters.py, ?due_by=). A secretary's overdue, unassigned, late
    replies and follow-ups are the committee's; the rest are the reader's own. Someone with posts in
    several committees has each list kept to this committee's (the roster's too: its visits are
    counted per committee)."""

    def cases(**params) -> str:
        return _list_url("cases:list", params, committee_id if several else None)

    late = reverse("reports:late_referrals", args=[committee_id])
    links = {
        "due_today": cases(status="open", assignee=user_id, due_from=today, due_to=today),
        "overdue": cases(overdue=1) if secretary else cases(assignee=user_id, overdue=1),
        "visits": _list_url(
            "residents:roster", {"worker": "me", "due_by": week_end}, committee_id if several else None
        ),
        "unassigned": cases(status="open", assignee="none"),
        "late_replies": late if secretary else f"{late}?{urlencode({'assignee': user_id})}",
        "follow_ups": cases(follow_up="due"),
    }
    return {name: links[name] for name in FIGURES if counts.get(name)}


def _list_url(name: str, params: dict, committee_id: int | None) -> str:
    """A list (the case list, the care roster) with these filters, kept to one committee (for
    someone with posts in several: both read the same `committee` parameter)."""
    if committee_id is not None:
        params = {**params, "committee": committee_id}
    return f"{reverse(name)}?{urlencode(params)}"


def _main_link(
    counts: Counter[str], links: dict[str, str], *, user_id: int, committee_id: int | None, secretary: bool
) -> str:
    """Where the morning list as a whole leads (its e-mail's and WeCom post's link): the reader's own
    work, not every open case of the committee (review 6, finding 4). A secretary's overdue are the
    committee's: that list; a worker's cases due today or overdue: their own open cases, the overdue
    first (the list's order); otherwise the first figure's list. `committee_id`: for someone with
    posts in several committees, the one the list is about."""
    if secretary and "overdue" in links:
        return links["overdue"]
    if not secretary and ("overdue" in links or "due_today" in links):
        return _list_url("cases:list", {"assignee": user_id, "status": "open"}, committee_id)
    return next(iter(links.values()))


def _dedup(rows: list[Notification]) -> list[Notification]:
    seen: set[tuple[int, str]] = set()
    unique = []
    for row in rows:
        if (row.recipient_id, row.key) not in seen:
            seen.add((row.recipient_id, row.key))
            unique.append(row)
    return unique
