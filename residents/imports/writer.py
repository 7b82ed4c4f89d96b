"""The import's writer: one batch of planned rows into the registry, in bulk.

New buildings (bulk_create), new households and residents (COPY on PostgreSQL, common.bulk),
changed households and residents (bulk updates of only the columns that change, with a history row
per corrected resident), and care categories. The importer runs it inside its one transaction.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from cases.search import reindex_cases_of_residents
from committee.models import Committee
from common import refdata
from common.bulk import insert_rows
from residents.care import next_due, shortest_cadence
from residents.imports.plans import Plan, Row
from residents.models import Building, Household, Resident
from residents.search_keys import address_tokens, search_key, sort_key


class BatchWriter:
    """Writes the plans of one import run, batch after batch."""

    def __init__(
        self, committee: Committee, *, cadence: dict[int, int | None], user=None, reason: str = ""
    ) -> None:
        self.committee = committee
        self.cadence = cadence  # care category → visit every so many days
        self.user = user  # who commits: the history of each updated resident names them
        self.reason = reason
        self.created_pks: set[int] = set()  # residents this run created (later batches see them)

    def write(self, plans: list[Plan]) -> None:
        """Write one batch: new buildings, new and changed households, new and changed residents."""
        committee = self.committee
        households = {id(p.row.household): p.row.household for p in plans}
        new_buildings = {id(h.building): h.building for h in households.values() if h.building.pk is None}
        if new_buildings:
            objs = [
                Building(committee=committee, road=b.road, lane=b.lane, number=b.number)
                for b in new_buildings.values()
            ]
            for state, obj in zip(
                new_buildings.values(), Building.all_objects.bulk_create(objs), strict=True
            ):
                state.pk = obj.pk
                state.created = True
            # The resident list's building filter is kept in the cache; bulk_create sends no signal.
            refdata.bump("places")
            transaction.on_commit(lambda: refdata.bump("places"))
        new_households = [h for h in households.values() if h.pk is None]
        if new_households:
            rows = [
                {
                    "committee_id": committee.pk,
                    "building_id": h.building.pk,
                    "room": h.room,
                    "housing_type": h.housing_type or Household.HousingType.PUBLIC_RENTAL,
                }
                for h in new_households
            ]
            for state, row, pk in zip(new_households, rows, insert_rows(Household, rows), strict=True):
                state.pk = pk
                state.written_housing_type = row["housing_type"]
        changed_households = [
            h for h in households.values() if h.housing_type and h.housing_type != h.written_housing_type
        ]
        if changed_households:
            objs = [Household(pk=h.pk, housing_type=h.housing_type) for h in changed_households]
            Household.all_objects.bulk_update(objs, ["housing_type"])
            # An edit form opened before the import is then stale, not an overwrite of it.
            Household.all_objects.filter(pk__in=[h.pk for h in changed_households]).update(
                version=F("version") + 1
            )
            for h in changed_households:
                h.written_housing_type = h.housing_type

        now = timezone.now()
        creates = [p for p in plans if p.resident is None]
        # The derived columns (search key, next visit) are computed here from what the importer
        # holds, so that each row is written once; reindex_residents would read every row back.
        rows = [
            {
                "committee_id": committee.pk,
                "household_id": p.row.household.pk,
                "created_at": now,
                "updated_at": now,
                "search_key": self._search_key(p.values.get("name", ""), p.values.get("phone", ""), p.row),
                "sort_key": sort_key(p.values.get("name", "")),
                "next_visit_due": next_due(self._cadence_of(p.care), None, now),
                **p.values,
            }
            for p in creates
        ]
        for plan, pk in zip(creates, insert_rows(Resident, rows), strict=True):
            plan.resident_pk = pk
            self.created_pks.add(pk)
        updates = [p for p in plans if not p.is_new and (p.values or p.care_changed)]
        # Each resident gets only its own changed columns written (grouped by which they are): a
        # column read at match time and written back unchanged could undo a colleague's edit or
        # visit saved meanwhile.
        by_fields: dict[tuple[str, ...], list[Resident]] = {}
        for plan in updates:
            if "household_id" in plan.values:
                plan.values["household_id"] = plan.row.household.pk
            resident = plan.resident
            fields = {*plan.values, "version", "updated_at"}
            for key, value in plan.values.items():
                setattr(resident, key, value)
            # A name is never changed by an import (matching.py): the phone and the address are
            # what change a recorded resident's search key.
            if plan.values.keys() & {"phone", "household_id"}:
                resident.search_key = self._search_key(resident.name, resident.phone, plan.row)
                fields.add("search_key")
            if plan.care_changed and not resident.archived:
                resident.next_visit_due = next_due(
                    self._cadence_of(plan.care), resident.last_visit_at, resident.created_at
                )
                fields.add("next_visit_due")
            resident.version += 1
            resident.updated_at = now
            by_fields.setdefault(tuple(sorted(fields)), []).append(resident)
        # Their cases hold their phone's last four (and their household's) in the case key.
        rekeyed = [p.resident.pk for p in updates if p.values.keys() & {"phone", "household_id"}]
        for fields, residents in by_fields.items():
            # A correction by import leaves a history row per changed resident, like one by hand.
            # New rows do not: the ImportRun says who brought them in, and doubling 100,000 inserts
            # would cost the import its minute.
            bulk_update_with_history(
                residents,
                Resident,
                list(fields),
                batch_size=500,
                default_user=self.user,
                default_change_reason=self.reason,
                manager=Resident.all_objects,
            )
        reindex_cases_of_residents(rekeyed)
        care_plans = [p for p in plans if p.care_changed]
        if care_plans:
            through = Resident.care_categories.through
            through.objects.filter(
                resident_id__in=[p.resident.pk for p in care_plans if not p.is_new]
            ).delete()
            insert_rows(
                through,
                [
                    {"resident_id": p.resident_pk, "carecategory_id": category}
                    for p in care_plans
                    for category in sorted(p.care)
                ],
            )

    def _search_key(self, name: str, phone: str, row: Row) -> str:
        household = row.household
        building = household.building
        address = address_tokens(building.road, building.lane, building.number, household.room)
        return search_key(name, [phone, household.phone], address)

    def _cadence_of(self, care: set[int]) -> int | None:
        return shortest_cadence(self.cadence.get(c) for c in care)


def analyze_registry() -> None:
    """Refresh PostgreSQL's statistics of the registry's tables after a large import. Until
    autovacuum gets to it (a minute or more), the planner would take a committee that just grew
    by 100,000 residents for an empty one, and scan the table for every batch of a re-import."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Building, Household, Resident, Resident.care_categories.through):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
