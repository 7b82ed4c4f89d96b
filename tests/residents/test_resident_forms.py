"""Creating and editing residents: numbers validated with Chinese errors, one record per person,
stale edits refused."""

import datetime

import pytest
from django.utils import timezone, translation

from residents.models import Building, Household, Resident
from tests.factories import make_building, make_household, make_resident, valid_id


@pytest.fixture
def home(org):
    return make_household(make_building(org.a, "12"), "302")


def _days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def _data(**fields) -> dict:
    data = {"name": "陆建华", "relation_to_head": "head", "residency_status": "registered"}
    data.update(fields)
    return data


def _post_new(client, home, **fields):
    return client.post(
        f"/households/{home.pk}/residents/new/", _data(**fields), headers={"Accept-Language": "zh-hans"}
    )


def test_a_valid_resident_is_saved_with_birth_date_and_gender_from_the_id(org, home, as_user):
    number = valid_id(datetime.date(1950, 3, 7), male=True)
    response = _post_new(as_user(org.worker_a), home, id_number=number, phone="138 1234 5678")
    assert response.status_code == 302
    resident = Resident.all_objects.get(name="陆建华")
    assert resident.birth_date == datetime.date(1950, 3, 7)
    assert resident.gender == "M"
    assert resident.phone == "13812345678"
    assert resident.committee_id == org.a.pk


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"id_number": "31011019500307123"}, "id_number", "身份证号"),
        ({"id_number": "310110195003071230"}, "id_number", "校验"),
        # Born 1889-12-31: the bound it broke, named.
        ({"id_number": "310110188912311230"}, "id_number", "出生日期（第7–14位）不能早于 1890-01-01。"),
        ({"phone": "12345"}, "phone", "手机"),
    ],
)
def test_a_bad_number_gets_a_chinese_error_on_its_field_and_nothing_is_saved(
    org, home, as_user, fields, field, message
):
    with translation.override("zh-hans"):
        response = _post_new(as_user(org.worker_a), home, **fields)
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any(message in e for e in errors), errors
    assert not Resident.all_objects.filter(name="陆建华").exists()


def test_a_birth_date_that_disagrees_with_the_id_is_refused(org, home, as_user):
    number = valid_id(datetime.date(1950, 3, 7))
    response = _post_new(as_user(org.worker_a), home, id_number=number, birth_date="1951-03-07")
    assert "birth_date" in response.context["form"].errors
    assert not Resident.all_objects.filter(name="陆建华").exists()


def test_an_id_already_registered_names_the_resident_when_the_user_may_see_them(org, home, as_user):
    number = valid_id()
    make_resident(home, "周勤", id_number=number)
    response = _post_new(as_user(org.worker_a), home, id_number=number)
    assert "周勤" in str(response.context["form"].errors["id_number"])


def test_an_id_registered_in_another_committee_is_refused_without_naming_anyone(org, home, as_user):
    number = valid_id()
    make_resident(make_household(make_building(org.b, "7"), "101"), "秘密人", id_number=number)
    response = _post_new(as_user(org.worker_a), home, id_number=number)
    errors = str(response.context["form"].errors["id_number"])
    assert "秘密人" not in errors
    assert errors


def test_a_stale_edit_is_refused_and_shows_the_newer_record(org, home, as_user):
    resident = make_resident(home, "周勤")
    secretary, worker = as_user(org.secretary_a), as_user(org.worker_a)
    first = secretary.post(f"/residents/{resident.pk}/edit/", _data(name="周琴", version=1))
    assert first.status_code == 302
    second = worker.post(f"/residents/{resident.pk}/edit/", _data(name="周芹", version=1))
    assert second.status_code == 409
    assert second.context["stale"].name == "周琴"
    assert second.context["form"].initial["name"] == "周琴"
    resident.refresh_from_db()
    assert (resident.name, resident.version) == ("周琴", 2)


def test_editing_leaves_numbers_on_file_when_left_empty_and_never_shows_them(org, home, as_user):
    number = valid_id(datetime.date(1950, 3, 7))
    resident = make_resident(home, "周勤", id_number=number, phone="13812345678")
    client = as_user(org.worker_a)
    page = client.get(f"/residents/{resident.pk}/edit/").content.decode()
    assert number not in page and "13812345678" not in page
    assert client.post(f"/residents/{resident.pk}/edit/", _data(name="周勤", version=1)).status_code == 302
    resident.refresh_from_db()
    assert (resident.id_number, resident.phone) == (number, "13812345678")


def test_categories_left_unticked_are_removed(org, home, as_user):
    resident = make_resident(home, "周勤", categories=["dibao", "elderly_alone"])
    response = as_user(org.worker_a).post(f"/residents/{resident.pk}/edit/", _data(name="周勤", version=1))
    assert response.status_code == 302
    assert list(resident.care_categories.values_list("code", flat=True)) == []


def test_archiving_keeps_the_resident_and_takes_them_off_the_roster(org, home, as_user):
    resident = make_resident(home, "周勤", categories=["elderly_alone"])
    assert resident.next_visit_due is not None
    response = as_user(org.worker_a).post(
        f"/residents/{resident.pk}/archive/", {"archived": "deceased", "archived_on": str(_days_ago(30))}
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert (resident.archived, resident.archived_on, resident.next_visit_due) == (
        "deceased",
        _days_ago(30),
        None,
    )


def test_a_household_room_is_unique_in_its_building(org, home, as_user):
    response = as_user(org.worker_a).post(
        f"/buildings/{home.building.pk}/households/new/",
        {"room": "302室", "housing_type": "public_rental", "residency": "registered"},
    )
    assert response.status_code == 200
    assert "room" in response.context["form"].errors


def test_a_room_typed_full_width_or_spaced_is_the_same_room(org, home, as_user):
    """３０２ and "302 室" are room 302: refused beside it, and a new one stored as digits."""
    client = as_user(org.worker_a)
    url = f"/buildings/{home.building.pk}/households/new/"
    for typed in ("３０２", " 302 室"):
        response = client.post(
            url, {"room": typed, "housing_type": "public_rental", "residency": "registered"}
        )
        assert response.status_code == 200 and "room" in response.context["form"].errors, typed
    response = client.post(
        url, {"room": "５０１ 室", "housing_type": "public_rental", "residency": "registered"}
    )
    assert response.status_code == 302
    assert Household.all_objects.filter(building=home.building, room="501").exists()


def test_a_room_written_after_its_buildings_number_is_that_buildings_room(org, home, as_user):
    """3号's "3-302" and "3号302" are its 302 (refused beside it), its "3-501" its 501."""
    client = as_user(org.worker_a)
    building = home.building
    Building.all_objects.filter(pk=building.pk).update(number="3")
    Household.all_objects.filter(pk=home.pk).update(room="302")
    url = f"/buildings/{building.pk}/households/new/"
    for typed in ("3-302", "3号302", "３－３０２"):
        response = client.post(
            url, {"room": typed, "housing_type": "public_rental", "residency": "registered"}
        )
        assert response.status_code == 200 and "room" in response.context["form"].errors, typed
    response = client.post(url, {"room": "3-501", "housing_type": "public_rental", "residency": "registered"})
    assert response.status_code == 302
    assert Household.all_objects.filter(building=building, room="501").exists()


def test_a_worker_adds_a_building_a_household_and_a_resident(org, as_user):
    client = as_user(org.worker_a)
    response = client.post(
        "/buildings/new/",
        {"committee": org.a.pk, "road": "定海路", "lane": "449", "number": "30", "floors": "6"},
    )
    assert response.status_code == 302
    building = Building.all_objects.get(number="30")
    assert building.committee == org.a
    response = client.post(
        f"/buildings/{building.pk}/households/new/",
        {"room": "501", "housing_type": "public_rental", "residency": "registered", "phone": "021-65431234"},
    )
    assert response.status_code == 302
    household = Household.all_objects.get(building=building)
    assert (household.committee, household.phone) == (org.a, "021-65431234")
    response = _post_new(client, household, name="陈阿婆", phone="13700001234")
    resident = Resident.all_objects.get(name="陈阿婆")
    assert "30号501室" in resident.search_key and "13700001234#" in resident.search_key


def test_a_building_cannot_be_added_to_another_committee(org, as_user):
    response = as_user(org.worker_a).post(
        "/buildings/new/", {"committee": org.b.pk, "road": "定海路", "lane": "449", "number": "31"}
    )
    assert response.status_code == 200
    assert "committee" in response.context["form"].errors
    assert not Building.all_objects.filter(number="31").exists()


def test_each_registry_form_saves_what_it_holds(org, home):
    """save() saves (through the services): a new resident with their care categories and search
    key, a household, and a building, each in the right committee."""
    from committee.access import acting_as
    from residents.forms import BuildingForm, HouseholdForm, ResidentForm
    from residents.models import CareCategory

    with acting_as(org.worker_a) as access:
        alone = CareCategory.objects.get(code="elderly_alone")
        form = ResidentForm(_data(care_categories=[alone.pk]), access=access, household=home)
        assert form.is_valid(), form.errors
        resident = form.save()
        assert resident.pk and resident.committee_id == org.a.pk
        assert list(resident.care_categories.all()) == [alone]
        assert Resident.all_objects.get(pk=resident.pk).search_key.startswith(" 陆建华 ")
        assert Resident.all_objects.get(pk=resident.pk).next_visit_due is not None

        form = HouseholdForm(
            {"room": "303室", "housing_type": "private", "residency": "registered"}, building=home.building
        )
        assert form.is_valid(), form.errors
        household = Household.all_objects.get(pk=form.save().pk)
        assert (household.room, household.building, household.committee_id) == (
            "303",
            home.building,
            org.a.pk,
        )

        building = BuildingForm(
            {"road": "定海路", "lane": "449", "number": "99", "committee": org.a.pk}, committees=[org.a]
        )
        assert building.is_valid(), building.errors
        assert Building.all_objects.get(pk=building.save().pk).address == "定海路449弄99号"


def test_a_residents_name_is_called_xingming_in_the_app_and_the_admin(org, home, as_user):
    """姓名, as the registry's form and the import's template say; the admin read 名称 (the model's
    label), a word for a thing's name."""
    resident = make_resident(home, "陆建华")
    headers = {"Accept-Language": "zh-hans"}
    app = as_user(org.worker_a).get(f"/households/{home.pk}/residents/new/", headers=headers)
    assert app.context["form"].fields["name"].label == "姓名"
    admin = as_user(org.superuser)
    page = admin.get(f"/admin/residents/resident/{resident.pk}/change/", headers=headers)
    assert '<label class="required" for="id_name">姓名' in page.text
    listed = admin.get("/admin/residents/resident/", headers=headers).text
    header = listed[listed.index("column-name") : listed.index("</th>", listed.index("column-name"))]
    assert "姓名" in header and "名称" not in header
