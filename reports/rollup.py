"""The dashboard's closed months, summarised once (reports.models.CaseRollup) instead of rescanned.

The dashboard and the street and district overviews read a committee's closed months (before the
current one) from the rollup and count only the current month live (reports/overviews.py,
reports/committee_figures.py). A month is
summarised the first time a page needs it, or by the nightly task (reports/tasks.py) before anyone
does; a change to a case of a closed month (a late follow-up call, a reopening, a corrected
category) marks its months stale (`case_saving`, from the Case's pre_save), and they are
summarised again when next needed. Summarising a month reads only that month's cases, through the
(committee, created_at), (committee, resolved_at) and (committee, last_called_on) indexes.

The current month is in the rollup too, for the committee dashboard: summarised once (the nightly
task, or the first view of the month), then every change of a case is added to its rows in the
transaction that makes it (`case_saving`: +1 to the case's new rows, -1 to its old ones), so that
the dashboard counts nothing of the month live (the bench's committee of 300,000 cases logs 12,500
a month). The street and district overviews still count the current month live. Whatever writes a
committee's kept counts (a change, a summary of the current month, the open-case counters' recount:
reports/open_cases.py) first locks the committee's current-month row (`lock_current_month`).

Rows hold every case; who may see what is applied when they are read (reports/rollup_reads.py).
What counts as satisfied (SATISFIED) and how months are counted (add_months, start_of) are the
figures' rules, owned by reports/figures.py: the rollup keeps what they count and never says them
a second way.
"""

import datetime as dt
import functools
from collections import defaultdict
from functools import reduce
from operator import or_

from django.db import connection, transaction
from django.db.models import Count, DateField, F, Q
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from cases.models import Case
from committee.scoping import InIds
from common import prepared
from common.bulk import insert_rows
from common.counters import add_to_row
from common.kept import Kept
from common.workdays import working_day_counts
from reports import open_cases
from reports.figures import SATISFIED, add_months, start_of
from reports.models import CaseRollup, RollupMonth


def first_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return add_months(month, 1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first days of the months from `first`'s up to, not including, `last`'s."""
    months, month = [], first_of(first)
    while month < first_of(last):
        months.append(month)
        month = next_month(month)
    return months


def as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _month_of(value: dt.datetime | dt.date | None) -> dt.date | None:
    return first_of(as_date(value)) if value else None


# --- Keeping it current ------------------------------------------------------------------------------

# The Case fields a figure in the rollup depends on (as attribute names, and as the field names a
# save's update_fields gives): a change to none of them changes no month.
TRACKED = (
    "created_at",
    "resolved_at",
    "last_called_on",
    "last_call_result",
    "sensitive",
    "category_id",
    "source",
    "building_id",
)
# The dates that put a case in a month's rows: logged, resolved, last called back.
DATES = ("created_at", "resolved_at", "last_called_on")
# And the open-case counters' (reports/open_cases.py): attribute name → field name.
STATE = {name: name.removesuffix("_id") for name in dict.fromkeys((*TRACKED, *open_cases.STATE))}
STATE_FIELDS = frozenset(STATE.values())


def case_saving(case: Case, update_fields=None) -> None:
    """A case is about to be saved, in the transaction of the service saving it: mark stale the
    closed months it counted in before and will count in after (its months logged and resolved),
    and add the change to the current month's rollup rows and to the open-case counters
    (reports/open_cases.py). Nothing when the save touches none of their fields (a note); else
    the months' rows first (one upsert, which also locks the committee's current month: see
    lock_current_month), then an UPDATE per row changed. One SELECT before it all when the case
    was read without the fields compared (the services lock a case reading only what they need)
    or is saved whole."""
    if update_fields is not None and not (set(update_fields) & STATE_FIELDS):
        return
    if case._state.adding or case.pk is None:
        _changed(case.committee_id, None, {name: getattr(case, name) for name in STATE})
        return
    loaded = getattr(case, "loaded_values", None) or {}
    deferred = case.get_deferred_fields()
    whole = update_fields is None
    written = [n for n, f in STATE.items() if (whole or f in update_fields) and n not in deferred]
    now = {name: getattr(case, name) for name in written}
    # A whole save (the admin's form, a script) writes back what it read, maybe before a service
    # changed the row: the state before is the row's, read again under its lock, not what it read.
    before = {} if whole else {name: loaded[name] for name in STATE if name in loaded}
    if not whole and all(name in before and before[name] == value for name, value in now.items()):
        return
    missing = [name for name in STATE if name not in before]
    if missing:
        rows = Case.all_objects.filter(pk=case.pk)
        if whole and connection.in_atomic_block:  # outside a transaction there is no lock to hold
            rows = rows.select_for_update()
        found = rows.values(*missing).first()
        if found is None:  # a pk given to a new case: the save inserts it
            _changed(case.committee_id, None, {name: getattr(case, name) for name in STATE})
            return
        before.update(found)
    after = {**before, **now}
    _changed(case.committee_id, before, after)
    # A second save of the same object compares with what this one writes.
    case.loaded_values = {**loaded, **after}


def case_deleted(case: Case) -> None:
    _changed(case.committee_id, {name: getattr(case, name) for name in STATE}, None)


def _changed(committee_id: int, before: dict | None, after: dict | None) -> None:
    current = first_of(timezone.localdate())
    counts = open_cases.changes(before, after, current)
    rows = _month_changes(before, after, current)
    stale: set = set()
    if before is None or after is None or any(before[n] != after[n] for n in TRACKED):
        stale = {_month_of(state[name]) for state in (before, after) if state for name in DATES}
    _mark(committee_id, stale, lock=bool(counts or rows))
    open_cases.apply(committee_id, counts)
    _apply_month(committee_id, current, rows)


def _month_rows(state: dict | None, month: dt.date) -> list[tuple]:
    """The current month's rollup rows a case in this state counts in: (row key, (n, called,
    satisfied)); the keys are summarise's columns (_created_rows, _resolved_rows, _called_rows)."""
    if state is None:
        return []
    rows, sensitive, building = [], state["sensitive"], state["building_id"]
    F_ = CaseRollup.Figure
    if _month_of(state["created_at"]) == month:
        rows.append(
            ((F_.CREATED.value, sensitive, state["category_id"], state["source"], None, None, None), 1)
        )
        rows.append(((F_.CREATED_TOTAL.value, sensitive, None, "", None, None, None), 1))
        if building is not None:
            rows.append(((F_.BUILDING.value, sensitive, state["category_id"], "", building, None, None), 1))
            rows.append(((F_.BUILDING_TOTAL.value, sensitive, None, "", building, None, None), 1))
    if _month_of(state["resolved_at"]) == month:
        logged, resolved = as_date(state["created_at"]), as_date(state["resolved_at"])
        days = working_day_counts([(logged, resolved, 1)])[0][0]
        rows.append(((F_.RESOLVED.value, sensitive, None, "", None, resolved, days), 1))
        rows.append(((F_.RESOLVED_DAYS.value, sensitive, None, "", None, None, days), 1))
        # Only the row of the month's 1st (the month's total): see CaseRollup.RESOLVED_FROM.
        rows.append(((F_.RESOLVED_FROM.value, sensitive, None, "", None, month, None), 1))
    if _month_of(state["last_called_on"]) == month:
        called = (0, 1, int(state["last_call_result"] in SATISFIED))
        rows.append(((F_.CALLED.value, sensitive, None, "", None, state["last_called_on"], None), called))
        rows.append(((F_.CALLED_FROM.value, sensitive, None, "", None, month, None), called))
    return [(key, value if isinstance(value, tuple) else (value, 0, 0)) for key, value in rows]


_ROW_KEY = ("figure", "sensitive", "category_id", "source", "building_id", "day", "days")


def _month_changes(before: dict | None, after: dict | None, month: dt.date) -> list[tuple[dict, tuple]]:
    """(row key, (n, called, satisfied) to add) for a case going from `before` to `after`."""
    sums: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    for sign, state in ((1, after), (-1, before)):
        for key, values in _month_rows(state, month):
            for i, value in enumerate(values):
                sums[key][i] += sign * value
    return [(dict(zip(_ROW_KEY, key, strict=True)), tuple(v)) for key, v in sums.items() if any(v)]


def _apply_month(committee_id: int, month: dt.date, changed: list[tuple[dict, tuple]]) -> None:
    """Add the changes to the current month's rows (the caller holds the committee's lock): an
    UPDATE per row, an INSERT after it when the row is new. Rows of a month not summarised yet are
    replaced when it is (ensure)."""
    for key, (n, called, satisfied) in changed:
        add_to_row(
            CaseRollup,
            {"committee_id": committee_id, "month": month, **key},
            {"n": n, "called": called, "satisfied": satisfied},
        )


def lock_current_month(committee_id: int) -> None:
    """Take the row lock of the committee's current month in the rollup until the transaction ends:
    whatever writes the committee's kept counts (a change of a case, a summary of the current
    month, the counters' recount) takes it first, so that they are written one after the other."""
    _mark(committee_id, set(), lock=True)


def _mark(committee_id: int, months: set[dt.date], lock: bool = False) -> None:
    """Raise the closed months' `changed` (and, with `lock`, the current month's: its row is the
    committee's lock, see lock_current_month), creating their rows if need be, in one statement.
    An upsert, not an UPDATE: a month summarised for the first time by another transaction has its
    row inserted but not committed yet; an UPDATE would not see it and the change would be lost,
    while the INSERT waits for that transaction and then raises the row it committed (PostgreSQL).
    In the months' order, the current month last: two writers never wait for each other in turn."""
    current = first_of(timezone.localdate())
    marked = {m for m in months if m is not None and m < current} | ({current} if lock else set())
    if not marked:
        return
    ordered = sorted(marked)
    table = connection.ops.quote_name(RollupMonth._meta.db_table)
    values = ", ".join(["(%s, %s, 1, 0)"] * len(ordered))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (committee_id, month, changed, summarised) VALUES {values} "  # noqa: S608
            f"ON CONFLICT (committee_id, month) DO UPDATE SET changed = {table}.changed + 1",
            [x for m in ordered for x in (committee_id, m)],
        )


def forget(committee_ids=None, months=None) -> int:
    """Mark every summarised month stale (of these committees, these months): after a bulk load that
    bypassed Case.save (bench/), or a change to the holiday calendar (working days to resolve)."""
    rows = RollupMonth.objects.all()
    if committee_ids is not None:
        rows = rows.filter(committee_id__in=list(committee_ids))
    if months is not None:
        rows = rows.filter(month__in=list(months))
    # computed_at too: the current month is current while summarised at all (its changes are added
    # to it as they come), so only this makes it be summarised again.
    return rows.update(changed=F("changed") + 1, computed_at=None)


def ensure(committee_ids, months: list[dt.date]) -> int:
    """Summarise whichever of these months of these committees is missing or stale: a closed month
    changed since its summary, the current month never summarised (since then every change was
    added to it as it came: case_saving). One query when all are current; a fixed number more
    otherwise. Returns how many months were summarised."""
    if not committee_ids or not months:
        return 0
    using = RollupMonth.objects.db
    kept = _current_compiled(using, tuple(committee_ids), tuple(months), first_of(timezone.localdate()))
    expected = len(set(committee_ids)) * len(set(months))  # one row a committee and month at most
    # How many are current, and the current months themselves only when some are not, in one query:
    # the usual request, every month current, reads one row instead of a district's 1,200 (4 months
    # × 300 committees: 1–2 ms of transfer and Python). Planned once per connection and day
    # (common/prepared.py).
    rows = prepared.fetch_all(
        using,
        f"WITH current_months AS ({kept.sql}), counted AS (SELECT COUNT(*) AS n FROM current_months) "  # noqa: S608
        "SELECT n, NULL, NULL FROM counted UNION ALL "
        "SELECT NULL, current_months.* FROM current_months, counted WHERE counted.n < %s",
        (*kept.params, expected),
    )
    if next(n for n, _cid, _month in rows if n is not None) == expected:
        return 0
    current = {(cid, _date(month)) for n, cid, month in rows if n is None}
    todo = [(cid, m) for cid in committee_ids for m in months if (cid, m) not in current]
    if todo:
        summarise(todo)
    return len(todo)


def _date(value) -> dt.date:
    """A date column read raw: a date on PostgreSQL, ISO text on SQLite."""
    return dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value


@functools.lru_cache(maxsize=512)
def _current_compiled(
    using: str, committee_ids: tuple[int, ...], months: tuple[dt.date, ...], this_month: dt.date
) -> Kept:
    """ensure's query of the months that are current, compiled for the database `using`: its SQL and
    parameters are a function of these arguments and of nothing else (the rollup's months are not
    scoped, and hold dates, not times), so the query compiled for one request is kept for the next
    with the same (common/kept.py; compiling it was 0.5 ms of the dashboard)."""
    return Kept(
        RollupMonth.objects.using(using)
        .filter(
            Q(summarised__gte=F("changed")) | Q(month__gte=this_month),
            InIds("committee_id", committee_ids),
            month__in=months,
            computed_at__isnull=False,
        )
        .values_list("committee_id", "month")
    )


def _by_month(pairs) -> dict[dt.date, list[int]]:
    grouped = defaultdict(list)
    for cid, month in pairs:
        grouped[month].append(cid)
    return grouped


def _within(grouped: dict, field: str) -> Q:
    """The cases of these committees whose `field` falls in these months (one range per month)."""
    return reduce(
        or_,
        (
            Q(
                InIds("committee_id", ids),
                **{f"{field}__gte": start_of(m), f"{field}__lt": start_of(next_month(m))},
            )
            for m, ids in grouped.items()
        ),
    )


def summarise(pairs: list[tuple[int, dt.date]]) -> None:
    """(Re)compute the rollup of these (committee, month) pairs: nine queries whatever their number."""
    pairs = sorted(pairs)  # rows inserted and locked in one order: two summaries never deadlock
    grouped = _by_month(pairs)
    of_months = reduce(or_, (Q(committee_id__in=ids, month=m) for m, ids in grouped.items()))
    with transaction.atomic():
        # The months' rows exist before the cases are read, so that a change committed meanwhile
        # raises their `changed` and keeps them stale; locked, so that two pages summarising the
        # same month at once do it one after the other (PostgreSQL; SQLite writes one at a time).
        # The current month's row is the committee's lock (lock_current_month): a change of a case
        # waits while its month is summarised, and is added to the new rows after.
        RollupMonth.objects.bulk_create(
            [RollupMonth(committee_id=cid, month=m) for cid, m in pairs], ignore_conflicts=True
        )
        seen = dict(
            ((cid, m), changed)
            for cid, m, changed in RollupMonth.objects.select_for_update()
            .filter(of_months)
            .order_by("committee_id", "month")
            .values_list("committee_id", "month", "changed")
        )
        CaseRollup.objects.filter(of_months).delete()
        rows = _created_rows(grouped) + _resolved_rows(grouped) + _called_rows(grouped)
        rows += overview_rows(rows)
        insert_rows(CaseRollup, rows)  # COPY on PostgreSQL: a month can have thousands of rows
        now = timezone.now()
        RollupMonth.objects.bulk_create(
            [
                RollupMonth(
                    committee_id=cid, month=m, changed=seen[cid, m], summarised=seen[cid, m], computed_at=now
                )
                for cid, m in pairs
            ],
            update_conflicts=True,
            unique_fields=["committee", "month"],
            update_fields=["summarised", "computed_at"],
        )


def _created_rows(grouped) -> list[dict]:
    # The month as a date in the database (the local month: Django truncates in the current time
    # zone), not an aware datetime converted row by row in Python.
    month = TruncMonth("created_at", output_field=DateField())
    cases = Case.all_objects.filter(_within(grouped, "created_at")).annotate(month=month)
    rows = [
        dict(
            committee_id=row["committee_id"],
            month=row["month"],
            figure=CaseRollup.Figure.CREATED.value,
            sensitive=row["sensitive"],
            category_id=row["category_id"],
            source=row["source"],
            n=row["n"],
        )
        for row in cases.values("committee_id", "month", "sensitive", "category_id", "source")
        .annotate(n=Count("pk"))
        .order_by()
    ]
    by_building = list(
        cases.filter(building__isnull=False)
        .values("committee_id", "month", "sensitive", "category_id", "building_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    totals: dict[tuple, int] = defaultdict(int)
    for row in by_building:
        totals[row["committee_id"], row["month"], row["sensitive"], row["building_id"]] += row["n"]
        rows.append(
            dict(
                committee_id=row["committee_id"],
                month=row["month"],
                figure=CaseRollup.Figure.BUILDING.value,
                sensitive=row["sensitive"],
                category_id=row["category_id"],
                building_id=row["building_id"],
                n=row["n"],
            )
        )
    rows += [
        dict(
            committee_id=cid,
            month=month,
            figure=CaseRollup.Figure.BUILDING_TOTAL.value,
            sensitive=sensitive,
            building_id=building_id,
            n=n,
        )
        for (cid, month, sensitive, building_id), n in totals.items()
    ]
    return rows


def _resolved_rows(grouped) -> list[dict]:
    """Per day resolved and working days taken: the medians need the days (medians do not add up),
    the 90 days' resolved the day."""
    cases = (
        Case.all_objects.filter(_within(grouped, "resolved_at"))
        .annotate(logged=TruncDate("created_at"), resolved=TruncDate("resolved_at"))
        .values("committee_id", "sensitive", "logged", "resolved")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = list(cases)
    days = working_day_counts([(r["logged"], r["resolved"], r["n"]) for r in rows])
    totals: dict[tuple, int] = defaultdict(int)
    # working_day_counts drops pairs missing a date; none is missing here (both fields are set).
    for row, (taken, n) in zip(rows, days, strict=True):
        totals[row["committee_id"], row["sensitive"], row["resolved"], taken] += n
    return [
        dict(
            committee_id=cid,
            month=first_of(day),
            figure=CaseRollup.Figure.RESOLVED.value,
            sensitive=sensitive,
            day=day,
            days=taken,
            n=n,
        )
        for (cid, sensitive, day, taken), n in totals.items()
    ]


def _called_rows(grouped) -> list[dict]:
    """Per day of the cases' latest follow-up call: how many, how many satisfied (the 90 days'
    satisfaction: each case once, by its latest call). A date, not a time: the months' ranges as
    dates, through the (committee, last_called_on) index."""
    within = reduce(
        or_,
        (
            Q(InIds("committee_id", ids), last_called_on__gte=m, last_called_on__lt=next_month(m))
            for m, ids in grouped.items()
        ),
    )
    cases = (
        Case.all_objects.filter(within)
        .values("committee_id", "sensitive", "last_called_on")
        .annotate(called=Count("pk"), satisfied=Count("pk", filter=Q(last_call_result__in=SATISFIED)))
        .order_by()
    )
    return [
        dict(
            committee_id=row["committee_id"],
            month=first_of(row["last_called_on"]),
            figure=CaseRollup.Figure.CALLED.value,
            sensitive=row["sensitive"],
            day=row["last_called_on"],
            called=row["called"],
            satisfied=row["satisfied"],
        )
        for row in cases
    ]


def overview_rows(rows) -> list[dict]:
    """The overviews' rows (CaseRollup's CREATED_TOTAL, RESOLVED_DAYS, RESOLVED_FROM, CALLED_FROM)
    of these CREATED, RESOLVED and CALLED rows (dicts of committee_id, month, figure, sensitive, day,
    days, n, called, satisfied; any others ignored), for the months they cover: what summarise
    writes beside them, and what the migration that added them derived from the rows already there."""
    Figure = CaseRollup.Figure
    from_figure = {Figure.RESOLVED: Figure.RESOLVED_FROM.value, Figure.CALLED: Figure.CALLED_FROM.value}
    created: dict[tuple, int] = defaultdict(int)
    by_days: dict[tuple, int] = defaultdict(int)
    by_day: dict[tuple, dict] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    for row in rows:
        key = (row["committee_id"], row["month"], row["sensitive"])
        if row["figure"] == Figure.CREATED:
            created[key] += row["n"]
            continue
        if row["figure"] == Figure.RESOLVED:
            by_days[(*key, row["days"])] += row["n"]
        if row["figure"] in from_figure:
            sums = by_day[(from_figure[row["figure"]], *key)][row["day"]]
            sums[0] += row.get("n", 0)
            sums[1] += row.get("called", 0)
            sums[2] += row.get("satisfied", 0)
    derived = [
        dict(committee_id=cid, month=month, figure=Figure.CREATED_TOTAL.value, sensitive=sensitive, n=n)
        for (cid, month, sensitive), n in created.items()
    ]
    derived += [
        dict(
            committee_id=cid,
            month=month,
            figure=Figure.RESOLVED_DAYS.value,
            sensitive=sensitive,
            days=days,
            n=n,
        )
        for (cid, month, sensitive, days), n in by_days.items()
    ]
    for (figure, cid, month, sensitive), days in by_day.items():
        # Every day of the month up to its last day counted (a day missing reads as none from it).
        n = called = satisfied = 0
        day = max(days)
        while day >= month:
            got = days.get(day)
            if got:
                n, called, satisfied = n + got[0], called + got[1], satisfied + got[2]
            derived.append(
                dict(
                    committee_id=cid,
                    month=month,
                    figure=figure,
                    sensitive=sensitive,
                    day=day,
                    n=n,
                    called=called,
                    satisfied=satisfied,
                )
            )
            day -= dt.timedelta(days=1)
    return derived


def on_case_saving(sender, instance: Case, raw: bool = False, update_fields=None, **kwargs) -> None:
    """pre_save of Case (connected in ReportsConfig.ready): before the row changes, while its old
    dates can still be read."""
    if not raw:  # loaddata
        case_saving(instance, update_fields)


def on_case_deleted(sender, instance: Case, **kwargs) -> None:
    case_deleted(instance)


def on_calendar_changed(sender, **kwargs) -> None:
    """post_save and post_delete of the holiday calendar's years and days."""
    if not kwargs.get("raw"):
        forget()
