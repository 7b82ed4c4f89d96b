"""An ID number typed in groups into a case's text (310101 19500307 0017) is shown in groups masked
(3101** ******** 0017); the case search reads that form, and the others people type, as one number:
it finds the case by its text, whichever way the number is pasted (the groups or a resident page's
3101**********0017), and the cases whose parties' records show it, for every reader."""

import importlib

import pytest
from django.apps import apps as django_apps

from cases import services
from cases.models import Case
from cases.search import holds_grouped_id
from committee.scoping import unscoped
from tests.cases.page_text import titles_found
from tests.conftest import copy_of_the_module, rows_of_the_module
from tests.factories import make_building, make_case, make_household, make_resident, valid_id

TITLES = ("来电反映漏水", "楼道堆物", "路面不平")
PERSONAS = ["secretary_a", "worker_a", "viewer_a", "officer"]
ID = "310109195003050017"


def _make_zhou(org):
    home = make_household(make_building(org.a, "12"), "302")
    zhou = make_resident(home, "周琴", id_number=valid_id())
    grouped = f"{ID[:6]} {ID[6:14]} {ID[14:]}"
    make_case(org.worker_a, org.a, title="来电反映漏水", description=f"来电人身份证 {grouped}")
    make_case(org.worker_a, org.a, title="楼道堆物", parties=[services.NewParty(zhou)])
    make_case(org.worker_a, org.a, title="路面不平", description="身份证号 3101 ********** 0017 待核实")
    return zhou


@pytest.fixture(scope="module")
def _zhou_of_the_module(request, _org_of_the_module, django_db_blocker):
    yield from rows_of_the_module(request, _org_of_the_module, django_db_blocker, "zhou", _make_zhou)


@pytest.fixture
def zhou(_zhou_of_the_module, org):
    """_make_zhou's rows, written once for the module's tests (tests/conftest.py, rows_of_the_module)."""
    return copy_of_the_module(_zhou_of_the_module, _make_zhou, org)


def _titles(client, q: str) -> set[str]:
    return titles_found(client, q, TITLES)


@pytest.mark.parametrize("persona", PERSONAS)
def test_an_id_in_groups_finds_the_case_whose_text_holds_it_however_pasted(org, zhou, as_user, persona):
    client = as_user(getattr(org, persona))
    # As the case's page shows it, as a resident's page would, as people group it; and the text
    # typed masked by hand in groups (路面不平) alike.
    for q in ["3101** ******** 0017", "3101**-********-0017", "3101**********0017", "3101 **** **** ** 0017"]:
        assert _titles(client, q) == {"来电反映漏水", "路面不平"}, q
    assert _titles(client, "漏水 3101** ******** 0017") == {"来电反映漏水"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_an_id_in_groups_finds_the_cases_of_the_party_it_shows(org, zhou, as_user, persona):
    client = as_user(getattr(org, persona))
    head, tail = zhou.id_number[:4], zhou.id_number[-4:]
    for q in [f"{head} ********** {tail}", f"{head}** ******** {tail}", f"{head}**********{tail}"]:
        assert _titles(client, q) == {"楼道堆物"}, q
    assert _titles(client, f"{zhou.id_number[:6]} ******** {tail}") == set()  # more than a page shows


def test_the_upgrade_joins_the_grouped_ids_of_keys_written_before(org, zhou, as_user):
    with unscoped():
        case = Case.all_objects.get(title="来电反映漏水")
        other = Case.all_objects.get(title="楼道堆物")
        Case.all_objects.filter(pk=case.pk).update(
            search_key=f" {case.number} 来电反映漏水 来电人身份证 3101** ******** 0017 "
        )
        untouched = other.search_key
    client = as_user(org.worker_a)
    assert _titles(client, "3101** ******** 0017") == {"路面不平"}
    assert holds_grouped_id(case.description)
    assert not holds_grouped_id(f"身份证{ID}", "138 1234 5678", "3101**")
    migration = importlib.import_module("cases.migrations.0034_search_key_grouped_ids")
    migration.join_grouped_ids_in_keys(django_apps, None)
    assert _titles(client, "3101** ******** 0017") == {"来电反映漏水", "路面不平"}
    with unscoped():
        assert Case.all_objects.get(pk=other.pk).search_key == untouched
