"""What the committee dashboard counts live, as branches of its UNION ALL (reports/unions.py): the
late referrals (from the referrals' partial index), the reader's own sensitive cases that the rollup's
rows leave out for them, and, another day or without the rollup, the months' cases themselves
(logged per month, category, source and building; resolved; the headline's counts); and their rows
read back (live_figures).

Apart from reports/committee_figures.py, which puts the dashboard together: these are the branches
that read cases or referrals rather than kept counts, and the two a dashboard asks for every time
(the late referrals; a worker's own sensitive cases) are compiled once for each reader and day
(_late_referrals_compiled, _own_live_compiled: each a function of its arguments only).
"""

import datetime as dt
import functools
from collections import defaultdict
from types import SimpleNamespace

from django.db.models import CharField, Count, DateField, DateTimeField, F, IntegerField, Q
from django.db.models.functions import Cast, TruncDate, TruncMonth
from django.utils import timezone

from cases.models import Case, Referral
from cases.selectors import visible_cases
from committee.roles import Perm
from committee.scoping import committee_scope, unscoped, visible_committee_ids
from reports import rollup_reads
from reports.figures import Period, called_counts, called_filter, count_filters, late_referral_parts, start_of
from reports.unions import Compiled, compile_branch, compile_spec

# The kinds of the late referrals' branches: figures.late_referral_parts' parts, added up.
LATE_KINDS = ("late_referrals", "late_referrals_1")


def late_referrals_branches(access, committee_ids: list[int], today: dt.date) -> dict[str, Compiled | None]:
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
    """late_referrals_branches, compiled for the database `using` under the committee scope `scope`
    (the referrals' manager writes it into the SQL) and the time zone `zone`, for the reader
    `user_id` who manages the cases of `managing` (visible_cases' rule): a function of these
    arguments only (tests/reports/test_compiled_branches.py)."""
    with committee_scope(scope) if scope is not None else unscoped(), timezone.override(zone):
        parts = late_referral_parts(list(committee_ids), Period(today), _Reader(user_id, managing))
        return {
            kind: compile_branch(kind, part.using(using), {}, {"n": Count("*")})  # from the index alone
            for kind, part in zip(LATE_KINDS, parts, strict=False)
        }


# The headline's live counts of headline_branches(kept=True): the reader's own sensitive cases.
OWN_MONTH_KINDS = ("new_this_month", "resolved_this_month", "recently_resolved", "recently_called")
# headline_branches' kinds of the 90 days' satisfaction (the cases by their latest call's day).
CALLED_KINDS = ("recently_called", "own_called")


def own_live_branches(access, committee_id: int, today: dt.date) -> dict[str, Compiled | None]:
    """The dashboard's live branches when only the reader's own sensitive cases are counted live
    (the rollup holds the rest, this month too): headline_branches(kept=True) and live_branches over
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
    """own_live_branches, compiled for the database `using` under the committee scope `scope` (the
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
        year_from = start_of(period.first_month)
        month_branches = headline_branches(cases, period, True, own, kept=True)
        live = live_branches(
            cases,
            own & Q(created_at__gte=year_from),
            own & Q(resolved_at__gte=year_from),
            year_from,
            month_branches,
        )
        return tuple((kind, compile_spec(kind, branch, LIVE_COUNTS)) for kind, branch in live.items())


LIVE_COLUMNS = {
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


def month_counts() -> dict[str, int]:
    names = ("new_this_month", "resolved_this_month", "recently_resolved", "called", "satisfied")
    return dict.fromkeys(names, 0)


def headline_branches(cases, period: Period, rollup: bool, own: Q | None, kept: bool = False) -> dict:
    """The headline's live counts as branches of live_figures' union (overviews.headlines' month
    query, for one committee): new and resolved this month, resolved within the 90 days and last
    called back within them (the satisfaction: figures.called_filter) (with the rollup: this
    month; the closed months' come from it) and, for a reader the rollup's rows leave their own
    sensitive cases out for, those of the closed months within the 90 days. `kept`: the rollup
    holds this month too, so only that reader's own sensitive cases are counted, over the 90 days."""
    filters = count_filters(period)
    month_from = start_of(period.month_start)
    recent, called = filters["recently_resolved"], called_filter(period)
    count, calls = {"n": Count("pk")}, called_counts()
    if kept:
        return {
            "new_this_month": (cases.filter(own & filters["new_this_month"]), {}, count),
            "resolved_this_month": (cases.filter(own & filters["resolved_this_month"]), {}, count),
            "recently_resolved": (cases.filter(own & recent), {}, count),
            "recently_called": (cases.filter(own & called), {}, calls),
        }
    branches = {
        "new_this_month": (cases.filter(filters["new_this_month"]), {}, count),
        "resolved_this_month": (cases.filter(filters["resolved_this_month"]), {}, count),
    }
    # With the rollup, only this month's are counted live.
    this_month = Q(last_called_on__gte=period.month_start, last_called_on__lte=period.today)
    branches["recently_resolved"] = (
        cases.filter(Q(resolved_at__gte=month_from) if rollup else recent),
        {},
        count,
    )
    branches["recently_called"] = (cases.filter(this_month if rollup else called), {}, calls)
    if own is not None:
        earlier = Q(resolved_at__gte=start_of(period.satisfaction_from), resolved_at__lt=month_from)
        branches["own_recent"] = (cases.filter(own & earlier), {}, count)
        called_earlier = Q(
            last_called_on__gte=period.satisfaction_from, last_called_on__lt=period.month_start
        )
        branches["own_called"] = (cases.filter(own & called_earlier), {}, calls)
    return branches


# The live branches' counts (the figures' branches count only n; the headline's resolved n, and its
# called back and satisfied: called_counts). The dashboard's other branches give their own
# aggregates: theirs are None here.
LIVE_COUNTS = {"n": Count("pk"), **called_counts()}


def live_branches(
    cases, created_live: Q, resolved_live: Q, year_from: dt.datetime, month_branches: dict
) -> dict:
    """The cases counted live, as branches of the dashboard's UNION ALL (reports/unions.py,
    LIVE_COLUMNS, LIVE_COUNTS): logged per month (the local month, as a date), category and
    source, per building and category (the hotspots: the 12 months' cases with a building),
    resolved per day logged and day resolved, and the headline's counts (`month_branches`,
    headline_branches'). live_figures reads their rows."""
    logged = cases.filter(created_live)
    count = {"n": Count("pk")}
    return {
        **month_branches,
        # Per month, category and source in one pass; added up per month and category, and
        # per source, by live_figures.
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


def live_figures(rows: dict, month_branches: dict) -> dict:
    """live_branches' rows (taken out of `rows`) as the dashboard reads them: the headline's counts
    added up under "month_counts", the cases logged per month and category ("per_month") and per
    source ("by_source"), "buildings" and "resolution" as they are."""
    rows = {kind: rows.pop(kind) for kind in (*month_branches, "logged", "buildings", "resolution")}
    counts = month_counts()
    for kind in month_branches:
        for row in rows.pop(kind):
            if kind in ("new_this_month", "resolved_this_month"):
                counts[kind] += row["n"]
            elif kind in CALLED_KINDS:
                counts["called"] += row["called"]
                counts["satisfied"] += row["satisfied"]
            else:
                counts["recently_resolved"] += row["n"]
    rows["month_counts"] = counts
    per_month, by_source = defaultdict(int), defaultdict(int)
    for row in rows.pop("logged"):
        per_month[row["month"], row["category_id"]] += row["n"]
        by_source[row["source"]] += row["n"]
    rows["per_month"] = [{"month": m, "category_id": c, "n": n} for (m, c), n in per_month.items()]
    rows["by_source"] = [{"source": source, "n": n} for source, n in by_source.items()]
    return rows
