"""A building's address as people type it (residents/addresses.py): the new and edit forms read 449弄
and １２号 as 449 and 12, refuse what is no address in words a worker understands, and refuse a second
building at an address the committee already has, naming and linking the one it has; the building
list counts 2号 before 10号."""

import importlib

import pytest
from django.apps import apps
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation

from cases import selectors
from cases.filters import CaseFilterForm, filter_cases
from committee.access import acting_as
from committee.scoping import unscoped
from residents.addresses import clean_lane, clean_number, clean_road, natural_order
from residents.models import Building
from tests.factories import admin_form_data, make_building, make_case


def _new(client, committee, **fields):
    data = {"committee": committee.pk, "road": "定海路", "lane": "449", "number": "12", **fields}
    return client.post("/buildings/new/", data)


def _count(committee) -> int:
    with unscoped():
        return Building.all_objects.filter(committee=committee).count()


def test_a_typed_part_is_read_as_people_write_it():
    assert [clean_lane(v) for v in ("449弄", "４４９", " 449 ", "449甲", "449弄3支弄", "")] == [
        "449",
        "449",
        "449",
        "449甲",
        "449弄3支",
        "",
    ]
    assert [clean_number(v) for v in ("12号", "１２号", "12甲号", "12甲")] == ["12", "12", "12甲", "12甲"]
    assert [clean_lane(v) for v in ("abc", "449号", "甲", "12345")] == [None] * 4
    assert [clean_number(v) for v in ("abc", "", "12-1", "号")] == [None] * 4
    assert clean_road(" 定海路 ") == "定海路"
    assert [clean_road(v) for v in ("abc", "定海路449弄", "")] == [None] * 3


def test_natural_order_counts_numbers_and_puts_suffixes_and_branches_after():
    numbers = ["10", "2", "12甲", "1", "12", "12乙", "11"]
    assert sorted(numbers, key=lambda n: natural_order("449", n)) == [
        "1",
        "2",
        "10",
        "11",
        "12",
        "12甲",
        "12乙",
    ]
    lanes = ["451", "449弄3支", "449", "", "1449", "abc"]
    assert sorted(lanes, key=lambda lane: natural_order(lane, "1")) == [
        "",
        "449",
        "449弄3支",
        "451",
        "1449",
        "abc",
    ]


@pytest.mark.parametrize(
    ("lane", "number"), [("449弄", "12号"), ("４４９", "１２"), ("４４９弄", "１２号"), (" 449 ", " 12 ")]
)
def test_the_same_address_typed_otherwise_is_refused_naming_the_building(org, as_user, lane, number):
    existing = make_building(org.a, "12", lane="449")
    before = _count(org.a)
    response = _new(as_user(org.secretary_a), org.a, lane=lane, number=number)
    assert response.status_code == 200
    page = response.text
    assert "定海路449弄12号已登记" in page
    assert f'href="{reverse("residents:building", args=[existing.pk])}"' in page  # the link to it
    assert _count(org.a) == before


def test_a_building_stored_before_the_rule_is_found_too(org, as_user):
    """One saved as typed before (full-width digits) is the same building: not added a second time."""
    legacy = make_building(org.a, "１２", lane="４４９")
    response = _new(as_user(org.secretary_a), org.a, lane="449", number="12")
    assert response.status_code == 200
    assert f'href="{reverse("residents:building", args=[legacy.pk])}"' in response.text


def test_typed_units_and_full_width_digits_are_saved_as_the_address_reads(org, as_user):
    response = _new(as_user(org.secretary_a), org.a, lane="４４９弄", number="13号", road=" 定海路 ")
    assert response.status_code == 302
    with unscoped():
        building = Building.all_objects.get(committee=org.a, number="13")
    assert (building.road, building.lane, building.address) == ("定海路", "449", "定海路449弄13号")


def test_suffixes_and_branch_lanes_are_addresses(org, as_user):
    client = as_user(org.secretary_a)
    assert _new(client, org.a, number="12甲号").status_code == 302
    assert _new(client, org.a, lane="449弄3支弄", number="5号").status_code == 302
    with unscoped():
        addresses = sorted(b.address for b in Building.all_objects.filter(committee=org.a))
    assert addresses == ["定海路449弄12甲号", "定海路449弄3支弄5号"]


@pytest.mark.parametrize(
    ("language", "field", "value", "words"),
    [
        ("zh-hans", "lane", "abc", "弄号是数字"),
        ("zh-hans", "number", "abc", "门牌号是数字"),
        ("zh-hans", "number", "12-1", "门牌号是数字"),
        ("zh-hans", "road", "abc", "路名用中文"),
        ("zh-hans", "road", "定海路449弄", "只填路名"),
        ("en", "lane", "abc", "A lane is a number"),
        ("en", "number", "abc", "A building number is a number"),
        ("en", "road", "abc", "written in Chinese"),
    ],
)
def test_what_is_no_address_is_refused_saying_how_to_write_it(org, as_user, language, field, value, words):
    with translation.override(language):
        response = as_user(org.secretary_a).post(
            "/buildings/new/",
            {"committee": org.a.pk, "road": "定海路", "lane": "449", "number": "40", field: value},
            HTTP_ACCEPT_LANGUAGE=language,
        )
    assert response.status_code == 200
    assert words in response.text
    assert field in response.context["form"].errors
    assert _count(org.a) == 0


def test_the_edit_form_reads_and_refuses_the_same_way(org, as_user):
    make_building(org.a, "12", lane="449")
    other = make_building(org.a, "14", lane="449")
    client = as_user(org.secretary_a)
    url = f"/buildings/{other.pk}/edit/"
    data = {"committee": org.a.pk, "road": "定海路", "lane": "449弄", "number": "１２号", "version": 1}
    response = client.post(url, data)
    assert response.status_code == 200 and "定海路449弄12号已登记" in response.text
    response = client.post(url, {**data, "number": "abc"})
    assert response.status_code == 200 and "门牌号是数字" in response.text
    assert client.post(url, {**data, "number": "１５号"}).status_code == 302
    other.refresh_from_db()
    assert other.address == "定海路449弄15号"


def test_the_building_list_counts_2_before_10(org, as_user):
    for number in ("1", "10", "11", "12", "2", "3", "12甲"):
        make_building(org.a, number, lane="365")
    make_building(org.a, "1", lane="1449")
    page = as_user(org.worker_a).get("/buildings/")
    shown = [b.address for b in page.context["page"].object_list]
    assert shown == [
        "定海路365弄1号",
        "定海路365弄2号",
        "定海路365弄3号",
        "定海路365弄10号",
        "定海路365弄11号",
        "定海路365弄12号",
        "定海路365弄12甲号",
        "定海路1449弄1号",
    ]


def test_the_admin_reads_an_address_as_the_forms_do_and_rekeys_the_cases(org, as_user):
    """An address corrected in the admin is cleaned and refused as in the app, and the building's
    cases are then found by the new address."""
    building = make_building(org.a, "12", lane="449")
    make_case(org.worker_a, org.a, title="楼道积水", building=building)
    client = as_user(org.superuser)
    url = reverse("admin:residents_building_change", args=[building.pk])
    data = admin_form_data(client.get(url).text)
    response = client.post(url, {**data, "number": "abc"})
    assert response.status_code == 200 and "门牌号是数字" in response.text
    assert client.post(url, {**data, "number": "１４号"}).status_code == 302
    building.refresh_from_db()
    assert building.number == "14"
    with acting_as(org.secretary_a) as access:
        form = CaseFilterForm(QueryDict("status=&q=449弄14号"), access=access)
        assert form.is_valid()
        found = filter_cases(selectors.visible_cases(access), form.cleaned_data)
        assert [c.title for c in found] == ["楼道积水"]


def test_the_upgrade_gives_every_building_its_place_in_natural_order(org, as_user):
    for number in ("10", "2", "1"):
        make_building(org.a, number, lane="365")
    with unscoped():
        Building.all_objects.update(address_order="")  # as the column was added
    migration = importlib.import_module("residents.migrations.0020_building_address_order")
    migration.fill_address_order(apps, None)
    shown = [b.number for b in as_user(org.worker_a).get("/buildings/").context["page"].object_list]
    assert shown == ["1", "2", "10"]
