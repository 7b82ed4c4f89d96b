"""The 403 page in words that fit its reader (review 3, finding 10): what the page or action needs
("此页面仅限书记"), a worker or viewer told to ask their secretary, a street or district officer
(no committee, no secretary) what their account is for and their overview to go to instead; never
"you can see this" of a page they cannot open."""

import html
import re

import pytest
from django.urls import reverse

from committee.models import DistrictOfficer
from tests.cases.page_text import text_of
from tests.factories import make_case, make_district, make_user

pytestmark = pytest.mark.django_db

ZH = {"accept-language": "zh-hans"}
EN = {"accept-language": "en"}


def _refusal(response) -> str:
    """The 403 page's own words, as text."""
    assert response.status_code == 403, response.status_code
    return html.unescape(text_of(re.search(r'<div class="error-page">(.*?)</div>', response.text, re.S)[1]))


def _links(response) -> list[str]:
    page = re.search(r'<div class="error-page">(.*?)</div>', response.text, re.S)[1]
    return re.findall(r'href="([^"]+)"', page)


def test_a_street_officer_refused_the_care_roster_is_told_what_the_account_is_for(org, as_user):
    client = as_user(org.officer)
    response = client.get(reverse("residents:roster"), headers=ZH)
    assert _refusal(response) == (
        "403 您的角色不能打开此页面 此页面仅限书记和居委干部。 "
        "街道和区级账号只读查看各居委会的事项、居民和报表，不作修改，也不查看关爱名册等敏感信息。"
        "本辖区的各项数字请看总览。 街道总览 返回首页"
    )
    assert _links(response) == [reverse("dashboard"), reverse("home")]
    english = _refusal(client.get(reverse("residents:roster"), headers=EN))
    assert english == (
        "403 Your role cannot open this page This page is for the committee's secretary and workers. "
        "A street or district account reads the committees' cases, residents and reports without "
        "changing them, and sees nothing sensitive such as the care roster. Your area's figures are "
        "on your overview. Street overview Back to home"
    )
    assert "secretary if you need" not in english and "You can see this" not in english


def test_a_district_officer_is_sent_to_the_district_overview(org, as_user):
    district = make_district("杨浦区")
    org.street.district = district
    org.street.save()
    officer = make_user("district", district=district)
    assert DistrictOfficer.objects.filter(user=officer).exists()
    response = as_user(officer).get(reverse("residents:roster"), headers=ZH)
    said = _refusal(response)
    assert "街道和区级账号只读查看" in said and "联系书记" not in said
    assert said.endswith("全区总览 返回首页")
    assert _links(response) == [reverse("dashboard_district"), reverse("home")]


def test_a_street_officer_refused_the_district_overview_is_told_whom_it_is_for(org, as_user):
    said = _refusal(as_user(org.officer).get(reverse("dashboard_district"), headers=ZH))
    assert "此页面仅限区级人员。" in said and "街道总览" in said


def test_a_viewer_refused_the_dashboard_is_told_whom_it_is_for_and_to_ask_the_secretary(org, as_user):
    client = as_user(org.viewer_a)
    said = _refusal(client.get(reverse("dashboard"), headers=ZH))
    assert said == "403 您的角色不能打开此页面 此页面仅限书记和居委干部。 如有需要，请联系书记。 返回首页"
    english = _refusal(client.get(reverse("dashboard"), headers=EN))
    assert english == (
        "403 Your role cannot open this page This page is for the committee's secretary and workers. "
        "Ask your secretary if you need to. Back to home"
    )


def test_a_worker_refused_a_secretarys_page_and_action(org, as_user):
    client = as_user(org.worker_a)
    for url in (reverse("residents:reveals"), reverse("audit:log")):
        said = _refusal(client.get(url, headers=ZH))
        assert said == "403 您的角色不能打开此页面 此页面仅限书记。 如有需要，请联系书记。 返回首页", url
    # The committee's WeCom robot: its page, and a save posted to it, are the secretary's.
    wecom = reverse("notifications:wecom", args=[org.a.pk])
    assert "此页面仅限书记。" in _refusal(client.get(wecom, headers=ZH))
    posted = _refusal(client.post(wecom, {"wecom_webhook": ""}, headers=ZH))
    assert posted == "403 您的角色不能进行此操作 此操作仅限书记。 如有需要，请联系书记。 返回首页"
    english = _refusal(client.post(wecom, {"wecom_webhook": ""}, headers=EN))
    assert english == (
        "403 Your role does not allow this Only the committee's secretary can do this. "
        "Ask your secretary if you need to. Back to home"
    )


def test_a_secretary_refused_a_streets_page_is_not_told_to_ask_the_secretary(org, as_user):
    said = _refusal(
        as_user(org.secretary_a).get(reverse("notifications:street", args=[org.street.pk]), headers=ZH)
    )
    assert said == "403 您的角色不能打开此页面 此页面仅限街道干部。 返回首页"


def test_an_action_refused_by_a_cases_rules_says_the_role_without_naming_a_page(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    response = as_user(org.viewer_a).post(
        reverse("cases:act", args=[case.pk, "resolve"]), {"text": "好了", "version": case.version}, headers=ZH
    )
    said = _refusal(response)
    assert said == "403 您的角色不能进行此操作 如有需要，请联系书记。 返回首页"
    assert "您可以查看" not in said


def test_an_account_without_a_role_is_told_to_ask_the_administrator(org, as_user):
    nobody = make_user("nobody")
    said = _refusal(as_user(nobody).get(reverse("cases:new"), headers=ZH))
    assert said == (
        "403 您的角色不能打开此页面 此页面仅限书记和居委干部。 "
        "您的账号还没有加入任何居民区，请联系管理员分配角色。 返回首页"
    )
