"""A resident's, a household's and a building's notes are a labelled row of their facts (备注 / Notes),
not loose small print under the grid, which read as part of the grid (review 3, finding 12)."""

import re

import pytest
from django.urls import reverse

from residents.models import Building, Household
from tests.cases.page_text import text_of
from tests.factories import make_building, make_grid, make_household, make_resident

pytestmark = pytest.mark.django_db


def _facts(html: str) -> list[tuple[str, str]]:
    """The (label, value) rows of the page's first list of facts, as text."""
    facts = re.search(r'<dl class="facts">(.*?)</dl>', html, re.S)[1]
    rows = re.findall(r"<dt>(.*?)</dt><dd[^>]*>(.*?)</dd>", facts, re.S)
    return [(text_of(label), text_of(value)) for label, value in rows]


@pytest.mark.parametrize("persona", ["secretary_a", "viewer_a"])
def test_a_residents_notes_are_their_own_labelled_row_after_the_grid(org, as_user, persona):
    building = make_building(org.a, "12", grid=make_grid(org.a, "第1网格", worker=org.worker_a))
    zhou = make_resident(make_household(building, "302"), "周勤", notes="书记改的备注\n女儿每周来")
    client = as_user(getattr(org, persona))
    url = reverse("residents:detail", args=[zhou.pk])
    chinese = _facts(client.get(url, headers={"accept-language": "zh-hans"}).text)
    assert chinese[-2:] == [("网格", "第1网格 · 李敏"), ("备注", "书记改的备注 女儿每周来")]
    english = _facts(client.get(url, headers={"accept-language": "en"}).text)
    # "notes": capitalised by the stylesheet, as every label of the facts.
    assert english[-1] == ("notes", "书记改的备注 女儿每周来")


def test_no_notes_no_row(org, as_user):
    zhou = make_resident(make_household(make_building(org.a, "12"), "302"), "周勤")
    html = as_user(org.worker_a).get(reverse("residents:detail", args=[zhou.pk])).text
    assert "备注" not in dict(_facts(html))


def test_a_households_and_a_buildings_notes_are_labelled_rows_too(org, as_user):
    building = make_building(org.a, "12")
    home = make_household(building, "302")
    Household.all_objects.filter(pk=home.pk).update(notes="门铃坏了")
    Building.all_objects.filter(pk=building.pk).update(notes="电梯维修中")
    client = as_user(org.worker_a)
    household = _facts(client.get(reverse("residents:household", args=[home.pk])).text)
    assert household[-1] == ("备注", "门铃坏了")
    facts = _facts(client.get(reverse("residents:building", args=[building.pk])).text)
    assert facts[-1] == ("备注", "电梯维修中")
