"""The dashboards' figures, computed in a fixed number of queries whatever the number of cases: their
definitions, a street's and the district's headlines (the committee dashboard reads the same figures
its own way: reports/committee_figures.py).

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
cost does not grow with a committee's cases either (reports/committee_figures.py). `rollup=False`
counts everything live (the tests compare the two).
"""

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote_plus

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Referral
from cases.selectors import visible_cases
from committee.roles import Perm
from committee.scoping import Ids, visible_committee_ids
from common.reversing import reverse_once
from common.workdays import median_of_counts, working_day_counts
from reports import open_cases, rollup_reads
from reports import rollup as summary_of_months
from reports.models import CaseRollup
from reports.roster import RosterFigures, roster_counts, roster_figures

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
        tail = _query_string(params)
        return f"{start}&{tail}" if tail else start

    return url


def _query_string(params: dict) -> str:
    parts = []
    for key, value in params.items():
        if value is None:
            continue
        text = str(value)
        parts.append(f"{key}={text if _PLAIN.fullmatch(text) else quote_plus(text)}")
    return "&".join(parts)


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
    return count_links_of(period)(committee_id)


def count_links_of(period: Period) -> Callable[[int], dict[str, str]]:
    """count_links for many committees (a district's 300 rows): each link's filters are written once
    and only the committee changes, the link the same as case_list_url's (the committee first)."""
    iso = dt.date.isoformat
    filters = {
        "open": {"status": "open"},
        "overdue": {"overdue": 1},
        "new_this_month": {"created_from": iso(period.month_start), "created_to": iso(period.today)},
        "resolved_this_month": {
            "resolved_from": iso(period.month_start),
            "resolved_to": iso(period.month_end),
        },
        "recently_resolved": {
            "resolved_from": iso(period.satisfaction_from),
            "resolved_to": iso(period.today),
        },
        # The satisfaction tile counts the cases called back, not all resolved (221, not 228).
        "called": {
            "resolved_from": iso(period.satisfaction_from),
            "resolved_to": iso(period.today),
            "follow_up": "called",
        },
    }
    path = reverse_once("cases:list")
    tails = {name: _query_string(params) for name, params in filters.items()}

    def links(committee_id: int) -> dict[str, str]:
        head = f"{path}?committee={int(committee_id)}&"
        return {name: head + tail for name, tail in tails.items()}

    return links


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
    # (working days taken, count) of the cases resolved this month: the street total's median needs them.
    resolved_days: list = field(default_factory=list, repr=False)

    @property
    def satisfaction_rate(self) -> float | None:
        return round(100 * self.satisfied / self.called, 1) if self.called else None


def headlines(
    cases,
    committee_ids: list[int],
    period: Period,
    access,
    rollup: bool = True,
    roster_residents: bool = True,
) -> dict[int, Headline]:
    """committee id → its headline figures (a street's, a district's): a fixed number of queries for
    any number of committees. Today, with the rollup, nothing is counted from the cases: open and
    overdue from the open-case counters, the month's and the 90 days' figures from the rollup's
    overview rows (a few per committee: _kept_month_figures), and for a reader who does not see
    every sensitive case their own ones, which those rows leave out, counted live (_own_sensitive).
    Another day, or without the rollup, the month is counted from the cases. The committee
    dashboard reads the same figures its own way (reports/committee_figures.py).
    `roster_residents=False`: the roster's sizes only, counted, without its overdue residents (the
    overviews show each committee's share on cadence, not who is overdue)."""
    result = {cid: Headline() for cid in committee_ids}
    kept = rollup and period.today == timezone.localdate()
    if kept:
        # Today's: from the open-case counters (reports/open_cases.py), a few rows per committee.
        for cid, (opened, overdue) in open_cases.open_by_committee(
            access, committee_ids, period.today
        ).items():
            result[cid].open, result[cid].overdue = opened, overdue
    else:
        _live_open(result, cases, period)
    if rollup:
        closed = summary_of_months.months_between(period.satisfaction_from, period.month_start)
        # The current month too when it is read from the rollup: summarised once if never yet (its
        # changes are added as they come).
        summary_of_months.ensure(committee_ids, closed + ([period.month_start] if kept else []))
    if kept:
        _kept_month_figures(result, access, committee_ids, period)
        own = rollup_reads.own_sensitive(access, committee_ids)
        if own is not None:
            _own_sensitive(result, cases.filter(own), period)
    else:
        _live_month_figures(result, cases, committee_ids, period, access, rollup)
    for headline in result.values():
        headline.median_days = median_of_counts(headline.resolved_days)
    for row in (
        late_referrals(committee_ids, period, access)
        .values("committee_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        result[row["committee_id"]].late_referrals = row["n"]
    roster_of = roster_figures if roster_residents else roster_counts
    for cid, roster in roster_of(committee_ids, period.today).items():
        result[cid].roster = roster
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


def _kept_month_figures(
    result: dict[int, Headline], access, committee_ids: list[int], period: Period
) -> None:
    """This month's logged and resolved cases, their median working days, and the 90 days'
    resolved, called back and satisfied, from the rollup's overview rows (CaseRollup's
    CREATED_TOTAL, RESOLVED_DAYS, RESOLVED_FROM): one query of a few rows per committee (at 300
    committees about 5,000, most of them this month's working days; the rows it replaced were the
    month's 8,199 cases counted live and 71,040 per-day rollup rows). The rows of sensitive cases
    count only where the reader sees every sensitive case (rollup_reads.visible_rows)."""
    Figure = CaseRollup.Figure
    month = period.month_start
    months = summary_of_months.months_between(period.satisfaction_from, month)
    # The 90 days: each closed month from its first day resolved counted (the first month from the
    # 90 days' first day, the others from their 1st), and this month from its 1st.
    since = Q(month=month, day=month)
    for closed in months:
        since |= Q(month=closed, day=max(closed, period.satisfaction_from))
    rows = (
        CaseRollup.objects.filter(rollup_reads.visible_rows(access, committee_ids))
        .filter(
            Q(figure__in=[Figure.CREATED_TOTAL, Figure.RESOLVED_DAYS], month=month)
            | (Q(figure=Figure.RESOLVED_FROM) & since)
        )
        .values_list("committee_id", "figure", "month", "days")
        .annotate(Sum("n"), Sum("called"), Sum("satisfied"))
        .order_by()
    )
    created, by_days = Figure.CREATED_TOTAL.value, Figure.RESOLVED_DAYS.value
    resolved_from = Figure.RESOLVED_FROM.value
    for cid, figure, row_month, days, n, called, satisfied in rows:
        headline = result[cid]
        if figure == created:
            headline.new_this_month += n
        elif figure == by_days:
            headline.resolved_days.append((days, n))
        elif figure == resolved_from:
            headline.recently_resolved += n
            headline.called += called
            headline.satisfied += satisfied
            if row_month == month:
                headline.resolved_this_month += n


def _own_sensitive(result: dict[int, Headline], own, period: Period) -> None:
    """The reader's own sensitive cases (as assignee or author) in the committees where the rollup's
    rows leave sensitive cases out for them (rollup_reads.own_sensitive), counted live: logged this
    month, or resolved in the 90 days. In a query of their own, through the partial indexes of
    sensitive cases by assignee and by author: OR-ed into another they made PostgreSQL read every
    case of the committees (0.5 s for the district overview at 2,000,000 cases)."""
    month_from = start_of(period.month_start)
    rows = (
        own.filter(Q(created_at__gte=month_from) | Q(resolved_at__gte=start_of(period.satisfaction_from)))
        .annotate(logged=TruncDate("created_at"), resolved=TruncDate("resolved_at"))
        .values_list("committee_id", "logged", "resolved", "satisfaction")
        .annotate(Count("pk"))
        .order_by()
    )
    pairs = defaultdict(list)
    for cid, logged, resolved, satisfaction, n in rows:
        headline = result[cid]
        if period.month_start <= logged <= period.today:
            headline.new_this_month += n
        if resolved is None or resolved < period.satisfaction_from:
            continue
        headline.recently_resolved += n
        headline.called += n if satisfaction else 0
        headline.satisfied += n if satisfaction in SATISFIED else 0
        if period.month_start <= resolved <= period.month_end:
            headline.resolved_this_month += n
            pairs[cid].append((logged, resolved, n))
    for cid, items in pairs.items():
        result[cid].resolved_days += working_day_counts(items)


def _live_month_figures(
    result: dict[int, Headline], cases, committee_ids: list[int], period: Period, access, rollup: bool
) -> None:
    """The month's figures counted from the cases (another day than today, or without the rollup),
    the 90 days' closed months from the rollup's per-day rows when `rollup`."""
    filters = count_filters(period)
    del filters["open"], filters["overdue"]
    month_from = start_of(period.month_start)
    if rollup:
        # The 90 days' satisfaction: the closed months' days from the rollup, this month's live.
        filters["recently_resolved"] = Q(resolved_at__gte=month_from)
    month_counts = defaultdict(lambda: defaultdict(int))
    # Only rows that can count anywhere: most of a committee's years of closed cases drop out early.
    relevant = filters["new_this_month"] | filters["resolved_this_month"] | filters["recently_resolved"]
    rows = cases.filter(relevant).values("committee_id").annotate(**_aggregates(filters)).order_by()
    _add_per_committee(month_counts, rows)
    own = rollup_reads.own_sensitive(access, committee_ids) if rollup else None
    if own is not None:
        # The reader's own sensitive cases of the closed months, which the rollup's rows leave out
        # for those who do not see every sensitive case: counted live, in a query of their own (see
        # _own_sensitive).
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
        result[cid].resolved_days = working_day_counts(items)


def late_referrals(committee_ids: list[int], period: Period, access):
    """The referrals of these committees' cases this reader may see, no reply yet, past the date
    expected."""
    referrals = Referral.objects.filter(
        committee_id__in=Ids(committee_ids), replied_on__isnull=True, reply_expected_by__lt=period.today
    )
    if set(access.committees_where(Perm.MANAGE_CASES)) >= set(committee_ids):
        # visible_cases shows such a reader every case of these committees: no semi-join to ask it.
        return referrals
    return referrals.filter(
        case__in=visible_cases(access, Case.objects.filter(committee_id__in=Ids(committee_ids)))
    )


def _add_per_committee(counts: dict, rows) -> None:
    """Adds each row's counts (by name) to its committee's in `counts`."""
    for row in rows:
        committee_counts = counts[row.pop("committee_id")]
        for name, value in row.items():
            committee_counts[name] += value


def month_label(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


def total_of(figures) -> Headline:
    """The headline figures of several committees added up (a street's, a district's)."""
    total = Headline()
    for h in figures:
        for name in ("open", "overdue", "new_this_month", "resolved_this_month", "called", "satisfied"):
            setattr(total, name, getattr(total, name) + getattr(h, name))
        total.late_referrals += h.late_referrals
        total.resolved_days += h.resolved_days
        total.roster.size += h.roster.size
        total.roster.on_cadence += h.roster.on_cadence
    total.median_days = median_of_counts(total.resolved_days)
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
    figures = headlines(cases, ids, period, access, rollup=rollup, roster_residents=False)
    links = count_links_of(period)
    rows = [{"committee": c, "figures": figures[c.pk], "links": links(c.pk)} for c in committees]
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
