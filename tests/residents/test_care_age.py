"""A care category meant for older residents (高龄老人, very old: 80 and over, residents/care.py
CARE_MIN_AGE) is refused by the registry's resident form and by the admin's when the birth date (typed,
or read from the ID number) says the resident is younger, by the care categories, in the reader's
language. A contradiction already on file (the import warns of one and lets it through) is left while
the birth date stays as it was, so the resident's other fields can still be corrected."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from residents.models import CareCategory, Resident
from tests.cases.page_text import text_of
from tests.factories import admin_form_data, make_building, make_household, make_resident, valid_id

ZH = {"accept-language": "zh-hans"}
EN = {"accept-language": "en"}
REFUSED_ZH = "“高龄老人”指80岁及以上的居民，按出生日期该居民为79岁：请取消勾选，或更正出生日期。"
REFUSED_EN = (
    "“Very old (80+)” is for residents aged 80 and over; by the birth date this resident is 79: "
    "untick it or correct the birth date."
)


def _born_aged(years: int) -> datetime.date:
    """A birth date that makes a resident `years` old today (1 January: passed every year)."""
    return datetime.date(timezone.localdate().year - years, 1, 1)


@pytest.fixture
def home(org):
    return make_household(make_building(org.a, "12"), "302")


@pytest.fixture
def very_old():
    return CareCategory.objects.get(code="very_old")


def _data(**fields) -> dict:
    return {"name": "陆建华", "relation_to_head": "head", "residency_status": "registered", **fields}


def _words(response) -> str:
    return html.unescape(text_of(response.text))


@pytest.mark.parametrize(("headers", "refused"), [(ZH, REFUSED_ZH), (EN, REFUSED_EN)])
def test_a_new_resident_under_80_is_refused_very_old_by_the_field_in_the_readers_language(
    org, home, very_old, as_user, headers, refused
):
    client = as_user(org.worker_a)
    url = reverse("residents:new", args=[home.pk])
    response = client.post(
        url, _data(birth_date=_born_aged(79).isoformat(), care_categories=[very_old.pk]), headers=headers
    )
    assert response.status_code == 200
    assert response.context["form"].errors["care_categories"] == [refused]
    assert refused in _words(response)  # drawn on the page, by the boxes
    # The box refused is marked and focused, not the group's first.
    marked = re.findall(r'<input type="checkbox"[^>]*autofocus[^>]*>', response.text)
    assert len(marked) == 1 and f'value="{very_old.pk}"' in marked[0]
    assert not Resident.all_objects.filter(name="陆建华").exists()


def test_the_age_is_read_from_the_id_number_when_no_birth_date_is_typed(org, home, very_old, as_user):
    client = as_user(org.worker_a)
    url = reverse("residents:new", args=[home.pk])
    number = valid_id(_born_aged(79), male=True)
    response = client.post(url, _data(id_number=number, care_categories=[very_old.pk]), headers=ZH)
    assert response.context["form"].errors["care_categories"] == [REFUSED_ZH]
    # Eighty: taken.
    number = valid_id(_born_aged(80), male=True)
    response = client.post(url, _data(id_number=number, care_categories=[very_old.pk]), headers=ZH)
    assert response.status_code == 302
    resident = Resident.all_objects.get(name="陆建华")
    assert [c.code for c in resident.care_categories.all()] == ["very_old"]


def test_without_a_birth_date_the_category_is_taken(org, home, very_old, as_user):
    """No age to contradict it: the form takes the worker's word, as the import does."""
    response = as_user(org.worker_a).post(
        reverse("residents:new", args=[home.pk]), _data(care_categories=[very_old.pk]), headers=ZH
    )
    assert response.status_code == 302


def test_an_edit_adding_very_old_or_making_them_younger_is_refused(org, home, very_old, as_user):
    client = as_user(org.worker_a)
    young = make_resident(home, "周勤", birth=_born_aged(79))
    url = reverse("residents:edit", args=[young.pk])
    response = client.post(
        url,
        _data(name="周勤", birth_date=_born_aged(79).isoformat(), care_categories=[very_old.pk], version=1),
        headers=EN,
    )
    assert response.context["form"].errors["care_categories"] == [REFUSED_EN]
    assert not young.care_categories.exists()
    old = make_resident(home, "吴阿婆", birth=_born_aged(85), categories=["very_old"])
    url = reverse("residents:edit", args=[old.pk])
    response = client.post(
        url,
        _data(name="吴阿婆", birth_date=_born_aged(79).isoformat(), care_categories=[very_old.pk], version=1),
        headers=ZH,
    )
    assert response.context["form"].errors["care_categories"] == [REFUSED_ZH]
    assert Resident.all_objects.get(pk=old.pk).birth_date == _born_aged(85)


def test_a_contradiction_on_file_stays_correctable_while_the_birth_date_is_left(org, home, very_old, as_user):
    """Imported with a warning (the secretary knew better): renaming them is not refused."""
    kept = make_resident(home, "周勤", birth=_born_aged(79), categories=["very_old"])
    response = as_user(org.worker_a).post(
        reverse("residents:edit", args=[kept.pk]),
        _data(name="周琴", birth_date=_born_aged(79).isoformat(), care_categories=[very_old.pk], version=1),
        headers=ZH,
    )
    assert response.status_code == 302
    assert Resident.all_objects.get(pk=kept.pk).name == "周琴"


def _admin_post(client, resident, headers, **changes):
    url = reverse("admin:residents_resident_change", args=[resident.pk])
    data = admin_form_data(client.get(url, headers=headers).text)
    return client.post(url, {**data, **changes}, headers=headers)


@pytest.mark.parametrize(("headers", "refused"), [(ZH, REFUSED_ZH), (EN, REFUSED_EN)])
def test_the_admin_refuses_very_old_for_a_resident_under_80_in_the_same_words(
    org, home, very_old, as_user, headers, refused
):
    young = make_resident(home, "周勤", birth=_born_aged(79))
    client = as_user(org.superuser)
    response = _admin_post(client, young, headers, care_categories=[str(very_old.pk)])
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["care_categories"] == [refused]
    assert refused in _words(response)
    assert not young.care_categories.exists()
    # Corrected to the birth date that goes with it: saved.
    response = _admin_post(
        client, young, headers, care_categories=[str(very_old.pk)], birth_date=_born_aged(80).isoformat()
    )
    assert response.status_code == 302
    assert [c.code for c in young.care_categories.all()] == ["very_old"]


def test_the_admin_leaves_a_contradiction_on_file_while_the_birth_date_is_left(org, home, as_user):
    kept = make_resident(home, "周勤", birth=_born_aged(79), categories=["very_old"])
    response = _admin_post(as_user(org.superuser), kept, ZH, notes="核对过")
    assert response.status_code == 302
    assert Resident.all_objects.get(pk=kept.pk).notes == "核对过"
