"""A phone's last four digits (all a page shows of it: 189****3827, *******7788) typed bare into the case
search find the cases whose parties' phone or household phone ends so, as the resident search finds
the residents, for every reader among the cases they may see; the key holds those four in full-width
digits (cases.search.party_phone_token), so no other run of digits reaches them, and it follows a
party's, a household's and an import's new phone."""

import importlib

import pytest
from django.apps import apps as django_apps

from cases import services
from cases.models import Case
from committee.access import acting_as
from committee.scoping import unscoped
from residents import services as resident_services
from residents.imports.importer import run_import
from residents.imports.reading import detect_kind
from residents.models import Household, Resident
from tests.cases.page_text import titles_found
from tests.factories import make_building, make_case, make_household, make_resident
from tests.imports.helpers import csv_bytes, make_id, person, write

TITLES = ("楼道堆物", "困难家庭申请补助", "路面不平", "十九年的事", "449弄门口积水", "楼道堆物B")
PERSONAS = ["secretary_a", "worker_a", "viewer_a", "officer"]


@pytest.fixture
def zhou(org):
    building = make_building(org.a, "12")
    zhou = make_resident(make_household(building, "302", phone="021-65437788"), "周琴", phone="18986583827")
    wang = make_resident(make_household(building, "401"), "王建国", phone="13912342019")
    make_case(org.worker_a, org.a, title="楼道堆物", parties=[services.NewParty(zhou)])
    # Sensitive: the secretary's and whoever logged it (the secretary here), not the worker's.
    make_case(
        org.secretary_a, org.a, title="困难家庭申请补助", sensitive=True, parties=[services.NewParty(zhou)]
    )
    make_case(org.worker_a, org.a, title="路面不平", parties=[services.NewParty(wang)])
    make_case(org.worker_a, org.a, title="十九年的事", description="2019年3月起漏水")
    # A party whose phone holds 449 and 3827's 382 elsewhere than its last four.
    lane = make_resident(make_household(building, "501"), "李四", phone="13844913820")
    make_case(org.worker_a, org.a, title="449弄门口积水", parties=[services.NewParty(lane)])
    # Another committee's party with the same last four: found by who may see that committee's cases.
    other = make_resident(org.b, "赵六", phone="13700003827")
    make_case(org.worker_b, org.b, title="楼道堆物B", parties=[services.NewParty(other)])
    return zhou


def _titles(client, q: str) -> set[str]:
    return titles_found(client, q, TITLES)


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_partys_last_four_finds_their_cases(org, zhou, as_user, persona):
    client = as_user(getattr(org, persona))
    theirs = {"楼道堆物", "困难家庭申请补助"} if persona == "secretary_a" else {"楼道堆物"}
    other_committee = {"楼道堆物B"} if persona == "officer" else set()  # the street's officer sees both
    assert _titles(client, "3827") == theirs | other_committee  # the party's mobile: 189****3827
    assert _titles(client, "３８２７") == theirs | other_committee  # typed in full-width digits
    assert _titles(client, "7788") == theirs  # their household's landline, shown *******7788
    assert _titles(client, "周琴 3827") == theirs  # with other words
    assert _titles(client, "不平 3827") == set()
    # A year: the text that holds it, and the one party whose phone ends so, added.
    assert _titles(client, "2019") == {"十九年的事", "路面不平"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_other_runs_of_digits_never_reach_a_partys_phone(org, zhou, as_user, persona):
    client = as_user(getattr(org, persona))
    # The digits a page hides, a part of the last four, and three digits that a party's phone holds
    # (449: a lane's number, which finds the cases that say it, not every phone holding it). A whole
    # number finds the secretary's (test_case_search_numbers.py).
    for q in ["8658", "6583827", "382", "827", "6543", "7437788", "4491", "913820"]:
        assert _titles(client, q) == set(), q
    assert _titles(client, "449") == {"449弄门口积水"}  # its title, not 李四's 138 4491 3820
    assert _titles(client, "3820") == {"449弄门口积水"}  # his last four


def test_the_key_holds_the_last_four_in_full_width_only(org, zhou):
    with unscoped():
        key = Case.all_objects.get(title="楼道堆物").search_key
    assert " ３８２７# " in key and " ７７８８# " in key
    for hidden in ["3827", "7788", "8658", "6543", "１８９"]:
        assert hidden not in key, hidden


def test_the_key_follows_a_new_phone_a_move_and_the_households_phone(org, zhou, as_user):
    client = as_user(org.worker_a)
    with unscoped():
        resident = Resident.all_objects.get(pk=zhou.pk)
        household = Household.all_objects.get(pk=zhou.household_id)
    resident.phone = "13800001111"
    with acting_as(org.secretary_a):
        resident_services.resident_update(
            resident=resident, version=resident.version, categories=[], keep_hidden=False
        )
    assert _titles(client, "1111") == {"楼道堆物"} and _titles(client, "3827") == set()
    household.phone = "021-65432222"
    with acting_as(org.secretary_a):
        resident_services.household_save(household=household, version=household.version)
    assert _titles(client, "2222") == {"楼道堆物"} and _titles(client, "7788") == set()
    with unscoped():
        resident = Resident.all_objects.get(pk=zhou.pk)
    resident.household = make_household(make_building(org.a, "14"), "101", phone="021-65433333")
    with acting_as(org.secretary_a):
        resident_services.resident_update(
            resident=resident, version=resident.version, categories=[], keep_hidden=False
        )
    assert _titles(client, "3333") == {"楼道堆物"} and _titles(client, "2222") == set()


def test_the_key_follows_a_phone_changed_by_an_import(org, as_user, tmp_path):
    building = make_building(org.a, "12", road="定海路", lane="449")
    home = make_household(building, "302")
    resident = make_resident(home, "严俊杰", phone="13800000101", id_number=make_id(101))
    make_case(org.worker_a, org.a, title="楼道堆物", parties=[services.NewParty(resident)])
    cells = {"姓名": "严俊杰", "号": "12", "室": "302", "身份证号": make_id(101), "出生日期": "", "性别": ""}
    row = person(101, 联系电话="13912344444", **cells)
    path = write(tmp_path, "名单.csv", csv_bytes([row]))
    report = run_import(org.a, path, detect_kind(path, "名单.csv"), commit=True)
    assert report.ok and report.residents.updated == 1, report.errors
    client = as_user(org.worker_a)
    assert _titles(client, "4444") == {"楼道堆物"} and _titles(client, "0101") == set()


def test_the_upgrade_writes_the_parties_phones_into_keys_written_before(org, zhou, as_user):
    with unscoped():
        case = Case.all_objects.get(title="楼道堆物")
        Case.all_objects.filter(pk=case.pk).update(search_key=f" {case.number} 楼道堆物 周琴 ")
    client = as_user(org.worker_a)
    assert _titles(client, "3827") == set()
    migration = importlib.import_module("cases.migrations.0033_search_key_party_phones")
    migration.add_party_phones_to_keys(django_apps, None)
    assert _titles(client, "3827") == {"楼道堆物"}
