"""Every bad value in the registry's query parameters and date fields gets an answer, never a 500:
digits that str.isdigit accepts and int() does not (² and full-width), ids past 64 bits, year 1,
NUL bytes in the search box (PostgreSQL refuses them in a query)."""

import pytest

from tests.factories import make_building, make_household, make_resident

HOSTILE = ["²", "１２", "³²", "99999999999999999999999", "-1", "0001-01-01", "a\x00b", "\x00", "9" * 400]


@pytest.fixture
def someone(org):
    return make_resident(make_household(make_building(org.a, "12"), "302"), "周勤")


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/residents/", "q"),
        ("/residents/", "building"),
        ("/residents/", "grid"),
        ("/residents/", "status"),
        ("/residents/", "category"),
        ("/residents/", "page"),
        ("/roster/", "worker"),
        ("/roster/", "grid"),
        ("/roster/", "category"),
        ("/roster/", "overdue"),
        ("/buildings/", "grid"),
        ("/buildings/", "page"),
        ("/reveals/", "resident"),
    ],
)
def test_hostile_query_parameters(org, someone, as_user, path, name, value):
    response = as_user(org.secretary_a).get(path, {name: value})
    assert response.status_code in (200, 400), response.status_code


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "0001-01-01T00:00", "9999-12-31T23:59"])
def test_dates_at_the_ends_of_the_calendar(org, someone, as_user, value):
    client = as_user(org.worker_a)
    visit = client.post(
        f"/residents/{someone.pk}/visits/new/", {"method": "home", "visited_at": value, "findings": "好"}
    )
    archive = client.post(f"/residents/{someone.pk}/archive/", {"archived": "deceased", "archived_on": value})
    edit = client.post(
        f"/residents/{someone.pk}/edit/",
        {
            "name": "周勤",
            "relation_to_head": "head",
            "residency_status": "registered",
            "birth_date": value,
            "version": 1,
        },
    )
    assert {visit.status_code, archive.status_code, edit.status_code} <= {200, 302, 409}


def test_an_id_past_64_bits_in_the_path_is_not_found(org, as_user):
    assert as_user(org.secretary_a).get("/residents/99999999999999999999999/").status_code == 404


@pytest.mark.parametrize(("language", "words"), [("zh-hans", "走访时间不能早于一年前"), ("en", "a year ago")])
def test_a_visit_in_year_one_is_answered_in_the_users_language(org, someone, as_user, language, words):
    response = as_user(org.worker_a).post(
        f"/residents/{someone.pk}/visits/new/",
        {"method": "home", "visited_at": "0001-01-01T00:00", "findings": "好"},
        headers={"Accept-Language": language},
    )
    assert response.status_code == 200
    assert words in str(response.context["form"].errors["visited_at"])


def test_a_huge_or_odd_worker_id_is_no_filter(org, someone, as_user):
    client = as_user(org.secretary_a)
    everyone = client.get("/roster/").context["page"].paginator.count
    for value in ("²", "99999999999999999999999", "0"):
        assert client.get("/roster/", {"worker": value}).context["page"].paginator.count == everyone


def test_search_terms_drop_nul_bytes(org, someone):
    """search_residents is also the case intake's picker, which passes the box as typed."""
    from committee.scoping import unscoped
    from residents.models import Resident
    from residents.selectors import search_residents

    with unscoped():
        assert list(search_residents(Resident.objects.all(), "周\x00勤")) == [someone]
