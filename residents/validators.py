"""Validation of personal numbers: resident ID numbers (python-stdnum) and Chinese phone numbers; and of
a building's address (its road, lane and number, as residents/addresses.py reads them).

Each function returns the normalised value or raises a ValidationError whose message a committee
worker understands. Forms, the importer and services all use these, so a number is judged the same
way wherever it comes in.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

from common.dates import outside_range
from common.masking import fold
from residents import addresses
from residents.models import EARLIEST_BIRTH_DATE, Building, Resident

# The birth date an ID number holds lies in a birth date's range (Resident.check_birth_date): the
# words name the bound it broke, as the birth date field's do.
ID_BORN_TOO_EARLY = _(
    "The birth date inside this ID number (characters 7–14) cannot be earlier than %(day)s."
)
ID_BORN_AFTER_TODAY = _(
    "The birth date inside this ID number (characters 7–14) cannot be later than today (%(day)s)."
)


def normalise_id_number(value: str) -> str:
    """Strip spaces and dashes, upper-case a final x."""
    return re.sub(r"[\s\-]", "", value or "").upper()


def validate_id_number(value: str, *, today: datetime.date | None = None) -> str:
    """A real 18-character resident ID number: length, digits, checksum, birth date, region code."""
    number = normalise_id_number(value)
    if len(number) != 18:
        raise ValidationError(
            _("An ID number has 18 characters; this one has %(count)d."),
            code="id_length",
            params={"count": len(number)},
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(_("An ID number is 17 digits followed by a digit or X."), code="id_format")
    if number[-1] != ric.calc_check_digit(number):
        raise ValidationError(
            _("This ID number's check digit is wrong: a character is probably mistyped."),
            code="id_checksum",
        )
    try:
        birth_date = ric.get_birth_date(number)
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("The birth date inside this ID number (characters 7–14) is not a real date."),
            code="id_birth_date",
        ) from None
    today = today or datetime.date.today()
    if error := outside_range(birth_date, EARLIEST_BIRTH_DATE, today, ID_BORN_TOO_EARLY, ID_BORN_AFTER_TODAY):
        raise ValidationError(error.message, code="id_birth_date", params=error.params)
    try:
        ric.get_birth_place(number)
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("The first six digits of this ID number are not a known region code."), code="id_region"
        ) from None
    return number


def birth_date_from_id(number: str) -> datetime.date:
    return ric.get_birth_date(number)


def gender_from_id(number: str) -> str:
    """'M' or 'F': the 17th character is odd for men and even for women."""
    return "M" if int(number[16]) % 2 else "F"


def check_birth_date_matches(number: str, birth_date: datetime.date | None) -> None:
    if birth_date and birth_date != birth_date_from_id(number):
        raise ValidationError(
            _("The birth date %(given)s does not agree with the ID number, which says %(from_id)s."),
            code="birth_date_mismatch",
            params={"given": birth_date.isoformat(), "from_id": birth_date_from_id(number).isoformat()},
        )


def agree_with_id(number: str, *, birth_date: datetime.date | None, gender: str) -> tuple[datetime.date, str]:
    """The birth date and gender of a resident with this (valid) ID number: given ones must agree
    with it, else a ValidationError with each disagreement on its field; one left empty is read
    from it. The one rule for every path that saves a resident's number: the registry's form and
    the admin (the import reads the same functions row by row)."""
    errors = {}
    try:
        check_birth_date_matches(number, birth_date)
    except ValidationError as error:
        errors["birth_date"] = error
    from_id = gender_from_id(number)
    if gender and gender != from_id:
        errors["gender"] = ValidationError(_("The gender does not agree with the ID number."), code="gender")
    if errors:
        raise ValidationError(errors)
    return birth_date or birth_date_from_id(number), gender or from_id


def id_number_holder(number: str, *, besides: int | None = None) -> Resident | None:
    """The resident (other than the one with pk `besides`) who holds this ID number, across every
    committee (one person, one record), with their household, building and committee read."""
    holders = Resident.all_objects.filter(id_number=number)
    if besides is not None:
        holders = holders.exclude(pk=besides)
    return holders.select_related("household__building", "committee").first()


_MOBILE = re.compile(r"1[3-9]\d{9}")
# A Shanghai landline: 8 digits not starting with 0 or 1, optionally after the area code 021.
_SHANGHAI_LANDLINE = re.compile(r"(?:021)?([2-9]\d{7})")


def validate_phone(value: str) -> str:
    """A Chinese mobile (13812345678) or a Shanghai landline (021-65431234 or 65431234).

    Returns the mobile's 11 digits, or the landline as 021-XXXXXXXX.
    """
    digits = re.sub(r"[\s\-()（）]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if not digits.isdigit():
        raise ValidationError(
            _("A phone number may contain only digits, spaces and dashes."), code="phone_format"
        )
    if _MOBILE.fullmatch(digits):
        return digits
    landline = _SHANGHAI_LANDLINE.fullmatch(digits)
    if landline:
        return f"021-{landline.group(1)}"
    raise ValidationError(
        _("Enter a mobile number (11 digits starting with 1) or a Shanghai landline (021 and 8 digits)."),
        code="phone_invalid",
    )


# An address as the registry stores it (residents/addresses.py): what was typed is read the way people
# type it (449弄, １２号), and what cannot be an address part is refused, saying how to write it.
ROAD_HAS_DIGITS = _(
    "Type only the road's name here, e.g. 定海路; the lane and number have boxes of their own."
)
ROAD_NOT_CHINESE = _("A road's name is written in Chinese, e.g. 定海路.")
LANE_INVALID = _(
    "A lane is a number, maybe with 甲, 乙, 丙 or 丁, or a branch lane: e.g. 449, 449甲 or 449弄3支弄."
)
NUMBER_INVALID = _("A building number is a number, maybe with 甲, 乙, 丙 or 丁: e.g. 12 or 12甲.")


def validate_road(value: str) -> str:
    road = addresses.clean_road(value)
    if road is None:
        message = ROAD_HAS_DIGITS if re.search(r"\d", fold(value or "")) else ROAD_NOT_CHINESE
        raise ValidationError(message, code="road")
    return road


def validate_lane(value: str) -> str:
    """The lane as stored ("449弄" → "449"); "" for a building on the road itself."""
    lane = addresses.clean_lane(value)
    if lane is None:
        raise ValidationError(LANE_INVALID, code="lane")
    return lane


def validate_number(value: str) -> str:
    """The building's number as stored ("12号" → "12")."""
    number = addresses.clean_number(value)
    if number is None:
        raise ValidationError(NUMBER_INVALID, code="number")
    return number


def building_at(
    committee_id: int, road: str, lane: str, number: str, *, besides: int | None = None
) -> Building | None:
    """The committee's building at this address (its parts as stored), if it has one; one stored before
    the address was read as typed ("４４９", "12号") is found too, so it is not added twice."""
    wanted = (lane, number)
    same_road = Building.all_objects.filter(committee_id=committee_id, road=road).exclude(pk=besides)
    for pk, stored_lane, stored_number in same_road.values_list("pk", "lane", "number"):
        read = (addresses.clean_lane(stored_lane), addresses.clean_number(stored_number))
        if (stored_lane, stored_number) == wanted or read == wanted:
            return Building.all_objects.get(pk=pk)
    return None
