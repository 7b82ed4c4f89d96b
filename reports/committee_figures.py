"""The committee dashboard's figures (reports/figures.py has their definitions, reports/overviews.py
a street's and the district's): everything the dashboard shows, in a fixed number of queries whatever
the number of cases, put together here from one UNION ALL.

The closed months and the current one come from the rollup (reports/rollup.py, read through
reports/rollup_reads.py) and the workload from the open-case counters (reports/open_cases.py), so
that the cost grows neither with the years of cases nor with a committee's cases. What is counted
live is reports/dashboard_live.py's; the workload table is reports/workload.py's, the hotspots
reports/hotspots.py's. `rollup=False` counts everything live (the tests compare the two).
"""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import reference
from cases.models import Case
from cases.selectors import visible_cases
from common.workdays import median_of_counts, working_day_counts
from reports import dashboard_live, open_cases, rollup_reads
from reports import rollup as summary_of_months
from reports.figures import OPEN, Headline, Period, case_list_links, count_links, month_label, start_of
from reports.hotspots import hotspots
from reports.roster import roster_figures
from reports.unions import union_counts
from reports.workload import counted_rows, workload


def dashboard(committee, access, today: dt.date | None = None, rollup: bool | None = None) -> dict:
    """Everything the committee dashboard shows. A fixed number of queries (tests count them): the
    rollup's months brought up to date (rollup.ensure), then one UNION ALL (reports/unions.py) for
    the months' figures from the rollup (rollup_reads.closed_branches: the closed months summarised
    once, the current month kept by every change of a case), the workload from the open-case
    counters (reports/open_cases.py), the late referrals and, for a reader the rollup's rows leave
    their own sensitive cases out for, those counted live (dashboard_live.py); then the care roster and
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
    columns = {**dashboard_live.LIVE_COLUMNS}
    aggregates: dict = {**dashboard_live.LIVE_COUNTS}
    branches = dashboard_live.late_referrals_branches(access, ids, period.today)
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
    year_from = start_of(period.first_month)
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
        # a day for each reader (dashboard_live._own_live_compiled).
        compiled = dashboard_live.own_live_branches(access, committee.pk, period.today)
        month_branches = dict.fromkeys(dashboard_live.OWN_MONTH_KINDS)  # the kinds live_figures reads
        branches.update(compiled)
    elif created_live is not None:  # (none for the secretary's own committee, today)
        month_branches = dashboard_live.headline_branches(cases, period, rollup, own, kept)
        branches.update(
            dashboard_live.live_branches(cases, created_live, resolved_live, year_from, month_branches)
        )
    rows = union_counts(columns, aggregates, branches)
    closed = None
    if rollup:
        closed = rollup_reads.closed_figures(rows)
    if created_live is None:
        live = {
            "month_counts": dashboard_live.month_counts(),
            "per_month": [],
            "by_source": [],
            "buildings": [],
            "resolution": [],
        }
    else:
        live = dashboard_live.live_figures(rows, month_branches)
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
    headline.late_referrals = sum(
        row["n"] for kind in dashboard_live.LATE_KINDS for row in rows.get(kind, [])
    )
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

    counted = counted_rows(rows["workload"], ids) if kept else None
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
    iso_from, iso_today = period.first_month.isoformat(), period.today.isoformat()
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


def _either(a: Q | None, b: Q) -> Q:
    return b if a is None else a | b
