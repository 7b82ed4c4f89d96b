"""A Shanghai landline written with a hyphen inside its eight digits (6543-2100) is masked wherever a
case's text is shown and searched, as a landline in two groups (6543 2100) was; a case number, a date,
an amount or an address written so is kept as typed (common/masking.py)."""

import re

import pytest
from django.urls import reverse

from cases.models import Case
from cases.search import key_for, reindex_cases_holding_numbers
from committee.scoping import unscoped
from tests.cases.page_text import shows_digits
from tests.conftest import copy_of_the_module, rows_of_the_module
from tests.factories import make_case

TEXT = "孤老家中漏水，女儿电话6543-2100，物业报价1200-3000元，2026-12-07上门，见449弄12号302"


def _make_case(org):
    return make_case(org.worker_a, org.a, title="孤老家中漏水", description=TEXT)


@pytest.fixture(scope="module")
def _case_of_the_module(request, _org_of_the_module, django_db_blocker):
    yield from rows_of_the_module(request, _org_of_the_module, django_db_blocker, "case", _make_case)


@pytest.fixture
def case(_case_of_the_module, org):
    """_make_case's rows, written once for the module's tests (tests/conftest.py, rows_of_the_module)."""
    return copy_of_the_module(_case_of_the_module, _make_case, org)


def _description(page: str) -> str:
    return re.search(r'<p class="case-description">(.*?)</p>', page, re.S)[1]


@pytest.mark.parametrize("persona", ["secretary_a", "worker_a", "viewer_a", "officer"])
def test_the_case_page_shows_the_landline_masked_and_the_rest_as_typed(org, case, as_user, persona):
    page = as_user(getattr(org, persona)).get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200
    shown = _description(page.text)
    assert "电话****2100" in shown and "6543" not in shown
    for kept in ["1200-3000元", "2026-12-07上门", "449弄12号302"]:
        assert kept in shown, kept


@pytest.mark.parametrize("persona", ["viewer_a", "officer"])
def test_who_may_not_edit_reads_the_hidden_digits_nowhere_on_the_page(org, case, as_user, persona):
    page = as_user(getattr(org, persona)).get(reverse("cases:detail", args=[case.pk])).text
    assert not shows_digits(page, "6543")


def _found(client, q: str) -> bool:
    response = client.post(reverse("cases:list"), follow=True, data={"status": "", "q": q})
    assert response.status_code == 200
    return "孤老家中漏水" in response.text


@pytest.mark.parametrize("persona", ["worker_a", "viewer_a", "officer", "secretary_a"])
def test_the_landlines_hidden_digits_find_nothing_and_what_is_shown_finds_the_case(
    org, case, as_user, persona
):
    client = as_user(getattr(org, persona))
    for q in ["2100", "****2100", "1200-3000元", "2026-12-07", "449弄12号302"]:
        assert _found(client, q), q
    for q in ["6543", "6543-2100", "543-21", "６５４３"]:
        assert not _found(client, q), q


def test_the_secretary_finds_the_case_by_the_whole_landline(org, case, as_user):
    client = as_user(org.secretary_a)
    for q in ["65432100", "021-65432100", "021 6543 2100"]:
        assert _found(client, q), q
    assert not _found(as_user(org.worker_a), "021-65432100")


def test_the_upgrade_masks_the_landline_in_keys_written_before(org, case):
    with unscoped():
        Case.all_objects.filter(pk=case.pk).update(search_key=f" {case.number} {TEXT} ")
        assert reindex_cases_holding_numbers(Case.all_objects.all()) == 1
        key = Case.all_objects.get(pk=case.pk).search_key
    assert key == key_for(case, [])
    assert "****2100" in key and "6543" not in key
