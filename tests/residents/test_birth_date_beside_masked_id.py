"""Review 9, finding 1: digits 7-14 of an ID number are the birth date, so "1987-03-12" printed
above "3101**********1069" left two digits to guess, and the check digit to test them. Who reads the
ID masked and does not keep the registry (street and district officers, viewers) sees the birth year
and the age; the secretary and workers, who enter and correct the date, see it whole."""

import datetime
import re

import pytest
from django.urls import reverse

from common.masking import mask_id_number
from tests.factories import (
    make_building,
    make_district_officer,
    make_household,
    make_resident,
    valid_id,
)

pytestmark = pytest.mark.django_db

BORN = datetime.date(1987, 3, 12)
ZH = {"accept-language": "zh-hans"}
EN = {"accept-language": "en"}


@pytest.fixture
def resident(org):
    home = make_household(make_building(org.a, "12"), "701")
    return make_resident(home, "施丽静", id_number=valid_id(BORN, male=False), birth=BORN)


def _facts(response) -> dict[str, str]:
    assert response.status_code == 200
    pairs = re.findall(r"<dt>(.*?)</dt><dd[^>]*>(.*?)</dd>", response.content.decode(), re.S)
    return {dt: re.sub(r"<[^>]+>", "", dd).strip() for dt, dd in pairs}


@pytest.mark.parametrize("who", ["officer", "viewer_a", "district"])
def test_who_reads_the_id_masked_sees_the_birth_year_and_age_not_the_day(org, resident, as_user, who):
    user = make_district_officer(org) if who == "district" else getattr(org, who)
    client = as_user(user)
    url = reverse("residents:detail", args=[resident.pk])
    age = resident.age
    zh = _facts(client.get(url, headers=ZH))
    assert zh["出生日期"] == f"1987-**-** ({age}岁)"
    assert zh["身份证号"] == mask_id_number(resident.id_number)
    en = _facts(client.get(url, headers=EN))
    assert en["birth date"] == f"1987-**-** ({age} yrs)"
    for page in (zh, en):
        assert "1987-03-12" not in str(page) and "03-12" not in str(page)


@pytest.mark.parametrize("who", ["secretary_a", "worker_a"])
def test_who_keeps_the_registry_sees_the_whole_birth_date(org, resident, as_user, who):
    zh = _facts(as_user(getattr(org, who)).get(reverse("residents:detail", args=[resident.pk]), headers=ZH))
    assert zh["出生日期"] == f"1987-03-12 ({resident.age}岁)"
