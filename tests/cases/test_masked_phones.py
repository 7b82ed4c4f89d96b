"""A phone number staff typed masked into a case's text, as a caller or another system gave it: a mobile
with its stars miscounted or written x (138***5678, 138xxxx5678, 138-XXXX-5678), a Shanghai landline
masked in groups (021 **** 2100, 021-6xxx-2100). Each is one masked number, as one typed whole is: the
case's page shows it as the rule shows a number (138****5678, 021 ****2100, a digit typed beside the
stars hidden too), and the case search finds the case by any form of it, the page's too, for every
reader, beside the cases whose text or parties' records hold the number whole, never showing it
(common/masking.py; cases migration 0037 rewrites the keys written before)."""

import importlib
import re

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from audit.models import AccessRecord
from cases import services
from cases.models import Case
from committee.scoping import unscoped
from tests.cases.page_text import shows_digits, text_of, titles_found
from tests.conftest import copy_of_the_module, rows_of_the_module
from tests.factories import make_building, make_case, make_household, make_resident

TITLES = ("来电反映漏水", "楼道堆物", "噪音扰民", "路面不平", "垃圾清运")
PERSONAS = ["secretary_a", "worker_a", "viewer_a", "officer"]
WIDE = {ord(d): 0xFF10 + int(d) for d in "0123456789"} | {ord("*"): "＊", ord("("): "（", ord(")"): "）"}
MASKED = "来电人手机 138***5678，座机 021 **** 2100"
WITH_X = "手机138xxxx5678待核实，座机021-6xxx-2100"
WHOLE = "来电 138 1234 5678，座机（021）6543 2100"


def _make_cases(org):
    home = make_household(make_building(org.a, "12"), "302", phone="021-65432100")
    zhou = make_resident(home, "周琴", phone="13812345678")
    make_case(org.worker_a, org.a, title="来电反映漏水", description=MASKED)
    make_case(org.worker_a, org.a, title="楼道堆物", description=WITH_X)
    make_case(org.worker_a, org.a, title="噪音扰民", parties=[services.NewParty(zhou)])
    make_case(org.worker_a, org.a, title="路面不平", description=WHOLE)
    make_case(org.worker_a, org.a, title="垃圾清运", description="手机 139***5678，座机 021 **** 2101")
    with unscoped():
        return {case.title: case for case in Case.all_objects.all()}


@pytest.fixture(scope="module")
def _cases_of_the_module(request, _org_of_the_module, django_db_blocker):
    yield from rows_of_the_module(request, _org_of_the_module, django_db_blocker, "cases", _make_cases)


@pytest.fixture
def cases(_cases_of_the_module, org):
    """_make_cases's rows, written once for the module's tests (tests/conftest.py, rows_of_the_module)."""
    return copy_of_the_module(_cases_of_the_module, _make_cases, org)


def _description(page: str) -> str:
    return text_of(re.search(r'<p class="case-description"[^>]*>(.*?)</p>', page, re.S)[1])


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_the_case_page_shows_each_masked_phone_as_one_masked_number(org, cases, as_user, persona, language):
    client = as_user(getattr(org, persona))
    shown = {}
    for title in ("来电反映漏水", "楼道堆物", "路面不平"):
        url = reverse("cases:detail", args=[cases[title].pk])
        page = client.get(url, headers={"accept-language": language})
        assert page.status_code == 200 and f'lang="{language}"' in page.text
        shown[title] = _description(page.text)
    assert shown["来电反映漏水"] == "来电人手机 138****5678，座机 021 ****2100"
    assert shown["楼道堆物"] == "手机138****5678待核实，座机021-****2100"  # the 6 of 6xxx hidden
    assert shown["路面不平"] == "来电 138****5678，座机（021）****2100"  # as whole ones are


@pytest.mark.parametrize("persona", PERSONAS)
def test_any_form_of_a_masked_mobile_finds_the_cases_that_show_it(org, cases, as_user, persona):
    client = as_user(getattr(org, persona))
    mobile = {"来电反映漏水", "楼道堆物", "噪音扰民", "路面不平"}  # 噪音扰民: its party's phone
    for q in [
        "138****5678",  # as every page shows it
        "138***5678",
        "138*****5678",
        "138xxxx5678",
        "138 XXXX 5678",
        "138-****-5678",
        "138***5678".translate(WIDE),  # a Chinese input method's digits and stars
    ]:
        assert titles_found(client, q, TITLES) == mobile, q
    assert titles_found(client, "漏水 138xxxx5678", TITLES) == {"来电反映漏水"}
    assert titles_found(client, "139****5678", TITLES) == {"垃圾清运"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_any_form_of_a_masked_landline_finds_the_cases_that_show_it(org, cases, as_user, persona):
    client = as_user(getattr(org, persona))
    landline = {"来电反映漏水", "楼道堆物", "噪音扰民", "路面不平"}  # 噪音扰民: its party's household
    for q in [
        "021****2100",
        "021 **** 2100",
        "021-****-2100",
        "021-****2100",  # as the page shows 楼道堆物's
        "(021)****2100",
        "（021）****2100",  # as the page shows 路面不平's
        "021 ****2100",  # as the page shows 来电反映漏水's
        "021 xxxx 2100",
        "（021）****2100".translate(WIDE),
    ]:
        assert titles_found(client, q, TITLES) == landline, q


@pytest.mark.parametrize("persona", ["worker_a", "viewer_a", "officer"])
def test_a_masked_search_never_shows_or_finds_the_hidden_digits(org, cases, as_user, persona):
    client = as_user(getattr(org, persona))
    for q in ["138xxxx5678", "021 **** 2100"]:
        listed = client.post(reverse("cases:list"), follow=True, data={"status": "", "q": q}).text
        assert not shows_digits(listed, "13812345678") and not shows_digits(listed, "1234"), q
        assert not shows_digits(listed, "65432100") and not shows_digits(listed, "6543"), q
    # A digit a page hides, typed beside the stars, finds nothing: not even the case it was typed in.
    for q in ["1381***5678", "13812**5678", "021 6*** 2100", "021-6xxx-2100", "1234", "6543", "13812345678"]:
        assert titles_found(client, q, TITLES) == set(), q


def test_a_search_by_a_masked_number_is_no_search_by_a_full_number(org, cases, as_user):
    client = as_user(org.secretary_a)
    assert titles_found(client, "138xxxx5678 021 **** 2100", TITLES) == {
        "来电反映漏水",
        "楼道堆物",
        "噪音扰民",
        "路面不平",
    }
    assert not AccessRecord.all_objects.filter(kind=AccessRecord.Kind.SEARCH_FULL).exists()


def test_the_upgrade_reads_the_masked_phones_of_keys_written_before(org, cases, as_user):
    """Keys written before: a masked phone as typed, word by word, and a landline with its area code
    as the page shows it, in two words. Cases migration 0037 rewrites those (and no other case's)."""
    from cases.search import holds_masked_phone

    old = {
        "来电反映漏水": "来电人手机 138***5678，座机 021 **** 2100",
        "楼道堆物": "手机138xxxx5678待核实，座机021-6xxx-2100",
        "路面不平": "来电 138****5678，座机(021)****2100",
    }
    with unscoped():
        for title, words in old.items():
            Case.all_objects.filter(pk=cases[title].pk).update(search_key=f" {cases[title].number} {words} ")
        untouched = Case.all_objects.get(pk=cases["噪音扰民"].pk).search_key
    client = as_user(org.worker_a)
    assert titles_found(client, "138****5678 021****2100", TITLES) == {"噪音扰民"}
    assert holds_masked_phone(MASKED) and holds_masked_phone(WITH_X) and holds_masked_phone(WHOLE)
    assert not holds_masked_phone("手机 138 1234 5678，电话6543 2100", "150*2000", "138*5678", "")
    migration = importlib.import_module("cases.migrations.0037_search_key_masked_phones")
    migration.read_masked_phones_as_one_in_keys(django_apps, None)
    assert titles_found(client, "138****5678 021****2100", TITLES) == {
        "来电反映漏水",
        "楼道堆物",
        "噪音扰民",
        "路面不平",
    }
    with unscoped():
        assert Case.all_objects.get(pk=cases["噪音扰民"].pk).search_key == untouched
        assert "6xxx" not in Case.all_objects.get(pk=cases["楼道堆物"].pk).search_key
