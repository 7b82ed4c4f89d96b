"""The reports' figures: what each one counts, and the case list's filter that gives the same rows.

Definitions (the tests compute each one independently from constructed data):
- open: status new, in progress or waiting;  overdue: open and due before today;
- new this month: logged (created_at, local date) from the 1st of this month to today;
- resolved this month: resolved_at in this month;
- median working days to resolve: over the cases resolved this month, working days after the day
  logged up to and including the day resolved (common/workdays.py, the Chinese calendar);
- satisfaction: of the cases whose latest follow-up call was in the last 90 days (today and the 89
  days before), the share whose answer at that call was satisfied or mostly satisfied. Each case
  once, by its latest call (Case.last_called_on and last_call_result), whatever it became since: a
  case called back "not satisfied" and reopened counts as not satisfied until called again;
- late referrals: no reply yet and the expected reply date has passed;
- roster overdue: see reports/roster.py.
Every count links to cases:list with the filter that gives the same rows (notes: filter contract):
count_filters (the Q of each count) and count_links (its link) are written side by side.

Beside them, what every report shares: the Period they are counted against, Headline (a committee's
headline figures; total_of adds up a street's or the district's) and the late referrals (the list's
rows, and their counts in parts). Where they are counted: a street's and the district's headlines in
reports/overviews.py (today's from kept counts: reports/overview_union.py), one committee's dashboard
in reports/committee_figures.py, the monthly summary in reports/summary.py.
"""

import datetime as dt
import functools
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote_plus

from django.db.models import Count, Q
from django.utils import timezone

from cases.models import Case, Referral
from committee.roles import Perm
from committee.scoping import InIds
from common.reversing import reverse_once
from common.workdays import median_of_counts
from reports.roster import RosterFigures

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
    def first_month(self) -> dt.date:
        """The first day of the dashboard's 12 months: this month and the 11 before, whole months as
        the rollup keeps them (in December, 1 January). The panels that count "12 months" (cases by
        source, the hotspots, the charts by month) count from it and say so ("2026-01 to today"):
        not the last 365 days, whose first month would be counted in part."""
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


def month_label(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


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


def called_filter(period: Period) -> Q:
    """The cases the satisfaction is the share of: their latest call in the 90 days (the list's
    called_from / called_to). Apart from count_filters: a count of cases called, not a headline
    figure of its own (called and satisfied are counted over it)."""
    return Q(last_called_on__gte=period.satisfaction_from, last_called_on__lte=period.today)


def called_counts(called: Q | None = None) -> dict:
    """The satisfaction's two counts over the cases of `called` (called_filter, or a part of it;
    None: every case of the query, filtered by it already): a case's latest call has its day and
    answer both (they are kept together)."""
    good = Q(last_call_result__in=SATISFIED)
    return {
        "called": Count("pk", filter=called),
        "satisfied": Count("pk", filter=good if called is None else called & good),
    }


def count_links(committee_id: int, period: Period) -> dict[str, str]:
    return count_links_of(period)(committee_id)


def count_links_of(period: Period) -> Callable[[int], dict[str, str]]:
    """count_links for many committees (a district's 300 rows): each link's filters are written once
    and only the committee changes, the link the same as case_list_url's (the committee first)."""
    path = reverse_once("cases:list")
    tails = {name: _query_string(params) for name, params in _count_params(period).items()}

    def links(committee_id: int) -> dict[str, str]:
        head = f"{path}?committee={int(committee_id)}&"
        return {name: head + tail for name, tail in tails.items()}

    return links


def area_links(period: Period, **area: int | None) -> dict[str, str]:
    """The links of a street's or the district's headline figures (the overviews' tiles): each opens
    the list of exactly what it counts across the reader's committees of the `area` shown (street=id
    or district=id: the case list's and the late referrals' filters of the same name; none: all the
    reader's committees). The median opens the cases resolved this month it is taken over, the
    satisfaction the cases last called back in the 90 days it is the share of, as on a committee's
    dashboard."""
    scope = _query_string(area)
    cases = reverse_once("cases:list")
    links = {
        name: f"{cases}?{_query_string(params)}{'&' + scope if scope else ''}"
        for name, params in _count_params(period).items()
    }
    late = reverse_once("reports:late_referrals_across")
    links["late_referrals"] = f"{late}?{scope}" if scope else late
    return links


def _count_params(period: Period) -> dict[str, dict[str, str]]:
    """The case list's parameters of each count (count_filters' Q, as the list's filters)."""
    iso = dt.date.isoformat
    return {
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
        # The satisfaction tile counts the cases by their latest call in the 90 days, whatever
        # became of them since (called_filter).
        "called": {"called_from": iso(period.satisfaction_from), "called_to": iso(period.today)},
    }


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


def total_of(figures) -> Headline:
    """The headline figures of several committees added up (a street's, a district's). A sum per
    figure rather than getattr and setattr per figure and committee: 13 totals of the district's
    300 committees took 2.6 ms so."""
    figures = list(figures)
    resolved_days = [pair for h in figures for pair in h.resolved_days]
    return Headline(
        open=sum(h.open for h in figures),
        overdue=sum(h.overdue for h in figures),
        new_this_month=sum(h.new_this_month for h in figures),
        resolved_this_month=sum(h.resolved_this_month for h in figures),
        recently_resolved=sum(h.recently_resolved for h in figures),
        called=sum(h.called for h in figures),
        satisfied=sum(h.satisfied for h in figures),
        late_referrals=sum(h.late_referrals for h in figures),
        resolved_days=resolved_days,
        median_days=median_of_counts(resolved_days),
        roster=RosterFigures(
            size=sum(h.roster.size for h in figures), on_cadence=sum(h.roster.on_cadence for h in figures)
        ),
    )


def late_referrals(committee_ids: list[int], period: Period, access):
    """The referrals of these committees' open cases this reader may see, no reply yet, past the date
    expected: nobody chases a reply for a case resolved, withdrawn or closed (the morning reminders
    ask the same, notifications/reminders.py), and such referrals would pile up year after year.
    One queryset, for the rows of a list; counts read late_referral_parts."""
    return functools.reduce(operator.or_, late_referral_parts(committee_ids, period, access))


def late_referral_parts(committee_ids: list[int], period: Period, access) -> list:
    """late_referrals as one or two querysets with no row in common, to be counted apart and added:
    the referrals of cases that are not sensitive, and those of sensitive cases the reader may see.

    Read from the referrals alone, by the case's state each keeps (Referral.case_open and
    case_sensitive): visible_cases' rule, with only a sensitive case of the reader's own looked up.
    Apart, each is read through the partial index referral_waiting_open; OR-ed into one filter,
    PostgreSQL read every referral of the district (a parallel sequential scan of 200,000: ~30 ms of
    the district overview's union, against ~3 ms for the two parts)."""
    referrals = Referral.objects.filter(InIds("committee_id", committee_ids), Referral.late(period.today))
    managing = access.committees_where(Perm.MANAGE_CASES)
    if set(managing) >= set(committee_ids):
        return [referrals]  # visible_cases shows such a reader every case of these committees
    sensitive = Q()
    if managing:
        sensitive |= Q(committee_id__in=managing)
    if access.user.pk is not None:
        own = Case.objects.filter(
            Q(assignee_id=access.user.pk) | Q(created_by_id=access.user.pk), sensitive=True
        )
        sensitive |= Q(case__in=own.values("pk"))
    parts = [referrals.filter(case_sensitive=False)]
    if sensitive:
        parts.append(referrals.filter(sensitive, case_sensitive=True))
    return parts


def chart_is_empty(spec: dict) -> bool:
    """A chart with nothing to draw (no series, or every value 0 or missing): the page says so in
    words instead of drawing blank axes (committee B's first weeks, a new committee)."""
    return not any(value for series in spec.get("series", []) for value in series["data"])
