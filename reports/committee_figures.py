"""The committee dashboard's figures (reports/figures.py has their definitions, reports/overviews.py
a street's and the district's): everything the dashboard shows, in a fixed number of queries
whatever the number of cases.

The closed months and the current one come from the rollup (reports/rollup.py, read through
reports/rollup_reads.py) and the workload from the open-case counters (reports/open_cases.py), so
that the cost grows neither with the years of cases nor with a committee's cases. `rollup=False`
counts everything live (the tests compare the two).
"""

import datetime as dt
import functools
from collections import defaultdict
from types import SimpleNamespace

from django.conf import settings
from django.db.models import (
    CharField,
    Count,
    DateField,
    DateTimeField,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import reference
from cases.models import Case, Referral
from cases.selectors import visible_cases
from committee.models import User
from committee.roles import Perm
from committee.scoping import committee_scope, unscoped, visible_committee_ids
from common.workdays import median_of_counts, working_day_counts
from reports import open_cases, rollup_reads
from reports import rollup as summary_of_months
from reports.figures import (
    OPEN,
    SATISFIED,
    Headline,
    Period,
    case_list_links,
    count_filters,
    count_links,
    late_referral_parts,
    month_label,
    start_of,
)
from reports.roster import roster_figures
from reports.unions import Compiled, compile_branch, compile_spec, union_counts
from residents.addresses import building_address


def dashboard(committee, access, today: dt.date | None = None, rollup: bool | None = None) -> dict:
    """Everything the committee dashboard shows. A fixed number of queries (tests count them): the
    rollup's months brought up to date (rollup.ensure), then one UNION ALL (reports/unions.py) for
    the months' figures from the rollup (rollup_reads.closed_branches: the closed months summarised
    once, the current month kept by every change of a case), the workload from the open-case
    counters (reports/open_cases.py), the late referrals and, for a reader the rollup's rows leave
    their own sensitive cases out for, those counted live (_live_branches); then the care roster and
    the hotspots' addresses and categories. The category and assignee names come from the cache
    (cases/reference.py). Nothing here reads a number of rows that grows with the committee's
    cases. `rollup=False` counts everything live, as does a `today` other than today (the kept
    counts are today's)."""
    period = Period(today or timezone.localdate())
    rollup = settings.REPORTS_ROLLUP if rollup is None else rollup
    # The current month from the rollup and the workload from the counters: only for today.
    kept = rollup and period.today == timezone.localdate()
    cases = visible_cases(access, Case.objects.filter(committee=committee))
    ids = [committee.pk]
    rolled = period.months if kept else period.months[:-1]
    columns = {**_LIVE_COLUMNS}
    aggregates: dict = {**_LIVE_COUNTS}
    branches = _late_referrals_branches(access, ids, period.today)
    if rollup:
        summary_of_months.ensure(ids, rolled)
        until = period.today + dt.timedelta(days=1) if kept else period.month_start
        branches.update(rollup_reads.closed_branches(access, ids, rolled, period.satisfaction_from, until))
        columns.update(rollup_reads.CLOSED_COLUMNS)
    if kept:
        branches["workload"] = open_cases.workload_branch(access, committee.pk, period.today)
        columns.update(open_cases.WORKLOAD_COLUMNS)
        aggregates.update(dict.fromkeys(("open", "overdue", "resolved_in_month")))
    categories = reference.categories_by_id()
    links = count_links(committee.pk, period)
    year_from = start_of(period.year_start)
    # What is counted live: the 12 months without the rollup; with it, this month (unless kept), and
    # in the rollup's months only the sensitive cases its rows leave out for this reader but they
    # may see.
    created_live = Q(created_at__gte=year_from)
    resolved_live = Q(resolved_at__gte=year_from)
    own = None
    if rollup:
        created_live = Q(created_at__gte=start_of(period.month_start))
        resolved_live = Q(resolved_at__gte=start_of(period.month_start))
        own = rollup_reads.own_sensitive(access, ids)
        if kept:
            created_live = resolved_live = None
        if own is not None:
            created_live = _either(created_live, own & Q(created_at__gte=year_from))
            resolved_live = _either(resolved_live, own & Q(resolved_at__gte=year_from))
    month_branches = {}
    if kept and own is not None:
        # Today only the reader's own sensitive cases are counted live (a worker's): compiled once
        # a day for each reader (_own_live_compiled).
        compiled = _own_live_branches(access, committee.pk, period.today)
        month_branches = dict.fromkeys(OWN_MONTH_KINDS)  # the kinds are what _live_figures reads
        branches.update(compiled)
    elif created_live is not None:  # (none for the secretary's own committee, today)
        month_branches = _month_branches(cases, period, rollup, own, kept)
        branches.update(_live_branches(cases, created_live, resolved_live, year_from, month_branches))
    rows = union_counts(columns, aggregates, branches)
    closed = None
    if rollup:
        closed = rollup_reads.closed_figures(rows)
    if created_live is None:
        live = {
            "month_counts": _month_counts(),
            "per_month": [],
            "by_source": [],
            "buildings": [],
            "resolution": [],
        }
    else:
        live = _live_figures(rows, month_branches)
    month_counts = live["month_counts"]
    if kept:
        # This month's logged and resolved cases, from the rollup's current month.
        month_counts["new_this_month"] += sum(
            row["n"] for row in closed.per_month if row["month"] == period.month_start
        )
        month_counts["resolved_this_month"] += sum(
            n for _, n in closed.resolution.get(period.month_start, [])
        )
    # The figures overviews.headlines gives a street's committees, read for one committee with the rest.
    headline = Headline(**month_counts)
    for name, value in (closed.since.get(committee.pk, {}) if closed else {}).items():
        setattr(headline, name, getattr(headline, name) + value)
    headline.late_referrals = sum(row["n"] for kind in LATE_KINDS for row in rows.get(kind, []))
    headline.roster = roster_figures(ids, period.today)[committee.pk]

    # Cases per month by category, and by source.
    per_month = defaultdict(int)
    source_counts = defaultdict(int)
    for row in live["per_month"] + (closed.per_month if closed else []):
        per_month[(row["month"], row["category_id"])] += row["n"]
    for row in live["by_source"] + (closed.by_source if closed else []):
        source_counts[row["source"]] += row["n"]
    months = period.months
    # (A kept row can add up to 0: a case moved to another category this month.)
    order = {cid: index for index, cid in enumerate(categories)}
    used = sorted({cid for (_, cid), n in per_month.items() if n}, key=lambda cid: order.get(cid, len(order)))
    by_category_chart = {
        "kind": "stacked",
        "labels": [month_label(m) for m in months],
        "series": [
            {"name": categories[cid][1], "data": [per_month.get((m, cid), 0) for m in months]} for cid in used
        ],
    }

    counted = _named(rows["workload"], ids) if kept else None
    workload_rows, status_counts = workload(cases, committee.pk, period, counted)
    # The same open cases, the same visibility: the headline's open and overdue are the table's sums.
    headline.open = sum(row["open"] for row in workload_rows)
    headline.overdue = sum(row["overdue"] for row in workload_rows)
    link = case_list_links(committee.pk)
    by_status = [
        {
            "label": label,
            "count": status_counts.get(value, 0),
            "url": link(status=value),
        }
        for value, label in Case.Status.choices
        if value in OPEN
    ]
    iso_from, iso_today = period.year_start.isoformat(), period.today.isoformat()
    by_source = [
        {
            "label": label,
            "count": source_counts.get(value, 0),
            "url": link(source=value, created_from=iso_from, created_to=iso_today),
        }
        for value, label in Case.Source.choices
    ]

    # Resolution time: median working days per month resolved.
    pairs = defaultdict(list)
    for row in live["resolution"]:
        pairs[row["resolved"].replace(day=1)].append((row["logged"], row["resolved"], row["n"]))
    counts = closed.resolution if closed else {}
    trend = [median_of_counts(counts.get(m, []) + working_day_counts(pairs.get(m, []))) for m in months]
    headline.median_days = trend[-1]  # this month's, from the same rows

    return {
        "period": period,
        "computed_at": timezone.localtime(),
        "headline": headline,
        "links": links,
        "by_status": by_status,
        "by_source": by_source,
        "workload": workload_rows,
        "hotspots": hotspots(
            live["buildings"],
            committee.pk,
            period,
            categories,
            rollup_reads.ClosedBuildings(access, ids, rolled, closed.building_totals) if closed else None,
        ),
        "charts": {
            "by_category": by_category_chart,
            "by_status": {
                "kind": "pie",
                "labels": [s["label"] for s in by_status],
                "series": [{"name": _("Open cases"), "data": [s["count"] for s in by_status]}],
            },
            "by_source": {
                "kind": "bar",
                "labels": [s["label"] for s in by_source],
                "series": [{"name": _("Cases"), "data": [s["count"] for s in by_source]}],
            },
            "resolution": {
                "kind": "line",
                "unit": _("working days"),
                "labels": [month_label(m) for m in months],
                "series": [{"name": _("Median working days to resolve"), "data": trend}],
            },
        },
        "trend_rows": list(zip([month_label(m) for m in months], trend, strict=True)),
        "category_rows": [
            (
                month_label(m),
                [per_month.get((m, cid), 0) for cid in used],
                sum(per_month.get((m, c), 0) for c in used),
            )
            for m in months
        ],
        "category_names": [categories[cid][1] for cid in used],
    }


# The kinds of the late referrals' branches: figures.late_referral_parts' parts, added up.
LATE_KINDS = ("late_referrals", "late_referrals_1")


def _late_referrals_branches(access, committee_ids: list[int], today: dt.date) -> dict[str, Compiled | None]:
    """The late referrals' count (figures.late_referral_parts) as branches of the dashboard's UNION ALL,
    compiled once for each set of what its SQL depends on (_late_referrals_compiled): compiling it
    afresh cost every dashboard 0.28 ms of Python."""
    return dict(  # a copy: the dashboard adds its other branches to it
        _late_referrals_compiled(
            Referral.objects.db,
            visible_committee_ids("Referral"),
            timezone.get_current_timezone_name(),
            tuple(committee_ids),
            access.user.pk,
            tuple(access.committees_where(Perm.MANAGE_CASES)),
            today,
        )
    )


class _Reader:
    """What figures.late_referrals and rollup_reads.own_sensitive read of their reader (through
    visible_cases too): the user's id and the committees where they manage cases. Any other question
    is not in the kept keys: it fails."""

    def __init__(self, user_id: int | None, managing: tuple[int, ...]) -> None:
        self.user = SimpleNamespace(pk=user_id)
        self._managing = managing

    def committees_where(self, perm: Perm) -> list[int]:
        if perm != Perm.MANAGE_CASES:
            raise ValueError(f"late_referrals' kept compilation has no answer for {perm}")
        return list(self._managing)


@functools.lru_cache(maxsize=512)
def _late_referrals_compiled(
    using: str,
    scope: frozenset[int] | None,
    zone: str,
    committee_ids: tuple[int, ...],
    user_id: int | None,
    managing: tuple[int, ...],
    today: dt.date,
) -> dict[str, Compiled | None]:
    """_late_referrals_branches, compiled for the database `using` under the committee scope `scope`
    (the referrals' manager writes it into the SQL) and the time zone `zone`, for the reader
    `user_id` who manages the cases of `managing` (visible_cases' rule): a function of these
    arguments only (tests/reports/test_compiled_branches.py)."""
    with committee_scope(scope) if scope is not None else unscoped(), timezone.override(zone):
        parts = late_referral_parts(list(committee_ids), Period(today), _Reader(user_id, managing))
        return {
            kind: compile_branch(kind, part.using(using), {}, {"n": Count("*")})  # from the index alone
            for kind, part in zip(LATE_KINDS, parts, strict=False)
        }


# The headline's live counts of _month_branches(kept=True): the reader's own sensitive cases.
OWN_MONTH_KINDS = ("new_this_month", "resolved_this_month", "recently_resolved")


def _own_live_branches(access, committee_id: int, today: dt.date) -> dict[str, Compiled | None]:
    """The dashboard's live branches when only the reader's own sensitive cases are counted live
    (the rollup holds the rest, this month too): _month_branches(kept=True) and _live_branches over
    `own_sensitive`, compiled once for each set of what their SQL depends on (_own_live_compiled).
    Compiled afresh on every view, a worker's dashboard took 29.9–32.5 ms; kept, 24.7–26.6 (medians
    of 60 alternating requests in one process, full bench district)."""
    return dict(
        _own_live_compiled(
            Case.objects.db,
            visible_committee_ids("Case"),
            timezone.get_current_timezone_name(),
            committee_id,
            access.user.pk,
            tuple(access.committees_where(Perm.MANAGE_CASES)),
            today,
        )
    )


@functools.lru_cache(maxsize=512)
def _own_live_compiled(
    using: str,
    scope: frozenset[int] | None,
    zone: str,
    committee_id: int,
    user_id: int | None,
    managing: tuple[int, ...],
    today: dt.date,
) -> tuple[tuple[str, Compiled | None], ...]:
    """_own_live_branches, compiled for the database `using` under the committee scope `scope` (the
    cases' manager writes it into the SQL) and the time zone `zone` (months and days are local),
    for the reader `user_id` who manages the cases of `managing` (visible_cases' and own_sensitive's
    rule, read through _Reader): a function of these arguments only
    (tests/reports/test_compiled_branches.py)."""
    with committee_scope(scope) if scope is not None else unscoped(), timezone.override(zone):
        reader = _Reader(user_id, managing)
        period = Period(today)
        cases = visible_cases(reader, Case.objects.using(using).filter(committee_id=committee_id))
        own = rollup_reads.own_sensitive(reader, [committee_id])
        if own is None:
            return ()
        year_from = start_of(period.year_start)
        month_branches = _month_branches(cases, period, True, own, kept=True)
        live = _live_branches(
            cases,
            own & Q(created_at__gte=year_from),
            own & Q(resolved_at__gte=year_from),
            year_from,
            month_branches,
        )
        return tuple((kind, compile_spec(kind, branch, _LIVE_COUNTS)) for kind, branch in live.items())


_LIVE_COLUMNS = {
    "month": DateField(),
    "category_id": IntegerField(),
    "source": CharField(),
    "logged": DateField(),
    "resolved": DateField(),
    "building_id": IntegerField(),
    "road": CharField(),
    "lane": CharField(),
    "number": CharField(),
}


def _either(a: Q | None, b: Q) -> Q:
    return b if a is None else a | b


def _month_counts() -> dict[str, int]:
    names = ("new_this_month", "resolved_this_month", "recently_resolved", "called", "satisfied")
    return dict.fromkeys(names, 0)


def _month_branches(cases, period: Period, rollup: bool, own: Q | None, kept: bool = False) -> dict:
    """The headline's live counts as branches of _live_figures' union (headlines' month query, for
    one committee): new and resolved this month, resolved within the 90 days (with the rollup: this
    month; the closed months' come from it) and, for a reader the rollup's rows leave their own
    sensitive cases out for, those of the closed months within the 90 days. `kept`: the rollup
    holds this month too, so only that reader's own sensitive cases are counted, over the 90 days."""
    filters = count_filters(period)
    month_from = start_of(period.month_start)
    recent = filters["recently_resolved"]
    count = {"n": Count("pk")}
    if kept:
        return {
            "new_this_month": (cases.filter(own & filters["new_this_month"]), {}, count),
            "resolved_this_month": (cases.filter(own & filters["resolved_this_month"]), {}, count),
            "recently_resolved": (cases.filter(own & recent), {}),
        }
    branches = {
        "new_this_month": (cases.filter(filters["new_this_month"]), {}, count),
        "resolved_this_month": (cases.filter(filters["resolved_this_month"]), {}, count),
    }
    # With the rollup, only this month's are counted live.
    branches["recently_resolved"] = (cases.filter(Q(resolved_at__gte=month_from) if rollup else recent), {})
    if own is not None:
        earlier = Q(resolved_at__gte=start_of(period.satisfaction_from), resolved_at__lt=month_from)
        branches["own_recent"] = (cases.filter(own & earlier), {})
    return branches


# The live branches' counts (the figures' branches count only n; the headline's also called back
# and satisfied). The dashboard's other branches give their own aggregates: theirs are None here.
_LIVE_COUNTS = {
    "n": Count("pk"),
    "called": Count("pk", filter=~Q(satisfaction="")),
    "satisfied": Count("pk", filter=Q(satisfaction__in=SATISFIED)),
}


def _live_branches(
    cases, created_live: Q, resolved_live: Q, year_from: dt.datetime, month_branches: dict
) -> dict:
    """The cases counted live, as branches of the dashboard's UNION ALL (reports/unions.py,
    _LIVE_COLUMNS, _LIVE_COUNTS): logged per month (the local month, as a date), category and
    source, per building and category (the hotspots: the 12 months' cases with a building),
    resolved per day logged and day resolved, and the headline's counts (`month_branches`,
    _month_branches'). _live_figures reads their rows."""
    logged = cases.filter(created_live)
    count = {"n": Count("pk")}
    return {
        **month_branches,
        # Per month, category and source in one pass; added up per month and category, and
        # per source, by _live_figures.
        "logged": (
            logged,
            {
                # A date in SQL: TruncMonth's own conversion to a date is done in Python.
                "month": Cast(TruncMonth("created_at", output_field=DateTimeField()), DateField()),
                "category_id": F("category_id"),
                "source": F("source"),
            },
            count,
        ),
        "buildings": (
            logged.filter(created_at__gte=year_from, building__isnull=False),
            {
                "building_id": F("building_id"),
                "road": F("building__road"),
                "lane": F("building__lane"),
                "number": F("building__number"),
                "category_id": F("category_id"),
            },
            count,
        ),
        "resolution": (
            cases.filter(resolved_live),
            {"logged": TruncDate("created_at"), "resolved": TruncDate("resolved_at")},
            count,
        ),
    }


def _live_figures(rows: dict, month_branches: dict) -> dict:
    """_live_branches' rows (taken out of `rows`) as the dashboard reads them: the headline's counts
    added up under "month_counts", the cases logged per month and category ("per_month") and per
    source ("by_source"), "buildings" and "resolution" as they are."""
    rows = {kind: rows.pop(kind) for kind in (*month_branches, "logged", "buildings", "resolution")}
    counts = _month_counts()
    for kind in month_branches:
        for row in rows.pop(kind):
            if kind in ("new_this_month", "resolved_this_month"):
                counts[kind] += row["n"]
            else:
                counts["recently_resolved"] += row["n"]
                counts["called"] += row["called"]
                counts["satisfied"] += row["satisfied"]
    rows["month_counts"] = counts
    per_month, by_source = defaultdict(int), defaultdict(int)
    for row in rows.pop("logged"):
        per_month[row["month"], row["category_id"]] += row["n"]
        by_source[row["source"]] += row["n"]
    rows["per_month"] = [{"month": m, "category_id": c, "n": n} for (m, c), n in per_month.items()]
    rows["by_source"] = [{"source": source, "n": n} for source, n in by_source.items()]
    return rows


def workload(cases, committee_id: int, period: Period, counted=None) -> tuple[list[dict], dict[str, int]]:
    """Per assignee (and the unassigned): open, overdue, resolved this month; and the open cases by
    status, from the same rows. `counted`: those rows from the open-case counters (today's:
    open_cases.workload_branch, with their names: _named). Without them, one query: the open cases
    and the cases resolved this month counted apart (UNION ALL) and added up below. Not one pass
    over `open OR resolved this month`: an OR of two indexes reads the table's page of every open
    case, while the open cases alone are counted from the covering partial index
    case_open_assignee_due (an index-only scan)."""
    rows = counted if counted is not None else _workload_live(cases, period)
    month_from, month_to = period.month_start.isoformat(), period.month_end.isoformat()
    link = case_list_links(committee_id)
    people: dict = {}
    by_status: dict[str, int] = defaultdict(int)
    for row in rows:
        if not (row["open"] or row["overdue"] or row["resolved"]):
            continue  # a counter's row that went back to 0: no case behind it
        by_status[row["status"]] += row["open"]
        who = row["assignee_id"] or "none"
        person = people.get(who)
        if person is None:
            person = people[who] = {
                "name": row["who_name"] or row["who_username"] or _("Unassigned"),
                "unassigned": row["assignee_id"] is None,
                "open": 0,
                "overdue": 0,
                "resolved": 0,
                "open_url": link(assignee=who, status="open"),
                "overdue_url": link(assignee=who, overdue=1),
                "resolved_url": link(assignee=who, resolved_from=month_from, resolved_to=month_to),
            }
        for name in ("open", "overdue", "resolved"):
            person[name] += row[name]
    result = sorted(people.values(), key=lambda r: (r["unassigned"], -r["open"], -r["overdue"], r["name"]))
    return result, dict(by_status)


def _workload_live(cases, period: Period):
    """workload's rows counted from the cases: one query."""
    filters = count_filters(period)

    def named(rows):
        # The assignee's names looked up once per row of the result (a handful), not joined to
        # every open case before counting (18 of 67 ms at 300,000 cases, 69,610 open).
        users = User.objects.filter(pk=OuterRef("assignee_id"))
        return rows.annotate(
            who_name=Subquery(users.values("full_name")), who_username=Subquery(users.values("username"))
        )

    opened = named(
        cases.filter(filters["open"])
        .values("assignee_id", "status")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=filters["overdue"]), resolved=Value(0))
        .order_by()
    )
    resolved = named(
        cases.filter(filters["resolved_this_month"])
        .values("assignee_id", "status")
        .annotate(open=Value(0), overdue=Value(0), resolved=Count("pk"))
        .order_by()
    )
    # Ordered by columns of the union's result: the model's default order is none of them.
    return opened.union(resolved, all=True).order_by("assignee_id", "status")


def _named(rows: list[dict], committee_ids: list[int]) -> list[dict]:
    """The workload's rows from the counters (open_cases.workload_branch), by assignee and status,
    with the assignees' names for `workload` (from the cache: cases/reference.py)."""
    names = reference.user_names(committee_ids, {row["assignee_id"] for row in rows})
    ordered = sorted(rows, key=lambda r: (r["assignee_id"] is None, r["assignee_id"] or 0, r["status"]))
    return [
        {
            "assignee_id": row["assignee_id"],
            "status": row["status"],
            "open": row["open"],
            "overdue": row["overdue"],
            "resolved": row["resolved_in_month"],
            "who_name": names.get(row["assignee_id"]),
            "who_username": None,
        }
        for row in ordered
    ]


HOTSPOT_COUNT = 10


def hotspots(
    rows: list[dict], committee_id: int, period: Period, categories: dict, closed=None
) -> list[dict]:
    """The buildings with the most cases logged in the past 12 months, with their categories.
    `rows`: the cases counted live (with the rollup, this month's) per building and category, with
    the building's road, lane and number (_live_figures' "buildings"); `closed`: the rollup's months
    (reports.rollup_reads.ClosedBuildings), whose addresses and categories are read for the buildings that
    may be shown only; `categories`: id → (code, name)."""
    buildings: dict[int, dict] = {}

    def building_of(row) -> dict:
        return buildings.setdefault(
            row["building_id"], {"id": row["building_id"], "total": 0, "categories": defaultdict(int)}
        )

    for row in rows:
        building = building_of(row)
        building["address"] = _address(row)
        building["total"] += row["n"]
        building["categories"][row["category_id"]] += row["n"]
    for row in closed.totals() if closed is not None else ():
        building_of(row)["total"] += row["n"]
    # (A kept row can add up to 0: a case moved to another building this month.)
    shown = [b for b in buildings.values() if b["total"] > 0]
    if closed is not None:
        # The rollup's totals come without their addresses: those of the ten with the most cases are
        # read with their categories, and of the buildings with as many as the tenth (the address
        # orders a tie).
        ranked = sorted(shown, key=lambda b: -b["total"])
        least = ranked[HOTSPOT_COUNT - 1]["total"] if len(ranked) >= HOTSPOT_COUNT else 0
        shown = [b for b in ranked if b["total"] >= least]
        found, addresses = closed.categories([b["id"] for b in shown])
        for row in found:
            buildings[row["building_id"]]["categories"][row["category_id"]] += row["n"]
        for building in shown:
            building.setdefault("address", addresses[building["id"]])
    top = sorted(shown, key=lambda b: (-b["total"], b["address"]))[:HOTSPOT_COUNT]
    # Links only for the buildings shown: a street's committee has hundreds of buildings. Each is
    # case_list_links' link(building=…, category=…, created_from=…, created_to=…), its pieces written
    # once per page (the dates, each category) rather than once per link: 120 links took 0.18 ms
    # of the dashboard's Python, 0.02 so.
    link = case_list_links(committee_id)
    start = link()
    year = {"created_from": period.year_start.isoformat(), "created_to": period.today.isoformat()}
    dates = link(**year)[len(start) :]
    of_category: dict[int, str] = {}
    for building in top:
        head = f"{start}&building={int(building['id'])}"
        building["url"] = head + dates
        shown_categories = []
        for cid, n in building["categories"].items():
            if n:
                if cid not in of_category:
                    of_category[cid] = link(category=categories[cid][0])[len(start) :]
                shown_categories.append(
                    {"label": categories[cid][1], "count": n, "url": head + of_category[cid] + dates}
                )
        building["categories"] = sorted(shown_categories, key=lambda c: (-c["count"], c["label"]))
    return top


def _address(row: dict) -> str:
    return building_address(row["road"], row["lane"], row["number"])
