"""What the preview asks the secretary to check in rows that are good: a household the file gives a
second head of household, a room written as another building's 号-室, a care category the resident's
age contradicts. Warnings, not bad rows: a head does change, and the secretary may know better; each
names its row, in the preview and in the committed run (Report.warn).
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

from common.choices import label_in_sentence
from residents.addresses import building_in_room
from residents.care import too_young_for
from residents.imports import changes as change_list
from residents.imports import problems
from residents.imports.plans import HouseholdState, Report, Row
from residents.models import CareCategory, Resident, age_on

HEAD = Resident.Relation.HEAD
SECOND_HEAD = _(
    "Row %(row)d makes %(name)s head of household of %(address)s, which already has a head, %(head)s. "
    "Heads do change: if so, give %(head)s another relation in the file or on the household's page; "
    "if not, correct this row."
)
TWO_HEADS_IN_FILE = _(
    "Row %(row)d makes %(name)s head of household of %(address)s, and row %(first)d makes %(head)s its head. "
    "A household has one head: correct one of the rows."
)
ROOM_OF_ANOTHER_BUILDING = _(
    "Row %(row)d: the room “%(room)s” reads like room %(room_of)s of building %(building)s: check the "
    "building number."
)
TOO_YOUNG_FOR_CARE = _(
    "Row %(row)d: %(category)s is for residents aged %(least)d and over; by the birth date %(name)s is "
    "%(age)d."
)


class RowChecks:
    """The checks of one run: each good row's room, care categories and head of household, and, at
    the end of the run, which households the file gives two heads."""

    def __init__(self, report: Report, categories: dict[int, CareCategory], today: datetime.date) -> None:
        self.report = report
        self.categories = categories
        self.today = today
        self._rooms_asked: set[int] = set()  # id(household): a household's room is asked about once
        # id(household) → the household and the rows naming its head: (row, name).
        self._named: dict[int, tuple[HouseholdState, list[tuple[int, str]]]] = {}
        self._in_file: set[int] = set()  # recorded residents the file names (each counted by its row)

    def check(self, row: Row, resident: Resident | None, relation: str) -> None:
        household = row.household
        self._room(row, household)
        birth_date = row.birth_date or (resident.birth_date if resident else None)
        if row.care:
            self._care_age(row, birth_date)
        if resident is not None:
            self._in_file.add(resident.pk)
            if resident.archived:
                return
        if relation == HEAD:
            self._named.setdefault(id(household), (household, []))[1].append((row.number, row.values["name"]))

    def _room(self, row: Row, household: HouseholdState) -> None:
        """A new household whose room reads as 号-室 of another building ("3-302" in 12号). A household
        recorded so was accepted before: not asked about again."""
        if household.original_housing_type is not None or id(household) in self._rooms_asked:
            return
        self._rooms_asked.add(id(household))
        seems = building_in_room(household.building.number, household.room)
        if seems is not None:
            building, room = seems
            self.report.warn(
                ROOM_OF_ANOTHER_BUILDING,
                row=row.number,
                room=household.room,
                room_of=room,
                building=building,
            )

    def _care_age(self, row: Row, birth_date: datetime.date | None) -> None:
        """A care category of the row's meant for older residents than the birth date says."""
        age = age_on(birth_date, self.today)
        for pk in sorted(row.care):
            category = self.categories.get(pk)
            least = too_young_for(category.code, age) if category else None
            if least is not None:
                self.report.warn(
                    TOO_YOUNG_FOR_CARE,
                    row=row.number,
                    category=problems.per_language(
                        lambda category=category: label_in_sentence(category.label)
                    ),
                    least=least,
                    name=row.values["name"],
                    age=age,
                )

    def finish(self, created_pks: set[int]) -> None:
        """Each row naming a second head of its household: one query per 5,000 households for their
        recorded heads the file does not name (who stay heads where they are). The same in the
        commit, rows written: the file's residents and those it created are left out of the answer."""
        recorded: dict[int, list[str]] = {}
        pks = [h.pk for h, _rows in self._named.values() if h.original_housing_type is not None]
        for start in range(0, len(pks), 5000):
            heads = Resident.all_objects.filter(
                household_id__in=pks[start : start + 5000], archived="", relation_to_head=HEAD
            ).values_list("pk", "household_id", "name")
            for pk, household_pk, name in heads:
                if pk not in self._in_file and pk not in created_pks:
                    recorded.setdefault(household_pk, []).append(name)
        for household, rows in self._named.values():
            address = change_list.address(household)
            heads = recorded.get(household.pk, []) if household.original_housing_type is not None else []
            first, first_name = rows[0]
            for i, (number, name) in enumerate(rows):
                if heads:
                    self.report.warn(SECOND_HEAD, row=number, name=name, address=address, head=heads[0])
                elif i > 0:
                    self.report.warn(
                        TWO_HEADS_IN_FILE,
                        row=number,
                        name=name,
                        address=address,
                        first=first,
                        head=first_name,
                    )
