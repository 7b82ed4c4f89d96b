"""A household's room typed in the admin is read as the registry's household form and the import
read it (residents.addresses.room_in): full-width ３０２ and "302 室" are room 302, "3-302" in 3号 is
its 302 (in 12号 it stays as typed: another building's room, which the import warns of); a room the
building already has is refused in the form's words, in the reader's language. A room left as it was
stays as stored."""

import html

import pytest
from django.urls import reverse

from residents.models import Household
from tests.cases.page_text import text_of
from tests.factories import admin_form_data, make_building, make_household

ZH = {"accept-language": "zh-hans"}
EN = {"accept-language": "en"}


@pytest.fixture
def three(org):
    return make_building(org.a, "3")


def _add(client, building, room, headers=ZH):
    url = reverse("admin:residents_household_add")
    data = admin_form_data(client.get(url, headers=headers).text)
    data.update(committee=str(building.committee_id), building=str(building.pk), room=room)
    return client.post(url, data, headers=headers)


def _change(client, household, room, headers=ZH):
    url = reverse("admin:residents_household_change", args=[household.pk])
    data = admin_form_data(client.get(url, headers=headers).text)
    return client.post(url, {**data, "room": room}, headers=headers)


@pytest.mark.parametrize("typed", ["３０２", "302 室", "302室", "3-302", "3号302", "3－302"])
def test_a_room_added_in_the_admin_is_read_as_the_registry_form_reads_it(org, three, as_user, typed):
    response = _add(as_user(org.superuser), three, typed)
    assert response.status_code == 302, text_of(response.text)
    assert list(Household.all_objects.filter(building=three).values_list("room", flat=True)) == ["302"]


def test_another_buildings_number_before_the_room_stays_as_typed(org, as_user):
    twelve = make_building(org.a, "12")
    assert _add(as_user(org.superuser), twelve, "3-302").status_code == 302
    assert Household.all_objects.get(building=twelve).room == "3-302"


@pytest.mark.parametrize(
    ("headers", "refused"),
    [(ZH, "该楼栋已有302室的住户。"), (EN, "This building already has a household in room 302.")],
)
def test_a_room_the_building_has_however_typed_is_refused_by_the_field(org, three, as_user, headers, refused):
    make_household(three, "302")
    other = make_household(three, "101")
    client = as_user(org.superuser)
    response = _change(client, other, "3-302", headers)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["room"] == [refused]
    assert refused in html.unescape(text_of(response.text))
    assert Household.all_objects.get(pk=other.pk).room == "101"
    response = _add(client, three, "３０２", headers)
    assert response.context["adminform"].form.errors["room"] == [refused]
    assert Household.all_objects.filter(building=three).count() == 2


def test_a_room_corrected_in_the_admin_is_read_so_and_one_left_as_it_was_stays(org, three, as_user):
    client = as_user(org.superuser)
    home = make_household(three, "101")
    assert _change(client, home, "３０２ 室").status_code == 302
    assert Household.all_objects.get(pk=home.pk).room == "302"
    # Stored before the rule, "3-201" in 3号: left as it is, the rest of a correction saves.
    old = make_household(three, "3-201")
    url = reverse("admin:residents_household_change", args=[old.pk])
    data = admin_form_data(client.get(url).text)
    assert client.post(url, {**data, "notes": "核对过"}).status_code == 302
    assert Household.all_objects.get(pk=old.pk).room == "3-201"
