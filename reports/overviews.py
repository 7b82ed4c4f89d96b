"""The street and district overviews' figures: each committee's headline figures side by side (a
street's committees, the district's), or each street's (the district overview's street rows), in a
fixed number of queries for any number of committees; and the committees-side-by-side page's rows
and chart. What each figure counts is reports/figures.py's.

Closed months come from the rollup (reports/rollup.py: summarised once, kept current when a case of
theirs changes) and only the current month is counted live, so that the cost does not grow with the
years of cases. Today, with the rollup, nothing is counted from the cases: the month, the 90 days and
the open cases are read from kept counts in one UNION ALL (reports/overview_union.py). Another day's
figures, or every day's with `rollup=False`, are counted live here (the tests compare the two). The
committee dashboard reads the same figures its own way (reports/committee_figures.py).
"""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from cases.selectors import visible_cases
from committee.scoping import InIds
from common.workdays import median_of_counts, working_day_counts
from reports import overview_union, rollup_reads
from reports import rollup as summary_of_months
from reports.figures import (
    Headline,
    Period,
    called_counts,
    called_filter,
    count_filters,
    count_links_of,
    late_referral_parts,
    start_of,
    total_of,
)
from reports.roster import roster_counts, roster_figures


def headlines(
    cases,
    committee_ids: list[int],
    period: Period,
    access,
    rollup: bool = True,
    roster_residents: bool = True,
) -> dict[int, Headline]:
    """committee id → its headline figures (a street's, a district's): a fixed number of queries for
    any number of committees. Today, with the rollup, nothing is counted from the cases: the rollup's
    months brought up to date (one query), then one UNION ALL (reports/overview_union.py) of open and
    overdue from the open-case counters, the month's and the 90 days' figures from the rollup's
    overview rows (a few per committee), the reader's own sensitive cases which those rows leave out
    (when they do not see every sensitive case), the late referrals and the roster's sizes. Another
    day, or without the rollup, open and the month are counted from the cases. The committee
    dashboard reads the same figures its own way (reports/committee_figures.py).
    `roster_residents=False`: the roster's sizes only, counted, without its overdue residents (the
    overviews show each committee's share on cadence, not who is overdue)."""
    result = {cid: Headline() for cid in committee_ids}
    kept = rollup and period.today == timezone.localdate()
    if rollup:
        closed = summary_of_months.months_between(period.satisfaction_from, period.month_start)
        # The current month too when it is read from the rollup: summarised once if never yet (its
        # changes are added as they come).
        summary_of_months.ensure(committee_ids, closed + ([period.month_start] if kept else []))
    if kept:
        rows = overview_union.today_rows(access, committee_ids, period, roster=not roster_residents)
        overview_union.read_overview(result, rows, period)
    else:
        _live_open(result, cases, period)
        _live_month_figures(result, cases, committee_ids, period, access, rollup)
        for part in late_referral_parts(committee_ids, period, access):
            for row in part.values("committee_id").annotate(n=Count("*")).order_by():
                result[row["committee_id"]].late_referrals += row["n"]
    for headline in result.values():
        headline.median_days = median_of_counts(headline.resolved_days)
    if roster_residents or not kept:
        roster_of = roster_figures if roster_residents else roster_counts
        for cid, roster in roster_of(committee_ids, period.today).items():
            result[cid].roster = roster
    return result


def street_headlines(
    cases, street_of: dict[int, int], period: Period, access, rollup: bool = True
) -> dict[int, Headline]:
    """street id → its committees' headline figures added up (`street_of`: committee id → street
    id), without the roster: the district overview's street rows. Today, with the rollup, the
    UNION ALL of headlines groups by street itself, so that a district's 12 streets are a few dozen
    rows rather than 300 committees' headlines built and added up in Python; another day, or
    without the rollup, the committees' figures are counted as headlines counts them and added up."""
    committee_ids = list(street_of)
    if not (rollup and period.today == timezone.localdate()):
        per_street = defaultdict(list)
        for cid, headline in headlines(cases, committee_ids, period, access, rollup, False).items():
            per_street[street_of[cid]].append(headline)
        return {sid: total_of(figures) for sid, figures in per_street.items()}
    closed = summary_of_months.months_between(period.satisfaction_from, period.month_start)
    summary_of_months.ensure(committee_ids, [*closed, period.month_start])
    result = {sid: Headline() for sid in set(street_of.values())}  # 12 streets, not one per committee
    rows = overview_union.today_rows(access, committee_ids, period, roster=False, group="street")
    # Open and overdue, the 90 days' and the late referrals by committee (overview_union.BY_COMMITTEE):
    # each row read as its street's, the figures adding up.
    for kind in overview_union.BY_COMMITTEE:
        rows[kind] = [{**row, "committee_id": street_of[row["committee_id"]]} for row in rows.get(kind, [])]
    overview_union.read_overview(result, rows, period)
    for headline in result.values():
        headline.median_days = median_of_counts(headline.resolved_days)
    return result


def _live_open(result: dict[int, Headline], cases, period: Period) -> None:
    """Open and overdue counted from the cases. Apart from the month's counts: the open cases alone
    are counted from the partial index (an index-only scan of case_open_due); OR-ed with the month's
    rows into one query they made PostgreSQL read every case (917 ms for the district overview at
    2,000,000 cases)."""
    filters = count_filters(period)
    open_rows = (
        cases.filter(filters["open"])
        .values("committee_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=filters["overdue"]))
        .order_by()
    )
    for row in open_rows:
        result[row["committee_id"]].open = row["open"]
        result[row["committee_id"]].overdue = row["overdue"]


def _live_month_figures(
    result: dict[int, Headline], cases, committee_ids: list[int], period: Period, access, rollup: bool
) -> None:
    """The month's figures counted from the cases (another day than today, or without the rollup),
    the 90 days' closed months from the rollup's per-day rows when `rollup`."""
    filters = count_filters(period)
    del filters["open"], filters["overdue"]
    month_from = start_of(period.month_start)
    called = called_filter(period)
    if rollup:
        # The 90 days' resolved and satisfaction: the closed months' days from the rollup, this
        # month's live.
        filters["recently_resolved"] = Q(resolved_at__gte=month_from)
        called = Q(last_called_on__gte=period.month_start, last_called_on__lte=period.today)
    month_counts = defaultdict(lambda: defaultdict(int))
    # Only rows that can count anywhere: most of a committee's years of closed cases drop out early.
    relevant = (
        filters["new_this_month"] | filters["resolved_this_month"] | filters["recently_resolved"] | called
    )
    rows = cases.filter(relevant).values("committee_id").annotate(**_aggregates(filters, called)).order_by()
    _add_per_committee(month_counts, rows)
    own = rollup_reads.own_sensitive(access, committee_ids) if rollup else None
    if own is not None:
        # The reader's own sensitive cases of the closed months, which the rollup's rows leave out
        # for those who do not see every sensitive case: counted live, in a query of their own (see
        # compile_overview's `own`).
        earlier = own & Q(resolved_at__gte=start_of(period.satisfaction_from), resolved_at__lt=month_from)
        called_earlier = own & Q(
            last_called_on__gte=period.satisfaction_from, last_called_on__lt=period.month_start
        )
        own_rows = (
            cases.filter(earlier | called_earlier)
            .values("committee_id")
            .annotate(**_aggregates({"recently_resolved": earlier}, called_earlier))
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
        result[cid].resolved_days = working_day_counts(items)


def _aggregates(filters: dict[str, Q], called: Q) -> dict:
    """A count of each filter's cases, and the satisfaction's over the cases last called back in
    `called` (figures.called_counts)."""
    return {**{name: Count("pk", filter=q) for name, q in filters.items()}, **called_counts(called)}


def _add_per_committee(counts: dict, rows) -> None:
    """Adds each row's counts (by name) to its committee's in `counts`."""
    for row in rows:
        committee_counts = counts[row.pop("committee_id")]
        for name, value in row.items():
            committee_counts[name] += value


def overview_figures(
    ids: list[int], access, today: dt.date | None = None, rollup: bool | None = None
) -> dict:
    """The headline figures of these committees (committee id → Headline) and their total: what the
    committees-side-by-side page keeps in the cache, before it filters, sorts and pages the rows."""
    period = Period(today or timezone.localdate())
    rollup = settings.REPORTS_ROLLUP if rollup is None else rollup
    figures = headlines(cases_of(ids, access), ids, period, access, rollup=rollup, roster_residents=False)
    return {
        "period": period,
        "computed_at": timezone.localtime(),
        "figures": figures,
        "total": total_of(figures.values()),
    }


def cases_of(ids: list[int], access):
    """The cases of these committees the reader may see, for the figures counted live. By InIds, so
    that the scope's condition is not written again beside it (committee/scoping.py): the same IN
    list of 300 committees twice made PostgreSQL misjudge the month's counts and read every case
    instead of the month's from its indexes (767 → 18 ms, the district overview at 2,000,000 cases)."""
    return visible_cases(access, Case.objects.filter(InIds("committee_id", ids)))


def overview_rows(committees: list, figures: dict[int, Headline], period: Period) -> dict:
    """The table's rows (committee, figures, links to the case list) and the chart of these
    committees: a page of them, so that links are written only for the rows shown."""
    links = count_links_of(period)
    rows = [{"committee": c, "figures": figures[c.pk], "links": links(c.pk)} for c in committees]
    chart = {
        "kind": "bar",
        "labels": [c.name for c in committees],
        "series": [
            # Coloured by what they are (static/js/charts.js TONES): overdue in the page's red, as
            # its figures and chips; open in a neutral grey. By order, open took the palette's red.
            {"name": _("Open"), "tone": "open", "data": [figures[c.pk].open for c in committees]},
            {"name": _("Overdue"), "tone": "overdue", "data": [figures[c.pk].overdue for c in committees]},
        ],
    }
    return {"rows": rows, "chart": chart}


def street_overview(
    committees: list, access, today: dt.date | None = None, rollup: bool | None = None
) -> dict:
    """The headline figures per committee side by side, and the street's totals. Fixed queries."""
    ctx = overview_figures([c.pk for c in committees], access, today, rollup)
    ctx.update(overview_rows(committees, ctx["figures"], ctx["period"]))
    return ctx
