"""A number copied as a page shows it masked, pasted into the case search: the case whose text holds it
(as the key holds the text, masked) and the cases whose parties' records show it (189****3827 from a
resident's page) are found by the digits it shows, for every reader, among the cases they may see;
the hidden digits still find nothing."""

import importlib
import re

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from audit.models import AccessRecord
from cases import services
from cases.models import Case
from cases.search import holds_wide_star
from committee.scoping import unscoped
from tests.cases.page_text import titles_found
from tests.conftest import copy_of_the_module, rows_of_the_module
from tests.factories import make_building, make_case, make_household, make_resident, valid_id

SHOWN = re.compile(r"\d*\*+\d{3}[\dX]")
TITLES = ("来电反映漏水", "楼道堆物", "困难家庭申请补助", "路面不平")
PERSONAS = ["secretary_a", "worker_a", "viewer_a", "officer"]


def _make_zhou(org):
    building = make_building(org.a, "12")
    zhou = make_resident(
        make_household(building, "302", phone="021-65437788"),
        "周琴",
        phone="18986583827",
        id_number=valid_id(),
    )
    wang = make_resident(make_household(building, "401"), "王建国", phone="13912343827")
    make_case(
        org.worker_a,
        org.a,
        title="来电反映漏水",
        description="来电人手机 138-1234-5678，座机（021）6543 2100，女儿6543-2100",
    )
    make_case(org.worker_a, org.a, title="楼道堆物", parties=[services.NewParty(zhou)])
    # Sensitive: the secretary's and whoever logged it (the secretary here), not the worker's.
    make_case(
        org.secretary_a, org.a, title="困难家庭申请补助", sensitive=True, parties=[services.NewParty(zhou)]
    )
    make_case(org.worker_a, org.a, title="路面不平", parties=[services.NewParty(wang)])
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
def test_each_number_a_cases_text_shows_masked_finds_the_case(org, zhou, as_user, persona):
    client = as_user(getattr(org, persona))
    listed = client.post(reverse("cases:list"), follow=True, data={"status": "", "q": "漏水"}).text
    pk = re.search(r'href="/cases/(\d+)/"', listed)[1]
    page = client.get(reverse("cases:detail", args=[pk])).text
    description = re.search(r'<p class="case-description">(.*?)</p>', page, re.S)[1]
    shown = SHOWN.findall(description)
    assert shown == ["138****5678", "****2100", "****2100"]
    for q in [*shown, "（021）****2100", "手机 138****5678"]:
        assert _titles(client, q) == {"来电反映漏水"}, q


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_number_a_partys_page_shows_finds_their_cases(org, zhou, as_user, persona):
    client = as_user(getattr(org, persona))
    page = client.get(reverse("residents:detail", args=[zhou.pk])).text
    shown = SHOWN.findall(page)
    assert shown == [f"{zhou.id_number[:4]}{'*' * 10}{zhou.id_number[-4:]}", "189****3827", "*******7788"]
    # The sensitive case only for who may see it (the secretary, who logged it).
    theirs = {"楼道堆物", "困难家庭申请补助"} if persona == "secretary_a" else {"楼道堆物"}
    for q in shown:
        assert _titles(client, q) == theirs, q
    assert _titles(client, "堆物 189****3827") == {"楼道堆物"}
    assert _titles(client, "****3827") == theirs | {"路面不平"}  # the last four: both phones
    assert _titles(client, "139****3827") == {"路面不平"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_masked_form_never_finds_a_case_by_hidden_digits(org, zhou, as_user, persona):
    client = as_user(getattr(org, persona))
    for q in ["1898***3827", "18986**3827", "189*3827", "021-6543****", "138*234*5678", "1381***5678"]:
        assert _titles(client, q) == set(), q


def test_a_search_by_a_masked_number_is_no_search_by_a_full_number(org, zhou, as_user):
    client = as_user(org.secretary_a)
    assert _titles(client, "189****3827") == {"楼道堆物", "困难家庭申请补助"}
    assert not AccessRecord.all_objects.filter(kind=AccessRecord.Kind.SEARCH_FULL).exists()


@pytest.mark.parametrize("persona", ["secretary_a", "worker_a"])
def test_a_masked_number_typed_with_a_chinese_input_methods_star_finds_the_case(org, zhou, as_user, persona):
    """A Chinese input method types the star full width (＊, as it types １３８): 138＊＊＊＊5678 copied
    by hand from the case's text is the 138****5678 the page shows, as １３８ is 138; ✱ too. And
    a party's numbers as their resident's page shows them (the ID number's stars as well)."""
    client = as_user(getattr(org, persona))
    for q in [
        "138＊＊＊＊5678",
        "１３８＊＊＊＊５６７８",
        "138 ＊＊＊＊ 5678",
        "138✱✱✱✱5678",
        "（021）＊＊＊＊2100",
    ]:
        assert _titles(client, q) == {"来电反映漏水"}, q
    theirs = {"楼道堆物", "困难家庭申请补助"} if persona == "secretary_a" else {"楼道堆物"}
    assert _titles(client, "189＊＊＊＊3827") == theirs
    assert _titles(client, f"{zhou.id_number[:4]}{'＊' * 10}{zhou.id_number[-4:]}") == theirs
    assert _titles(client, "1381＊＊＊5678") == set()  # a digit a page never shows: nothing


def test_the_upgrade_folds_the_wide_stars_of_keys_written_before(org, zhou, as_user):
    """A case's text with a number typed masked by hand with the full-width star: its key, written
    before the box read ＊ as *, is rewritten by cases migration 0036 (and no other case's)."""
    with unscoped():
        case = make_case(org.worker_a, org.a, title="噪音扰民", description="手机 139＊＊＊＊1234 待核实")
        assert "139****1234" in Case.all_objects.get(pk=case.pk).search_key  # folded as written now
        Case.all_objects.filter(pk=case.pk).update(
            search_key=f" {case.number} 噪音扰民 手机 139＊＊＊＊1234 待核实 "
        )
        untouched = {c.pk: c.search_key for c in Case.all_objects.exclude(pk=case.pk)}
    client = as_user(org.worker_a)
    assert titles_found(client, "139＊＊＊＊1234", ("噪音扰民",)) == set()
    assert holds_wide_star(case.description) and not holds_wide_star("手机 139****1234", "１３９")
    migration = importlib.import_module("cases.migrations.0036_search_key_wide_stars")
    migration.fold_wide_stars_in_keys(django_apps, None)
    assert titles_found(client, "139＊＊＊＊1234", ("噪音扰民",)) == {"噪音扰民"}
    assert titles_found(client, "139****1234", ("噪音扰民",)) == {"噪音扰民"}
    with unscoped():
        assert {c.pk: c.search_key for c in Case.all_objects.exclude(pk=case.pk)} == untouched
