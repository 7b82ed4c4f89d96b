"""Care-roster figures: who on the roster has been visited on cadence, and who is overdue.

The roster is every resident (not archived) with a care category that has a visit cadence
(CareCategory.visit_every_days). A resident in several categories is due by the shortest cadence.
Overdue is residents.selectors.overdue_on: Resident.next_visit_due (kept by residents.indexing: a cadence
after the latest visit, or the registration date if never visited) is before today — as on /roster/.
"""

import datetime as dt
import functools
from dataclasses import dataclass, field

from django.db.models import Count, Min, Q
from django.utils import timezone

from committee.scoping import committee_scope, unscoped, visible_committee_ids
from common.kept import Kept
from residents.addresses import household_address
from residents.care import shortest_cadence_sql
from residents.models import Resident
from residents.selectors import care_roster


@dataclass
class OverdueResident:
    id: int
    name: str
    committee_id: int
    address: str
    cadence: int
    last_visit: dt.date | None
    days_overdue: int  # days past the date the visit was due; for never visited, the cadence itself


@dataclass
class RosterFigures:
    size: int = 0
    on_cadence: int = 0
    overdue: list[OverdueResident] = field(default_factory=list)

    @property
    def overdue_count(self) -> int:
        return self.size - self.on_cadence

    @property
    def share_on_cadence(self) -> float | None:
        return round(100 * self.on_cadence / self.size, 1) if self.size else None


def roster_figures(committee_ids: list[int], today: dt.date | None = None) -> dict[int, RosterFigures]:
    """committee id → its roster figures, in one query for any number of committees.

    The roster and "overdue" are residents.selectors' (care_roster, overdue_on), the same as /roster/'s.
    """
    today = today or timezone.localdate()
    rows = _roster_rows(tuple(committee_ids))
    figures = {cid: RosterFigures() for cid in committee_ids}
    for row in rows:
        fig = figures[row["committee_id"]]
        fig.size += 1
        due = row["next_visit_due"]
        if due >= today:
            fig.on_cadence += 1
            continue
        last = timezone.localdate(row["last_visit_at"]) if row["last_visit_at"] else None
        fig.overdue.append(
            OverdueResident(
                id=row["id"],
                name=row["name"],
                committee_id=row["committee_id"],
                address=household_address(row["road"], row["lane"], row["number"], row["household__room"]),
                cadence=row["cadence"],
                last_visit=last,
                days_overdue=(today - due).days,
            )
        )
    for fig in figures.values():
        fig.overdue.sort(key=lambda r: (r.last_visit is not None, -r.days_overdue, r.name))
    return figures


def _roster_rows(committee_ids: tuple[int, ...]) -> list[dict]:
    """The roster's residents with their shortest cadence and building (one query), compiled once for
    each set of what its SQL depends on (_roster_compiled: compiling it was 1.2 ms of the dashboard)."""
    return _roster_compiled(
        Resident.objects.db,
        visible_committee_ids("Resident"),
        timezone.get_current_timezone_name(),
        committee_ids,
    ).rows()


@functools.lru_cache(maxsize=512)
def _roster_compiled(
    using: str, scope: frozenset[int] | None, zone: str, committee_ids: tuple[int, ...]
) -> Kept:
    """roster_figures' query, compiled for the database `using`, under the committee scope `scope`
    (the residents' manager is scoped: the scope is in the SQL) and the time zone `zone`: its SQL
    and parameters are a function of these arguments and of nothing else, so the query compiled for
    one request is kept for the next with the same (common/kept.py)."""
    with committee_scope(scope) if scope is not None else unscoped(), timezone.override(zone):
        return Kept(
            care_roster(committee_ids)
            .using(using)
            .values("id", "name", "committee_id", "household__room", "last_visit_at", "next_visit_due")
            .annotate(
                cadence=shortest_cadence_sql(),
                road=Min("household__building__road"),
                lane=Min("household__building__lane"),
                number=Min("household__building__number"),
            )
            .order_by()
        )


def roster_counts(committee_ids: list[int], today: dt.date | None = None) -> dict[int, RosterFigures]:
    """roster_figures without the overdue residents: each committee's roster size and how many are on
    cadence, counted by the database (a district's overview would otherwise read every resident on
    300 committees' rosters to show one share per committee)."""
    today = today or timezone.localdate()
    figures = {cid: RosterFigures() for cid in committee_ids}
    rows = (
        care_roster(committee_ids)
        .values("committee_id")
        .annotate(size=Count("pk"), on_cadence=Count("pk", filter=Q(next_visit_due__gte=today)))
        .order_by()
    )
    for row in rows:
        figures[row["committee_id"]] = RosterFigures(size=row["size"], on_cadence=row["on_cadence"])
    return figures
