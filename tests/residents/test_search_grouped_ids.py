"""An ID number shown masked in groups, as a case's text prints one typed in groups (3101** ******** 0017)
or as people copy or type a resident's 3101**********0017 for reading (3101 ********** 0017), is read
as one number: it finds the resident by the digits it shows, for every reader; a grouping that
shows more digits than a page, or holds as many stars as no ID, finds no one."""

import re
import time

import pytest
from django.urls import reverse

from residents.selectors import join_shown_ids, search_terms
from tests.factories import make_building, make_case, make_household, make_resident, valid_id

PERSONAS = ["secretary_a", "worker_a", "viewer_a", "officer"]
# An ID as a case's text shows it typed in groups: its region's four digits, stars, its last four.
GROUPED = re.compile(r"\d{4}\*\*[ -]\*{8}[ -]\d{3}[\dX]")


@pytest.fixture
def zhou(org):
    home = make_household(make_building(org.a, "12"), "302")
    zhou = make_resident(home, "周琴", phone="18986583827", id_number=valid_id())
    # The same region and last four, another birth date: a page shows both IDs alike.
    make_resident(home, "严小明", id_number=zhou.id_number[:6] + "20101231" + zhou.id_number[-4:])
    make_resident(home, "王建国", id_number=valid_id())
    return zhou


def _names(client, q: str) -> set[str]:
    response = client.get(reverse("residents:list"), {"q": q})
    assert response.status_code == 200
    return {name for name in ("周琴", "严小明", "王建国") if name in response.text}


@pytest.mark.parametrize("persona", PERSONAS)
def test_an_id_as_a_cases_text_shows_it_in_groups_finds_the_resident(org, zhou, as_user, persona):
    number = zhou.id_number
    groups = (number[:6], number[6:14], number[14:])
    make_case(
        org.worker_a,
        org.a,
        title="来电反映漏水",
        description=f"来电人身份证 {' '.join(groups)}，又写作{'-'.join(groups)}",
    )
    client = as_user(getattr(org, persona))
    listed = client.get(reverse("cases:list"), {"status": "", "q": "漏水"}).text
    page = client.get(reverse("cases:detail", args=[re.search(r'href="/cases/(\d+)/"', listed)[1]])).text
    shown = GROUPED.findall(page)
    assert shown == [f"{number[:4]}** ******** {number[-4:]}", f"{number[:4]}**-********-{number[-4:]}"]
    for q in shown:
        assert _names(client, q) == {"周琴", "严小明"}, q


@pytest.mark.parametrize("persona", PERSONAS)
def test_an_id_typed_masked_in_the_groups_people_read_it_in_finds_the_resident(org, zhou, as_user, persona):
    client = as_user(getattr(org, persona))
    head, tail = zhou.id_number[:4], zhou.id_number[-4:]
    for q in [
        f"{head} ********** {tail}",
        f"{head} **** **** ** {tail}",
        f"{head}** ******** {tail}",
        f"{head} **********{tail}",
        f"{head}********** {tail}",
        f"{head} - ********** - {tail}",
        f"{head}\u3000**********\u3000{tail}",  # an ideographic space
        f"{head} ********** {tail}".translate({ord(d): 0xFF10 + int(d) for d in "0123456789"}),
    ]:
        assert _names(client, q) == {"周琴", "严小明"}, q
    assert _names(client, f"周 {head} ********** {tail}") == {"周琴"}  # with a name


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_grouping_showing_more_than_a_page_or_no_ids_length_finds_no_one(org, zhou, as_user, persona):
    client = as_user(getattr(org, persona))
    number = zhou.id_number
    for q in [
        f"{number[:6]} ******** {number[-4:]}",  # the region's next two digits
        f"{number[:6]} {number[6:10]}**** {number[-4:]}",  # and the birth year
        f"{number[:4]} ********* {number[-4:]}",  # nine stars: no ID shows so
        f"{number[:4]} *********** {number[-4:]}",
        f"{number[:4]} ********** {number[-5:]}",  # a hidden digit before the last four
    ]:
        assert _names(client, q) == set(), q


def test_the_groupings_read_as_one_term():
    assert search_terms("3101** ******** 0017 周") == ["3101**********0017", "周"]
    assert search_terms("3101 **** **** ** 001X") == ["3101**********001x"]
    assert search_terms("3101**-********-0017") == ["3101**********0017"]
    # An old 15-digit ID typed 310101 500307 017 is shown 3101** *****7 017: its last four split.
    assert search_terms("3101** *****7 017") == ["3101*******7017"]
    # Not an ID's length, or not four digits shown first: left as the words typed.
    assert search_terms("3101 ******** 0017") == ["3101", "********", "0017"]
    assert search_terms("3101 **** 0017") == ["3101", "****", "0017"]
    assert join_shown_ids("no stars 3101 0017") == "no stars 3101 0017"


@pytest.mark.parametrize(
    "q",
    [
        "1111" + " *" * 2500,
        "1111 " + "-*" * 2500 + "1",
        "1111*" * 1000,
        "1111 " + "*  " * 1600 + "1 1 1",
        "138" + " *" * 2500,
        "138 " + "-*" * 2500 + "5",
    ],
)
def test_a_box_of_digits_stars_and_spaces_is_read_at_once(q):
    started = time.monotonic()
    search_terms(q, local_landlines=True, shown=True)
    search_terms(q)
    assert time.monotonic() - started < 2
