"""The admin holds a resident to the registry's own rules about their numbers (residents.validators):
a birth date or gender that contradicts the ID number is refused in the same words as the app's
form, whether the number stays masked or is revealed to correct it; a mistyped number or a bad phone
is refused; a number another resident holds is refused naming who holds it and where, never the
number. A record stored before the rules and left as it is still takes the rest of a correction."""

import datetime
import html

import pytest
from django.urls import reverse

from residents.models import Household, Resident
from tests.cases.page_text import text_of
from tests.factories import admin_form_data, make_building, make_household, make_resident, valid_id

D = datetime.date
BORN = D(1950, 3, 5)
ID = valid_id(BORN)  # a man's
HERS = valid_id(D(1962, 8, 1), male=False)
GENDER = "性别与身份证号不一致。"


@pytest.fixture
def wang(org):
    home = make_household(make_building(org.a, "12"), "302")
    return make_resident(home, "王建国", id_number=ID, birth=BORN, gender="M")


def _url(resident) -> str:
    return reverse("admin:residents_resident_change", args=[resident.pk])


def _post(client, resident, **changes):
    data = admin_form_data(client.get(_url(resident)).text)
    return client.post(_url(resident), {**data, **changes})


def _words(response) -> str:
    return html.unescape(text_of(response.text))


def test_a_gender_or_birth_date_against_the_masked_number_is_refused(org, wang, as_user):
    client = as_user(org.superuser)
    response = _post(client, wang, gender="F")
    assert response.status_code == 200 and GENDER in _words(response)
    response = _post(client, wang, birth_date="1950-03-06")
    assert response.status_code == 200
    assert "出生日期1950-03-06与身份证号不符，身份证号显示为1950-03-05。" in _words(response)
    assert ID not in response.text  # the number stays masked while it is compared
    fresh = Resident.all_objects.get(pk=wang.pk)
    assert (fresh.gender, fresh.birth_date, fresh.version) == ("M", BORN, wang.version)
    # Emptied, both are read from the number again; what agrees saves.
    assert _post(client, wang, gender="", birth_date="", notes="核对过").status_code == 302
    fresh = Resident.all_objects.get(pk=wang.pk)
    assert (fresh.gender, fresh.birth_date, fresh.notes) == ("M", BORN, "核对过")


def test_reveal_and_correct_holds_the_new_number_to_the_same_rules(org, wang, as_user):
    client = as_user(org.superuser)
    reveal = reverse("admin:residents_resident_reveal", args=[wang.pk, "id_number"])
    assert client.post(reveal, {"reason": "身份证号录错了"}).status_code == 302
    # A woman's number on a man born in 1950: both disagree, each said on its field.
    response = _post(client, wang, id_number=HERS)
    assert response.status_code == 200
    words = _words(response)
    assert GENDER in words and "出生日期1950-03-05与身份证号不符，身份证号显示为1962-08-01。" in words
    # A mistyped number (its check digit) is refused in the app's words.
    typo = ID[:-1] + ("1" if ID[-1] != "1" else "2")
    response = _post(client, wang, id_number=typo)
    assert response.status_code == 200 and "身份证号校验位不对，可能有一位输错了。" in _words(response)
    assert Resident.all_objects.get(pk=wang.pk).id_number == ID
    # The new number with its own birth date and gender: saved.
    assert _post(client, wang, id_number=HERS, gender="", birth_date="").status_code == 302
    fresh = Resident.all_objects.get(pk=wang.pk)
    assert (fresh.id_number, fresh.gender, fresh.birth_date) == (HERS, "F", D(1962, 8, 1))


def test_a_number_held_by_another_resident_names_them_not_the_number(org, wang, as_user):
    li = make_resident(org.b, "李娜", id_number=HERS, gender="F")
    address = Household.all_objects.select_related("building").get(pk=li.household_id).address
    client = as_user(org.superuser)
    client.post(reverse("admin:residents_resident_reveal", args=[wang.pk, "id_number"]), {"reason": "核对"})
    response = _post(client, wang, id_number=HERS, gender="", birth_date="")
    assert response.status_code == 200
    assert f"该身份证号已登记在{org.b.name}（{address}）的李娜名下。" in _words(response)
    assert "已存在" not in _words(response)  # not Django's "居民 with this 身份证号 already exists"
    assert Resident.all_objects.get(pk=wang.pk).id_number == ID


def test_a_phone_typed_in_the_admin_is_a_mobile_or_a_shanghai_landline(org, wang, as_user):
    client = as_user(org.superuser)
    client.post(reverse("admin:residents_resident_reveal", args=[wang.pk, "phone"]), {"reason": "换号"})
    response = _post(client, wang, phone="12345")
    assert response.status_code == 200 and "请输入手机号" in _words(response)
    assert _post(client, wang, phone="138 1234 5678").status_code == 302
    assert Resident.all_objects.get(pk=wang.pk).phone == "13812345678"  # as the app writes it
    household = Household.all_objects.get(pk=wang.household_id)
    reveal = reverse("admin:residents_household_reveal", args=[household.pk, "phone"])
    client.post(reveal, {"reason": "核对座机"})
    url = reverse("admin:residents_household_change", args=[household.pk])
    response = client.post(url, {**admin_form_data(client.get(url).text), "phone": "6543"})
    assert response.status_code == 200 and "请输入手机号" in _words(response)


def test_a_record_from_before_the_rules_still_takes_a_correction(org, wang, as_user):
    # Stored before the check: a gender that disagrees with the number. Renaming is not refused.
    Resident.all_objects.filter(pk=wang.pk).update(gender="F")
    client = as_user(org.superuser)
    assert _post(client, wang, name="王建平").status_code == 302
    fresh = Resident.all_objects.get(pk=wang.pk)
    assert (fresh.name, fresh.gender) == ("王建平", "F")
