"""A mobile shown masked, typed or pasted into the resident search in the groups people read it in
(138 **** 5678, 138-****-5678, 138 ** ** 5678; every page shows 138****5678) is read as one number, as
the page's own form is: it finds the residents a page shows so, for every reader, by the digits
shown; a grouping that is no masked mobile is left as the words typed and finds no one."""

import pytest
from django.urls import reverse

from residents.selectors import join_shown_numbers, search_terms
from tests.factories import make_building, make_household, make_resident

PERSONAS = ["secretary_a", "worker_a", "viewer_a", "officer"]
NAMES = ("周琴", "严小明", "王建国", "李强")
WIDE = {ord(d): 0xFF10 + int(d) for d in "0123456789"}


@pytest.fixture
def zhou(org):
    home = make_household(make_building(org.a, "12"), "302")
    zhou = make_resident(home, "周琴", phone="13812345678")
    make_resident(home, "严小明", phone="13800005678")  # shown alike: 138****5678
    make_resident(home, "王建国", phone="13912345678")  # 139****5678
    make_resident(make_household(make_building(org.a, "14"), "101", phone="13866665678"), "李强")
    return zhou


def _names(client, q: str) -> set[str]:
    response = client.post(reverse("residents:list"), follow=True, data={"q": q})
    assert response.status_code == 200
    return {name for name in NAMES if name in response.text}


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_mobile_typed_masked_in_groups_finds_the_residents_it_shows(org, zhou, as_user, persona):
    client = as_user(getattr(org, persona))
    for q in [
        "138 **** 5678",
        "138****5678",  # as the page shows it
        "138-****-5678",
        "138 - **** - 5678",
        "138 ** ** 5678",
        "138 ****5678",
        "138**** 5678",
        "138\u3000****\u30005678",  # an ideographic space
        "138 **** 5678".translate(WIDE),  # full-width digits
    ]:
        # 李强 by his household's phone, as the page's form finds him.
        assert _names(client, q) == {"周琴", "严小明", "李强"}, q
    assert _names(client, "周 138 **** 5678") == {"周琴"}  # with a name
    assert _names(client, "139 **** 5678") == {"王建国"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_grouping_that_is_no_masked_mobile_finds_no_one(org, zhou, as_user, persona):
    client = as_user(getattr(org, persona))
    # One star (150*2000 is a size), a digit a page hides (1381), a tail of three: no masked mobile.
    for q in ["138 * 5678", "1381 **** 5678", "1381 *** 5678", "138 **** 567"]:
        assert _names(client, q) == set(), q


def test_the_groupings_read_as_one_term():
    assert search_terms("138 **** 5678") == ["138****5678"]
    assert search_terms("周 138-****-5678", local_landlines=True, shown=True) == ["周", "138****5678"]
    assert search_terms("138 ** ** 5678 3101 ********** 0017") == ["138****5678", "3101**********0017"]
    # Stars miscounted, or x for them: still the mobile a page shows (tests/cases/test_masked_phones.py).
    assert search_terms("138 *** 5678") == search_terms("138 xxxx 5678") == ["138****5678"]
    # Not a mobile's three digits, some stars and last four: left as the words typed.
    assert search_terms("138 * 5678") == ["138", "*", "5678"]
    assert search_terms("1381 **** 5678") == ["1381", "****", "5678"]
    assert search_terms("128 **** 5678") == ["128", "****", "5678"]
    assert join_shown_numbers("no stars 138 5678") == "no stars 138 5678"
