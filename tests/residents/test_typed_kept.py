"""Nothing typed is lost on the registry either: an edit of a resident, household or building
refused because a colleague saved it first draws the form again over the newer record, with what
this person typed kept, the fields they left alone taking the colleague's values, and each field
changed meanwhile saying to what (a number masked, as the form masks it)."""

import datetime

import pytest

from residents.models import Building, CareCategory, Household, Resident
from tests.cases.page_text import field_of, text_of
from tests.factories import admin_form_data, make_building, make_household, make_resident, valid_id


@pytest.fixture
def home(org):
    return make_household(make_building(org.a, "12"), "302")


def _form_of(page: str) -> dict[str, list[str]]:
    """What the browser would post of the page's edit form, as drawn."""
    start = page.index('<form method="post" class="card"')
    return admin_form_data(page[start : page.index("</form>", start)])


def test_a_resident_edit_refused_as_out_of_date_keeps_what_was_typed(org, home, as_user):
    number = valid_id(datetime.date(1950, 3, 7))
    resident = make_resident(home, "周勤", id_number=number, phone="13812345678")
    secretary, worker = as_user(org.secretary_a), as_user(org.worker_a)
    url = f"/residents/{resident.pk}/edit/"
    theirs = _form_of(secretary.get(url).text)
    mine = _form_of(worker.get(url).text)  # drawn before the secretary saves
    elderly = str(CareCategory.objects.get(code="elderly_alone").pk)

    # The secretary gives a new phone number and a new residency status.
    saved = secretary.post(url, {**theirs, "phone": ["13987654321"], "residency_status": ["tenant"]})
    assert saved.status_code == 302
    # The worker, from the form drawn before, writes notes and ticks a care category.
    typed = {"notes": ["独居，女儿每周来"], "care_categories": [elderly]}
    refused = worker.post(url, {**mine, **typed}, headers={"Accept-Language": "zh-hans"})

    assert refused.status_code == 409
    page = refused.text
    resident.refresh_from_db()
    assert (resident.phone, resident.residency_status, resident.notes) == ("13987654321", "tenant", "")
    words = text_of(page)
    assert "您编辑期间，其他人修改了这位居民" in words and "您填写的内容都保留在下面的表单里" in words
    # Each field the secretary changed says to what; the new number masked, never whole.
    assert "其他人刚改为“139****4321”" in text_of(field_of(page, "phone"))
    assert "13987654321" not in page and "13812345678" not in page and number not in page
    assert "其他人刚改为“租户”" in text_of(field_of(page, "residency_status"))
    again = _form_of(page)
    assert {name: again[name] for name in typed} == typed
    # What the worker left alone is the secretary's; the form is of the record as it is now.
    assert again["residency_status"] == ["tenant"] and again["phone"] == [""]
    assert again["version"] == [str(resident.version)]

    assert worker.post(url, again).status_code == 302
    resident = Resident.all_objects.get(pk=resident.pk)
    assert (resident.phone, resident.residency_status, resident.notes) == (
        "13987654321",
        "tenant",
        "独居，女儿每周来",
    )
    assert resident.id_number == number
    assert list(resident.care_categories.values_list("code", flat=True)) == ["elderly_alone"]


def test_a_number_typed_over_a_colleagues_is_kept_and_both_are_told(org, home, as_user):
    resident = make_resident(home, "周勤", phone="13812345678")
    secretary, worker = as_user(org.secretary_a), as_user(org.worker_a)
    url = f"/residents/{resident.pk}/edit/"
    theirs, mine = _form_of(secretary.get(url).text), _form_of(worker.get(url).text)
    assert secretary.post(url, {**theirs, "phone": ["13987654321"]}).status_code == 302

    refused = worker.post(url, {**mine, "phone": ["13700001111"]}, headers={"Accept-Language": "en"})
    assert refused.status_code == 409
    page = refused.text
    assert "Someone else changed this resident while you were editing" in text_of(page)
    assert "Someone else just changed this to “139****4321”; what you typed is kept here." in text_of(
        field_of(page, "phone")
    )
    assert "13987654321" not in page
    again = _form_of(page)
    assert again["phone"] == ["13700001111"]
    assert worker.post(url, again).status_code == 302
    assert Resident.all_objects.get(pk=resident.pk).phone == "13700001111"


def test_a_household_edit_refused_as_out_of_date_keeps_what_was_typed(org, home, as_user):
    home.phone = "13812345678"
    home.save()
    secretary, worker = as_user(org.secretary_a), as_user(org.worker_a)
    url = f"/households/{home.pk}/edit/"
    theirs, mine = _form_of(secretary.get(url).text), _form_of(worker.get(url).text)
    assert (
        secretary.post(url, {**theirs, "phone": ["13987654321"], "residency": ["tenant"]}).status_code == 302
    )

    refused = worker.post(url, {**mine, "notes": ["门铃坏了"]}, headers={"Accept-Language": "zh-hans"})
    assert refused.status_code == 409
    page = refused.text
    assert "您编辑期间，其他人修改了这一户" in text_of(page)
    assert "其他人刚改为“139****4321”" in text_of(field_of(page, "phone"))
    assert "其他人刚改为“租户”" in text_of(field_of(page, "residency"))
    assert "13987654321" not in page
    again = _form_of(page)
    assert again["notes"] == ["门铃坏了"] and again["residency"] == ["tenant"]
    assert worker.post(url, again).status_code == 302
    home = Household.all_objects.get(pk=home.pk)
    assert (home.phone, home.residency, home.notes, home.version) == ("13987654321", "tenant", "门铃坏了", 3)


def test_a_building_edit_refused_as_out_of_date_keeps_what_was_typed(org, home, as_user):
    building = home.building
    secretary, worker = as_user(org.secretary_a), as_user(org.worker_a)
    url = f"/buildings/{building.pk}/edit/"
    theirs, mine = _form_of(secretary.get(url).text), _form_of(worker.get(url).text)
    assert secretary.post(url, {**theirs, "floors": ["6"], "notes": ["有电梯"]}).status_code == 302

    refused = worker.post(url, {**mine, "notes": ["电梯维修中"]}, headers={"Accept-Language": "zh-hans"})
    assert refused.status_code == 409
    page = refused.text
    assert "您编辑期间，其他人修改了这栋楼" in text_of(page)
    assert "其他人刚改为“6”" in text_of(field_of(page, "floors"))
    assert "其他人刚改为“有电梯”；这里保留的是您填写的内容" in text_of(field_of(page, "notes"))
    again = _form_of(page)
    assert again["notes"] == ["电梯维修中"] and again["floors"] == ["6"]
    assert worker.post(url, again).status_code == 302
    building = Building.all_objects.get(pk=building.pk)
    assert (building.floors, building.notes, building.version) == (6, "电梯维修中", 3)
