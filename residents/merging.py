"""Buildings stored before addresses were read as typed, put right, and a building stored twice merged.

Before the building forms and the import read 449弄 as lane 449 and １２号 as number 12, a building
could be stored as typed: lane "449弄" (shown 定海路449弄弄12号号), full-width digits, stray spaces;
and once the forms read them, the same building could be added again, clean, beside it. Here every
building's road, lane and number is read as new input is (residents.addresses.clean_building), and
where two buildings of a committee then name one address they become one:

- the kept building is the one already stored clean (else the oldest); it takes the address as read
  and, where it has none, the other's grid, leader and floors, and the other's notes after its own;
- everything at the other building moves to it: its households (one in a room the kept building
  already has, 302 and ３０２ alike, is merged into that household: its residents, cases and access
  records move, its phone fills an empty one, its notes follow), its cases, the dashboard's kept
  counts by building (reports.CaseRollup, a row of the same key added to the kept one's), and
  the history of both (simple_history's tables, where each row names the building or household);
  the emptied building and households are then deleted: PROTECT refuses it if anything still
  pointed at them, so nothing is lost unnoticed;
- the keys derived from the address are written again: the residents' and the cases' search keys
  at the touched buildings (address_order is written with the address).

A building a part of which cannot be read (a road with digits in it, lane "abc") is left as it is
and listed. Each touched building and household gets a history row saying what was done.

Written against a model registry, `apps`: residents/migrations/0024 passes its historical models,
the merge_buildings command the running ones. The search keys are written by the code the services
run (residents.indexing, cases.search), as cases/migrations/0030 did.
"""

import dataclasses
import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from residents.addresses import building_address, clean_building, clean_room, natural_order

REASON_MAX = 100  # simple_history's history_change_reason


@dataclasses.dataclass
class Merged:
    """What a run did: buildings whose address was read again, buildings and households merged into
    another (and deleted), and the buildings left as they are, (pk, address as stored)."""

    rewritten: int = 0
    buildings_merged: int = 0
    households_merged: int = 0
    households_moved: int = 0
    unread: list[tuple[int, str]] = dataclasses.field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.rewritten or self.buildings_merged)


class _Models:
    """The models a merge writes, from `apps` (historical or running); every query through the base
    manager (no committee scope: a migration and a command see every committee)."""

    def __init__(self, apps) -> None:
        def model(label: str):
            app, name = label.split(".")
            return apps.get_model(app, name)._base_manager

        self.building = model("residents.Building")
        self.household = model("residents.Household")
        self.resident = model("residents.Resident")
        self.building_history = model("residents.HistoricalBuilding")
        self.household_history = model("residents.HistoricalHousehold")
        self.resident_history = model("residents.HistoricalResident")
        self.case = model("cases.Case")
        self.rollup = model("reports.CaseRollup")
        self.rollup_month = model("reports.RollupMonth")
        self.access = model("audit.AccessRecord")


def merge_buildings(apps, *, committee_ids=None, at: datetime.datetime | None = None) -> Merged:
    """Read every building of these committees (None: all) as new input is read, and merge the ones
    that then coincide; one transaction per committee. Returns what it did."""
    m = _Models(apps)
    at = at or timezone.now()
    result = Merged()
    committees = m.building.order_by("committee_id").values_list("committee_id", flat=True).distinct()
    if committee_ids is not None:
        committees = committees.filter(committee_id__in=committee_ids)
    for committee_id in list(committees):
        with transaction.atomic():
            _merge_committee(m, committee_id, at, result)
    return result


def _merge_committee(m: _Models, committee_id: int, at: datetime.datetime, result: Merged) -> None:
    # Locked while merged: an edit saved meanwhile waits, then finds its building changed (version).
    buildings = list(m.building.select_for_update().filter(committee_id=committee_id).order_by("pk"))
    same: dict[tuple[str, str, str], list] = defaultdict(list)
    for building in buildings:
        read = clean_building(building.road, building.lane, building.number)
        if read is None:
            result.unread.append(
                (building.pk, building_address(building.road, building.lane, building.number))
            )
        else:
            same[read].append(building)
    touched = []
    for read, group in same.items():
        kept = next((b for b in group if _address(b) == read), group[0])
        others = [b for b in group if b is not kept]
        if not others and _address(kept) == read:
            continue
        before = _address(kept)
        for other in others:
            _merge_building(m, other, kept, at, result)
        kept.road, kept.lane, kept.number = read
        m.building.filter(pk=kept.pk).update(
            road=kept.road,
            lane=kept.lane,
            number=kept.number,
            address_order=natural_order(kept.lane, kept.number),
            grid_id=kept.grid_id,
            leader_id=kept.leader_id,
            floors=kept.floors,
            notes=kept.notes,
            version=F("version") + 1,
        )
        said = []
        if before != read:
            result.rewritten += 1
            said.append(f"address read again, was {building_address(*before)}")
        if others:
            said.append("merged " + ", ".join(f"#{b.pk} {building_address(*_address(b))}" for b in others))
        _history(m.building_history, m.building.get(pk=kept.pk), at, "; ".join(said))
        touched.append(kept.pk)
    if touched:
        _reindex(m, touched)


def _address(building) -> tuple[str, str, str]:
    return (building.road, building.lane, building.number)


def _merge_building(m: _Models, other, kept, at: datetime.datetime, result: Merged) -> None:
    """Everything at `other` moved to `kept` (its fields filled on the instance, saved by the caller),
    then `other` deleted."""
    rooms: dict[str, int] = {}  # the kept building's households by their room as read (the first of two)
    for pk, room in m.household.filter(building_id=kept.pk).order_by("pk").values_list("pk", "room"):
        rooms.setdefault(clean_room(room), pk)
    for household in m.household.filter(building_id=other.pk).order_by("pk"):
        into = rooms.get(clean_room(household.room))
        if into is None:
            m.household.filter(pk=household.pk).update(building_id=kept.pk, version=F("version") + 1)
            rooms[clean_room(household.room)] = household.pk
            result.households_moved += 1
            reason = f"moved with building #{other.pk} into #{kept.pk}"
            _history(m.household_history, m.household.get(pk=household.pk), at, reason)
        else:
            _merge_household(m, household, into, at)
            result.households_merged += 1
    m.household_history.filter(building_id=other.pk).update(building_id=kept.pk)
    m.case.filter(building_id=other.pk).update(building_id=kept.pk)
    _move_rollup(m, other, kept)
    for name in ("grid_id", "leader_id", "floors"):
        if getattr(kept, name) is None:
            setattr(kept, name, getattr(other, name))
    kept.notes = _joined(kept.notes, other.notes)
    m.building_history.filter(id=other.pk).update(id=kept.pk)
    m.building.filter(pk=other.pk).delete()
    result.buildings_merged += 1


def _merge_household(m: _Models, other, into: int, at: datetime.datetime) -> None:
    """The household `other` (of a building merged away) into the kept building's household `into`
    in the same room: its residents, cases, access records and history move, then it is deleted."""
    m.resident.filter(household_id=other.pk).update(household_id=into)
    m.resident_history.filter(household_id=other.pk).update(household_id=into)
    m.case.filter(household_id=other.pk).update(household_id=into)
    m.access.filter(household_id=other.pk).update(household_id=into)
    m.household_history.filter(id=other.pk).update(id=into)
    kept = m.household.get(pk=into)
    m.household.filter(pk=into).update(
        phone=kept.phone or other.phone, notes=_joined(kept.notes, other.notes), version=F("version") + 1
    )
    m.household.filter(pk=other.pk).delete()
    _history(m.household_history, m.household.get(pk=into), at, f"merged household #{other.pk} into #{into}")


def _joined(kept: str, other: str) -> str:
    """Both notes, the kept one's first; one only when the other is empty or the same."""
    if not other or other == kept:
        return kept
    return f"{kept}\n{other}" if kept else other


def _move_rollup(m: _Models, other, kept) -> None:
    """The dashboard's counts by building: the other building's rows become the kept one's, and two
    rows of one key (the same month, figure, category …) become one with their sums, as a summary
    of the cases, now all at the kept building, would count them: the current month's rows are
    raised by an UPDATE of the row of that key (reports/rollup.py), which must find one."""
    rows = m.rollup.filter(building_id=other.pk)
    if not rows.exists():
        return
    # Taken as the case saves take it (reports.rollup.lock_current_month): no count added meanwhile.
    list(m.rollup_month.select_for_update().filter(committee_id=kept.committee_id).values_list("pk"))
    rows.update(building_id=kept.pk)
    key = (
        "committee_id",
        "month",
        "figure",
        "sensitive",
        "category_id",
        "source",
        "building_id",
        "day",
        "days",
    )
    first: dict[tuple, object] = {}
    for row in m.rollup.filter(building_id=kept.pk).order_by("pk"):
        same = first.setdefault(tuple(getattr(row, name) for name in key), row)
        if same is not row:
            m.rollup.filter(pk=same.pk).update(
                n=F("n") + row.n, called=F("called") + row.called, satisfied=F("satisfied") + row.satisfied
            )
            m.rollup.filter(pk=row.pk).delete()


def _history(history, obj, at: datetime.datetime, reason: str) -> None:
    """A history row of `obj` as it now is ("~", changed), saying why, as the admin's would."""
    values = {
        f.attname: getattr(obj, f.attname)
        for f in history.model._meta.concrete_fields
        if not f.name.startswith("history_")
    }
    history.create(
        **values,
        history_date=at,
        history_type="~",
        history_change_reason=reason[:REASON_MAX],
        history_user_id=None,
    )


def _reindex(m: _Models, building_ids: list[int]) -> None:
    """The search keys at these buildings: their residents' (by the address and room) and their
    cases' (the building's own and its households')."""
    from cases.search import reindex_cases
    from residents.indexing import reindex_residents

    residents = m.resident.filter(household__building_id__in=building_ids).values_list("pk", flat=True)
    reindex_residents(list(residents))
    at_building = m.case.filter(building_id__in=building_ids).values_list("pk", flat=True)
    in_household = m.case.filter(household__building_id__in=building_ids).values_list("pk", flat=True)
    reindex_cases({*at_building, *in_household})
