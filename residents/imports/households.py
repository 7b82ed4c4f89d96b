"""The committee's buildings and households as one run knows them: loaded once, found or added for
each row by its address (a building by 路/弄/号, a household by building and room), and counted for the
report at the end.

Kept for the whole file, unlike its rows (held one batch at a time): a household met again hundreds
of rows later is the same one, and a new one is written once, by the batch that meets it first.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from committee.models import Committee
from residents import validators
from residents.addresses import building_address, clean_lane, clean_number, clean_room, room_in
from residents.imports.changes import MAX_CHANGES_KEPT, address, household_change
from residents.imports.columns import COLUMN_BY_KEY
from residents.imports.plans import MAX_WARNINGS_KEPT, BuildingState, HouseholdState, Report, Row
from residents.models import Building, Household


class Households:
    def __init__(self, committee: Committee) -> None:
        self.committee = committee
        self._buildings: dict[tuple[str, str, str], BuildingState] = {}
        self._households: dict[tuple[str, str, str, str], HouseholdState] = {}
        self.by_pk: dict[int, HouseholdState] = {}  # the committee's households as recorded
        self._by_pk: dict[int, BuildingState] = {}  # and its buildings

    def load(self) -> None:
        for pk, road, lane, number in Building.all_objects.filter(committee=self.committee).values_list(
            "pk", "road", "lane", "number"
        ):
            state = BuildingState(road, lane, number, pk)
            self._buildings[(road, lane, number)] = self._by_pk[pk] = state
            # One stored before addresses were read as typed (４４９, 12号) is found by its reading too.
            read = (road, clean_lane(lane), clean_number(number))
            if None not in read:
                self._buildings.setdefault(read, state)
        households = Household.all_objects.filter(committee=self.committee).values_list(
            "pk", "building_id", "room", "housing_type", "phone"
        )
        for pk, building_id, room, housing_type, phone in households:
            building = self._by_pk[building_id]
            key = (building.road, building.lane, building.number, room)
            self._households[key] = self.by_pk[pk] = HouseholdState(
                building,
                room,
                pk,
                housing_type,
                phone=phone,
                original_housing_type=housing_type,
                written_housing_type=housing_type,
            )

    def of_row(self, row: Row) -> HouseholdState | None:
        """The row's household (and building), added when the committee has none at that address;
        None when the address is incomplete or a part is too long (said on the row)."""
        v = row.values
        room = clean_room(v.get("room", ""))  # as the household form reads it
        for key, value in (("road", v.get("road", "")), ("room", room)):
            if len(value) > COLUMN_BY_KEY[key].max_length:
                row.error(key, _("Too long: at most %(max)d characters."), max=COLUMN_BY_KEY[key].max_length)
                return None
        if not (v.get("road") and v.get("number") and room):
            return None
        # The building's address read as the registry's building form reads it (449弄 is 449, 12号 is
        # 12), so that a file names the building the form added, and what is no address is refused.
        parts = []
        for key, validate in (
            ("road", validators.validate_road),
            ("lane", validators.validate_lane),
            ("number", validators.validate_number),
        ):
            try:
                parts.append(validate(v.get(key, "")))
            except ValidationError as error:
                row.refuse(key, error)
                return None
        road, lane, number = parts
        room = room_in(number, room)  # 3号's "3-302" is its 302, as the household form reads it
        building = self._buildings.get((road, lane, number))
        if building is None:
            building = self._buildings[(road, lane, number)] = BuildingState(road, lane, number)
        # Keyed by the building as stored: a legacy one's households are those it already has.
        key = (building.road, building.lane, building.number, room)
        household = self._households.get(key)
        if household is None:
            household = self._households[key] = HouseholdState(building, room)
        return household

    def count(self, report: Report) -> None:
        """The buildings and households of the file's good rows, created, updated or unchanged (each
        updated household listed among the changes, with its housing type before and after)."""
        buildings_in_file: dict[int, tuple[BuildingState, int]] = {}
        for h in self._households.values():
            if h.in_file:
                first = buildings_in_file.get(id(h.building), (h.building, h.first_row))[1]
                buildings_in_file[id(h.building)] = (h.building, min(first, h.first_row))
        for building, first_row in sorted(buildings_in_file.values(), key=lambda b: b[1]):
            if building.pk is None or building.created:
                report.buildings.created += 1
                if len(report.new_buildings) < MAX_WARNINGS_KEPT:
                    written = building_address(building.road, building.lane, building.number)
                    report.new_buildings.append({"row": first_row, "address": written})
            else:
                report.buildings.unchanged += 1
        for household in sorted(self._households.values(), key=lambda h: h.first_row):
            if not household.in_file:
                continue
            if household.original_housing_type is None:
                report.households.created += 1
                if len(report.new_households) < MAX_WARNINGS_KEPT:
                    report.new_households.append({"row": household.first_row, "address": address(household)})
                continue
            # The housing type the preview replaces is the one the commit must find (the plan's basis).
            report.note_basis(
                "household", household.pk, household.original_housing_type, household.housing_type
            )
            if household.housing_type != household.original_housing_type:
                report.households.updated += 1
                if len(report.household_changes) < MAX_CHANGES_KEPT:
                    report.household_changes.append(household_change(household))
            else:
                report.households.unchanged += 1
