"""In English the labels of notifications, deliveries, holidays and the lists' filters are capitalised
as labels, as the case page's are ("Case assigned to you", "E-mail", "Holiday (no work)", "Any status",
"Due soonest"); the Chinese stays as it was, and a message's "sent" reads 已发送 (it read 转办于, a
referral's word)."""

import html
import re

from django.urls import reverse
from django.utils import translation

from holidays.models import HolidayDay
from notifications.models import Delivery, Notification
from tests.cases.page_text import text_of

EN = {"accept-language": "en"}


def _options(page: str) -> list[str]:
    """A page's options: its selects' and the case list's status chips (radios)."""
    return re.findall(r"<option[^>]*>([^<]*)</option>", page) + re.findall(
        r'<input type="radio"[^>]*>([^<]*)</label>', page
    )


def test_notification_and_delivery_labels_are_capitalised_in_english():
    with translation.override("en"):
        kinds = [str(label) for label in Notification.Kind.labels]
        states = [str(label) for label in (*Delivery.Status.labels, *Delivery.Channel.labels)]
    assert "Case assigned to you" in kinds and "Morning list" in kinds and "The street's week" in kinds
    assert all(label[0].isupper() for label in kinds + states), kinds + states
    with translation.override("zh-hans"):
        assert str(Notification.Kind.ASSIGNED.label) == "事项派给您"
        assert str(Delivery.Status.SENT.label) == "已发送"
        assert str(Delivery.Channel.EMAIL.label) == "电子邮件"


def test_the_messages_not_delivered_read_capitalised_in_english(org, as_user):
    common = {"committee": org.a, "body": "…", "attempts": 3}
    Delivery.objects.create(channel="email", recipient=org.worker_a, key="e1", status="failed", **common)
    Delivery.objects.create(channel="wecom", key="w1", status="failed", **common)
    Delivery.objects.create(
        channel="email",
        recipient=org.worker_a,
        key="e2",
        status="skipped",
        skip_reason="deactivated",
        **common,
    )
    client = as_user(org.secretary_a)
    url = reverse("notifications:wecom", args=[org.a.pk])
    english = html.unescape(text_of(client.get(url, headers=EN).text))
    for said in ("E-mail", "WeCom group", "The group", "The person's account was deactivated"):
        assert said in english, said
    chinese = text_of(client.get(url).text)
    for said in ("电子邮件", "群", "此人的账号已停用"):
        assert said in chinese, said


def test_the_holiday_kinds_are_capitalised_in_the_english_admin(org, as_user):
    client = as_user(org.superuser)
    url = reverse("admin:holidays_holidayyear_add")
    assert {"Holiday (no work)", "Make-up working day"} <= set(_options(client.get(url, headers=EN).text))
    assert {"放假", "调休上班"} <= set(_options(client.get(url).text))
    with translation.override("en"):
        assert [str(label) for label in HolidayDay.Kind.labels] == [
            "Holiday (no work)",
            "Make-up working day",
        ]


def test_the_case_lists_filters_are_capitalised_in_english(org, as_user):
    client = as_user(org.officer)  # two committees: the committee's select is shown too
    english = set(_options(client.get(reverse("cases:list"), headers=EN).text))
    said = {"Any status", "Open", "Any category", "Any source", "Anyone", "All my committees", "Any"}
    said |= {"Not called yet", "Called back", "Waiting for the secretary", "Due soonest", "Recently changed"}
    assert said <= english, said - english
    assert not {"any status", "open", "anyone", "due soonest", "newest"} & english
    chinese = set(_options(client.get(reverse("cases:list")).text))
    assert {"全部状态", "未结", "全部人员", "我的全部居委会", "不限", "待回访", "最先到期"} <= chinese


def test_the_registry_filters_hidden_labels_are_capitalised_in_english(org, as_user):
    client = as_user(org.secretary_a)
    labels = re.compile(r'<label class="visually-hidden" for="id_\w+">([^<]*)</label>')
    residents = labels.findall(client.get(reverse("residents:list"), headers=EN).text)
    roster = labels.findall(client.get(reverse("residents:roster"), headers=EN).text)
    assert residents == ["Building", "Grid", "Care category", "Status"]
    assert roster == ["Worker", "Grid", "Care category"]
    assert labels.findall(client.get(reverse("residents:roster")).text) == ["居委干部", "网格", "关爱类别"]
