"""Review 9, finding 2: the street officer, refused the care roster, read each roster resident's
visits on their page: when, how often, and what was found ("血压偏高，已提醒按时服药。"), under a
category the page itself withheld. The visits are the roster's: who may not open it (officers,
viewers) is told so; the committee's staff read them as before."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from residents.models import CareCategory
from tests.factories import (
    make_building,
    make_district_officer,
    make_household,
    make_resident,
    make_visit,
)

pytestmark = pytest.mark.django_db

ZH = {"accept-language": "zh-hans"}
EN = {"accept-language": "en"}
NOTE = "血压偏高，已提醒按时服药。"


@pytest.fixture
def resident(org):
    disabled = CareCategory.objects.create(
        code="t-disabled", name="残疾", name_en="Disability", sensitive=True
    )
    person = make_resident(make_household(make_building(org.a, "12"), "701"), "施丽静")
    person.care_categories.add(disabled)
    when = timezone.now() - datetime.timedelta(days=3)
    make_visit(person, org.worker_a, when, findings=NOTE, follow_up_needed=True)
    earlier = when - datetime.timedelta(days=30)
    make_visit(person, org.worker_a, earlier, findings="腿脚不便，希望申请助餐服务。")
    return person


@pytest.mark.parametrize("who", ["officer", "viewer_a", "district"])
def test_who_may_not_open_the_roster_reads_no_visits_on_a_residents_page(org, resident, as_user, who):
    client = as_user(make_district_officer(org) if who == "district" else getattr(org, who))
    url = reverse("residents:detail", args=[resident.pk])
    zh = client.get(url, headers=ZH).content.decode()
    assert "走访记录仅限可查看关爱名册的工作人员查看。" in zh
    en = client.get(url, headers=EN).content.decode()
    assert "Visits are only for staff who may see the care roster." in en
    for page in (zh, en):
        assert NOTE not in page and "腿脚不便" not in page
        assert 'class="timeline"' not in page and "需跟进" not in page and "Follow-up needed" not in page


@pytest.mark.parametrize("who", ["secretary_a", "worker_a"])
def test_the_committees_staff_read_the_visits_and_what_was_found(org, resident, as_user, who):
    page = as_user(getattr(org, who)).get(reverse("residents:detail", args=[resident.pk]), headers=ZH)
    text = page.content.decode()
    assert NOTE in text and "腿脚不便，希望申请助餐服务。" in text
    assert "仅限可查看关爱名册" not in text
