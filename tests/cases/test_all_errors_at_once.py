"""A form says every error in one round: its fields' own and its service's rules (a due date, a
referral's or a call's day) together. At the intake a 179-character title and a due date in 2031
showed the title's error alone, the due date's coming only after the title was fixed and saved
again; a referral with a long reference and a sent date in the future likewise (review 3,
finding 7). On a phone each extra round is a scroll through the whole form."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cases import services
from cases.models import Aid, Case, FollowUp, OutsideBody, Referral
from cases.rules import Action
from committee.access import Access
from tests.cases.page_text import field_of, text_of
from tests.cases.test_repeated_submits import _form
from tests.factories import intake_post, make_case

TODAY = timezone.localdate()
FAR = (TODAY + datetime.timedelta(days=5 * 365)).isoformat()
TOMORROW = (TODAY + datetime.timedelta(days=1)).isoformat()


@pytest.fixture(autouse=True)
def _in_chinese():
    with translation.override("zh-hans"):
        yield


def _says(page: str, name: str, words: str) -> None:
    assert words in text_of(field_of(page, name)), f"{name}: {text_of(field_of(page, name))}"


def test_the_intake_says_a_long_title_and_a_far_due_date_at_once(org, as_user):
    data = intake_post(org.a, title="楼" * 179, due_date=FAR)
    response = as_user(org.worker_a).post(reverse("cases:new"), data)
    assert response.status_code == 200
    page = response.content.decode()
    _says(page, "title", "最多 100 字，现有 179 字。")
    _says(page, "due_date", "办理期限不能晚于今天起两年")
    assert not Case.all_objects.exists()


def test_the_intake_says_a_12345_case_without_its_number_with_the_rest(org, as_user):
    data = intake_post(org.a, title="楼" * 101, source="hotline", work_order_number="")
    page = as_user(org.worker_a).post(reverse("cases:new"), data).content.decode()
    _says(page, "title", "最多 100 字")
    _says(page, "work_order_number", "12345 工单须填写工单号。")


def test_the_empty_intake_says_what_to_do_for_each_field(org, as_user):
    data = intake_post(org.a, title="", category="")
    page = as_user(org.worker_a).post(reverse("cases:new"), data).content.decode()
    _says(page, "title", "说明发生了什么")
    assert "请选择类别。" in text_of(page)


def test_the_referral_says_a_long_reference_and_a_sent_date_ahead_at_once(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    url = reverse("cases:refer", args=[case.pk])
    client = as_user(org.worker_a)
    data = _form(client.get(reverse("cases:detail", args=[case.pk])).text, url)
    data |= {"their_reference": ["沪" * 63], "sent_on": [TOMORROW], "reply_expected_by": [TODAY.isoformat()]}
    page = client.post(url, data).content.decode()
    _says(page, "their_reference", "最多 50 字，现有 63 字。")
    _says(page, "sent_on", "转办日期不能晚于今天")
    assert not Referral.all_objects.filter(case=case).exists()


def test_the_referral_says_a_reply_expected_before_it_was_sent_with_the_reference(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    url = reverse("cases:refer", args=[case.pk])
    client = as_user(org.worker_a)
    data = _form(client.get(reverse("cases:detail", args=[case.pk])).text, url)
    before = (TODAY - datetime.timedelta(days=1)).isoformat()
    data |= {"their_reference": ["沪" * 63], "reply_expected_by": [before]}
    page = client.post(url, data).content.decode()
    _says(page, "their_reference", "最多 50 字")
    _says(page, "reply_expected_by", "预计答复日期不能早于转办日期")


def test_the_edit_says_a_long_title_and_a_far_due_date_at_once(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    url = reverse("cases:edit", args=[case.pk])
    client = as_user(org.worker_a)
    data = _form(client.get(reverse("cases:detail", args=[case.pk])).text, url)
    page = client.post(url, data | {"title": ["楼" * 101], "due_date": [FAR]}).content.decode()
    _says(page, "title", "最多 100 字")
    _says(page, "due_date", "办理期限不能晚于事项登记后两年")
    assert Case.all_objects.get(pk=case.pk).version == case.version


def test_the_follow_up_call_says_a_long_comment_and_a_day_ahead_at_once(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    services.transition(access=Access(org.worker_a), case=case, action=Action.RESOLVE, text="已疏通")
    url = reverse("cases:follow_up", args=[case.pk])
    client = as_user(org.worker_a)
    data = _form(client.get(reverse("cases:detail", args=[case.pk])).text, url)
    data |= {"called_on": [TOMORROW], "satisfaction": ["satisfied"], "comment": ["好" * 2001]}
    page = client.post(url, data).content.decode()
    _says(page, "comment", "最多 2000 字")
    _says(page, "called_on", "不能晚于今天")
    assert not FollowUp.all_objects.filter(case=case).exists()


def test_aid_says_a_long_note_and_a_day_ahead_at_once(org, as_user):
    case = make_case(org.worker_a, org.a, title="困难家庭", code="hardship", assignee=org.worker_a)
    url = reverse("cases:aid", args=[case.pk])
    client = as_user(org.worker_a)
    data = {"kind": Aid.Kind.SUBSIDY, "amount": "300", "status": "applied", "applied_on": TOMORROW}
    page = client.post(url, data | {"notes": "记" * 2001}).content.decode()
    _says(page, "notes", "最多 2000 字")
    _says(page, "applied_on", "救助申请日期不能晚于今天")
    assert not Aid.all_objects.filter(case=case).exists()


def test_a_reply_says_a_long_outcome_and_a_day_before_sending_at_once(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    body = OutsideBody.objects.filter(active=True).first()
    referral = services.refer(access=Access(org.worker_a), case=case, body=body)
    url = reverse("cases:reply", args=[referral.pk])
    client = as_user(org.worker_a)
    data = _form(client.get(reverse("cases:detail", args=[case.pk])).text, url)
    before = (TODAY - datetime.timedelta(days=1)).isoformat()
    data |= {"replied_on": [before], "reply": ["物业说下周修"], "outcome": ["修" * 201]}
    page = client.post(url, data).content.decode()
    _says(page, "outcome", "最多 200 字")
    _says(page, "replied_on", "不能早于转办日期")
    assert Referral.all_objects.get(pk=referral.pk).replied_on is None
