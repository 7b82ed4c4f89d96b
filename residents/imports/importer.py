"""The importer: one run over one file for one committee, batch by batch.

Each row is cleaned (every cell checked as the registry's forms check it), matched (a building by
its address, a household by building and room, a resident by ID number, else by name within the
household) and planned (what is created, what changes). The preview stops there; the commit hands
each batch's plans to the writer inside one transaction, so a bad row found part-way rolls
everything back.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from stdnum.cn import ric

from committee.models import Committee
from committee.scoping import unscoped
from common.masking import mask_id_number, mask_numbers_in_text, mask_phone
from residents.addresses import LANE, NUMBER, ROOM, without_unit
from residents.imports import reading
from residents.imports.columns import COLUMN_BY_KEY, EXAMPLE_ROW, REQUIRED, map_headers
from residents.imports.reading import (
    FileProblem,
    NoSuchDay,
    cell_text,
    fold,
    parse_date,
    read_rows,
    too_many_rows,
)
from residents.imports.writer import BatchWriter, analyze_registry
from residents.models import EARLIEST_BIRTH_DATE, Building, CareCategory, Household, Resident
from residents.validators import (
    birth_date_from_id,
    check_birth_date_matches,
    gender_from_id,
    normalise_id_number,
    validate_id_number,
    validate_phone,
)

BATCH_SIZE = 1000
ANALYZE_AFTER = 5000  # new residents in one commit (see writer.analyze_registry)
MAX_ERRORS_KEPT = 1000  # a file with more bad rows reports the first thousand and the total


def _choices(model_choices) -> dict[str, str]:
    """Every way to write a choice (code, Chinese label, English label) → its code."""
    lookup: dict[str, str] = {}
    for code, label in model_choices.choices:
        lookup[code.lower()] = code
        for language in ("zh-hans", "en"):
            with translation.override(language):
                lookup[fold(str(label))] = code
    return lookup


# Columns of numbers and codes, read with full-width forms folded; names and notes stay as written.
FOLDED = ("lane", "number", "room", "id_number", "gender", "birth_date", "phone")


GENDER_WORDS = {"男": "M", "女": "F", "m": "M", "f": "F", "male": "M", "female": "F"}
CARE_SEPARATORS = re.compile(r"[、,，;；/|\n]+")
SCIENTIFIC = re.compile(r"\d(?:\.\d+)?[eE]\+?\d+")  # 3.10109E+17: how Excel shows a long number


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass
class Report:
    mapping: list[dict] = field(default_factory=list)
    rows: int = 0
    skipped_example: bool = False
    buildings: Counts = field(default_factory=Counts)
    households: Counts = field(default_factory=Counts)
    residents: Counts = field(default_factory=Counts)
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0
    bad_rows: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def counts(self) -> dict:
        return {
            "rows": self.rows,
            "buildings": self.buildings.as_dict(),
            "households": self.households.as_dict(),
            "residents": self.residents.as_dict(),
            "bad_rows": self.bad_rows,
            "error_count": self.error_count,
        }


@dataclass
class BuildingState:
    road: str
    lane: str
    number: str
    pk: int | None = None
    created: bool = False


@dataclass
class HouseholdState:
    building: BuildingState
    room: str
    pk: int | None = None
    housing_type: str = ""
    phone: str = ""  # recorded (the import leaves it): part of its residents' search keys
    original_housing_type: str | None = None  # None: a new household
    housing_type_row: int = 0
    written_housing_type: str = ""
    in_file: bool = False


@dataclass
class Row:
    number: int
    values: dict[str, str]
    household: HouseholdState | None = None
    id_number: str = ""  # full and valid, or ""
    id_birth_date: datetime.date | None = None
    id_masked: str = ""
    birth_date: datetime.date | None = None
    gender: str = ""
    phone: str = ""
    phone_masked: str = ""
    care: set[int] | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)

    def error(self, column_key: str, message: str) -> None:
        self.errors.append((column_key, message))


@dataclass(eq=False)
class Plan:
    row: Row
    resident: Resident | None
    values: dict  # new: every given field; existing: the fields that change
    care: set[int]
    care_changed: bool = False
    is_new: bool = False
    resident_pk: int | None = None  # set for a new resident once it is written

    def __post_init__(self) -> None:
        if self.resident is not None:
            self.resident_pk = self.resident.pk


class _Rollback(Exception):
    pass


class Importer:
    """One run over one file for one committee; `commit=False` is the preview."""

    def __init__(
        self,
        committee: Committee,
        *,
        commit: bool,
        batch_size: int | None = None,
        user=None,
        reason: str = "",
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.committee = committee
        self.progress = progress  # told the rows done after each batch (the worker's progress bar)
        self.commit = commit
        self.batch_size = batch_size or BATCH_SIZE
        self.report = Report()
        self._relations = _choices(Resident.Relation)
        self._statuses = _choices(Resident.ResidencyStatus)
        self._housing = _choices(Household.HousingType)
        self._care_lookup: dict[str, int] = {}
        cadence: dict[int, int | None] = {}  # category → visit every so many days
        for category in CareCategory.objects.all():
            for word in (category.code, category.name, category.name_en):
                self._care_lookup[fold(word)] = category.pk
            cadence[category.pk] = category.visit_every_days
        self._care_names = "、".join(CareCategory.objects.values_list("name", flat=True))
        self._buildings: dict[tuple[str, str, str], BuildingState] = {}
        self._households: dict[tuple[str, str, str, str], HouseholdState] = {}
        self._ids_seen: dict[str, int] = {}  # ID number → first row
        self._residents_seen: dict[int, int] = {}  # resident pk → first row
        self._new_names: dict[tuple[int, str], int] = {}  # (household, name) of created ID-less residents
        self._writing = commit
        self._good_regions: set[str] = set()
        self._today = datetime.date.today()
        self.column_names: dict[str, str] = {}
        # user: who commits (the history of each updated resident names them)
        self.writer = BatchWriter(committee, cadence=cadence, user=user, reason=reason)

    # The entry point -------------------------------------------------------------------------------

    def run(self, path: Path, kind: str) -> Report:
        if not self.commit:
            self._run(path, kind)
            return self.report
        try:
            with transaction.atomic():
                self._run(path, kind)
                if not self.report.ok:
                    raise _Rollback
                if self.report.residents.created >= ANALYZE_AFTER:
                    # robust: a failed ANALYZE must not stop the callbacks after it (the upload's deletion).
                    transaction.on_commit(analyze_registry, robust=True)
        except _Rollback:
            pass
        return self.report

    def _run(self, path: Path, kind: str) -> None:
        rows = read_rows(path, kind)
        headers: list = []
        for _number, headers in rows:
            if any(cell_text(v) for v in headers):
                break
        else:
            raise FileProblem(_("The file is empty."))
        mapping = map_headers(headers)
        self.report.mapping = mapping.as_list()
        self.column_names = {key: mapping.headers[i] for key, i in mapping.index.items()}
        self._load_addresses()
        batch: list[Row] = []
        for row_number, cells in rows:
            values = {key: cell_text(cells[i]) if i < len(cells) else "" for key, i in mapping.index.items()}
            for key in FOLDED:  # full-width digits and letters, as Chinese input methods type them
                if values.get(key):
                    values[key] = fold(values[key], lower=False)
            if not any(values.values()):
                continue
            if self._is_example(values):
                self.report.skipped_example = True
                continue
            self.report.rows += 1
            if self.report.rows > reading.MAX_ROWS:
                raise too_many_rows()
            row = Row(number=row_number, values=values)
            self._check_excel_numbers(row, cells, mapping.index)
            batch.append(row)
            if len(batch) >= self.batch_size:
                self._process(batch)
                batch = []
        if batch:
            self._process(batch)
        if self.report.rows == 0:
            raise FileProblem(_("The file has headers but no rows of data."))
        self._count_addresses()

    @staticmethod
    def _check_excel_numbers(row: Row, cells: list, index: dict[str, int]) -> None:
        """What Excel does to numbers typed into a column not formatted as text: an ID number becomes
        a number that has lost its last digits (3.10109E+17 once saved as CSV), a mobile number
        1.38123E+10."""
        i = index.get("id_number")
        raw = cells[i] if i is not None and i < len(cells) else None
        if (isinstance(raw, int | float) and not isinstance(raw, bool)) or SCIENTIFIC.fullmatch(
            row.values.get("id_number", "")
        ):
            row.error(
                "id_number",
                _(
                    "Excel stored this ID number as a number, which loses its last digits. Format "
                    "the column as text and type the number again."
                ),
            )
        if SCIENTIFIC.fullmatch(row.values.get("phone", "")):
            row.error(
                "phone",
                _(
                    "Excel turned this phone number into scientific notation (such as 1.38123E+10). "
                    "Format the column as text and type the number again."
                ),
            )

    @staticmethod
    def _is_example(values: dict[str, str]) -> bool:
        return (
            values.get("name") == EXAMPLE_ROW["name"] and values.get("id_number") == EXAMPLE_ROW["id_number"]
        )

    # Addresses ------------------------------------------------------------------------------------

    def _load_addresses(self) -> None:
        for pk, road, lane, number in Building.all_objects.filter(committee=self.committee).values_list(
            "pk", "road", "lane", "number"
        ):
            self._buildings[(road, lane, number)] = BuildingState(road, lane, number, pk)
        households = Household.all_objects.filter(committee=self.committee).values_list(
            "pk", "building__road", "building__lane", "building__number", "room", "housing_type", "phone"
        )
        for pk, road, lane, number, room, housing_type, phone in households:
            building = self._buildings[(road, lane, number)]
            self._households[(road, lane, number, room)] = HouseholdState(
                building,
                room,
                pk,
                housing_type,
                phone=phone,
                original_housing_type=housing_type,
                written_housing_type=housing_type,
            )

    def _household_for(self, row: Row) -> HouseholdState | None:
        v = row.values
        road = v.get("road", "")
        lane = without_unit(v.get("lane", ""), LANE)
        number = without_unit(v.get("number", ""), NUMBER)
        room = without_unit(v.get("room", ""), ROOM)
        for key, value in (("road", road), ("lane", lane), ("number", number), ("room", room)):
            if len(value) > COLUMN_BY_KEY[key].max_length:
                row.error(
                    key, _("Too long: at most %(max)d characters.") % {"max": COLUMN_BY_KEY[key].max_length}
                )
                return None
        if not (road and number and room):
            return None
        building = self._buildings.get((road, lane, number))
        if building is None:
            building = self._buildings[(road, lane, number)] = BuildingState(road, lane, number)
        household = self._households.get((road, lane, number, room))
        if household is None:
            household = self._households[(road, lane, number, room)] = HouseholdState(building, room)
        return household

    def _count_addresses(self) -> None:
        buildings_in_file = {id(h.building): h.building for h in self._households.values() if h.in_file}
        for building in buildings_in_file.values():
            if building.pk is None or building.created:
                self.report.buildings.created += 1
            else:
                self.report.buildings.unchanged += 1
        for household in self._households.values():
            if not household.in_file:
                continue
            if household.original_housing_type is None:
                self.report.households.created += 1
            elif household.housing_type != household.original_housing_type:
                self.report.households.updated += 1
            else:
                self.report.households.unchanged += 1

    # One batch ------------------------------------------------------------------------------------

    def _process(self, batch: list[Row]) -> None:
        for row in batch:
            self._clean(row)
        existing = self._check_ids_across_deployment(batch)
        plans = self._match(batch, existing)
        for row in batch:
            if row.errors:
                self.report.bad_rows += 1
                for key, message in row.errors:
                    self.report.error_count += 1
                    if len(self.report.errors) < MAX_ERRORS_KEPT:
                        self.report.errors.append(
                            {
                                "row": row.number,
                                "column": self.column_names.get(key, COLUMN_BY_KEY[key].header),
                                # The ID shows masked: the name is what finds the row in the file.
                                "name": mask_numbers_in_text(row.values.get("name", ""))[:40],
                                "value": _shown_value(key, row.values.get(key, "")),
                                # A message may quote the cell ("Unknown value …"): masked as the value is.
                                "message": mask_numbers_in_text(message),
                            }
                        )
        if not self.report.ok:
            self._writing = False
        if self._writing:
            self.writer.write(plans)
        if self.progress is not None:
            self.progress(self.report.rows)

    def _valid_id(self, value: str) -> tuple[str, datetime.date]:
        """validate_id_number's judgement, with its region lookup (the slow part) done once per region.

        A number from a region already seen passes the same length, format, checksum and birth date
        checks here; anything else goes to validate_id_number itself, which also words the error.
        """
        number = normalise_id_number(value)
        if (
            number[:6] in self._good_regions
            and len(number) == 18
            and number[:17].isdigit()
            and number[17] == ric.calc_check_digit(number)
        ):
            try:
                birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
            except ValueError:
                birth = None
            if birth and EARLIEST_BIRTH_DATE <= birth <= self._today:
                return number, birth
        number = validate_id_number(value)
        self._good_regions.add(number[:6])
        return number, birth_date_from_id(number)

    def _clean(self, row: Row) -> None:
        v = row.values
        for column in REQUIRED:
            if not v.get(column.key):
                row.error(column.key, _("Required: this cell is empty."))
        for key in ("name", "notes"):
            limit = COLUMN_BY_KEY[key].max_length
            if len(v.get(key, "")) > limit:
                row.error(key, _("Too long: at most %(max)d characters.") % {"max": limit})
        row.household = self._household_for(row)
        if row.household is not None:
            self._clean_housing_type(row)

        raw_id = v.get("id_number", "")
        if raw_id and not any(key == "id_number" for key, _m in row.errors):
            if "*" in raw_id:
                row.id_masked = raw_id
            else:
                try:
                    row.id_number, row.id_birth_date = self._valid_id(raw_id)
                except ValidationError as error:
                    row.error("id_number", _message(error))
        if row.id_number:
            first = self._ids_seen.setdefault(row.id_number, row.number)
            if first != row.number:
                row.error(
                    "id_number", _("This ID number also appears in row %(row)d of the file.") % {"row": first}
                )

        if v.get("birth_date"):
            try:
                row.birth_date = parse_date(v["birth_date"])
            except NoSuchDay:
                row.error("birth_date", _("This day does not exist: check the month and the day."))
            else:
                if row.birth_date is None:
                    row.error("birth_date", _("Not a date: write it as 1950-03-01."))
                elif row.id_number and row.birth_date != row.id_birth_date:
                    try:
                        check_birth_date_matches(row.id_number, row.birth_date)
                    except ValidationError as error:
                        row.error("birth_date", _message(error))
        elif row.id_number:
            row.birth_date = row.id_birth_date

        if v.get("gender"):
            row.gender = GENDER_WORDS.get(fold(v["gender"]), "")
            if not row.gender:
                row.error("gender", _("Write 男 or 女."))
            elif row.id_number and row.gender != gender_from_id(row.id_number):
                row.error("gender", _("The gender does not agree with the ID number."))
        elif row.id_number:
            row.gender = gender_from_id(row.id_number)

        if v.get("phone") and not any(key == "phone" for key, _m in row.errors):
            if "*" in v["phone"]:
                row.phone_masked = v["phone"]
            else:
                try:
                    row.phone = validate_phone(v["phone"])
                except ValidationError as error:
                    row.error("phone", _message(error))

        for key, lookup in (("relation_to_head", self._relations), ("residency_status", self._statuses)):
            if v.get(key) and fold(v[key]) not in lookup:
                row.error(key, _("Unknown value “%(value)s”.") % {"value": v[key]})

        if v.get("care_categories"):
            row.care = set()
            for word in CARE_SEPARATORS.split(v["care_categories"]):
                word = word.strip()
                if not word:
                    continue
                pk = self._care_lookup.get(fold(word))
                if pk is None:
                    row.error(
                        "care_categories",
                        _("Unknown care category “%(value)s”. Use one of: %(choices)s.")
                        % {"value": word, "choices": self._care_names},
                    )
                else:
                    row.care.add(pk)

    def _clean_housing_type(self, row: Row) -> None:
        text = row.values.get("housing_type", "")
        if not text:
            return
        code = self._housing.get(fold(text))
        if code is None:
            row.error("housing_type", _("Unknown value “%(value)s”.") % {"value": text})
            return
        household = row.household
        if household.housing_type_row and household.housing_type != code:
            row.error(
                "housing_type",
                _("The housing type differs from row %(row)d of the same household.")
                % {"row": household.housing_type_row},
            )
            return
        household.housing_type = code
        household.housing_type_row = household.housing_type_row or row.number

    def _check_ids_across_deployment(self, batch: list[Row]) -> dict[str, Resident]:
        """Residents of this committee with the batch's ID numbers. An ID number registered in
        another committee is refused without saying where. One query on the unique ID index: a
        committee filter here would mislead the planner while a big import grows the table."""
        ids = [row.id_number for row in batch if row.id_number]
        if not ids:
            return {}
        with unscoped():
            found = list(Resident.objects.filter(id_number__in=ids))
        elsewhere = {r.id_number for r in found if r.committee_id != self.committee.pk}
        for row in batch:
            if row.id_number in elsewhere:
                row.error(
                    "id_number",
                    _(
                        "This ID number is registered to a resident of another committee. Check it with the "
                        "street office before importing this person."
                    ),
                )
        return {r.id_number: r for r in found if r.committee_id == self.committee.pk}

    def _match(self, batch: list[Row], existing: dict[str, Resident]) -> list[Plan]:
        """Find each row's resident (by ID, else by name in the household) and decide what changes."""
        # Namesakes are looked up only for rows their ID number did not match: a re-import of a
        # registry with ID numbers then reads each resident once, not twice.
        household_pks = {
            row.household.pk
            for row in batch
            if row.household and row.household.pk and row.id_number not in existing
        }
        by_name: dict[tuple[int, str], list[Resident]] = {}
        # The households are this committee's own (their pks came from it): no committee filter, so
        # the household index is used.
        for resident in Resident.all_objects.filter(household_id__in=household_pks):
            if resident.pk in self.writer.created_pks:  # this run created it
                continue
            by_name.setdefault((resident.household_id, resident.name), []).append(resident)
        matched = [r.pk for r in existing.values()] + [r.pk for rs in by_name.values() for r in rs]
        care: dict[int, set[int]] = {}
        through = Resident.care_categories.through
        for resident_id, category_id in through.objects.filter(resident_id__in=matched).values_list(
            "resident_id", "carecategory_id"
        ):
            care.setdefault(resident_id, set()).add(category_id)

        plans = []
        for row in batch:
            if row.errors or row.household is None:
                continue
            resident = existing.get(row.id_number) if row.id_number else None
            if resident is None and row.household.pk:
                namesakes = by_name.get((row.household.pk, row.values["name"]), [])
                if row.id_number:  # a namesake still without an ID number is the same person
                    namesakes = [r for r in namesakes if not r.id_number]
                elif row.id_masked:
                    namesakes = [
                        r for r in namesakes if r.id_number and mask_id_number(r.id_number) == row.id_masked
                    ]
                if len(namesakes) > 1:
                    row.error(
                        "name",
                        _(
                            "Two residents of this household are called %(name)s; "
                            "give the ID number to say which."
                        )
                        % {"name": mask_numbers_in_text(row.values["name"])},
                    )
                    continue
                resident = namesakes[0] if namesakes else None
            if resident is None and row.id_masked:
                row.error(
                    "id_number",
                    _(
                        "This ID number is masked and matches no resident of this household with this name. "
                        "Enter the full number."
                    ),
                )
                continue
            if resident is not None:
                first = self._residents_seen.setdefault(resident.pk, row.number)
                if first != row.number:
                    row.error(
                        "name", _("This resident also appears in row %(row)d of the file.") % {"row": first}
                    )
                    continue
            if resident is None and not row.id_number:
                key = (id(row.household), row.values["name"])
                first = self._new_names.setdefault(key, row.number)
                if first != row.number:
                    row.error(
                        "name", _("This resident also appears in row %(row)d of the file.") % {"row": first}
                    )
                    continue
            if row.birth_date and (resident is None or row.birth_date != resident.birth_date):
                # The registry's rule (Resident.check_birth_date) for a birth date that would be
                # written: one the registry holds already (from before the rule) imports back as it is.
                try:
                    Resident.check_birth_date(row.birth_date, today=self._today)
                except ValidationError as error:
                    row.error("birth_date", _message(error))
                    continue
            if row.phone_masked and (resident is None or mask_phone(resident.phone) != row.phone_masked):
                row.error(
                    "phone", _("This phone number is masked and does not match the record; enter it in full.")
                )
                continue
            plans.append(self._plan(row, resident, care.get(resident.pk, set()) if resident else set()))
        return plans

    def _plan(self, row: Row, resident: Resident | None, care: set[int]) -> Plan:
        row.household.in_file = True  # counted among the households (and buildings) of good rows
        v = row.values
        wanted = {
            "name": v["name"],
            "gender": row.gender,
            "birth_date": row.birth_date,
            "id_number": row.id_number,
            "phone": row.phone,
            "relation_to_head": self._relations.get(fold(v.get("relation_to_head", "")), ""),
            "residency_status": self._statuses.get(fold(v.get("residency_status", "")), ""),
            "notes": v.get("notes", ""),
        }
        if resident is None:
            self.report.residents.created += 1
            values = {k: value for k, value in wanted.items() if value not in ("", None)}
            if not values.get("id_number"):
                values["id_number"] = None
            return Plan(row, None, values, row.care or set(), care_changed=bool(row.care), is_new=True)
        if wanted["notes"] and wanted["notes"] == mask_numbers_in_text(resident.notes):
            # The notes as the masked registry export wrote them (a typed number masked): what is
            # recorded stays, the mask is never written over the number.
            wanted["notes"] = resident.notes
        changes = {}
        for key, value in wanted.items():
            # Empty cells keep what is recorded.
            if value not in ("", None) and getattr(resident, key) != value:
                changes[key] = value
        if resident.household_id != row.household.pk:  # moved (maybe to a household this run creates)
            changes["household_id"] = None
        care_changed = row.care is not None and row.care != care
        if changes or care_changed:
            self.report.residents.updated += 1
        else:
            self.report.residents.unchanged += 1
        return Plan(row, resident, changes, row.care if care_changed else set(), care_changed=care_changed)


def _message(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


def _shown_value(key: str, value: str) -> str:
    """What the error list shows of the bad cell: never a full personal number."""
    if key == "id_number":
        return mask_id_number(value)
    if key == "phone":
        return mask_phone(value)
    return mask_numbers_in_text(value)[:40]  # a number typed into a name or the notes


def run_import(
    committee: Committee,
    path: Path,
    kind: str,
    *,
    commit: bool,
    user=None,
    reason: str = "",
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Preview (commit=False) or commit one file for one committee. FileProblem for a bad file."""
    return Importer(committee, commit=commit, user=user, reason=reason, progress=progress).run(path, kind)
