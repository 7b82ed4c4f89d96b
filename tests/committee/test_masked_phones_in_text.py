"""A phone number typed masked into free text (a caller's or another system's form of it: 138***5678,
138xxxx5678, 138 **** 5678, 021 **** 2100, 021-6xxx-2100) is one masked number: shown as the rule
shows one typed whole (138****5678, 021 ****2100), a digit typed beside the marks that the rule hides
hidden too, in pages and logs; never taken for a whole number (no hint, nothing to reveal), and put
back as written when an edit leaves it as shown (common/masking.py)."""

import logging

import pytest

from common.logging import MaskPersonalData
from common.masking import (
    holds_numbers,
    join_masked_phones,
    keep_hidden_digits,
    landlines_as_one,
    mask_numbers_in_text,
    masked_phones,
    numbers_in,
    shorten,
)


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("138***5678", "138****5678"),  # three stars
        ("138*****5678", "138****5678"),  # five
        ("138**5678", "138****5678"),
        ("138xxxx5678", "138****5678"),
        ("138XXXX5678", "138****5678"),
        ("手机138 xxxx 5678待核实", "手机138****5678待核实"),
        ("138-XXX-5678", "138****5678"),
        ("138 **** 5678", "138****5678"),  # in groups, as a whole one is shown
        ("138 ** ** 5678", "138****5678"),
        ("+86 138***5678", "+86 138****5678"),
        ("１３８＊＊＊５６７８", "１３８****５６７８"),  # full-width, as a Chinese input method types it
        ("１３８ｘｘｘｘ５６７８", "１３８****５６７８"),
        ("1381***5678", "138****5678"),  # a digit the rule hides, typed beside the stars: hidden
        ("13812**5678", "138****5678"),
        ("021 **** 2100", "021 ****2100"),  # a landline masked in groups
        ("021-****-2100", "021-****2100"),
        ("座机(021)****2100", "座机(021)****2100"),
        ("（０２１）＊＊＊＊　２１００", "（０２１）****２１００"),
        ("021 xxxx 2100", "021 ****2100"),
        ("021-6xxx-2100", "021-****2100"),  # the 6 of a 6xxx number: hidden
        ("021 6*** 2100", "021 ****2100"),
        ("0216***2100", "021****2100"),  # 021 is the area code (three digits: 010, 02X)
        ("0571-****-2100", "0571-****2100"),
        ("女儿 021 **** 2100，儿子 139 xxxx 1234", "女儿 021 ****2100，儿子 139****1234"),
    ],
)
def test_a_phone_typed_masked_is_shown_as_one_masked_number(typed, shown):
    assert mask_numbers_in_text(typed) == shown
    assert numbers_in(typed) == set()  # no whole number: no hint, nothing hidden to reveal
    assert not holds_numbers(typed)
    assert masked_phones(typed)


@pytest.mark.parametrize(
    "text",
    [
        "150*2000",  # a size or a product: one mark
        "150x2000",
        "尺寸1500 x 2000",
        "尺寸 150 x 2000 mm",
        "138*5678",
        "1381 **** 5678",  # more than a mobile's places
        "138 **** 567",
        "128 **** 5678",  # no mobile's first digits
        "3101** ******** 0017",  # an ID number in groups (read by the search: join_shown_ids)
        "138*******5678",  # seven marks
        "021 * 2100",
        "2026-0042 *** 2100",
    ],
)
def test_what_is_no_masked_phone_is_kept_as_typed(text):
    assert mask_numbers_in_text(text) == text
    assert masked_phones(text) == []


def test_the_search_box_reads_a_masked_phone_as_the_page_shows_it():
    assert join_masked_phones("138***5678").split() == ["138****5678"]
    assert join_masked_phones("漏水 138 xxxx 5678").split() == ["漏水", "138****5678"]
    assert join_masked_phones("021 **** 2100 (021)****2100").split() == ["021****2100", "021****2100"]
    # A digit a page hides, typed beside the stars: left as typed, it finds nothing.
    assert join_masked_phones("1381***5678 021-6xxx-2100") == "1381***5678 021-6xxx-2100"


def test_a_landline_with_its_area_code_is_one_word_in_the_search_key():
    assert landlines_as_one("座机（021）6543 2100，021 **** 2101，6543 2102") == [
        "021****2100",
        "021****2101",
    ]
    assert landlines_as_one("021-6xxx-2100, 138***5678") == ["021****2100"]


def test_a_masked_phone_left_as_shown_is_put_back_as_written():
    written = "来电人手机 138***5678，座机 021 **** 2100"
    shown = mask_numbers_in_text(written)
    assert keep_hidden_digits(f"{shown}，已回电", written) == f"{written}，已回电"
    # Beside a whole number its mask shows alike: which one was meant cannot be told.
    both = "138***5678 或 13812345678"
    assert keep_hidden_digits("138****5678", both) == "138****5678"


def test_a_masked_phone_is_never_cut_in_two():
    text = "一二三四五六七八九十" * 2 + "来电人手机138 xxxx 5678请回电"
    assert shorten(text, 28).endswith("138 xxxx 5678")


def test_a_digit_typed_beside_the_stars_is_masked_in_a_log():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "q=%s", ("手机1381***5678",), None)
    MaskPersonalData().filter(record)
    assert record.getMessage() == "q=手机138****5678"
