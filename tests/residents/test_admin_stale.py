"""The registry's admin forms (a resident, a household, a building) opened before someone else saved
the record are refused as stale, nothing written: a resident's form saved unchanged after a worker
wrote a note through the app put the note back to what the form held. A history record's "revert"
form is held to the same, and takes the record's version on from the one stored, not the old
record's."""

import pytest
from django.urls import reverse

from committee.scoping import unscoped
from residents import services
from residents.models import Building, Household, Resident
from tests.cases.page_text import text_of
from tests.factories import admin_form_data, make_building, make_household, make_resident

STALE = {
    "zh-hans": "您打开之后，其他人修改了这条记录，因此没有保存任何内容。请重新打开，看过对方的修改后再更正。",
    "en": "Someone else changed this record after you opened it, so nothing was saved. "
    "Open it again to see their change, then make your correction.",
}


@pytest.fixture
def home(org):
    return make_household(make_building(org.a, "12", lane="449"), "302")


def _url(obj) -> str:
    return reverse(f"admin:residents_{obj._meta.model_name}_change", args=[obj.pk])


def _save(client, obj, form: dict, language="zh-hans", **changes):
    data = {**form, **{k: [v] for k, v in changes.items()}, "_continue": ["1"]}
    return client.post(_url(obj), data, HTTP_ACCEPT_LANGUAGE=language)


def _correct(client, obj, **changes):
    """Opened, changed and saved at once."""
    return _save(client, obj, admin_form_data(client.get(_url(obj)).text), **changes)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_note_saved_in_the_app_while_the_admin_form_was_open_stands(org, home, as_user, language):
    resident = make_resident(home, "朱芳兰")
    admin = as_user(org.superuser)
    form = admin_form_data(admin.get(_url(resident)).text)
    edited = Resident.all_objects.get(pk=resident.pk)
    edited.notes = "独居，女儿每周来"
    services.resident_update(resident=edited, version=edited.version, categories=[], keep_hidden=False)
    response = _save(admin, resident, form, language)  # "Save and continue editing", nothing changed
    assert response.status_code == 200 and STALE[language] in text_of(response.text)
    fresh = Resident.all_objects.get(pk=resident.pk)
    assert (fresh.notes, fresh.version) == ("独居，女儿每周来", edited.version)
    # Opened again, it saves, with the note.
    assert _save(admin, resident, admin_form_data(admin.get(_url(resident)).text)).status_code == 302
    fresh = Resident.all_objects.get(pk=resident.pk)
    assert (fresh.notes, fresh.version) == ("独居，女儿每周来", edited.version + 1)


def test_a_household_or_building_saved_in_the_app_meanwhile_is_not_written_over(org, home, as_user):
    admin = as_user(org.superuser)
    building = home.building
    forms = {obj: admin_form_data(admin.get(_url(obj)).text) for obj in (home, building)}
    household = Household.all_objects.get(pk=home.pk)
    household.notes = "门铃坏了"
    edited = Building.all_objects.get(pk=building.pk)
    edited.notes = "加装电梯中"
    with unscoped():  # as the registry's forms save them
        services.household_save(household=household, version=household.version)
        services.building_save(building=edited, version=edited.version)
    for obj, form in forms.items():
        response = _save(admin, obj, form, notes="管理员的更正")
        assert response.status_code == 200 and STALE["zh-hans"] in text_of(response.text), obj
    assert Household.all_objects.get(pk=home.pk).notes == "门铃坏了"
    assert Building.all_objects.get(pk=building.pk).notes == "加装电梯中"


def test_of_two_admin_tabs_the_second_to_save_is_refused(org, home, as_user):
    resident = make_resident(home, "朱芳兰")
    admin = as_user(org.superuser)
    first = admin_form_data(admin.get(_url(resident)).text)
    second = admin_form_data(admin.get(_url(resident)).text)
    assert _save(admin, resident, first, notes="第一个标签页").status_code == 302
    response = _save(admin, resident, second, notes="第二个标签页")
    assert response.status_code == 200 and STALE["zh-hans"] in text_of(response.text)
    assert Resident.all_objects.get(pk=resident.pk).notes == "第一个标签页"


@pytest.mark.ignore_template_errors  # simple_history's submit line reads a variable it never sets
def test_a_revert_takes_the_version_on_and_is_refused_when_stale(org, home, as_user):
    building = home.building
    admin = as_user(org.superuser)
    assert _correct(admin, building, notes="一").status_code == 302
    assert _correct(admin, building, notes="二").status_code == 302
    stored = Building.all_objects.get(pk=building.pk)
    oldest = stored.history.earliest("history_date")
    url = reverse("admin:residents_building_simple_history", args=[building.pk, oldest.history_id])
    form = admin_form_data(admin.get(url).text)
    assert form["opened_version"] == [str(stored.version)]  # the row's now, not the old record's
    assert admin.post(url, {**form, "_continue": ["1"]}).status_code == 302
    reverted = Building.all_objects.get(pk=building.pk)
    assert (reverted.notes, reverted.version) == (oldest.notes, stored.version + 1)
    # A revert form opened before another change is refused like the change form.
    form = admin_form_data(admin.get(url).text)
    assert _correct(admin, building, notes="三").status_code == 302
    response = admin.post(url, {**form, "_continue": ["1"]})
    assert response.status_code == 200 and STALE["zh-hans"] in text_of(response.text)
    assert Building.all_objects.get(pk=building.pk).notes == "三"
