"""The case list's search finds a case by its building's address, and its household's room, typed as
people type them (cases/search.py): "which cases does 12号 have?" is the secretary's everyday
question. The address is not masked (a room like 1302 is an address, not a person's number), the
keys follow a building's or a household's address when it changes, and the upgrade rewrites the keys
written before."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.http import QueryDict

from cases import selectors
from cases.filters import CaseFilterForm, filter_cases
from cases.models import Case
from committee.access import acting_as
from committee.scoping import unscoped
from tests.factories import make_building, make_case, make_household


def _found(user, q: str) -> set[str]:
    with acting_as(user) as access:
        form = CaseFilterForm(QueryDict(f"status=&q={q}"), access=access)
        assert form.is_valid(), form.errors
        return {c.title for c in filter_cases(selectors.visible_cases(access), form.cleaned_data)}


@pytest.fixture
def places(org):
    twelve = make_building(org.a, "12", lane="449")
    home = make_household(twelve, "302")
    make_case(org.worker_a, org.a, title="楼道积水", building=twelve)
    make_case(org.worker_a, org.a, title="漏水到楼下", household=home, building=twelve)
    make_case(org.worker_a, org.a, title="路灯不亮", building=make_building(org.a, "13", lane="449"))
    make_case(org.worker_a, org.a, title="垃圾房异味", building=make_building(org.a, "12", lane="451"))
    make_case(org.worker_a, org.a, title="门口堆物", place="小区门口")
    return {"twelve": twelve, "home": home}


@pytest.mark.parametrize(
    "typed", ["449弄12号", "定海路449弄12号", "449弄12", "449-12", "４４９弄１２号", "定海路 449弄12号"]
)
def test_a_buildings_cases_are_found_by_its_address(org, places, typed):
    assert _found(org.secretary_a, typed) == {"楼道积水", "漏水到楼下"}


def test_a_lane_a_number_a_room_and_the_road(org, places):
    secretary = org.secretary_a
    assert _found(secretary, "449弄") == {"楼道积水", "漏水到楼下", "路灯不亮"}
    assert _found(secretary, "定海路449弄") == {"楼道积水", "漏水到楼下", "路灯不亮"}
    assert _found(secretary, "12号") == {"楼道积水", "漏水到楼下", "垃圾房异味"}
    assert _found(secretary, "12号302室") == {"漏水到楼下"}
    assert _found(secretary, "449弄12号302") == {"漏水到楼下"}
    assert _found(secretary, "302室") == {"漏水到楼下"}
    assert _found(secretary, "12-302") == {"漏水到楼下"}
    assert _found(secretary, "定海") == {"楼道积水", "漏水到楼下", "路灯不亮", "垃圾房异味"}
    assert _found(secretary, "449弄12号 漏水") == {"漏水到楼下"}  # with other words
    assert _found(secretary, "小区门口") == {"门口堆物"}  # the free-text place, as before
    assert _found(org.worker_b, "449弄12号") == set()  # another committee's cases stay out


def test_a_four_digit_room_is_an_address_not_a_number_to_mask(org):
    """6543弄…1302室 reads like a landline's two groups (6543 1302): the key keeps the address whole.
    (A four-digit number before a room, 2100-1302, is read by the box as case 2100-1302.)"""
    building = make_building(org.a, "21", lane="6543")
    make_case(org.worker_a, org.a, title="外墙渗水", household=make_household(building, "1302"))
    assert _found(org.secretary_a, "6543弄21号1302室") == {"外墙渗水"}
    assert _found(org.secretary_a, "21-1302") == {"外墙渗水"}
    assert _found(org.worker_a, "1302") == {"外墙渗水"}
    assert _found(org.worker_a, "6543") == {"外墙渗水"}
    with unscoped():
        key = Case.all_objects.get(title="外墙渗水").search_key
    assert "*" not in key
    assert " 6543弄21号1302室 " in key


def test_numbers_in_the_text_stay_masked_beside_the_address(org):
    building = make_building(org.a, "12", lane="449")
    make_case(org.worker_a, org.a, title="来电反映漏水", description="联系 13812345678", building=building)
    assert _found(org.worker_a, "449弄12号 5678") == {"来电反映漏水"}
    assert _found(org.worker_a, "1234") == set()  # the phone's hidden digits find nothing


def test_the_keys_follow_a_buildings_new_address(org, places, as_user):
    twelve = places["twelve"]
    response = as_user(org.secretary_a).post(
        f"/buildings/{twelve.pk}/edit/",
        {"committee": org.a.pk, "road": "定海路", "lane": "449", "number": "14号", "version": twelve.version},
    )
    assert response.status_code == 302
    assert _found(org.secretary_a, "449弄14号") == {"楼道积水", "漏水到楼下"}
    assert _found(org.secretary_a, "449弄12号") == set()


def test_the_keys_follow_a_households_new_room(org, places, as_user):
    home = places["home"]
    response = as_user(org.secretary_a).post(
        f"/households/{home.pk}/edit/",
        {"room": "303", "housing_type": "public_rental", "residency": "registered", "version": home.version},
    )
    assert response.status_code == 302, response.text[:2000]
    assert _found(org.secretary_a, "12号303室") == {"漏水到楼下"}
    assert _found(org.secretary_a, "12号302室") == set()


def test_the_upgrade_adds_the_address_to_keys_written_before(org, places):
    """Keys written before held no address: the migration rewrites those of the cases at a place."""
    with unscoped():
        at_place = Case.all_objects.get(title="漏水到楼下")
        elsewhere = Case.all_objects.get(title="门口堆物")
        Case.all_objects.filter(pk=at_place.pk).update(search_key=f" {at_place.number} 漏水到楼下 ")
        untouched = elsewhere.search_key
    assert _found(org.secretary_a, "449弄12号302室") == set()
    migration = importlib.import_module("cases.migrations.0030_search_key_addresses")
    migration.add_addresses_to_keys(django_apps, None)
    assert _found(org.secretary_a, "449弄12号302室") == {"漏水到楼下"}
    with unscoped():
        assert Case.all_objects.get(pk=elsewhere.pk).search_key == untouched
