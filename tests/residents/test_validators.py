import datetime

import pytest
from django.core.exceptions import ValidationError

from residents.validators import (
    check_birth_date_matches,
    gender_from_id,
    validate_id_number,
    validate_phone,
)

GOOD_ID = "310110195503121239"  # 杨浦区, born 1955-03-12, male


def _with_check_digit(first17: str) -> str:
    from stdnum.cn import ric

    return first17 + ric.calc_check_digit(first17 + "0")


def test_a_good_id_number_is_accepted_and_normalised():
    assert _with_check_digit("31011019550312123") == GOOD_ID
    assert validate_id_number(" 3101 1019 5503 1212 39 ") == GOOD_ID


def test_a_lower_case_x_is_upper_cased():
    number = _with_check_digit("31011019800101002")
    if number.endswith("X"):
        assert validate_id_number(number.lower()) == number


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("31011019550312123", "id_length"),
        ("3101101955031212366", "id_length"),
        ("31011019550312A236", "id_format"),
        ("310110195503121235", "id_checksum"),  # one digit off
        (_with_check_digit("31011019550231123"), "id_birth_date"),  # 31 February
        (_with_check_digit("31011020990101123"), "id_birth_date"),  # born in 2099
        (_with_check_digit("99999919550312123"), "id_region"),
    ],
)
def test_bad_id_numbers_are_refused_with_a_reason(value, code):
    with pytest.raises(ValidationError) as caught:
        validate_id_number(value)
    assert caught.value.code == code


def test_the_reason_is_in_chinese_when_chinese_is_active():
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        validate_id_number("310110195503121235")
    assert "校验" in caught.value.messages[0]


def test_gender_comes_from_the_seventeenth_character():
    assert gender_from_id(GOOD_ID) == "M"
    assert gender_from_id(_with_check_digit("31011019550312124")) == "F"


def test_a_birth_date_that_disagrees_with_the_id_number_is_refused():
    check_birth_date_matches(GOOD_ID, datetime.date(1955, 3, 12))
    check_birth_date_matches(GOOD_ID, None)
    with pytest.raises(ValidationError) as caught:
        check_birth_date_matches(GOOD_ID, datetime.date(1955, 3, 13))
    assert caught.value.code == "birth_date_mismatch"


@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("021-65431234", "021-65431234"),
        ("65431234", "021-65431234"),
        ("(021) 6543 1234", "021-65431234"),
    ],
)
def test_good_phone_numbers_are_normalised(value, normalised):
    assert validate_phone(value) == normalised


@pytest.mark.parametrize(
    "value", ["1381234567", "12812345678", "010-65431234", "6543123", "phone", "138123456789"]
)
def test_bad_phone_numbers_are_refused(value):
    with pytest.raises(ValidationError):
        validate_phone(value)


@pytest.mark.parametrize(
    ("first17", "chinese", "english"),
    [
        (
            "31011018891231123",  # born 1889-12-31
            "身份证号中的出生日期（第7–14位）不能早于 1890-01-01。",
            "The birth date inside this ID number (characters 7–14) cannot be earlier than 1890-01-01.",
        ),
        (
            "31011020261208123",  # born the day after "today" below
            "身份证号中的出生日期（第7–14位）不能晚于今天（2026-12-07）。",
            "The birth date inside this ID number (characters 7–14) cannot be later than today (2026-12-07).",
        ),
    ],
)
def test_a_birth_date_out_of_range_inside_an_id_number_names_the_bound_it_broke(first17, chinese, english):
    from django.utils import translation

    for language, words in (("zh-hans", chinese), ("en", english)):
        with translation.override(language):
            with pytest.raises(ValidationError) as caught:
                validate_id_number(_with_check_digit(first17), today=datetime.date(2026, 12, 7))
            assert caught.value.messages == [words]  # the words are read in the language
        assert caught.value.code == "id_birth_date"
