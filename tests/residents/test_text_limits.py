"""The registry's free text has the limit of a note (common/lengths.py), said with the length typed:
a resident's, a household's and a building's notes and a visit's findings, in the forms, the admin
and the registry import alike."""

import pytest
from django.urls import reverse
from django.utils import timezone

from committee.access import acting_as
from common.lengths import NOTE_MAX
from residents.forms import BuildingForm, HouseholdForm
from residents.models import Resident, Visit
from tests.cases.page_text import field_of, text_of
from tests.factories import admin_form_data, make_building, make_household, make_resident

TOO_LONG = f"最多 {NOTE_MAX} 字，现有 {NOTE_MAX + 1} 字。"


@pytest.fixture
def home(org):
    return make_household(make_building(org.a, "12"), "302")


def test_a_residents_notes_past_the_limit_are_refused_and_kept_as_typed(org, home, as_user):
    data = {"name": "陆建华", "relation_to_head": "head", "residency_status": "registered"}
    client = as_user(org.worker_a)
    url = reverse("residents:new", args=[home.pk])
    response = client.post(url, {**data, "notes": "注" * (NOTE_MAX + 1)})
    assert response.status_code == 200
    page = response.content.decode()
    assert TOO_LONG in text_of(field_of(page, "notes"))
    assert "注" * (NOTE_MAX + 1) + "</textarea>" in page
    assert not Resident.all_objects.filter(name="陆建华").exists()
    assert client.post(url, {**data, "notes": "注" * NOTE_MAX}).status_code == 302


def test_a_visits_findings_past_the_limit_are_refused(org, home, as_user):
    resident = make_resident(home, "陆建华")
    form = {
        "method": "home",
        "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "findings": "访" * (NOTE_MAX + 1),
    }
    response = as_user(org.worker_a).post(reverse("residents:visit_new", args=[resident.pk]), form)
    assert response.status_code == 200
    assert TOO_LONG in text_of(field_of(response.content.decode(), "findings"))
    assert not Visit.all_objects.filter(resident=resident).exists()


def test_a_households_and_a_buildings_notes_have_the_limit_too(org, home):
    with acting_as(org.worker_a):
        household = HouseholdForm(
            {
                "room": "303",
                "housing_type": "private",
                "residency": "registered",
                "notes": "注" * (NOTE_MAX + 1),
            },
            building=home.building,
        )
        assert not household.is_valid() and household.errors["notes"] == [TOO_LONG]
        building = BuildingForm(
            {
                "road": "定海路",
                "lane": "449",
                "number": "99",
                "committee": org.a.pk,
                "notes": "注" * (NOTE_MAX + 1),
            },
            committees=[org.a],
        )
        assert not building.is_valid() and building.errors["notes"] == [TOO_LONG]


def test_the_admin_holds_the_limit(org, home, as_user):
    resident = make_resident(home, "陆建华")
    client = as_user(org.superuser)
    url = reverse("admin:residents_resident_change", args=[resident.pk])
    data = admin_form_data(client.get(url).text)
    response = client.post(url, {**data, "notes": ["注" * (NOTE_MAX + 1)]})
    assert response.status_code == 200 and TOO_LONG in text_of(response.text)
    resident.refresh_from_db()
    assert resident.notes == ""
