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
    assert said == (
        "403 您的角色不能打开此页面 此页面仅限书记、居委干部以及街道和区级人员。 "
        "如有需要，请联系书记。 返回首页"
    )
    english = _refusal(client.get(reverse("dashboard"), headers=EN))
    assert english == (
        "403 Your role cannot open this page This page is for the committee's secretary and workers, "
        "and for street and district officers. Ask your secretary if you need to. Back to home"
    )


def test_a_district_officer_refused_the_access_log_is_told_the_street_reads_it(org, as_user):
    """Review 9, finding 14: "此页面仅限书记" to the district officer, while the street officer, no
    secretary either, read the whole log. The words come from GRANTS, the rule that refused it."""
    district = make_district("杨浦区")
    org.street.district = district
    org.street.save()
    client = as_user(make_user("district", district=district))
    said = _refusal(client.get(reverse("audit:log"), headers=ZH))
    assert "此页面仅限书记和街道干部。" in said and "此页面仅限书记。" not in said
    english = _refusal(client.get(reverse("audit:log"), headers=EN))
    assert "This page is for the committee's secretary and the street's officers." in english
    assert as_user(org.officer).get(reverse("audit:log")).status_code == 200
    assert as_user(org.worker_a).get(reverse("audit:log"), headers=ZH).status_code == 403


def test_every_permission_but_reading_is_said_on_the_403_page():
    """A permission whose roles have no sentence would be refused without saying whom it is for."""
    from committee.roles import Perm
    from needle.views import _who_may

    assert [perm for perm in Perm if _who_may(perm) is None] == [Perm.VIEW]


def test_a_worker_refused_a_secretarys_page_and_action(org, as_user):
    client = as_user(org.worker_a)
    for url, who in ((reverse("residents:reveals"), "书记"), (reverse("audit:log"), "书记和街道干部")):
        said = _refusal(client.get(url, headers=ZH))
        assert said == f"403 您的角色不能打开此页面 此页面仅限{who}。 如有需要，请联系书记。 返回首页", url
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


def _act(client, case, action: str, headers: dict):
    return client.post(
        reverse("cases:act", args=[case.pk, action]),
        {"text": "好了", "version": case.version},
        headers=headers,
    )


def test_a_viewer_refused_a_cases_action_is_told_what_and_whom_to_ask(org, as_user):
    """A refusal by a case's own rules (cases/refusals.py) says what was refused, who may do it,
    whom to ask, and leads back to the case; it said only "您的角色不能进行此操作" before."""
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    client = as_user(org.viewer_a)
    response = _act(client, case, "resolve", ZH)
    assert _refusal(response) == (
        "403 您的角色不能进行此操作 只有此事项的承办人或书记可以办结此事项。 "
        "如有需要，请联系书记或此事项的承办人。 返回事项 返回首页"
    )
    assert _links(response) == [reverse("cases:detail", args=[case.pk]), reverse("home")]
    assert _refusal(_act(client, case, "resolve", EN)) == (
        "403 Your role does not allow this Only the case's assignee or the committee's secretary can "
        "resolve this case. Ask your secretary or the case's assignee if it needs doing. "
        "Back to the case Back to home"
    )


def test_a_worker_not_on_the_case_is_told_to_ask_for_it(org, as_user):
    colleague = make_user("worker_a7", committee=org.a)
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    client = as_user(colleague)
    said = _refusal(_act(client, case, "wait", ZH))
    assert said == (
        "403 您的角色不能进行此操作 只有此事项的承办人或书记可以将此事项转为等待。 "
        "请书记把此事项分派给您，或联系此事项的承办人。 返回事项 返回首页"
    )
    english = _refusal(_act(client, case, "wait", EN))
    assert (
        "can mark this case waiting. Ask the secretary to assign the case to you, or ask its assignee."
        in (english)
    )
    # The secretary's own action: asked of the secretary. Taking a case someone has: said so.
    assert _refusal(_act(client, case, "withdraw", ZH)).startswith(
        "403 您的角色不能进行此操作 只有书记可以以居民撤回为此事项结案。 请联系书记办理。"
    )
    assert _refusal(_act(client, case, "take", ZH)) == (
        "403 此事项现在不能进行此操作 此事项已有人承办：只有书记可以改派给其他人。 "
        "如果应由您承办，请联系书记。 返回事项 返回首页"
    )
    assert _refusal(_act(client, case, "take", EN)).startswith(
        "403 This cannot be done to the case now Someone already works on this case"
    )


def test_an_action_its_status_does_not_allow_says_the_status(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    client = as_user(org.worker_a)
    assert _act(client, case, "resolve", ZH).status_code == 302
    case.refresh_from_db()
    said = _refusal(_act(client, case, "wait", ZH))  # a page drawn before it was resolved
    assert said == (
        "403 此事项现在不能进行此操作 此事项现在是“已办结”，此状态下不能将此事项转为等待。 "
        "请打开事项，查看它现在的状态和需要做的事。 返回事项 返回首页"
    )
    english = _refusal(_act(client, case, "wait", EN))
    assert english == (
        "403 This cannot be done to the case now This case is “Resolved” now, which does not allow you "
        "to mark this case waiting. Open the case to see where it stands and what it needs now. "
        "Back to the case Back to home"
    )
    # Closed before its follow-up call: the secretary is told what comes first.
    secretary = as_user(org.secretary_a)
    assert "事项在电话回访后才能结案，此事项还没有记录回访。 请先记录电话回访。" in _refusal(
        _act(secretary, case, "close", ZH)
    )


def test_a_file_someone_else_added_says_who_may_remove_it(org, as_user):
    from cases import services
    from committee.access import Access
    from tests.factories import jpeg_upload

    colleague = make_user("worker_a8", committee=org.a)
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    item = services.add_attachment(access=Access(org.worker_a), case=case, uploaded=jpeg_upload())
    url = reverse("cases:attachment_remove", args=[item.pk])
    response = as_user(colleague).post(url, headers=ZH)
    assert _refusal(response) == (
        "403 您的角色不能进行此操作 文件只能由上传人或书记删除。 "
        "如果需要删除此文件，请联系上传人或书记。 返回事项 返回首页"
    )
    assert "Only whoever added a file, or the committee's secretary, can remove it." in _refusal(
        as_user(colleague).post(url, headers=EN)
    )


def test_a_street_officer_refused_a_cases_action_keeps_their_accounts_words(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    response = _act(as_user(org.officer), case, "note", ZH)
    said = _refusal(response)
    assert said.startswith(
        "403 您的角色不能进行此操作 只有书记和居委干部可以为此事项添加备注。 街道和区级账号只读查看"
    )
    assert "联系书记" not in said
    assert _links(response) == [
        reverse("cases:detail", args=[case.pk]),
        reverse("dashboard"),
        reverse("home"),
    ]


def test_an_account_without_a_role_is_told_to_ask_the_administrator(org, as_user):
    nobody = make_user("nobody")
    said = _refusal(as_user(nobody).get(reverse("cases:new"), headers=ZH))
    assert said == (
        "403 您的角色不能打开此页面 此页面仅限书记和居委干部。 "
        "您的账号还没有加入任何居民区，请联系管理员分配角色。 返回首页"
    )
