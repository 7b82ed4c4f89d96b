"""Counts of days read right for one day and for none (review 8, finding 11): "1 days" and
"0 days since referral" were said on the timeline and in the case rows."""

import datetime

from django.urls import reverse
from django.utils import timezone, translation

from cases import events, services
from cases.models import CaseEvent, OutsideBody
from committee.access import Access
from tests.cases.test_lists import _row_text
from tests.factories import logged_on, make_case

DAY = datetime.timedelta(days=1)


def _says(event: CaseEvent, english: str, chinese: str) -> None:
    for language, expected in (("en", english), ("zh-hans", chinese)):
        with translation.override(language):
            assert str(events.sentence(event)) == expected, language


def _last(case) -> CaseEvent:
    return CaseEvent.all_objects.filter(case=case).order_by("-pk").first()


def _referred(org, days_ago: int, **kwargs):
    """worker_a's case logged and referred to the property company `days_ago` days ago."""
    sent = timezone.localdate() - days_ago * DAY
    case = make_case(org.worker_a, org.a, assignee=org.worker_a, at=logged_on(sent))
    body = OutsideBody.objects.get(name="物业公司")
    return services.refer(access=Access(org.worker_a), case=case, body=body, sent_on=sent, **kwargs)


def test_a_chase_the_day_of_the_referral_says_the_same_day(org):
    referral = _referred(org, 0)
    services.chase(access=Access(org.worker_a), referral=referral, text="对方说在排期")
    _says(
        _last(referral.case),
        "Chased Property company (the same day as the referral).",
        "催办物业公司（转办当天）。",
    )


def test_a_chase_a_day_after_says_one_day(org):
    referral = _referred(org, 1)
    promised = timezone.localdate() + 3 * DAY
    services.chase(access=Access(org.worker_a), referral=referral, text="在排期", promised_by=promised)
    _says(
        _last(referral.case),
        f"Chased Property company (1 day since referral); they promise a reply by {promised}.",
        f"催办物业公司（转办已 1 天），对方承诺 {promised} 前答复。",
    )


def test_a_reply_one_day_late_after_one_day_says_day_twice(org):
    referral = _referred(org, 1, reply_expected_by=timezone.localdate() - DAY)
    services.record_reply(access=Access(org.worker_a), referral=referral, reply="已处理")
    _says(
        _last(referral.case),
        "Reply from Property company after 1 day, 1 day later than expected.",
        "物业公司在 1 天后答复，比预期晚 1 天。",
    )


def test_a_case_row_says_one_day_with_the_body(org, as_user):
    referral = _referred(org, 1)
    client = as_user(org.worker_a)
    number = referral.case.number
    english = _row_text(client.get(reverse("cases:list"), headers={"accept-language": "en"}).text, number)
    assert english.endswith("with Property company for 1 day")
    chinese = _row_text(
        client.get(reverse("cases:list"), headers={"accept-language": "zh-hans"}).text, number
    )
    assert chinese.endswith("在物业公司已 1 天")


def test_the_summary_says_one_working_day(org, as_user):
    """The monthly summary's median time to resolve (reports/summary.py): "1 working day"."""
    from common.workdays import is_workday
    from reports.figures import add_months
    from tests.reports import helpers as h

    first = add_months(timezone.localdate().replace(day=1), -1)
    day = next(
        first + n * DAY
        for n in range(20)
        if is_workday(first + n * DAY) and is_workday(first + (n + 1) * DAY)
    )
    h.case(org.a, created_by=org.secretary_a, created=day, status="resolved", resolved=day + DAY)
    month = {"month": f"{first:%Y-%m}"}
    client = as_user(org.secretary_a)
    english = client.get(reverse("reports:summary"), month, headers={"accept-language": "en"}).text
    assert "Median time to resolve: 1 working day." in english
    chinese = client.get(reverse("reports:summary"), month, headers={"accept-language": "zh-hans"}).text
    assert "办结用时中位数：1 个工作日。" in chinese


def test_the_dashboards_roster_says_one_day(org, as_user):
    """The dashboard's overdue visits (templates/reports/dashboard.html): "every 1 day", "1 day late"."""
    from residents.indexing import reindex_residents
    from tests.reports import helpers as h

    daily = h.care_category("t-daily", 1)
    person = h.resident(org.a, "钱二", room="202")
    person.care_categories.add(daily)
    h.visit(person, on=timezone.localdate() - 2 * DAY, by=org.worker_a)
    reindex_residents([person.pk])
    client = as_user(org.secretary_a)
    english = client.get(reverse("dashboard"), headers={"accept-language": "en"}).text
    assert "every 1 day<" in english and "1 day late<" in english
    chinese = client.get(reverse("dashboard"), headers={"accept-language": "zh-hans"}).text
    assert "逾期 1 天" in chinese
