"""The admin is not a back door: numbers are masked in its forms and history; a superuser who must
correct one gives a reason (recorded like any reveal) and only then edits the real value."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AccessRecord
from residents.models import Household, Resident, RevealLog
from tests.factories import make_building, make_household, make_resident, valid_id

ID = valid_id(datetime.date(1950, 3, 5))
MOBILE, LANDLINE = "13812345678", "021-65431234"


@pytest.fixture
def wang(org):
    household = make_household(make_building(org.a, "12"), "302", phone=LANDLINE)
    return make_resident(household, "王芳", phone=MOBILE, id_number=ID)


def _form_data(page) -> dict:
    """What the browser would post back: the change form's fields as rendered."""
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        else:
            data[name] = getattr(value, "pk", value)
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for key, field in management.fields.items():
            data[f"{management.prefix}-{key}"] = management.initial.get(key, field.initial)
    return data


def test_the_change_form_shows_masked_numbers_only(org, wang, as_user):
    client = as_user(org.superuser)
    page = client.get(reverse("admin:residents_resident_change", args=[wang.pk]))
    assert page.status_code == 200
    assert ID not in page.text and MOBILE not in page.text
    assert ID[:4] + "**********" + ID[-4:] in page.text and "138****5678" in page.text
    household = client.get(reverse("admin:residents_household_change", args=[wang.household_id]))
    assert "65431234" not in household.text and "****1234" in household.text


def test_saving_a_masked_form_keeps_the_real_numbers(org, wang, as_user):
    client = as_user(org.superuser)
    url = reverse("admin:residents_resident_change", args=[wang.pk])
    data = _form_data(client.get(url))
    data["name"] = "王芳芳"
    data["id_number"], data["phone"] = "3101**********0017", "138****5678"  # a forged post changes nothing
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    wang.refresh_from_db()
    assert (wang.name, wang.id_number, wang.phone) == ("王芳芳", ID, MOBILE)


def test_a_reveal_asks_a_reason_records_it_and_opens_the_number_for_correction(org, wang, as_user):
    client = as_user(org.superuser)
    reveal = reverse("admin:residents_resident_reveal", args=[wang.pk, "phone"])
    assert client.post(reveal, {"reason": ""}).status_code == 200  # no reason, no reveal
    assert not RevealLog.all_objects.exists()
    assert client.post(reveal, {"reason": "居民换了号码"}).status_code == 302
    log = RevealLog.all_objects.get()
    assert (log.field, log.reason, log.revealed_by) == ("phone", "居民换了号码", org.superuser)
    assert AccessRecord.all_objects.filter(kind=AccessRecord.Kind.REVEAL, resident_id=wang.pk).exists()

    url = reverse("admin:residents_resident_change", args=[wang.pk])
    page = client.get(url)
    assert f'value="{MOBILE}"' in page.text  # editable, as it is
    assert ID not in page.text  # only the revealed number
    data = _form_data(page)
    data["phone"] = "13900001111"
    assert client.post(url, data).status_code == 302
    wang.refresh_from_db()
    assert (wang.phone, wang.id_number) == ("13900001111", ID)
    assert "13900001111" not in client.get(url).text  # corrected: masked again


def test_a_household_phone_reveal_is_recorded(org, wang, as_user):
    client = as_user(org.superuser)
    household = Household.all_objects.get(pk=wang.household_id)
    response = client.post(
        reverse("admin:residents_household_reveal", args=[household.pk, "phone"]), {"reason": "核对座机"}
    )
    assert response.status_code == 302
    assert RevealLog.all_objects.get().field == "home_phone"
    assert AccessRecord.all_objects.get(kind=AccessRecord.Kind.REVEAL).household_id == household.pk
    page = client.get(reverse("admin:residents_household_change", args=[household.pk]))
    assert f'value="{LANDLINE}"' in page.text


@pytest.mark.ignore_template_errors  # simple_history's own submit line reads an unset variable
def test_the_history_masks_numbers(org, wang, as_user):
    client = as_user(org.superuser)
    Resident.all_objects.filter(pk=wang.pk).update(phone="13900001111")
    wang.refresh_from_db()
    wang.phone = "13700002222"
    wang.save()
    history = client.get(reverse("admin:residents_resident_history", args=[wang.pk]))
    assert history.status_code == 200
    assert "13700002222" not in history.text and ID not in history.text
    record = wang.history.first()
    version = client.get(reverse("admin:residents_resident_simple_history", args=[wang.pk, record.pk]))
    assert version.status_code == 200
    assert "13700002222" not in version.text and ID not in version.text


def test_only_a_superuser_may_reveal(org, wang, as_user):
    org.secretary_a.is_staff = True
    org.secretary_a.save()
    response = as_user(org.secretary_a).post(
        reverse("admin:residents_resident_reveal", args=[wang.pk, "phone"]), {"reason": "x"}
    )
    assert response.status_code in (302, 403)
    assert not RevealLog.all_objects.exists()


STAFF_MOBILE = "13955556666"


def _user_form_data(page) -> dict:
    data = _form_data(page)
    joined = data.pop("date_joined")  # a date and a time, posted as two fields
    data["date_joined_0"], data["date_joined_1"] = f"{joined:%Y-%m-%d}", f"{joined:%H:%M:%S}"
    for formset in page.context["inline_admin_formsets"]:  # the memberships, as they are
        for form in formset.formset.initial_forms:
            for name, field in form.fields.items():
                value = form.initial.get(name, field.initial)
                if value is not None:
                    data[form.add_prefix(name)] = getattr(value, "pk", value)
    return data


def test_a_staff_members_work_phone_is_masked_like_a_residents(org, as_user):
    """A worker's work phone is often their own mobile: masked in the admin's user form, revealed to
    correct it with a reason (in the access log of their committee), masked again once saved."""
    org.worker_a.phone = STAFF_MOBILE
    org.worker_a.save()
    client = as_user(org.superuser)
    url = reverse("admin:committee_user_change", args=[org.worker_a.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert STAFF_MOBILE not in page.text and "139****6666" in page.text
    # Saving the masked form changes nothing of the number (it is not in the form at all).
    data = _user_form_data(page)
    data["full_name"] = "李敏敏"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    org.worker_a.refresh_from_db()
    assert (org.worker_a.full_name, org.worker_a.phone) == ("李敏敏", STAFF_MOBILE)

    reveal = reverse("admin:committee_user_reveal", args=[org.worker_a.pk, "phone"])
    assert client.post(reveal, {"reason": ""}).status_code == 200  # no reason, no reveal
    assert client.get(url).text.count(STAFF_MOBILE) == 0
    assert client.post(reveal, {"reason": "同事换了手机"}).status_code == 302
    record = AccessRecord.all_objects.get(kind=AccessRecord.Kind.REVEAL)
    assert (record.committee_id, record.user) == (org.a.pk, org.superuser)
    assert "worker_a" in record.detail and "同事换了手机" in record.detail
    page = client.get(url)
    assert f'value="{STAFF_MOBILE}"' in page.text  # editable, as it is
    data = _user_form_data(page)
    data["phone"] = "13900001111"
    assert client.post(url, data).status_code == 302
    org.worker_a.refresh_from_db()
    assert org.worker_a.phone == "13900001111"
    assert "13900001111" not in client.get(url).text  # corrected: masked again


def test_a_street_officers_phone_reveal_is_logged_in_the_streets_committees(org, as_user):
    org.officer.phone = STAFF_MOBILE
    org.officer.save()
    client = as_user(org.superuser)
    reveal = reverse("admin:committee_user_reveal", args=[org.officer.pk, "phone"])
    assert client.post(reveal, {"reason": "核对"}).status_code == 302
    logged = set(AccessRecord.all_objects.values_list("committee_id", flat=True))
    assert logged == {org.a.pk, org.b.pk}  # the street's committees, not committee C of another street


def test_a_new_staff_account_is_added_as_before(org, as_user):
    """A new account has no number to hide yet: the add form is the user admin's own."""
    client = as_user(org.superuser)
    url = reverse("admin:committee_user_add")
    data = _form_data(client.get(url))
    data.update(username="worker_new", full_name="王新", password1="x9!Kq2#vLm", password2="x9!Kq2#vLm")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
