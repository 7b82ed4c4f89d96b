"""The dashboard's figures, computed in a fixed number of queries whatever the number of cases.

Definitions (the tests compute each one independently from constructed data):
- open: status new, in progress or waiting;  overdue: open and due before today;
- new this month: logged (created_at, local date) from the 1st of this month to today;
- resolved this month: resolved_at in this month;
- median working days to resolve: over the cases resolved this month, working days after the day
  logged up to and including the day resolved (common/workdays.py, the Chinese calendar);
- satisfaction: of the cases resolved in the last 90 days that had a follow-up call, the share whose
  latest answer was satisfied or mostly satisfied;
- late referrals: no reply yet and the expected reply date has passed;
- roster overdue: see reports/roster.py.
Every count links to cases:list with the filter that gives the same rows (notes: filter contract).

Closed months come from the rollup (reports/rollup.py: summarised once, kept current when a case of
theirs changes) and only the current month is counted live, so that the cost does not grow with the
years of cases; the committee dashboard reads the current month from the rollup too (kept by every
change of a case) and its workload from the open-case counters (reports/open_cases.py), so that its
cost does not grow with a committee's cases either. `rollup=False` counts everything live (the tests
compare the two).
"""

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote_plus

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
from committee.scoping import visible_committee_ids
from common.reversing import reverse_once
from common.workdays import median_of_counts, median_working_days, working_day_counts
from reports import open_cases, rollup_reads
from reports import rollup as summary_of_months
from reports.roster import RosterFigures, roster_figures
from reports.unions import union_counts
from residents.addresses import building_address

OPEN = list(Case.OPEN_STATUSES)
SATISFIED = [Case.Satisfaction.SATISFIED, Case.Satisfaction.MOSTLY]
SATISFACTION_DAYS = 90


@dataclass(frozen=True)
class Period:
    """The dates every figure is counted against, fixed once per request."""

    today: dt.date

    @property
    def month_start(self) -> dt.date:
        return self.today.replace(day=1)

    @property
    def month_end(self) -> dt.date:
        return add_months(self.month_start, 1) - dt.timedelta(days=1)

    @property
    def months(self) -> list[dt.date]:
        """The first days of the last 12 months, oldest first, this month last."""
        return [add_months(self.month_start, -i) for i in range(11, -1, -1)]

    @property
    def year_start(self) -> dt.date:
        return self.months[0]

    @property
    def satisfaction_from(self) -> dt.date:
        return self.today - dt.timedelta(days=SATISFACTION_DAYS - 1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of a local date, as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def case_list_url(committee_id: int, **params) -> str:
    """The case list filtered by these parameters (None left out)."""
    return case_list_links(committee_id)(**params)


def case_list_links(committee_id: int) -> Callable[..., str]:
    """case_list_url for one committee. A dashboard draws some 150 of these links (a hotspot's
    categories, the workload's rows): the list's path is reversed once for them all, and the plain
    values (numbers, ISO dates, codes) are written as they are, not quoted one by one."""
    start = f"{reverse_once('cases:list')}?committee={committee_id}"

    def url(**params) -> str:
        parts = [start]
        for key, value in params.items():
            if value is not None:
                text = str(value)
                parts.append(f"{key}={text if _PLAIN.fullmatch(text) else quote_plus(text)}")
        return "&".join(parts)

    return url


# What urlencode leaves as it is (quote_plus's always-safe characters).
_PLAIN = re.compile(r"[A-Za-z0-9_.~-]*")


def count_filters(period: Period) -> dict[str, Q]:
    """The Q of each headline count; the case list's filters give the same rows."""
    month_from, month_to = start_of(period.month_start), start_of(period.month_end + dt.timedelta(days=1))
    return {
        "open": Q(status__in=OPEN),
        "overdue": Q(status__in=OPEN, due_date__lt=period.today),
        "new_this_month": Q(
            created_at__gte=month_from, created_at__lt=start_of(period.today + dt.timedelta(days=1))
        ),
        "resolved_this_month": Q(resolved_at__gte=month_from, resolved_at__lt=month_to),
        "recently_resolved": Q(resolved_at__gte=start_of(period.satisfaction_from)),
    }


def count_links(committee_id: int, period: Period) -> dict[str, str]:
    iso, link = dt.date.isoformat, case_list_links(committee_id)
    return {
        "open": link(status="open"),
        "overdue": link(overdue=1),
        "new_this_month": link(created_from=iso(period.month_start), created_to=iso(period.today)),
        "resolved_this_month": link(resolved_from=iso(period.month_start), resolved_to=iso(period.month_end)),
        "recently_resolved": link(resolved_from=iso(period.satisfaction_from), resolved_to=iso(period.today)),
        # The satisfaction tile counts the cases called back, not all resolved (221, not 228).
        "called": link(
            resolved_from=iso(period.satisfaction_from),
            resolved_to=iso(period.today),
            follow_up="called",
        ),
    }


def _aggregates(filters: dict[str, Q]) -> dict:
    recent = filters["recently_resolved"]
    aggregates = {name: Count("pk", filter=q) for name, q in filters.items()}
    aggregates["called"] = Count("pk", filter=recent & ~Q(satisfaction=""))
    aggregates["satisfied"] = Count("pk", filter=recent & Q(satisfaction__in=SATISFIED))
    return aggregates


@dataclass
class Headline:
    open: int = 0
    overdue: int = 0
    new_this_month: int = 0
    resolved_this_month: int = 0
    recently_resolved: int = 0
    called: int = 0
    satisfied: int = 0
    median_days: float | None = None
    late_referrals: int = 0
    roster: RosterFigures = field(default_factory=RosterFigures)
    # (logged, resolved, count) of the cases resolved this month: the street total's median needs them.
    resolved_pairs: list = field(default_factory=list, repr=False)

    @property
    def satisfaction_rate(self) -> float | None:
        return round(100 * self.satisfied / self.called, 1) if self.called else None


def headlines(
    cases, committee_ids: list[int], period: Period, access, rollup: bool = True
) -> dict[int, Headline]:
    """committee id → its headline figures (a street's, a district's): seven queries for any number of
    committees (one more for a reader who does not see every sensitive case: their own of the closed
    months). The committee dashboard reads the same figures its own way (dashboard)."""
    result = {cid: Headline() for cid in committee_ids}
    filters = count_filters(period)
    open_filter, overdue_filter = filters.pop("open"), filters.pop("overdue")
    if rollup and period.today == timezone.localdate():
        # Today's: from the open-case counters (reports/open_cases.py), a few rows per committee.
        for cid, (opened, overdue) in open_cases.open_by_committee(
            access, committee_ids, period.today
        ).items():
            result[cid].open, result[cid].overdue = opened, overdue
    else:
        # Apart from the month's counts: the open cases alone are counted from the partial index
        # (an index-only scan of case_open_due); OR-ed with the month's rows into one query they
        # made PostgreSQL read every case (917 ms for the district overview at 2,000,000 cases).
        open_rows = (
            cases.filter(open_filter)
            .values("committee_id")
            .annotate(open=Count("pk"), overdue=Count("pk", filter=overdue_filter))
            .order_by()
        )
        for row in open_rows:
            result[row["committee_id"]].open = row["open"]
            result[row["committee_id"]].overdue = row["overdue"]
    if rollup:
        # The 90 days' satisfaction: the closed months' days from the rollup, this month's live.
        month_from = start_of(period.month_start)
        filters["recently_resolved"] = Q(resolved_at__gte=month_from)
        summary_of_months.ensure(
            committee_ids, summary_of_months.months_between(period.satisfaction_from, period.month_start)
        )
    month_counts = defaultdict(lambda: defaultdict(int))
    # Only rows that can count anywhere: most of a committee's years of closed cases drop out early.
    relevant = filters["new_this_month"] | filters["resolved_this_month"] | filters["recently_resolved"]
    rows = cases.filter(relevant).values("committee_id").annotate(**_aggregates(filters)).order_by()
    _add_per_committee(month_counts, rows)
    own = rollup_reads.own_sensitive(access, committee_ids) if rollup else None
    if own is not None:
        # The reader's own sensitive cases of the closed months, which the rollup's rows leave out
        # for those who do not see every sensitive case: counted live, in a query of their own. OR-ed
        # into the month's query they made PostgreSQL read every case of the committees (0.5 s for
        # the district overview at 2,000,000 cases) instead of the month's few from its indexes.
        earlier = own & Q(resolved_at__gte=start_of(period.satisfaction_from), resolved_at__lt=month_from)
        own_rows = (
            cases.filter(earlier)
            .values("committee_id")
            .annotate(**_aggregates({"recently_resolved": earlier}))
            .order_by()
        )
        _add_per_committee(month_counts, own_rows)
    for cid, counts in month_counts.items():
        for name, value in counts.items():
            setattr(result[cid], name, value)
    if rollup:
        closed = rollup_reads.resolved_since(
            access, committee_ids, period.satisfaction_from, period.month_start
        )
        for cid, row in closed.items():
            for name, value in row.items():
                setattr(result[cid], name, getattr(result[cid], name) + value)
    pairs = (
        cases.filter(count_filters(period)["resolved_this_month"])
        .annotate(logged=TruncDate("created_at"), resolved=TruncDate("resolved_at"))
        .values("committee_id", "logged", "resolved")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_committee = defaultdict(list)
    for row in pairs:
        by_committee[row["committee_id"]].append((row["logged"], row["resolved"], row["n"]))
    for cid, items in by_committee.items():
        result[cid].median_days = median_working_days(items)
        result[cid].resolved_pairs = items
    for row in (
        late_referrals(committee_ids, period, access)
        .values("committee_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        result[row["committee_id"]].late_referrals = row["n"]
    for cid, roster in roster_figures(committee_ids, period.today).items():
        result[cid].roster = roster
    return result


def late_referrals(committee_ids: list[int], period: Period, access):
    """The referrals of these committees' cases this reader may see, no reply yet, past the date
    expected."""
    referrals = Referral.objects.filter(
        committee_id__in=committee_ids, replied_on__isnull=True, reply_expected_by__lt=period.today
    )
    if set(access.committees_where(Perm.MANAGE_CASES)) >= set(committee_ids):
        # visible_cases shows such a reader every case of these committees: no semi-join to ask it.
        return referrals
    return referrals.filter(
        case__in=visible_cases(access, Case.objects.filter(committee_id__in=committee_ids))
    )


def _add_per_committee(counts: dict, rows) -> None:
    """Adds each row's counts (by name) to its committee's in `counts`."""
    for row in rows:
        committee_counts = counts[row.pop("committee_id")]
        for name, value in row.items():
            committee_counts[name] += value


def month_label(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


def dashboard(committee, access, today: dt.date | None = None, rollup: bool | None = None) -> dict:
    """Everything the committee dashboard shows. A fixed number of queries (tests count them): the
    rollup's months brought up to date (rollup.ensure), then one UNION ALL (reports/unions.py) for
    the months' figures from the rollup (rollup_reads.closed_branches: the closed months summarised once,
    the current month kept by every change of a case), the workload from the open-case counters
    (reports/open_cases.py), the late referrals and, for a reader the rollup's rows leave their own
    sensitive cases out for, those counted live (_live_branches); then the care roster and the
    hotspots' categories. Nothing here reads a number of rows that grows with the committee's
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
    branches = {
        "late_referrals": (late_referrals(ids, period, access), {}, {"n": Count("pk")}),
    }
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
    if created_live is not None:  # (none for the secretary's own committee, today)
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
    # The figures headlines() gives a street's committees, read for one committee with the rest.
    headline = Headline(**month_counts)
    for name, value in (closed.since.get(committee.pk, {}) if closed else {}).items():
        setattr(headline, name, getattr(headline, name) + value)
    headline.late_referrals = sum(row["n"] for row in rows["late_referrals"])
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
    used = sorted({cid for (_, cid), n in per_month.items() if n}, key=order.__getitem__)
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
    headline.resolved_pairs = pairs.get(months[-1], [])

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
    # Links only for the buildings shown: a street's committee has hundreds of buildings.
    dates = {"created_from": period.year_start.isoformat(), "created_to": period.today.isoformat()}
    link = case_list_links(committee_id)
    for building in top:
        building["url"] = link(building=building["id"], **dates)
        building["categories"] = sorted(
            (
                {
                    "label": categories[cid][1],
                    "count": n,
                    "url": link(building=building["id"], category=categories[cid][0], **dates),
                }
                for cid, n in building["categories"].items()
                if n
            ),
            key=lambda c: (-c["count"], c["label"]),
        )
    return top


def _address(row: dict) -> str:
    return building_address(row["road"], row["lane"], row["number"])


def total_of(figures) -> Headline:
    """The headline figures of several committees added up (a street's, a district's)."""
    total = Headline()
    for h in figures:
        for name in ("open", "overdue", "new_this_month", "resolved_this_month", "called", "satisfied"):
            setattr(total, name, getattr(total, name) + getattr(h, name))
        total.late_referrals += h.late_referrals
        total.resolved_pairs += h.resolved_pairs
        total.roster.size += h.roster.size
        total.roster.on_cadence += h.roster.on_cadence
    total.median_days = median_working_days(total.resolved_pairs)
    return total


def street_overview(
    committees: list, access, today: dt.date | None = None, rollup: bool | None = None
) -> dict:
    """The headline figures per committee side by side, and the street's totals. Fixed queries."""
    period = Period(today or timezone.localdate())
    rollup = settings.REPORTS_ROLLUP if rollup is None else rollup
    ids = [c.pk for c in committees]
    # When these are all the active scope's committees, the scope says so already: the same IN list
    # of 300 committees twice made PostgreSQL misjudge the month's counts and read every case instead
    # of the month's from its indexes (767 → 18 ms, the district overview at 2,000,000 cases).
    scope = visible_committee_ids("Case")
    everything = scope is not None and set(ids) == scope
    cases = visible_cases(
        access, Case.objects.all() if everything else Case.objects.filter(committee_id__in=ids)
    )
    figures = headlines(cases, ids, period, access, rollup=rollup)
    rows = [
        {"committee": c, "figures": figures[c.pk], "links": count_links(c.pk, period)} for c in committees
    ]
    total = total_of(figures.values())
    chart = {
        "kind": "bar",
        "labels": [c.name for c in committees],
        "series": [
            {"name": _("Open"), "data": [figures[c.pk].open for c in committees]},
            {"name": _("Overdue"), "data": [figures[c.pk].overdue for c in committees]},
        ],
    }
    return {
        "period": period,
        "computed_at": timezone.localtime(),
        "rows": rows,
        "total": total,
        "chart": chart,
    }


def chart_is_empty(spec: dict) -> bool:
    """A chart with nothing to draw (no series, or every value 0 or missing): the page says so in
    words instead of drawing blank axes (committee B's first weeks, a new committee)."""
    return not any(value for series in spec.get("series", []) for value in series["data"])
