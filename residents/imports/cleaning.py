"""Cleaning a row: every cell checked as the registry's forms check it and read into what is written
(an ID number, a birth date, a gender, a phone number, the choices' codes, the care categories), each
fault said on its cell.

What a cell may hold is judged here, without the registry's residents (the care categories' names
aside); who a row is, and what changes, is matching's (residents/imports/matching.py).
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric

from common.choices import label_in_sentence
from residents.imports import problems
from residents.imports.columns import COLUMN_BY_KEY, REQUIRED
from residents.imports.households import Households
from residents.imports.plans import Row
from residents.imports.reading import NoSuchDay, fold, parse_date
from residents.models import EARLIEST_BIRTH_DATE, CareCategory, Household, Resident
from residents.validators import (
    birth_date_from_id,
    check_birth_date_matches,
    gender_from_id,
    normalise_id_number,
    validate_id_number,
    validate_phone,
)

GENDER_WORDS = {"男": "M", "女": "F", "m": "M", "f": "F", "male": "M", "female": "F"}
CARE_SEPARATORS = re.compile(r"[、,，;；/|\n]+")
# A care category written with a minus sign in front (-独居老人, －独居老人) is taken off the resident:
# the one way a file removes a category. Every other category in the cell is added to those recorded.
CARE_REMOVAL = re.compile(r"^[-－−–—]\s*")
# A name or notes past the column's limit (the registry form's: common/lengths.py), with the length.
TOO_LONG = _("Too long: at most %(max)d characters, this has %(length)d.")
SCIENTIFIC = re.compile(r"\d(?:\.\d+)?[eE]\+?\d+")  # 3.10109E+17: how Excel shows a long number


def _word(text: str) -> str:
    """A cell's word as the lookups of choices hold it: folded, in lower case (an English label is
    capitalised as a label, Head of household, and read whichever way a file writes it)."""
    return fold(text).lower()


def _choices(model_choices) -> dict[str, str]:
    """Every way to write a choice (code, Chinese label, English label) → its code."""
    lookup: dict[str, str] = {}
    for code, label in model_choices.choices:
        lookup[code.lower()] = code
        for language in ("zh-hans", "en"):
            with translation.override(language):
                lookup[_word(str(label))] = code
    return lookup


def check_excel_numbers(row: Row, cells: list, index: dict[str, int]) -> None:
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


class Cleaner:
    """Cleans the rows of one run; remembers the ID numbers seen (a number twice in the file is an
    error) and the regions of the ID numbers found good (validate_id_number's slow part, once each)."""

    def __init__(self, categories: list[CareCategory], households: Households, today: datetime.date) -> None:
        self.households = households
        self._today = today
        self._relations = _choices(Resident.Relation)
        self._statuses = _choices(Resident.ResidencyStatus)
        self._housing = _choices(Household.HousingType)
        # What each column of choices allows, listed in every language for its message: inside
        # its sentence ("Use one of: public rental housing, …"), the labels read as words.
        self._allowed = {
            key: problems.per_language(
                lambda choices=choices: problems.listed(label_in_sentence(label) for label in choices.labels)
            )
            for key, choices in (
                ("relation_to_head", Resident.Relation),
                ("residency_status", Resident.ResidencyStatus),
                ("housing_type", Household.HousingType),
            )
        }
        self._care_lookup: dict[str, int] = {}
        for category in categories:
            for word in (category.code, category.name, category.name_en):
                self._care_lookup[_word(word)] = category.pk
        # Listed inside the sentence ("Use one of: elderly living alone, …"): the names read as words.
        self._care_names = problems.per_language(
            lambda: problems.listed(label_in_sentence(c.label) for c in categories)
        )
        self._ids_seen: dict[str, int] = {}  # ID number → first row
        self._good_regions: set[str] = set()

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

    def clean(self, row: Row) -> None:
        v = row.values
        for column in REQUIRED:
            if not v.get(column.key):
                row.error(column.key, _("Required: this cell is empty."))
        for key in ("name", "notes"):
            limit = COLUMN_BY_KEY[key].max_length
            if len(v.get(key, "")) > limit:
                row.error(key, TOO_LONG, max=limit, length=len(v[key]))
        row.household = self.households.of_row(row)
        if row.household is not None:
            self._clean_housing_type(row)

        raw_id = v.get("id_number", "")
        if raw_id and not row.has_error("id_number"):
            if "*" in raw_id:
                row.id_masked = raw_id
            else:
                try:
                    row.id_number, row.id_birth_date = self._valid_id(raw_id)
                except ValidationError as error:
                    row.refuse("id_number", error)
        if row.id_number:
            first = self._ids_seen.setdefault(row.id_number, row.number)
            if first != row.number:
                row.error(
                    "id_number", _("This ID number also appears in row %(row)d of the file."), row=first
                )

        birth = v.get("birth_date", "")
        if "*" in birth:
            # The masked export's 1987-**-**: keep what is recorded (held to it in matching).
            row.birth_date_masked, birth = birth, ""
        if birth:
            try:
                row.birth_date = parse_date(birth)
            except NoSuchDay:
                row.error("birth_date", _("This day does not exist: check the month and the day."))
            else:
                if row.birth_date is None:
                    row.error("birth_date", _("Not a date: write it as 1950-03-01."))
                elif row.id_number and row.birth_date != row.id_birth_date:
                    try:
                        check_birth_date_matches(row.id_number, row.birth_date)
                    except ValidationError as error:
                        row.refuse("birth_date", error)
        elif row.id_number:
            row.birth_date = row.id_birth_date

        if v.get("gender"):
            row.gender = GENDER_WORDS.get(_word(v["gender"]), "")
            if not row.gender:
                row.error("gender", _("Write 男 or 女."))
            elif row.id_number and row.gender != gender_from_id(row.id_number):
                row.error("gender", _("The gender does not agree with the ID number."))
        elif row.id_number:
            row.gender = gender_from_id(row.id_number)

        if v.get("phone") and not row.has_error("phone"):
            if "*" in v["phone"]:
                row.phone_masked = v["phone"]
            else:
                try:
                    row.phone = validate_phone(v["phone"])
                except ValidationError as error:
                    row.refuse("phone", error)

        if v.get("relation_to_head"):
            row.relation_to_head = self._choice(row, "relation_to_head", self._relations)
        if v.get("residency_status"):
            row.residency_status = self._choice(row, "residency_status", self._statuses)

        if v.get("care_categories"):
            self._care(row, v["care_categories"])

    def _care(self, row: Row, cell: str) -> None:
        """The care categories the cell adds (row.care) and those it marks for removal with a minus
        sign (row.care_removed). A category is never dropped because a cell leaves it out: a street's
        list of 低保 households must not take 独居老人 off anyone."""
        row.care = set()
        for word in CARE_SEPARATORS.split(cell):
            word = word.strip()
            removal = CARE_REMOVAL.match(word)
            if removal:
                word = word[removal.end() :]
            if not word:
                continue
            pk = self._care_lookup.get(_word(word))
            if pk is None:
                row.error(
                    "care_categories",
                    _("Unknown care category “%(value)s”. Use one of: %(choices)s."),
                    value=word,
                    choices=self._care_names,
                )
            elif removal:
                row.care_removed.add(pk)
            else:
                row.care.add(pk)
        if row.care & row.care_removed:
            row.error(
                "care_categories",
                _("The cell both adds and removes the same care category; keep one."),
            )

    def _choice(self, row: Row, key: str, lookup: dict[str, str]) -> str:
        """The code of the choice written in the cell, or "" with the row's error."""
        code = lookup.get(_word(row.values[key]))
        if code is None:
            self._unknown(row, key)
            return ""
        return code

    def _unknown(self, row: Row, key: str) -> None:
        row.error(
            key,
            _("Unknown value “%(value)s”. Use one of: %(choices)s."),
            value=row.values[key],
            choices=self._allowed[key],
        )

    def _clean_housing_type(self, row: Row) -> None:
        text = row.values.get("housing_type", "")
        if not text:
            return
        code = self._housing.get(_word(text))
        if code is None:
            self._unknown(row, "housing_type")
            return
        household = row.household
        if household.housing_type_row and household.housing_type != code:
            row.error(
                "housing_type",
                _("The housing type differs from row %(row)d of the same household."),
                row=household.housing_type_row,
            )
            return
        household.housing_type = code
        household.housing_type_row = household.housing_type_row or row.number
