"""The resident list's and the care roster's filters sent without JavaScript come with every field, the
empty ones too (`?q=&grid=&category=&status=active`, `?worker=&grid=&category=`): each list answers at
the same query without them (common/querystrings.py), listing the same residents: an empty parameter
of these lists means what its absence does (the resident list's status= is "living here", as none).
The morning list's visits link (?worker=me&due_by=…) holds no empty one and is answered as it is."""

import datetime

from django.urls import reverse
from django.utils import timezone

from residents.models import Resident
from tests.factories import make_building, make_grid, make_household, make_resident

HTMX = {"HX-Request": "true"}


def _names(response) -> list[str]:
    assert response.status_code == 200
    return sorted(resident.name for resident in response.context["page"].object_list)


def _people(org):
    grid = make_grid(org.a, "第一网格", worker=org.worker_a)
    home = make_household(make_building(org.a, "12", grid=grid), "302")
    other = make_household(make_building(org.a, "14"), "101")
    today = timezone.localdate()
    for home_of, name, category, due in ((home, "甲", "elderly_alone", -5), (other, "乙", "very_old", 10)):
        resident = make_resident(home_of, name, categories=[category])
        Resident.all_objects.filter(pk=resident.pk).update(
            next_visit_due=today + datetime.timedelta(days=due)
        )
    moved = make_resident(other, "丙")
    Resident.all_objects.filter(pk=moved.pk).update(archived="moved_out")
    return grid


def test_the_resident_lists_form_sent_without_javascript_is_answered_without_its_empty_fields(org, as_user):
    _people(org)
    url = reverse("residents:list")
    client = as_user(org.worker_a)
    for sent, clean, names in (
        ("q=&building=&grid=&category=&status=active", "status=active", ["乙", "甲"]),
        ("q=&building=&grid=&category=&status=", "", ["乙", "甲"]),  # empty: living here, as none
        ("q=&building=&grid=&category=&status=all", "status=all", ["丙", "乙", "甲"]),
        ("q=%E7%94%B2&building=&grid=&category=&status=active", "q=%E7%94%B2&status=active", ["甲"]),
    ):
        response = client.get(f"{url}?{sent}")
        assert response.status_code == 302 and response.url == (f"{url}?{clean}" if clean else url), sent
        assert (
            _names(client.get(response.url))
            == _names(client.get(f"{url}?{sent}", headers=HTMX))
            == sorted(names)
        )


def test_the_rosters_form_sent_without_javascript_is_answered_without_its_empty_fields(org, as_user):
    grid = _people(org)
    url = reverse("residents:roster")
    client = as_user(org.worker_a)
    week_end = timezone.localdate() + datetime.timedelta(days=30)
    for sent, clean, names in (
        ("worker=&grid=&category=", "", ["甲", "乙"]),
        ("worker=me&grid=&category=", "worker=me", ["甲"]),
        (f"worker=&grid={grid.pk}&category=&overdue=1", f"grid={grid.pk}&overdue=1", ["甲"]),
        (f"worker=me&grid=&category=&due_by={week_end}", f"worker=me&due_by={week_end}", ["甲"]),
    ):
        response = client.get(f"{url}?{sent}")
        assert response.status_code == 302 and response.url == (f"{url}?{clean}" if clean else url), sent
        assert (
            _names(client.get(response.url))
            == _names(client.get(f"{url}?{sent}", headers=HTMX))
            == sorted(names)
        )
    # The morning list's link, and a query with nothing empty: answered as they are.
    assert _names(client.get(f"{url}?worker=me&due_by={week_end}")) == ["甲"]
