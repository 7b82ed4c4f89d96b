"""Care-roster figures: who on the roster has been visited on cadence, and who is overdue.

The roster is every resident (not archived) with a care category that has a visit cadence
(CareCategory.visit_every_days). A resident in several categories is due by the shortest cadence.
They are on cadence when their latest visit is no older than that many days; never visited is overdue.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Min, OuterRef, Subquery
from django.utils import timezone

from residents.models import Resident, Visit


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
    """committee id → its roster figures, in one query for any number of committees."""
    today = today or timezone.localdate()
    latest = Visit.objects.filter(resident=OuterRef("pk")).order_by("-visited_at").values("visited_at")[:1]
    rows = (
        Resident.objects.filter(
            committee_id__in=committee_ids, archived="", care_categories__visit_every_days__isnull=False
        )
        .values("id", "name", "committee_id", "household__room")
        .annotate(
            cadence=Min("care_categories__visit_every_days"),
            last_visit=Subquery(latest),
            road=Min("household__building__road"),
            lane=Min("household__building__lane"),
            number=Min("household__building__number"),
        )
        .order_by()
    )
    figures = {cid: RosterFigures() for cid in committee_ids}
    for row in rows:
        fig = figures[row["committee_id"]]
        fig.size += 1
        last = timezone.localdate(row["last_visit"]) if row["last_visit"] else None
        due = (last + dt.timedelta(days=row["cadence"])) if last else None
        if due is not None and due >= today:
            fig.on_cadence += 1
            continue
        lane = f"{row['lane']}弄" if row["lane"] else ""
        fig.overdue.append(
            OverdueResident(
                id=row["id"],
                name=row["name"],
                committee_id=row["committee_id"],
                address=f"{row['road']}{lane}{row['number']}号{row['household__room']}室",
                cadence=row["cadence"],
                last_visit=last,
                days_overdue=(today - due).days if due else row["cadence"],
            )
        )
    for fig in figures.values():
        fig.overdue.sort(key=lambda r: (r.last_visit is not None, -r.days_overdue, r.name))
    return figures
