"""Reading the rollup (reports/rollup.py): the committee dashboard's closed months, a street's and the
district's satisfaction over the 90 days.

Rows hold every case; who may see what is applied when they are read (`visible_rows`): the rows of
sensitive cases count only in the committees where the reader sees every sensitive case, and the
sensitive cases the reader sees there as assignee or author are counted live (`own_sensitive`), as
visible_cases would.
"""

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import CharField, Count, DateField, F, IntegerField, Q, Sum
from django.utils import timezone

from committee.roles import Perm
from committee.scoping import InIds, committee_scope, unscoped, visible_committee_ids
from reports.models import CaseRollup
from reports.rollup import first_of
from reports.unions import Compiled, compile_branch, union_counts
from residents.addresses import building_address
from residents.models import Building


def _managed(access, committee_ids) -> set[int]:
    """The committees where the reader sees every sensitive case (visible_cases' rule)."""
    return set(access.committees_where(Perm.MANAGE_CASES)) & set(committee_ids)


def visible_rows(access, committee_ids) -> Q:
    """The rollup rows this reader may count: sensitive ones only where they see every sensitive case."""
    return _visible_rows(committee_ids, _managed(access, committee_ids))


def _visible_rows(committee_ids, managed) -> Q:
    if set(managed) >= set(committee_ids):
        return Q(InIds("committee_id", committee_ids))
    return Q(InIds("committee_id", committee_ids)) & (Q(sensitive=False) | Q(InIds("committee_id", managed)))


def own_sensitive(access, committee_ids) -> Q | None:
    """The sensitive cases of closed months that the rollup rows leave out for this reader but
    visible_cases shows them (theirs as assignee or author): counted live. None when there are none
    to look for (the secretary's own committee)."""
    others = sorted(set(committee_ids) - _managed(access, committee_ids))
    if not others or access.user.pk is None:
        return None
    mine = Q(InIds("committee_id", others), sensitive=True)
    return (mine & Q(assignee_id=access.user.pk)) | (mine & Q(created_by_id=access.user.pk))


@dataclass
class ClosedFigures:
    """What the committee dashboard reads of its closed months (closed_branches' rows, summed)."""

    per_month: list[dict]  # month, category_id, n: the cases logged, per month and category
    by_source: list[dict]  # source, n: the cases logged in these months, per source
    resolution: dict[dt.date, list[tuple[int, int]]]  # month resolved → [(working days taken, n)]
    since: dict[int, dict]  # committee id → recently_resolved, called, satisfied (resolved_since's)
    building_totals: list[dict]  # building_id, n: the hotspots' totals


CLOSED_COLUMNS = {
    "month": DateField(),
    "category_id": IntegerField(),
    "source": CharField(),
    "days": IntegerField(),
    "committee_id": IntegerField(),
    "building_id": IntegerField(),
}
CLOSED_SUMS = {"n": Sum("n"), "called": Sum("called"), "satisfied": Sum("satisfied")}


def closed_branches(access, committee_ids, months: list[dt.date], first: dt.date, until: dt.date) -> dict:
    """The closed months' rows of the dashboard's figures as branches of a UNION ALL
    (reports/unions.py: CLOSED_COLUMNS, CLOSED_SUMS), each summed as its figure needs them: the cases
    per month and category, per source, the working days to resolve per month, the buildings'
    totals (their addresses and categories are read for the ten shown only: ClosedBuildings), and
    resolved_since(first, until). The caller unions them with its other figures' branches, in one
    query, and reads the rows with `closed_figures`. It has brought the months up to date (`ensure`)
    first: in a query of its own, so that a view that summarises reads the rows it wrote from the
    database it wrote them to (common/db_routers.py), not a replica. Compiled once for each set of
    what their SQL depends on (_closed_compiled)."""
    ids = tuple(sorted(committee_ids))
    compiled = _closed_compiled(
        CaseRollup.objects.db,
        visible_committee_ids("CaseRollup"),
        timezone.get_current_timezone_name(),
        ids,
        tuple(sorted(_managed(access, ids))),
        tuple(months),
        first,
        until,
    )
    return dict(compiled)


@functools.lru_cache(maxsize=512)
def _closed_compiled(
    using: str,
    scope: frozenset[int] | None,
    zone: str,
    committee_ids: tuple[int, ...],
    managed: tuple[int, ...],
    months: tuple[dt.date, ...],
    first: dt.date,
    until: dt.date,
) -> tuple[tuple[str, Compiled | None], ...]:
    """closed_branches, compiled for the database `using`, under the committee scope `scope` (a
    scoped manager writes its committees into the SQL: the rollup's is not scoped, but a key that
    holds the scope stays right if it were) and the time zone `zone`. Their SQL and
    parameters are a function of these arguments and of nothing else (no request, no reader: the
    committees where the reader sees every sensitive case are `managed`), so the branches compiled
    for one request are kept for the next with the same (compiling them cost the dashboard about
    2 ms a view). tests/reports/test_rollup.py compares them with branches compiled afresh."""
    with committee_scope(scope) if scope is not None else unscoped(), timezone.override(zone):
        rows = CaseRollup.objects.using(using).filter(_visible_rows(committee_ids, managed))
        in_months = rows.filter(month__in=months)
        Figure = CaseRollup.Figure
        created = in_months.filter(figure=Figure.CREATED)
        branches = {
            "per_month": (created, {"month": F("month"), "category_id": F("category_id")}, CLOSED_SUMS),
            "by_source": (created, {"source": F("source")}, CLOSED_SUMS),
            "resolution": (
                in_months.filter(figure=Figure.RESOLVED),
                {"month": F("month"), "days": F("days")},
                CLOSED_SUMS,
            ),
            "since": (
                _resolved_between(rows, first, until),
                {"committee_id": F("committee_id")},
                CLOSED_SUMS,
            ),
            # Per building only: its address joined to each of its rows (4,328 at 300,000 cases) cost
            # more than every other figure of the dashboard.
            "buildings": (
                in_months.filter(figure=Figure.BUILDING_TOTAL),
                {"building_id": F("building_id")},
                {"n": CLOSED_SUMS["n"]},
            ),
        }
        # Their kinds apart from those of the branches they are unioned with.
        return tuple(
            (f"closed {kind}", compile_branch(f"closed {kind}", queryset, given, computed))
            for kind, (queryset, given, computed) in branches.items()
        )


def closed_figures(rows: dict[str, list[dict]]) -> ClosedFigures:
    """closed_branches' rows (in union_counts' result), as the dashboard's figures read them."""
    rows = {
        kind: rows[f"closed {kind}"]
        for kind in ("per_month", "by_source", "resolution", "since", "buildings")
    }
    resolution = defaultdict(list)
    for row in rows["resolution"]:
        resolution[row["month"]].append((row["days"], row["n"]))
    return ClosedFigures(
        per_month=rows["per_month"],
        by_source=rows["by_source"],
        resolution=resolution,
        since={
            row["committee_id"]: {
                "recently_resolved": row["n"],
                "called": row["called"],
                "satisfied": row["satisfied"],
            }
            for row in rows["since"]
        },
        building_totals=rows["buildings"],
    )


class ClosedBuildings:
    """The hotspot figure's closed months, for reports.hotspots.hotspots: the buildings' totals
    (read with the other closed figures), then the addresses and categories of the few buildings
    that may be shown (not of every building: hundreds, × categories, × 11 months)."""

    def __init__(self, access, committee_ids, months: list[dt.date], totals: list[dict]) -> None:
        self.committee_ids = tuple(sorted(committee_ids))
        self.managed = tuple(sorted(_managed(access, committee_ids)))
        self.months = tuple(months)
        self._totals = totals

    def totals(self) -> list[dict]:
        """(building_id, n) of the cases logged in these closed months."""
        return self._totals

    def categories(self, building_ids: list[int]) -> tuple[list[dict], dict[int, str]]:
        """(building_id, category_id, n) of these buildings, and their addresses (building id → its
        address). One query even with no building (a fixed number of queries: the tests count them),
        compiled once for each set of what its SQL depends on (_buildings_compiled)."""
        compiled = _buildings_compiled(
            CaseRollup.objects.db,
            visible_committee_ids("Building"),
            timezone.get_current_timezone_name(),
            self.committee_ids,
            self.managed,
            self.months,
            tuple(building_ids or [-1]),
        )
        got = union_counts(_BUILDING_COLUMNS, {"n": None}, dict(compiled))
        addresses = {
            row["building_id"]: building_address(row["road"], row["lane"], row["number"])
            for row in got["addresses"]
        }
        return got["categories"], addresses


_BUILDING_COLUMNS = {
    "building_id": IntegerField(),
    "category_id": IntegerField(),
    "road": CharField(),
    "lane": CharField(),
    "number": CharField(),
}


@functools.lru_cache(maxsize=512)
def _buildings_compiled(
    using: str,
    scope: frozenset[int] | None,
    zone: str,
    committee_ids: tuple[int, ...],
    managed: tuple[int, ...],
    months: tuple[dt.date, ...],
    building_ids: tuple[int, ...],
) -> tuple[tuple[str, Compiled | None], ...]:
    """ClosedBuildings.categories' branches, compiled as _closed_compiled's are (a function of these
    arguments only; the scope is in the key as in _closed_compiled's, though no branch reads it)."""
    with committee_scope(scope) if scope is not None else unscoped(), timezone.override(zone):
        rows = CaseRollup.objects.using(using).filter(
            _visible_rows(committee_ids, managed),
            month__in=months,
            figure=CaseRollup.Figure.BUILDING,
            building_id__in=building_ids,
        )
        given = {"building_id": F("building_id"), "category_id": F("category_id")}
        # Not the scoped manager: a building moved to another committee keeps its rows in this
        # committee's rollup (whose rows the reader may count), and its address with them.
        places = Building.all_objects.using(using).filter(pk__in=building_ids)
        address = {"building_id": F("pk"), "road": F("road"), "lane": F("lane"), "number": F("number")}
        return (
            ("categories", compile_branch("categories", rows, given, {"n": Sum("n")})),
            ("addresses", compile_branch("addresses", places, address, {"n": Count("pk")})),
        )


def _resolved_between(rows, first: dt.date, until: dt.date):
    """The RESOLVED and CALLED rows of the days from `first` up to, not including, `until`: summed
    together, the cases resolved (n) and those last called back (called, satisfied) on those days."""
    return rows.filter(
        figure__in=[CaseRollup.Figure.RESOLVED, CaseRollup.Figure.CALLED],
        day__gte=first,
        day__lt=until,
        month__gte=first_of(first),
        month__lt=until,
    )


def resolved_since(access, committee_ids, first: dt.date, until: dt.date) -> dict[int, dict]:
    """committee id → {recently_resolved, called, satisfied} over the days from `first` up to, not
    including, `until` (closed months only): resolved on those days, and last called back on them."""
    rows = (
        _resolved_between(CaseRollup.objects.filter(visible_rows(access, committee_ids)), first, until)
        .values("committee_id")
        .annotate(recently_resolved=Sum("n"), called=Sum("called"), satisfied=Sum("satisfied"))
        .order_by()
    )
    return {row.pop("committee_id"): row for row in rows}
