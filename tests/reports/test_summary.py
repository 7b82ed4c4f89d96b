"""The monthly summary: words and numbers from the data, as a printable page and a .txt download."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
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
    assert "满意或基本满意：1 次（100%）" in resolved[1]
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
