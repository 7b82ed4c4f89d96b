"""Today's headline figures of a street's or the district's committees, in one UNION ALL
(reports/unions.py) of kept counts: open and overdue from the open-case totals, the month's and the
90 days' figures from the rollup's per-committee overview rows, the reader's own sensitive cases
those rows leave out, the late referrals and the roster's sizes (compile_overview says which branch
reads what).

Apart from reports/overviews.py, which asks for these rows (today_rows) and counts another day's
from the cases: these branches read a few rows per committee whatever the number of cases, and are
compiled once for each reader and day (_overview_branches), compiling them having cost more than
running them.
"""

from collections import defaultdict

from django.db.models import CharField, Count, DateField, F, IntegerField, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from cases.models import Case
from committee.roles import Perm
from committee.scoping import visible_committee_ids
from common.workdays import working_day_counts
from reports import open_cases, rollup_reads
from reports import rollup as summary_of_months
from reports.figures import SATISFIED, Headline, Period, called_filter, late_referral_parts, start_of
from reports.models import CaseRollup
from reports.roster import RosterFigures
from reports.unions import compile_branch, union_counts
from residents.selectors import care_roster

OVERVIEW_COLUMNS = {
    "committee_id": IntegerField(),
    "figure": CharField(),
    "days": IntegerField(),
    "logged": DateField(),
    "resolved": DateField(),
    "called_on": DateField(),
    "answer": CharField(),
}
OVERVIEW_SUMS = dict.fromkeys(("n", "called", "satisfied", "open", "overdue", "size", "on_cadence"))


def today_rows(
    access, committee_ids: list[int], period: Period, roster: bool, group: str = "committee"
) -> dict[str, list[dict]]:
    """The overview's rows of today (kind → union_counts' rows), read into headlines by read_overview.
    `group="street"`: grouped by street (see compile_overview)."""
    branches = _overview_branches(access, committee_ids, period, roster, group)
    return union_counts(OVERVIEW_COLUMNS, OVERVIEW_SUMS, branches)


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
    column keeps its name committee_id and holds the street's id; BY_COMMITTEE's branches stay by committee).

    - open, open_own: open and overdue from the open-case totals (reports/open_cases.py
      overview_branches: OpenTotal's total and past due dates, a few rows per committee, and the
      reader's own sensitive cases from the counters), instead of the open cases counted;
    - month, since, days: the rollup's overview rows (CaseRollup's CREATED_TOTAL, RESOLVED_DAYS,
      RESOLVED_FROM, CALLED_FROM), a few per committee: this month's logged and resolved (and their
      median's working days), and the 90 days' resolved, and called back and satisfied (by the
      latest call's day), each closed month from its first day counted (the first month from the
      90 days' first day, the others from their 1st). They replace this month's cases counted live
      (8,199 at 2,000,000 cases) and the per-day rollup rows of the 90 days (71,040). Rows of
      sensitive cases count only where the reader sees every sensitive case
      (rollup_reads.visible_rows);
    - own: the reader's own sensitive cases (as assignee or author) there, which those rows leave
      out, counted live, logged this month, resolved or last called back in the 90 days (through
      the partial indexes of sensitive cases by assignee and by author; OR-ed into another query
      they made PostgreSQL read every case of the committees);
    - late: the late referrals; roster: the roster's sizes (reports/roster.py roster_counts)."""
    Figure = CaseRollup.Figure
    month = period.month_start
    # The grouping column: the committee, or its street (a join to the committees, 300 rows).
    key = F("committee__street_id") if group == "street" else F("committee_id")
    # The 90 days' rows (since) and the late referrals stay by committee whatever the grouping
    # (BY_COMMITTEE): joined to the committees for their street, the district's 1,800 and 9,700 rows
    # were a nested loop and a hash join, ~1.2 and ~2.3 ms of the union at 2,000,000 cases; 300 rows
    # each are added up per street in Python (overviews.street_headlines).
    own_key = F("committee_id")
    sums = {"n": Sum("n"), "called": Sum("called"), "satisfied": Sum("satisfied")}
    rows = CaseRollup.objects.filter(rollup_reads.visible_rows(access, committee_ids))
    # Every branch's figure among the overview's, apart: PostgreSQL reads them through the partial
    # index case_rollup_overviews only when the query says so in as many words.
    overview = rows.filter(
        figure__in=[Figure.CREATED_TOTAL, Figure.RESOLVED_DAYS, Figure.RESOLVED_FROM, Figure.CALLED_FROM]
    )
    # A month's resolved (n) and last called back (called, satisfied) from the same day on: added up
    # together, each figure's other columns being 0.
    since_day = [Figure.RESOLVED_FROM, Figure.CALLED_FROM]
    # The closed months' day each is read from: a day's rows are its month's, so the days alone find
    # them, through the index case_rollup_since (an OR of (month, day) pairs read every row from the
    # table; with the months' list beside the days', PostgreSQL joined the month index's bitmap).
    earlier = [
        max(closed, period.satisfaction_from)
        for closed in summary_of_months.months_between(period.satisfaction_from, month)
    ]
    branches = {
        # By committee whatever the grouping (overviews.street_headlines adds them up per street).
        **open_cases.overview_branches(access, committee_ids, period.today),
        "month": (
            overview.filter(Q(figure=Figure.CREATED_TOTAL) | Q(figure__in=since_day, day=month), month=month),
            {"committee_id": key, "figure": F("figure")},
            sums,
        ),
        "since": (
            rows.filter(figure__in=since_day, day__in=earlier) if earlier else rows.none(),
            {"committee_id": own_key},
            sums,
        ),
        "days": (
            overview.filter(figure=Figure.RESOLVED_DAYS, month=month),
            {"committee_id": key, "days": F("days")},
            {"n": Sum("n")},
        ),
    }
    # The late referrals in their parts (late, late_1), added up by read_overview; COUNT(*), not of
    # the ids, so that PostgreSQL counts from the partial index alone (an index-only scan).
    for i, part in enumerate(late_referral_parts(committee_ids, period, access)):
        branches[f"late_{i}" if i else "late"] = (part, {"committee_id": own_key}, {"n": Count("*")})
    own = rollup_reads.own_sensitive(access, committee_ids)
    if own is not None:
        recent = (
            Q(created_at__gte=start_of(month))
            | Q(resolved_at__gte=start_of(period.satisfaction_from))
            | called_filter(period)
        )
        branches["own"] = (
            Case.objects.filter(own).filter(recent),  # visible_cases shows the reader their own
            {
                "committee_id": key,
                "logged": TruncDate("created_at"),
                "resolved": TruncDate("resolved_at"),
                "called_on": F("last_called_on"),
                "answer": F("last_call_result"),
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


# The branches grouped by committee even in the street grouping (compile_overview).
BY_COMMITTEE = ("open", "open_own", "since", "late", "late_1")


def read_overview(result: dict[int, Headline], rows: dict[str, list[dict]], period: Period) -> None:
    """today_rows' rows (union_counts'), into each committee's headline."""
    for row in rows["open"] + rows.get("open_own", []):
        headline = result[row["committee_id"]]
        headline.open += row["open"]
        headline.overdue += row["overdue"]
    created = CaseRollup.Figure.CREATED_TOTAL
    for row in rows["month"]:
        headline = result[row["committee_id"]]
        if row["figure"] == created:
            headline.new_this_month += row["n"]
        else:  # this month's resolved and last called back, from its 1st (RESOLVED_FROM's n 0 for
            # CALLED_FROM, called and satisfied 0 for RESOLVED_FROM)
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
    resolved, day and answer of the latest call, count), added where each counts."""
    pairs = defaultdict(list)
    for row in rows:
        headline, logged, resolved, n = result[row["committee_id"]], row["logged"], row["resolved"], row["n"]
        if period.month_start <= logged <= period.today:
            headline.new_this_month += n
        called_on = row["called_on"]
        if called_on is not None and period.satisfaction_from <= called_on <= period.today:
            headline.called += n
            headline.satisfied += n if row["answer"] in SATISFIED else 0
        if resolved is None or resolved < period.satisfaction_from:
            continue
        headline.recently_resolved += n
        if period.month_start <= resolved <= period.month_end:
            headline.resolved_this_month += n
            pairs[row["committee_id"]].append((logged, resolved, n))
    for cid, items in pairs.items():
        result[cid].resolved_days += working_day_counts(items)
