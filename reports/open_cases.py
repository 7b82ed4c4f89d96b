"""Counters of a committee's open cases, kept by the writes of cases, so that the dashboard's workload
table (open, overdue and resolved this month per assignee), its open cases by status and its
headline's open and overdue read a few rows (reports.models.OpenCount) instead of counting every
open case: 21 ms from a covering index for the bench's 69,610 open cases at 300,000, and growing
with the committee, against well under a millisecond for the counters' rows at any size. The same
rows added up without assignee, status and author (reports.models.OpenTotal, each committee's total
and its open cases per due date) give the street's and the district's overviews open and overdue
from a few rows per committee: summing the counters of a district's 300 committees took 6–8 ms.

Kept current in the transaction that changes a case: Case's pre_save (reports/rollup.py
case_saving, which also keeps the rollup's current month) hands this module the case's state
before and after, and the difference is added to the rows (+1 to the new row, -1 to the old one,
F() increments). Every writer of a committee's counters first takes the row lock of the
committee's current month in the rollup (rollup._mark), so that a change and the nightly recount
never interleave. The nightly `recount_open_cases` (reports/tasks.py) counts them again from the
cases, so that a change written around Case.save (a bulk load, an UPDATE by hand) heals overnight;
a bulk load calls `recount` itself.

Overdue is "due before today", a moving line: an open row keeps its due date. The recount writes
every past due date as the day before it (overdue whatever day reads it), so the rows do not
accumulate a row per day: they stay about (assignees + 1) x statuses x the days still to come.
"""

import datetime as dt
import functools
from collections import Counter

from django.db import models, transaction
from django.db.models import CharField, Count, DateField, F, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases.models import Case
from committee.roles import Perm
from committee.scoping import InIds, committee_scope, unscoped, visible_committee_ids
from common.counters import add_to_row
from common.kept import Kept
from reports.models import OpenCount, OpenTotal
from reports.unions import Compiled, compile_branch

OPEN = frozenset(Case.OPEN_STATUSES)

# What a case's state must hold for its counts (attribute names of Case).
STATE = ("status", "assignee_id", "sensitive", "created_by_id", "due_date", "resolved_at")


def _first_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _keys(state: dict | None, month: dt.date) -> list[tuple]:
    """The rows a case in this state counts in: its open row, and its resolved row when it was
    resolved in `month` (the current month)."""
    if state is None:
        return []
    # Who may see a sensitive case besides the secretary and its assignee: whoever logged it.
    author = state["created_by_id"] if state["sensitive"] else None
    keys = []
    if state["status"] in OPEN:
        keys.append(
            (state["assignee_id"], str(state["status"]), state["sensitive"], author, state["due_date"], None)
        )
    resolved = state["resolved_at"]
    if resolved is not None and _first_of(timezone.localdate(resolved)) == month:
        keys.append((state["assignee_id"], "", state["sensitive"], author, None, month))
    return keys


_FIELDS = ("assignee_id", "status", "sensitive", "created_by_id", "due_date", "month")


def changes(before: dict | None, after: dict | None, month: dt.date) -> list[tuple[dict, int]]:
    """(row, how much to add) for a case going from `before` to `after` (None: not there)."""
    counts: Counter = Counter()
    for key in _keys(after, month):
        counts[key] += 1
    for key in _keys(before, month):
        counts[key] -= 1
    return [(dict(zip(_FIELDS, key, strict=True)), n) for key, n in counts.items() if n]


def totals(counts) -> Counter:
    """OpenTotal's rows (sensitive, due date or None for every due date) → n, from OpenCount's
    rows or changes ((row as a dict, n)): the open rows added up without assignee, status and author."""
    added: Counter = Counter()
    for key, n in counts:
        if key["month"] is None:
            added[key["sensitive"], None] += n
            added[key["sensitive"], key["due_date"]] += n
    return added


def apply(committee_id: int, changed: list[tuple[dict, int]]) -> None:
    """Add the changes to the committee's rows, OpenCount's and OpenTotal's (the caller holds the
    committee's lock). One UPDATE per row changed, an INSERT after it when the row is new: a case
    that changes status or assignee only leaves OpenTotal as it was."""
    for key, n in changed:
        add_to_row(OpenCount, {"committee_id": committee_id, **key}, {"n": n})
    for (sensitive, due_date), n in totals(changed).items():
        if n:
            key = {"committee_id": committee_id, "sensitive": sensitive, "due_date": due_date}
            add_to_row(OpenTotal, key, {"n": n})


def _visible_to(committee_ids, managed, user_id: int | None) -> Q:
    if set(managed) >= set(committee_ids):
        return Q()
    allowed = Q(sensitive=False) | Q(InIds("committee_id", managed))
    if user_id is not None:
        allowed |= Q(assignee_id=user_id) | Q(created_by_id=user_id)
    return allowed


def overview_branches(access, committee_ids, today: dt.date) -> dict[str, tuple]:
    """Open and overdue per committee for the street's and the district's overviews, as branches of
    their UNION ALL (reports/overview_union.py compile_overview; each (rows, given, aggregates), "open" and
    "overdue" summed per committee_id): "open" from OpenTotal, its totals and past due dates only
    (the sensitive rows where this reader sees every sensitive case: visible_cases' rule), and
    "open_own" the reader's own sensitive cases elsewhere (as assignee or author), from OpenCount.
    A committee's figures are the two branches' rows added up."""
    managed = set(access.committees_where(Perm.MANAGE_CASES)) & set(committee_ids)
    given = {"committee_id": F("committee_id")}
    rows = OpenTotal.objects.filter(InIds("committee_id", committee_ids))
    rows = rows.filter(Q(due_date__isnull=True) | Q(due_date__lt=today))
    if not managed >= set(committee_ids):
        rows = rows.filter(Q(sensitive=False) | Q(InIds("committee_id", managed)))
    branches = {
        "open": (
            rows,
            given,
            {
                "open": Coalesce(Sum("n", filter=Q(due_date__isnull=True)), 0),
                "overdue": Coalesce(Sum("n", filter=Q(due_date__lt=today)), 0),
            },
        )
    }
    others = [cid for cid in committee_ids if cid not in managed]
    if others and access.user.pk is not None:
        own = OpenCount.objects.filter(
            Q(assignee_id=access.user.pk) | Q(created_by_id=access.user.pk),
            InIds("committee_id", others),
            sensitive=True,
            month__isnull=True,
        )
        branches["open_own"] = (
            own,
            given,
            {"open": Sum("n"), "overdue": Coalesce(Sum("n", filter=Q(due_date__lt=today)), 0)},
        )
    return branches


def queue_counts(access, working: list[int]) -> dict[str, int]:
    """The worker's home: {"my_count": my open cases, "unassigned_count": the open cases nobody
    has in the committees where I work}, of the cases I may see (my_queue's and unassigned's rows
    in cases/selectors.py, counted). One query over the counters' rows (a few hundred), added up
    here: compiling two filtered sums cost more in Python than reading the rows."""
    rows = _queue_counts_kept(
        OpenCount.objects.db,
        visible_committee_ids("OpenCount"),
        access.user.pk,
        tuple(sorted(set(access.committees_where(Perm.MANAGE_CASES)) & set(working))),
        tuple(sorted(working)),
    )
    counts = {"my_count": 0, "unassigned_count": 0}
    for assignee_id, n in rows.rows():
        counts["unassigned_count" if assignee_id is None else "my_count"] += n
    return counts


@functools.lru_cache(maxsize=512)
def _queue_counts_kept(
    using: str,
    scope: frozenset[int] | None,
    user_id: int | None,
    managed: tuple[int, ...],
    working: tuple[int, ...],
) -> Kept:
    """queue_counts' query for the database `using` under the committee scope `scope`, for the
    reader `user_id` who manages the cases of `managed` of the committees `working`, compiled once
    (a function of these arguments only)."""
    with committee_scope(scope) if scope is not None else unscoped():
        visible = _visible_to(working, managed, user_id)
        unassigned = Q(assignee__isnull=True, committee_id__in=working) & visible
        rows = OpenCount.objects.using(using).filter(Q(assignee_id=user_id) | unassigned, month__isnull=True)
        return Kept(rows.values_list("assignee_id", "n").order_by())


WORKLOAD_COLUMNS = {"assignee_id": IntegerField(), "status": CharField()}


def workload_branch(access, committee_id: int, today: dt.date) -> Compiled | None:
    """The dashboard's workload from the counters, as a branch of its UNION ALL (reports/unions.py,
    WORKLOAD_COLUMNS), kind "workload": per assignee and status, open, overdue and resolved in
    today's month (resolved_in_month). The rows of reports.workload.workload, but for the assignees'
    names (cases/reference.py: cached). Compiled once for each set of what its SQL depends on
    (_workload_compiled)."""
    managed = committee_id in access.committees_where(Perm.MANAGE_CASES)
    return _workload_compiled(
        OpenCount.objects.db,
        visible_committee_ids("OpenCount"),
        timezone.get_current_timezone_name(),
        committee_id,
        managed,
        access.user.pk,
        today,
    )


@functools.lru_cache(maxsize=512)
def _workload_compiled(
    using: str,
    scope: frozenset[int] | None,
    zone: str,
    committee_id: int,
    managed: bool,
    user_id: int | None,
    today: dt.date,
) -> Compiled | None:
    """workload_branch, compiled for the database `using`, under the committee scope `scope` and the
    time zone `zone`, for a reader who sees every sensitive case of the committee (`managed`) or not
    (then user `user_id`'s own count too). Its SQL and parameters are a function of these arguments
    and of nothing else, so the branch compiled for one request is kept for the next with the same
    (as reports.rollup_reads._closed_compiled; tests/reports/test_open_cases.py)."""
    with committee_scope(scope) if scope is not None else unscoped(), timezone.override(zone):
        month = _first_of(today)
        visible = _visible_to([committee_id], [committee_id] if managed else [], user_id)
        rows = OpenCount.objects.using(using).filter(visible, committee_id=committee_id)
        rows = rows.filter(Q(month__isnull=True) | Q(month=month))
        opened = Q(month__isnull=True)
        return compile_branch(
            "workload",
            rows,
            {"assignee_id": F("assignee_id"), "status": F("status")},
            {
                "open": Coalesce(Sum("n", filter=opened), 0),
                "overdue": Coalesce(Sum("n", filter=opened & Q(due_date__lt=today)), 0),
                # (Not "resolved": the dashboard's union has a column of that name, the day resolved.)
                "resolved_in_month": Coalesce(Sum("n", filter=Q(month=month)), 0),
            },
        )


def _counted(committee_id: int, today: dt.date) -> dict[tuple, int]:
    """The counts as the cases give them: row key → n (past due dates on the day before today)."""
    month = _first_of(today)
    yesterday = today - dt.timedelta(days=1)
    cases = Case.objects.filter(committee_id=committee_id)
    author = models.Case(
        models.When(sensitive=True, then=F("created_by_id")), default=None, output_field=IntegerField()
    )
    past = models.When(due_date__lt=today, then=Value(yesterday))
    due = models.Case(past, default=F("due_date"), output_field=DateField())
    counted = {}
    open_rows = (
        cases.filter(status__in=OPEN)
        .values("assignee_id", "status", "sensitive", author_id=author, due=due)
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in open_rows:
        key = (row["assignee_id"], row["status"], row["sensitive"], row["author_id"], row["due"], None)
        counted[key] = row["n"]
    start = timezone.make_aware(dt.datetime.combine(month, dt.time.min))
    end = timezone.make_aware(
        dt.datetime.combine((month + dt.timedelta(days=32)).replace(day=1), dt.time.min)
    )
    resolved_rows = (
        cases.filter(resolved_at__gte=start, resolved_at__lt=end)
        .values("assignee_id", "sensitive", author_id=author)
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in resolved_rows:
        counted[row["assignee_id"], "", row["sensitive"], row["author_id"], None, month] = row["n"]
    return counted


def _totals_as_counted(counted: dict[tuple, int]) -> Counter:
    """OpenTotal's rows as the recount writes them (its counted OpenCount rows added up), 0 left out."""
    rows = ((dict(zip(_FIELDS, key, strict=True)), n) for key, n in counted.items())
    return Counter({key: n for key, n in totals(rows).items() if n})


def _kept(committee_id: int, today: dt.date) -> dict[tuple, int]:
    """The counters as kept, in the recount's terms (past due dates on the day before today; the
    resolved rows of earlier months left out: nothing reads them)."""
    month, yesterday = _first_of(today), today - dt.timedelta(days=1)
    kept: Counter = Counter()
    for row in OpenCount.objects.filter(committee_id=committee_id).values(*_FIELDS, "n"):
        if row["month"] is not None and row["month"] != month:
            continue
        due = row["due_date"]
        due = yesterday if due is not None and due < today else due
        kept[
            row["assignee_id"], row["status"], row["sensitive"], row["created_by_id"], due, row["month"]
        ] += row["n"]
    return {key: n for key, n in kept.items() if n}


def recount(committee_id: int, today: dt.date | None = None) -> bool:
    """Count the committee's open cases (and this month's resolved ones) again from the cases and
    write the counters anew; True when the kept counts were wrong. Run inside a scope that sees
    the committee (the nightly task: committee_scope)."""
    from reports.rollup import lock_current_month  # the rollup imports this module

    today = today or timezone.localdate()
    with transaction.atomic():
        # Changes to the committee's cases wait (their counts too) until the new rows are written.
        lock_current_month(committee_id)
        counted = _counted(committee_id, today)
        counted_totals = _totals_as_counted(counted)
        stored_totals = list(
            OpenTotal.objects.filter(committee_id=committee_id).values_list("sensitive", "due_date", "n")
        )
        totals_drifted = _folded_totals(stored_totals, today) != counted_totals
        drifted = _kept(committee_id, today) != counted or totals_drifted
        # Rows exactly as counted (right, folded, no rows of earlier months or of 0): nothing to
        # write. Rewritten anyway, a district's 27,000 counter rows were left dead every night, and
        # the overviews' sum over the counters read their pages until a VACUUM (bench_district
        # recounts on every run: the table grew from 2 to 15 MB in six runs).
        stored = Counter(OpenCount.objects.filter(committee_id=committee_id).values_list(*_FIELDS, "n"))
        if stored != Counter((*key, n) for key, n in counted.items()):
            OpenCount.objects.filter(committee_id=committee_id).delete()
            OpenCount.objects.bulk_create(
                OpenCount(committee_id=committee_id, n=n, **dict(zip(_FIELDS, key, strict=True)))
                for key, n in counted.items()
            )
        if Counter(stored_totals) != Counter((*key, n) for key, n in counted_totals.items()):
            OpenTotal.objects.filter(committee_id=committee_id).delete()
            OpenTotal.objects.bulk_create(
                OpenTotal(committee_id=committee_id, sensitive=sensitive, due_date=due_date, n=n)
                for (sensitive, due_date), n in counted_totals.items()
            )
    return drifted


def _folded_totals(rows, today: dt.date) -> Counter:
    """OpenTotal's rows ((sensitive, due date, n)) in the recount's terms (past due dates on the day
    before today), 0 left out."""
    yesterday = today - dt.timedelta(days=1)
    kept: Counter = Counter()
    for sensitive, due, n in rows:
        kept[sensitive, yesterday if due is not None and due < today else due] += n
    return Counter({key: n for key, n in kept.items() if n})
