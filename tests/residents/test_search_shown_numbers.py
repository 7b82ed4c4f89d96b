"""A number copied as a page shows it masked (189****3827 from a resident's page, 021-****7788 from a
case's text) finds the resident by the digits it shows, for every reader; the hidden digits still
match no one, and a form showing more than a page does (1898***3827) finds no one either."""

import re

import pytest
from django.urls import reverse

from audit.models import AccessRecord
from residents.selectors import search_terms
from tests.conftest import copy_of_the_module, rows_of_the_module
from tests.factories import make_building, make_household, make_resident, valid_id

# What a page shows of a number masked: digits, stars, the last four (an ID's may end in X).
SHOWN = re.compile(r"\d*\*+\d{3}[\dX]")
PERSONAS = ["secretary_a", "worker_a", "viewer_a", "officer"]


def _make_people(org):
    """周琴 (the resident returned) and two neighbours whose mobiles share her last four digits."""
    building = make_building(org.a, "12")
    zhou = make_resident(
        make_household(building, "302", phone="021-65437788"),
        "周琴",
        phone="18986583827",
        id_number=valid_id(),
    )
    # The same last four, another mobile's first three; the same first three and last four.
    make_resident(make_household(building, "401"), "王建国", phone="13912343827")
    make_resident(make_household(building, "502"), "李海华", phone="18912343827")
    return zhou


@pytest.fixture(scope="module")
def _people_of_the_module(request, _org_of_the_module, django_db_blocker):
    """_make_people's rows, written once for the module's tests."""
    yield from rows_of_the_module(request, _org_of_the_module, django_db_blocker, "people", _make_people)


@pytest.fixture
def people(_people_of_the_module, org):
    """_make_people's rows, a copy for each test (tests/conftest.py, rows_of_the_module)."""
    return copy_of_the_module(_people_of_the_module, _make_people, org)


def _names(client, q: str) -> set[str]:
    response = client.post(reverse("residents:list"), follow=True, data={"q": q})
    assert response.status_code == 200
    return {name for name in ("周琴", "王建国", "李海华") if name in response.text}


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_number_the_residents_page_shows_finds_the_resident(org, people, as_user, persona):
    client = as_user(getattr(org, persona))
    page = client.get(reverse("residents:detail", args=[people.pk])).text
    shown = SHOWN.findall(page)
    # The ID number, the mobile and the household's landline, as this reader sees them.
    assert shown == [f"{people.id_number[:4]}{'*' * 10}{people.id_number[-4:]}", "189****3827", "*******7788"]
    assert _names(client, shown[0]) == {"周琴"}
    assert _names(client, shown[1]) == {"周琴", "李海华"}  # both show 189****3827
    assert _names(client, shown[2]) == {"周琴"}
    assert _names(client, f"周 {shown[1]}") == {"周琴"}  # with a name


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_number_masked_in_a_cases_text_finds_the_resident_by_what_it_shows(org, people, as_user, persona):
    client = as_user(getattr(org, persona))
    for q in ["021-****7788", "(021) ****7788", "（０２１）****７７８８", "****7788", "021****7788"]:
        assert _names(client, q) == {"周琴"}, q
    assert _names(client, "****3827") == {"周琴", "王建国", "李海华"}  # the last four alone
    assert _names(client, "139****3827") == {"王建国"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_masked_form_never_matches_on_hidden_digits(org, people, as_user, persona):
    client = as_user(getattr(org, persona))
    for q in [
        "1898***3827",  # a fourth digit a page never shows
        "18986**3827",
        # Stars miscounted (189***3827, 189*****3827) are the mobile a page shows, 189****3827
        # (test_search_masked_phones.py); one star or seven are no masked mobile.
        "189*3827",
        "189*******3827",
        "*8658*3827",
        "****6583827",
        "189****827",
        "021-6543****",
        "022****7788",  # an area code the landline does not have
        f"{people.id_number[:6]}********{people.id_number[-4:]}",  # the region's next two digits
        f"3102{'*' * 10}{people.id_number[-4:]}",
    ]:
        assert _names(client, q) == set(), q


def test_the_secretarys_search_by_a_masked_number_is_no_search_by_a_full_number(org, people, as_user):
    client = as_user(org.secretary_a)
    assert _names(client, "189****3827") == {"周琴", "李海华"}
    assert _names(client, "18986583827") == {"周琴"}  # the whole number: theirs to search
    kinds = list(AccessRecord.all_objects.filter(kind=AccessRecord.Kind.SEARCH_FULL).values_list("detail"))
    assert kinds == [("phone",)]


def test_the_intakes_resident_picker_finds_a_resident_by_a_masked_number(org, people, as_user):
    response = as_user(org.worker_a).post(reverse("cases:pick_resident"), {"resident_q": "189****3827"})
    assert response.status_code == 200
    assert "周琴" in response.text and "李海华" in response.text and "王建国" not in response.text


@pytest.mark.parametrize("persona", ["secretary_a", "worker_a"])
def test_a_masked_number_typed_with_a_chinese_input_methods_star_reads_as_the_page_shows_it(
    org, people, as_user, persona
):
    """A Chinese input method types the star full width (＊, as it types １３８): copied by hand from a
    page, 189＊＊＊＊3827 is the 189****3827 the page shows, as １８９ is 189; ✱ (a symbol picker's)
    too. In groups as well, and an ID number's stars."""
    client = as_user(getattr(org, persona))
    id_shown = f"{people.id_number[:4]}{'＊' * 10}{people.id_number[-4:]}"
    assert search_terms("189＊＊＊＊3827", shown=True) == ["189****3827"]
    for q in [
        "189＊＊＊＊3827",
        "１８９＊＊＊＊３８２７",
        "189 ＊＊＊＊ 3827",
        "189✱✱✱✱3827",
        "周 189＊＊**3827",
    ]:
        assert _names(client, q) == ({"周琴"} if q.startswith("周") else {"周琴", "李海华"}), q
    assert _names(client, id_shown) == {"周琴"}
    assert _names(client, "＊＊＊＊＊＊＊7788") == {"周琴"}
    # The hidden digits still match no one, however the star is typed.
    assert _names(client, "1898＊＊＊3827") == set()
