"""Nothing overwritten: two colleagues edit the same household or building from forms opened at the
same time; the second is refused, told in their language, and shown the newer record."""

import pytest

from residents.models import Building, Household
from tests.factories import make_building, make_household


@pytest.fixture
def home(org):
    return make_household(make_building(org.a, "12"), "302")


def _household(**fields) -> dict:
    data = {"room": "302", "housing_type": "commercial", "residency": "registered", "notes": ""}
    data.update(fields)
    return data


def _building(org, **fields) -> dict:
    data = {"committee": org.a.pk, "road": "定海路", "lane": "449", "number": "12", "notes": ""}
    data.update(fields)
    return data


@pytest.mark.parametrize(
    ("language", "words"),
    [("zh-hans", "其他人"), ("en", "Someone else changed this household")],
)
def test_a_stale_household_edit_is_refused_and_shows_the_newer_record(org, home, as_user, language, words):
    secretary, worker = as_user(org.secretary_a), as_user(org.worker_a)
    url = f"/households/{home.pk}/edit/"
    # Both open the form at version 1.
    assert 'name="version" value="1"' in worker.get(url).content.decode()
    first = secretary.post(url, _household(notes="独居，女儿每周来", version=1))
    assert first.status_code == 302
    second = worker.post(url, _household(notes="门铃坏了", version=1), headers={"Accept-Language": language})
    assert second.status_code == 409
    page = second.content.decode()
    assert words in page
    assert second.context["stale"].notes == "独居，女儿每周来"
    assert second.context["form"].initial["notes"] == "独居，女儿每周来"
    assert 'name="version" value="2"' in page  # saving again from here is not stale
    home.refresh_from_db()
    assert (home.notes, home.version) == ("独居，女儿每周来", 2)
    again = worker.post(url, _household(notes="独居，女儿每周来；门铃坏了", version=2))
    assert again.status_code == 302
    assert Household.all_objects.get(pk=home.pk).version == 3


def test_a_household_edit_without_its_version_is_refused(org, home, as_user):
    response = as_user(org.worker_a).post(f"/households/{home.pk}/edit/", _household(notes="改"))
    assert response.status_code == 409
    assert Household.all_objects.get(pk=home.pk).notes == ""


@pytest.mark.parametrize(
    ("language", "words"),
    [("zh-hans", "其他人"), ("en", "Someone else changed this building")],
)
def test_a_stale_building_edit_is_refused_and_shows_the_newer_record(org, home, as_user, language, words):
    building = home.building
    secretary, worker = as_user(org.secretary_a), as_user(org.worker_a)
    url = f"/buildings/{building.pk}/edit/"
    assert 'name="version" value="1"' in worker.get(url).content.decode()
    first = secretary.post(url, _building(org, floors="6", version=1))
    assert first.status_code == 302
    second = worker.post(
        url, _building(org, notes="电梯维修中", version=1), headers={"Accept-Language": language}
    )
    assert second.status_code == 409
    assert words in second.content.decode()
    assert second.context["stale"].floors == 6
    assert second.context["form"].initial["floors"] == 6
    building.refresh_from_db()
    assert (building.floors, building.notes, building.version) == (6, "", 2)


def test_a_building_edit_without_its_version_is_refused(org, home, as_user):
    building = home.building
    response = as_user(org.worker_a).post(f"/buildings/{building.pk}/edit/", _building(org, notes="改"))
    assert response.status_code == 409
    assert Building.all_objects.get(pk=building.pk).notes == ""


def test_an_import_that_changes_a_household_makes_an_open_form_stale(org, home, as_user, tmp_path):
    from residents.imports.importer import run_import
    from tests.imports.helpers import csv_bytes, person, write

    row = person(1, 弄="449", 号="12", 室="302", 房屋类型="private")
    path = write(tmp_path, "r.csv", csv_bytes([row]))
    assert run_import(org.a, path, "csv", commit=True).ok
    response = as_user(org.worker_a).post(f"/households/{home.pk}/edit/", _household(version=1))
    assert response.status_code == 409
