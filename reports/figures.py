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
import functools
import operator
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote_plus

from django.conf import settings
from django.db.models import CharField, Count, DateField, F, IntegerField, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Referral
from cases.selectors import visible_cases
from committee.roles import Perm
from committee.scoping import InIds, visible_committee_ids
from common.reversing import reverse_once
from common.workdays import median_of_counts, working_day_counts
from reports import open_cases, rollup_reads
from reports import rollup as summary_of_months
from reports.models import CaseRollup
from reports.roster import RosterFigures, roster_counts, roster_figures
from reports.unions import compile_branch, union_counts
from residents.selectors import care_roster

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
    any number of committees. Today, with the rollup, nothing is counted from the cases: the rollup's
    months brought up to date (one query), then one UNION ALL (_overview_branches) of open and
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
        branches = _overview_branches(access, committee_ids, period, roster=not roster_residents)
        _read_overview(result, union_counts(OVERVIEW_COLUMNS, OVERVIEW_SUMS, branches), period)
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
    result = {sid: Headline() for sid in street_of.values()}
    branches = _overview_branches(access, committee_ids, period, roster=False, group="street")
    rows = union_counts(OVERVIEW_COLUMNS, OVERVIEW_SUMS, branches)
    # Open and overdue by committee (compile_overview): added up per street here.
    for row in rows.pop("open") + rows.pop("open_own", []):
        headline = result[street_of[row["committee_id"]]]
        headline.open += row["open"]
        headline.overdue += row["overdue"]
    _read_overview(result, {**rows, "open": []}, period)
    for headline in result.values():
        headline.median_days = median_of_counts(headline.resolved_days)
    return result


OVERVIEW_COLUMNS = {
    "committee_id": IntegerField(),
    "figure": CharField(),
    "days": IntegerField(),
    "logged": DateField(),
    "resolved": DateField(),
    "satisfaction": CharField(),
}
OVERVIEW_SUMS = dict.fromkeys(("n", "called", "satisfied", "open", "overdue", "size", "on_cadence"))

# _overview_branches' compiled branches, by what their SQL depends on (see there).
_compiled_overviews: dict[tuple, dict] = {}


def _overview_branches(
    access, committee_ids: list[int], period: Period, roster: bool, group: str = "committee"
) -> dict:
    """The overview's branches of one UNION ALL (reports/unions.py), compiled once for each set of
    what their SQL depends on: the database, the committee scope, the time zone, the committees,
    those where the reader manages cases (visible_cases' rule: all of them, not only these), the
    reader, the day and whether the roster is counted. A district's 300 committees' five queries
    cost about 1 ms of Python each to compile, more than the database took for most of them
    (tests/reports/test_overview_rows.py compares the kept branches with branches compiled afresh)."""
    key = (
        CaseRollup.objects.db,
        visible_committee_ids("Case"),
        timezone.get_current_timezone_name(),
        tuple(sorted(committee_ids)),
        tuple(sorted(access.committees_where(Perm.MANAGE_CASES))),
        access.user.pk,
        period.today,
        roster,
        group,
    )
    branches = _compiled_overviews.get(key)
    if branches is None:
        if len(_compiled_overviews) >= 512:  # a bound, as the lru_caches of the other kept queries
            _compiled_overviews.clear()
        branches = _compiled_overviews[key] = compile_overview(access, committee_ids, period, roster, group)
    return branches


def compile_overview(
    access, committee_ids: list[int], period: Period, roster: bool, group: str = "committee"
) -> dict:
    """_overview_branches' branches compiled afresh (kind → Compiled, or None when it has no rows),
    grouped by committee, or by street (`group="street"`: the district overview's street rows; the
    column keeps its name committee_id and holds the street's id; the open branches stay by committee).

    - open, open_own: open and overdue from the open-case totals (reports/open_cases.py
      overview_branches: OpenTotal's total and past due dates, a few rows per committee, and the
      reader's own sensitive cases from the counters), instead of the open cases counted;
    - month, since, days: the rollup's overview rows (CaseRollup's CREATED_TOTAL, RESOLVED_DAYS,
      RESOLVED_FROM), a few per committee: this month's logged and resolved (and their median's
      working days), and the 90 days' resolved, called back and satisfied, each closed month from
      its first day counted (the first month from the 90 days' first day, the others from their
      1st). They replace this month's cases counted live (8,199 at 2,000,000 cases) and the
      per-day rollup rows of the 90 days (71,040). Rows of sensitive cases count only where the
      reader sees every sensitive case (rollup_reads.visible_rows);
    - own: the reader's own sensitive cases (as assignee or author) there, which those rows leave
      out, counted live, logged this month or resolved in the 90 days (through the partial indexes
      of sensitive cases by assignee and by author; OR-ed into another query they made PostgreSQL
      read every case of the committees);
    - late: the late referrals; roster: the roster's sizes (reports/roster.py roster_counts)."""
    Figure = CaseRollup.Figure
    month = period.month_start
    # The grouping column: the committee, or its street (a join to the committees, 300 rows).
    key = F("committee__street_id") if group == "street" else F("committee_id")
    sums = {"n": Sum("n"), "called": Sum("called"), "satisfied": Sum("satisfied")}
    rows = CaseRollup.objects.filter(rollup_reads.visible_rows(access, committee_ids))
    # Every branch's figure among the overview's, apart: PostgreSQL reads them through the partial
    # index case_rollup_overview only when the query says so in as many words.
    overview = rows.filter(figure__in=[Figure.CREATED_TOTAL, Figure.RESOLVED_DAYS, Figure.RESOLVED_FROM])
    earlier = Q()
    for closed in summary_of_months.months_between(period.satisfaction_from, month):
        earlier |= Q(month=closed, day=max(closed, period.satisfaction_from))
    branches = {
        # By committee whatever the grouping (street_headlines adds them up per street).
        **open_cases.overview_branches(access, committee_ids, period.today),
        "month": (
            overview.filter(
                Q(figure=Figure.CREATED_TOTAL) | Q(figure=Figure.RESOLVED_FROM, day=month), month=month
            ),
            {"committee_id": key, "figure": F("figure")},
            sums,
        ),
        "since": (
            overview.filter(earlier, figure=Figure.RESOLVED_FROM) if earlier else overview.none(),
            {"committee_id": key},
            sums,
        ),
        "days": (
            overview.filter(figure=Figure.RESOLVED_DAYS, month=month),
            {"committee_id": key, "days": F("days")},
            {"n": Sum("n")},
        ),
    }
    # The late referrals in their parts (late, late_1), added up by _read_overview; COUNT(*), not of
    # the ids, so that PostgreSQL counts from the partial index alone (an index-only scan).
    for i, part in enumerate(late_referral_parts(committee_ids, period, access)):
        branches[f"late_{i}" if i else "late"] = (part, {"committee_id": key}, {"n": Count("*")})
    own = rollup_reads.own_sensitive(access, committee_ids)
    if own is not None:
        recent = Q(created_at__gte=start_of(month)) | Q(resolved_at__gte=start_of(period.satisfaction_from))
        branches["own"] = (
            Case.objects.filter(own).filter(recent),  # visible_cases shows the reader their own
            {
                "committee_id": key,
                "logged": TruncDate("created_at"),
                "resolved": TruncDate("resolved_at"),
                "satisfaction": F("satisfaction"),
            },
            {"n": Count("pk")},
        )
    if roster:
        branches["roster"] = (
            care_roster(committee_ids),
            {"committee_id": key},
            {"size": Count("pk"), "on_cadence": Count("pk", filter=Q(next_visit_due__gte=period.today))},
        )
    return {kind: compile_branch(kind, *branch) for kind, branch in branches.items()}


def _read_overview(result: dict[int, Headline], rows: dict[str, list[dict]], period: Period) -> None:
    """_overview_branches' rows (union_counts'), into each committee's headline."""
    for row in rows["open"] + rows.get("open_own", []):
        headline = result[row["committee_id"]]
        headline.open += row["open"]
        headline.overdue += row["overdue"]
    created = CaseRollup.Figure.CREATED_TOTAL
    for row in rows["month"]:
        headline = result[row["committee_id"]]
        if row["figure"] == created:
            headline.new_this_month += row["n"]
        else:  # this month's resolved, from its 1st
            headline.resolved_this_month += row["n"]
            headline.recently_resolved += row["n"]
            headline.called += row["called"]
            headline.satisfied += row["satisfied"]
    for row in rows["since"]:
        headline = result[row["committee_id"]]
        headline.recently_resolved += row["n"]
        headline.called += row["called"]
        headline.satisfied += row["satisfied"]
    for row in rows["days"]:
        result[row["committee_id"]].resolved_days.append((row["days"], row["n"]))
    for row in rows["late"] + rows.get("late_1", []):
        result[row["committee_id"]].late_referrals += row["n"]
    for row in rows.get("roster", []):
        result[row["committee_id"]].roster = RosterFigures(size=row["size"], on_cadence=row["on_cadence"])
    _add_own(result, rows.get("own", []), period)


def _add_own(result: dict[int, Headline], rows: list[dict], period: Period) -> None:
    """The reader's own sensitive cases (the `own` branch's rows: committee, day logged, day
    resolved, follow-up answer, count), added where each counts."""
    pairs = defaultdict(list)
    for row in rows:
        headline, logged, resolved, n = result[row["committee_id"]], row["logged"], row["resolved"], row["n"]
        if period.month_start <= logged <= period.today:
            headline.new_this_month += n
        if resolved is None or resolved < period.satisfaction_from:
            continue
        headline.recently_resolved += n
        headline.called += n if row["satisfaction"] else 0
        headline.satisfied += n if row["satisfaction"] in SATISFIED else 0
        if period.month_start <= resolved <= period.month_end:
            headline.resolved_this_month += n
            pairs[row["committee_id"]].append((logged, resolved, n))
    for cid, items in pairs.items():
        result[cid].resolved_days += working_day_counts(items)


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
        # compile_overview's `own`).
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
    referrals = Referral.objects.filter(
        InIds("committee_id", committee_ids),
        replied_on__isnull=True,
        reply_expected_by__lt=period.today,
        case_open=True,
    )
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


def _add_per_committee(counts: dict, rows) -> None:
    """Adds each row's counts (by name) to its committee's in `counts`."""
    for row in rows:
        committee_counts = counts[row.pop("committee_id")]
        for name, value in row.items():
            committee_counts[name] += value


def month_label(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


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
            {"name": _("Open"), "data": [figures[c.pk].open for c in committees]},
            {"name": _("Overdue"), "data": [figures[c.pk].overdue for c in committees]},
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


def chart_is_empty(spec: dict) -> bool:
    """A chart with nothing to draw (no series, or every value 0 or missing): the page says so in
    words instead of drawing blank axes (committee B's first weeks, a new committee)."""
    return not any(value for series in spec.get("series", []) for value in series["data"])
