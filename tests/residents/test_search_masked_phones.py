"""A phone copied or typed masked into the resident search in the forms people write it (138***5678,
138xxxx5678, 138-XXXX-5678; a Shanghai landline masked in groups, 021 **** 2100, 021-****-2100,
(021) xxxx 2100) is read as the one number a page shows (138****5678, 021****2100): it finds the
residents whose phone or household phone shows so, for every reader, by the digits shown; one showing
a digit a page hides finds no one (common/masking.py join_masked_phones)."""

import pytest
from django.urls import reverse

from tests.conftest import copy_of_the_module, rows_of_the_module
from tests.factories import make_building, make_household, make_resident

PERSONAS = ["secretary_a", "worker_a", "viewer_a", "officer"]
NAMES = ("周琴", "王建国", "李强")


def _make_residents(org):
    home = make_household(make_building(org.a, "12"), "302", phone="021-65432100")
    make_resident(home, "周琴", phone="13812345678")
    make_resident(make_household(make_building(org.a, "14"), "101"), "王建国", phone="13912345678")
    make_resident(make_household(make_building(org.a, "16"), "201", phone="021-65432101"), "李强")


@pytest.fixture(scope="module")
def _residents_of_the_module(request, _org_of_the_module, django_db_blocker):
    yield from rows_of_the_module(
        request, _org_of_the_module, django_db_blocker, "residents", _make_residents
    )


@pytest.fixture
def residents(_residents_of_the_module, org):
    """_make_residents's rows, written once for the module's tests (tests/conftest.py, rows_of_the_module)."""
    return copy_of_the_module(_residents_of_the_module, _make_residents, org)


def _names(client, q: str, language: str = "zh-hans") -> set[str]:
    response = client.post(
        reverse("residents:list"), follow=True, data={"q": q}, headers={"accept-language": language}
    )
    assert response.status_code == 200
    return {name for name in NAMES if name in response.text}


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_masked_mobile_however_written_finds_the_residents_it_shows(org, residents, as_user, persona):
    client = as_user(getattr(org, persona))
    for q in [
        "138***5678",
        "138*****5678",
        "138xxxx5678",
        "138-XXXX-5678",
        "138 xx xx 5678",
        "１３８＊＊＊５６７８",
    ]:
        assert _names(client, q) == {"周琴"}, q
    assert _names(client, "139 xxxx 5678", "en") == {"王建国"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_landline_masked_in_groups_finds_the_residents_it_shows(org, residents, as_user, persona):
    client = as_user(getattr(org, persona))
    for q in ["021 **** 2100", "021-****-2100", "(021) **** 2100", "021 xxxx 2100", "（021）＊＊＊＊ 2100"]:
        assert _names(client, q) == {"周琴"}, q  # by her household's phone
    assert _names(client, "021 **** 2101", "en") == {"李强"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_masked_phone_showing_a_hidden_digit_finds_no_one(org, residents, as_user, persona):
    client = as_user(getattr(org, persona))
    for q in ["1381***5678", "13812**5678", "021 6*** 2100", "021-6xxx-2100", "138*5678"]:
        assert _names(client, q) == set(), q
