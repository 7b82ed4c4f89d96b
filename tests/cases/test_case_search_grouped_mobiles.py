"""A mobile shown masked, typed or pasted into the case search in the groups people read it in
(138 **** 5678, 138-****-5678; every page shows 138****5678) is read as one number: it finds the case
whose text holds it (typed whole in groups, the text shows it masked as one word; typed masked in
groups by hand, the key holds it joined too) and the cases whose parties' records show it, for every
reader."""

import importlib

import pytest
from django.apps import apps as django_apps

from cases import services
from cases.models import Case
from cases.search import holds_grouped_mobile
from committee.scoping import unscoped
from tests.cases.page_text import titles_found
from tests.conftest import copy_of_the_module, rows_of_the_module
from tests.factories import make_building, make_case, make_household, make_resident

TITLES = ("来电反映漏水", "楼道堆物", "路面不平", "噪音扰民")
PERSONAS = ["secretary_a", "worker_a", "viewer_a", "officer"]


def _make_zhou(org):
    building = make_building(org.a, "12")
    zhou = make_resident(make_household(building, "302"), "周琴", phone="13812345678")
    wang = make_resident(make_household(building, "401"), "王建国", phone="13912345678")
    make_case(org.worker_a, org.a, title="来电反映漏水", description="来电人手机 138 0000 5678")
    make_case(org.worker_a, org.a, title="楼道堆物", parties=[services.NewParty(zhou)])
    make_case(org.worker_a, org.a, title="路面不平", description="手机 138 **** 5678 待核实")
    make_case(org.worker_a, org.a, title="噪音扰民", parties=[services.NewParty(wang)])
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
def test_a_mobile_in_groups_finds_the_cases_whose_text_or_party_shows_it(org, zhou, as_user, persona):
    client = as_user(getattr(org, persona))
    for q in [
        "138 **** 5678",
        "138****5678",
        "138-****-5678",
        "138 ** ** 5678",
        "138 **** 5678".translate({ord(d): 0xFF10 + int(d) for d in "0123456789"}),
    ]:
        assert _titles(client, q) == {"来电反映漏水", "楼道堆物", "路面不平"}, q
    assert _titles(client, "漏水 138 **** 5678") == {"来电反映漏水"}
    assert _titles(client, "139 **** 5678") == {"噪音扰民"}


def test_the_upgrade_joins_the_grouped_mobiles_of_keys_written_before(org, zhou, as_user):
    with unscoped():
        case = Case.all_objects.get(title="路面不平")
        other = Case.all_objects.get(title="楼道堆物")
        Case.all_objects.filter(pk=case.pk).update(
            search_key=f" {case.number} 路面不平 手机 138 **** 5678 待核实 "
        )
        untouched = other.search_key
    client = as_user(org.worker_a)
    assert _titles(client, "138****5678") == {"来电反映漏水", "楼道堆物"}
    assert holds_grouped_mobile(case.description)
    assert not holds_grouped_mobile("来电人手机 138 0000 5678", "138****5678", "3101** ******** 0017")
    migration = importlib.import_module("cases.migrations.0035_search_key_grouped_mobiles")
    migration.join_grouped_mobiles_in_keys(django_apps, None)
    assert _titles(client, "138****5678") == {"来电反映漏水", "楼道堆物", "路面不平"}
    with unscoped():
        assert Case.all_objects.get(pk=other.pk).search_key == untouched
