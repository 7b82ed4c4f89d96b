"""The monthly summary: words and numbers from the data, as a printable page and a .txt download."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Aid, Case
from committee.access import Access
from reports.figures import add_months
from tests.reports import helpers as h

PHONE = "13912345678"


@pytest.fixture
def month(org):
    first = add_months(timezone.localdate().replace(day=1), -1)
    before = add_months(first, -1)
    sec, worker = org.secretary_a, org.worker_a
    drains = h.category("t-drains", "排水", "Drainage", 1)
    noise = h.category("t-noise", "噪音", "Noise", 2)
    for i in range(3):
        h.case(org.a, created_by=sec, created=first + dt.timedelta(days=i), cat=drains)
    h.case(org.a, created_by=sec, created=before, cat=drains)
    h.case(org.a, created_by=sec, created=before, cat=noise)
    urgent = h.case(
        org.a,
        created_by=sec,
        created=first + dt.timedelta(days=5),
        cat=noise,
        status=Case.Status.RESOLVED,
        resolved=first + dt.timedelta(days=7),
        priority=Case.Priority.URGENT,
        title=f"楼上漏水 联系{PHONE}",
        assignee=worker,
        last_call=(first + dt.timedelta(days=9), "satisfied"),
    )
    h.follow_up(urgent, on=first + dt.timedelta(days=9), satisfaction="satisfied", by=worker)
    h.aid(urgent, applied=first + dt.timedelta(days=6), paid=first + dt.timedelta(days=10), amount="1200.00")
    person = h.resident(org.a, "王建华", phone=PHONE)
    h.visit(person, on=first + dt.timedelta(days=2), by=worker)
    h.visit(person, on=first + dt.timedelta(days=12), by=worker)
    return first


def test_the_summary_writes_the_month_up_in_numbers(org, month, as_user):
    response = as_user(org.secretary_a).get(reverse("reports:summary"), {"month": f"{month:%Y-%m}"})
    assert response.status_code == 200
    sections = {s.title: s for s in response.context["sections"]}
    logged = sections["登记事项"]
    assert logged.paragraphs[0] == "本月登记事项：4 件（上月：2 件，较上月+2）。"
    # The change signed, as in the sentence: a bare 2 beside this month's 3 reads as a count.
    assert ["排水", 3, 1, "+2"] in logged.table and ["噪音", 1, 1, "0"] in logged.table
    assert "<td>+2</td>" in response.text
    resolved = sections["办结情况"].paragraphs
    assert resolved[0].startswith("本月办结事项：1 件。")
    assert resolved[1] == "本月回访事项：1 件；按最近一次回访，满意或基本满意：1 件（100%）。"
    assert sections["重点事项"].table[0][2] == "楼上漏水 联系139****5678"
    assert "走访：2 次，涉及居民 1 人" in sections["走访"].paragraphs[0]
    assert "¥1,200.00" in sections["救助"].paragraphs[0]
    assert PHONE not in response.text and "139****5678" in response.text
    assert "data-print" in response.text


def test_the_summary_downloads_as_text(org, month, as_user):
    response = as_user(org.secretary_a).get(reverse("reports:summary_txt"), {"month": f"{month:%Y-%m}"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert f"summary-{month:%Y-%m}.txt" in response["Content-Disposition"]
    text = response.content.decode()
    assert "1. 登记事项" in text and "本月登记事项：4 件" in text
    assert PHONE not in text


def test_the_summary_reads_in_english(org, month, as_user):
    response = as_user(org.secretary_a).get(
        reverse("reports:summary"), {"month": f"{month:%Y-%m}"}, headers={"accept-language": "en"}
    )
    assert "Cases logged this month: 4 (last month: 2, +2 on last month)." in response.text


def test_the_reports_page_offers_the_ledger_and_summary_of_the_chosen_month(org, as_user):
    response = as_user(org.secretary_a).get(reverse("reports:index"), {"month": "2026-03"})
    assert response.status_code == 200
    assert f"{reverse('reports:ledger')}?month=2026-03&amp;committee={org.a.pk}" in response.text


def test_the_months_logged_come_from_the_rollup_as_the_cases_count_them(org, month, as_user, settings):
    """The cases logged per category, read from the rollup, are what counting the cases gives, for
    a reader who sees every sensitive case and for one who sees only their own."""
    before = add_months(month, -1)
    secret = h.category("t-secret", "家事", "Family", 3)
    h.case(org.a, created_by=org.secretary_a, created=month, cat=secret, sensitive=True)  # not the worker's
    h.case(org.a, created_by=org.worker_a, created=before, cat=secret, sensitive=True)  # theirs: counted live
    chosen = {"month": f"{month:%Y-%m}"}

    def logged(user) -> list:
        return as_user(user).get(reverse("reports:summary"), chosen).context["sections"][0].table

    for user, family in ((org.secretary_a, ["家事", 1, 1, "0"]), (org.worker_a, ["家事", 0, 1, "−1"])):
        settings.REPORTS_ROLLUP = True
        by_rollup = logged(user)
        settings.REPORTS_ROLLUP = False
        assert by_rollup == logged(user), user
        assert family in by_rollup and ["排水", 3, 1, "+2"] in by_rollup


def test_calls_are_counted_by_case_at_each_cases_latest_call(org, as_user):
    """A case called twice in the month (满意, then 基本满意 on purpose: 再次回访) is one case called,
    judged by its latest answer, as the dashboard counts it; the calls themselves are said apart.
    "回访 3 次" beside two cases read as three called."""
    first = add_months(timezone.localdate().replace(day=1), -1)
    worker = Access(org.worker_a)
    called = []
    for title in ("地漏返水", "路灯不亮"):
        resolved = h.case(
            org.a,
            created_by=org.worker_a,
            created=first,
            status=Case.Status.RESOLVED,
            resolved=first + dt.timedelta(days=2),
            assignee=org.worker_a,
            title=title,
        )
        called.append(resolved)
    twice, once = called
    on = first + dt.timedelta(days=3)
    services.record_follow_up(access=worker, case=twice, satisfaction="satisfied", called_on=on)
    services.record_follow_up(access=worker, case=twice, satisfaction="not_satisfied", called_on=on)
    services.record_follow_up(access=worker, case=once, satisfaction="mostly", called_on=on)
    chosen = {"month": f"{first:%Y-%m}"}
    resolved = as_user(org.secretary_a).get(reverse("reports:summary"), chosen).context["sections"][1]
    assert resolved.paragraphs[1] == (
        "本月回访事项：2 件；按最近一次回访，满意或基本满意：1 件（50%）。"
        "共回访 3 次（同一事项再次回访只按最近一次计）。"
    )
    english = as_user(org.secretary_a).get(
        reverse("reports:summary"), chosen, headers={"accept-language": "en"}
    )
    assert (
        "Cases called back this month: 2; satisfied or mostly satisfied at their latest call: 1 (50%). "
        "Calls made: 3 (a case called again counts once, by its latest call)."
    ) in english.text


@pytest.mark.parametrize(
    ("paid", "said", "amounts"),
    [
        ([], "本月新申请救助（按申请日期）：0 件；本月发放（按发放日期）：无。", None),
        (
            [("goods", "0")],
            "本月新申请救助（按申请日期）：1 件；本月发放（按发放日期，含以前月份的申请）：1 件，均为实物。",
            [["物资", 1, "实物"]],
        ),
        (
            [("goods", "0"), ("subsidy", "800.00")],
            "本月新申请救助（按申请日期）：2 件；本月发放（按发放日期，含以前月份的申请）：2 件，"
            "其中实物 1 件，现金合计 ¥800.00。",
            [["民政补助", 1, "800.00"], ["物资", 1, "实物"]],
        ),
        (
            [("subsidy", "800.00")],
            "本月新申请救助（按申请日期）：1 件；本月发放（按发放日期，含以前月份的申请）："
            "1 件，合计 ¥800.00。",
            [["民政补助", 1, "800.00"]],
        ),
    ],
)
def test_aid_in_kind_is_counted_not_summed_as_money(org, as_user, paid, said, amounts):
    """Goods given with no amount read "合计 ¥0.00", as if nothing was given."""
    first = add_months(timezone.localdate().replace(day=1), -1)
    case = h.case(org.a, created_by=org.secretary_a, created=first, assignee=org.worker_a)
    for kind, amount in paid:
        h.aid(case, applied=first, paid=first + dt.timedelta(days=1), amount=amount, kind=kind)
    response = as_user(org.secretary_a).get(reverse("reports:summary"), {"month": f"{first:%Y-%m}"})
    aid = {s.title: s for s in response.context["sections"]}["救助"]
    assert aid.paragraphs == [said]
    assert "¥0.00" not in response.text
    if amounts:
        assert sorted(aid.table) == sorted(amounts)
    assert not Aid.all_objects.exclude(case=case).exists()
