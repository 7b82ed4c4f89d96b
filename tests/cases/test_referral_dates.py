"""A referral's dates lie in their ranges (Referral.check_dates): sent from the day its case was
logged to today, a reply expected from the day it was sent to two years after, a reply come from the
day it was sent to today. On the case page (plain and htmx), through the services and in the admin.
Refused, the date's words stand by its field, nothing is saved and what was typed stays in the form;
an admin correction that leaves an old date outside its range as it is still saves.

Every date here is counted from today or from the day a case was logged: the tests read the same in
2027 and after."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Aid, Case, CaseEvent, OutsideBody, Referral
from committee.access import Access
from tests.cases.page_text import field_of, text_of
from tests.factories import admin_form_data, logged_on, make_case

D = datetime.date
DAY = datetime.timedelta(days=1)


def _latest(day: D) -> D:
    return Referral.reply_expected_range(day)[1]


def _body() -> OutsideBody:
    return OutsideBody.objects.filter(active=True).first()


def _case(org, days_ago: int) -> Case:
    return make_case(
        org.worker_a, org.a, assignee=org.worker_a, at=logged_on(timezone.localdate() - days_ago * DAY)
    )


# --- The ranges -----------------------------------------------------------------------------------------


def test_the_ranges_run_from_the_case_to_today_and_two_years_after_the_day_sent():
    assert Referral.sent_on_range(logged_on=D(2026, 12, 1), today=D(2026, 12, 7)) == (
        D(2026, 12, 1),
        D(2026, 12, 7),
    )
    assert Referral.reply_expected_range(D(2026, 12, 7)) == (D(2026, 12, 7), D(2028, 12, 7))
    assert Referral.reply_expected_range(D(2028, 2, 29)) == (D(2028, 2, 29), D(2030, 2, 28))
    # A stored 9999-12-31 is compared, not a crash (an admin correcting another of its dates).
    assert Referral.reply_expected_range(D(9999, 12, 31)) == (D(9999, 12, 31), D.max)
    assert Referral.replied_on_range(sent_on=D(2026, 12, 1), today=D(2026, 12, 7)) == (
        D(2026, 12, 1),
        D(2026, 12, 7),
    )


# --- Referring a case -----------------------------------------------------------------------------------

LOGGED_DAYS_AGO = 10


def _refusals(logged: D, today: D) -> list[tuple[str, dict, str, str]]:
    """(id, the form's dates, the Chinese words, the English words), each by the field they stand by."""
    sent = today - DAY
    return [
        (
            "sent before the case",
            {"sent_on": logged - DAY},
            f"转办日期不能早于事项登记的日期（{logged}）。",
            f"A referral cannot be sent before the day the case was logged ({logged}).",
        ),
        (
            "sent in year 1",
            {"sent_on": D(1, 1, 1)},
            f"转办日期不能早于事项登记的日期（{logged}）。",
            f"A referral cannot be sent before the day the case was logged ({logged}).",
        ),
        (
            "sent tomorrow",
            {"sent_on": today + DAY},
            f"转办日期不能晚于今天（{today}）。",
            f"A referral cannot be sent later than today ({today}).",
        ),
        (
            "sent in 9999",
            {"sent_on": D(9999, 12, 31)},
            f"转办日期不能晚于今天（{today}）。",
            f"A referral cannot be sent later than today ({today}).",
        ),
        (
            "expected before sent",
            {"sent_on": sent, "reply_expected_by": sent - DAY},
            f"预计答复日期不能早于转办日期（{sent}）。",
            f"The reply cannot be expected before the day the referral was sent ({sent}).",
        ),
        (
            "expected two years and a day after",
            {"sent_on": sent, "reply_expected_by": _latest(sent) + DAY},
            f"预计答复日期不能晚于转办后两年（最晚 {_latest(sent)}）。",
            "The reply can be expected at most two years after the day the referral was sent"
            f" ({_latest(sent)} at the latest).",
        ),
        (
            "expected in 9999",
            {"sent_on": sent, "reply_expected_by": D(9999, 12, 31)},
            f"预计答复日期不能晚于转办后两年（最晚 {_latest(sent)}）。",
            "The reply can be expected at most two years after the day the referral was sent"
            f" ({_latest(sent)} at the latest).",
        ),
    ]


REFUSALS = [r[0] for r in _refusals(D(2026, 1, 10), D(2026, 1, 20))]


@pytest.mark.parametrize("which", REFUSALS)
def test_a_referral_with_a_date_out_of_range_is_refused_in_both_languages(org, as_user, which):
    today = timezone.localdate()
    logged = today - LOGGED_DAYS_AGO * DAY
    _, dates, chinese, english = next(r for r in _refusals(logged, today) if r[0] == which)
    case = _case(org, LOGGED_DAYS_AGO)
    form = {"body": str(_body().pk), "their_reference": "ZH1234", "text": "请物业疏通"}
    form |= {name: day.isoformat() for name, day in dates.items()}
    (field,) = [name for name in dates if name == "reply_expected_by"] or ["sent_on"]
    before = (case.status, case.version)
    client = as_user(org.worker_a)
    url = reverse("cases:refer", args=[case.pk])
    page = client.post(url, form).content.decode()
    assert chinese in text_of(field_of(page, field))
    assert "没有保存，请修改下面标出的内容。" in page and "转办已记录。" not in page
    # The form is open again with what was typed.
    assert '<details class="action" open><summary>转办外部单位</summary>' in page
    assert 'value="ZH1234"' in field_of(page, "their_reference")
    assert f'value="{form[field]}"' in field_of(page, field)
    response = client.post(url, form, headers={"accept-language": "en"})
    assert response.status_code == 200 and english in text_of(field_of(response.content.decode(), field))
    assert not Referral.all_objects.exists()
    case.refresh_from_db()
    assert (case.status, case.version) == before
    assert not CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.REFERRAL_SENT).exists()


def test_an_htmx_referral_sent_tomorrow_is_refused_on_its_field(org, as_user):
    today = timezone.localdate()
    case = _case(org, 3)
    form = {"body": str(_body().pk), "sent_on": (today + DAY).isoformat()}
    response = as_user(org.worker_a).post(
        reverse("cases:refer", args=[case.pk]), form, headers={"hx-request": "true"}
    )
    assert response.status_code == 200
    assert f"转办日期不能晚于今天（{today}）。" in text_of(field_of(response.content.decode(), "sent_on"))
    assert not Referral.all_objects.exists()


def test_a_referral_may_be_sent_the_day_the_case_was_logged_or_today_with_both_edges_of_its_reply(
    org, as_user
):
    today = timezone.localdate()
    logged = today - LOGGED_DAYS_AGO * DAY
    case = _case(org, LOGGED_DAYS_AGO)
    client = as_user(org.worker_a)
    for sent, expected in ((logged, logged), (today, _latest(today))):
        form = {
            "body": str(_body().pk),
            "sent_on": sent.isoformat(),
            "reply_expected_by": expected.isoformat(),
        }
        response = client.post(reverse("cases:refer", args=[case.pk]), form, follow=True)
        assert "转办已记录。" in response.content.decode()
    rows = list(
        Referral.all_objects.filter(case=case).order_by("pk").values_list("sent_on", "reply_expected_by")
    )
    assert rows == [(logged, logged), (today, _latest(today))]


def test_the_service_counts_from_the_day_the_case_was_logged_and_the_day_it_is_recorded(org):
    """A referral recorded at another time (the demo writes a year of history): its own `today`."""
    today = timezone.localdate()
    case = _case(org, 400)
    access = Access(org.worker_a)
    at = logged_on(today - 300 * DAY)
    with pytest.raises(ValidationError) as refused:
        services.refer(access=access, case=case, body=_body(), sent_on=today - 299 * DAY, at=at)
    assert set(refused.value.message_dict) == {"sent_on"}  # after that day's today
    with pytest.raises(ValidationError) as refused:
        services.refer(access=access, case=case, body=_body(), sent_on=today - 401 * DAY)
    assert set(refused.value.message_dict) == {"sent_on"}
    referral = services.refer(access=access, case=case, body=_body(), at=at)  # sent that day
    assert referral.sent_on == today - 300 * DAY
    assert Referral.all_objects.count() == 1


def test_only_the_wrong_day_is_flagged_not_the_good_ones_measured_from_it():
    """Sent 0001-01-01 with a reply expected in a fortnight: the reply's day was refused too, "at most
    two years after sending (0003-01-01)", and the worker thought both were wrong."""
    today = timezone.localdate()
    for sent in (D(1, 1, 1), today + DAY):
        with pytest.raises(ValidationError) as refused:
            Referral.check_dates(
                logged_on=today - 10 * DAY, today=today, sent_on=sent, reply_expected_by=today + 14 * DAY
            )
        assert set(refused.value.message_dict) == {"sent_on"}
    with pytest.raises(ValidationError) as refused:
        Aid.check_dates(logged_on=today - 10 * DAY, today=today, applied_on=D(9999, 12, 31), paid_on=today)
    assert set(refused.value.message_dict) == {"applied_on"}


# --- Recording a reply ----------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["before sent", "tomorrow", "year 1", "year 9999"])
def test_a_reply_dated_out_of_range_is_refused_in_both_languages(org, as_user, which):
    today = timezone.localdate()
    case = _case(org, 10)
    sent = today - 5 * DAY
    referral = services.refer(access=Access(org.worker_a), case=case, body=_body(), sent_on=sent)
    typed, chinese, english = {
        "before sent": (
            sent - DAY,
            f"答复日期不能早于转办日期（{sent}）。",
            f"before the day the referral was sent ({sent}).",
        ),
        "year 1": (
            D(1, 1, 1),
            f"答复日期不能早于转办日期（{sent}）。",
            f"before the day the referral was sent ({sent}).",
        ),
        "tomorrow": (today + DAY, f"答复日期不能晚于今天（{today}）。", f"later than today ({today})."),
        "year 9999": (D(9999, 12, 31), f"答复日期不能晚于今天（{today}）。", f"later than today ({today})."),
    }[which]
    client = as_user(org.worker_a)
    url = reverse("cases:reply", args=[referral.pk])
    form = {"replied_on": typed.isoformat(), "reply": "已派人疏通", "outcome": "已处理"}
    page = client.post(url, form).content.decode()
    assert chinese in text_of(field_of(page, "replied_on"))
    assert '<details class="action" open><summary>记录答复</summary>' in page
    assert "已派人疏通</textarea>" in field_of(page, "reply")
    english_page = client.post(url, form, headers={"accept-language": "en"}).content.decode()
    assert f"The reply cannot have come {english}" in text_of(field_of(english_page, "replied_on"))
    referral.refresh_from_db()
    assert (referral.replied_on, referral.reply) == (None, "")
    assert not CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.REPLY).exists()
    case.refresh_from_db()
    assert case.status == Case.Status.WAITING


def test_a_reply_may_come_the_day_the_referral_was_sent_or_today(org, as_user):
    today = timezone.localdate()
    case = _case(org, 10)
    client = as_user(org.worker_a)
    for replied in (today - 4 * DAY, today):
        referral = services.refer(
            access=Access(org.worker_a), case=case, body=_body(), sent_on=today - 4 * DAY
        )
        form = {"replied_on": replied.isoformat(), "reply": "已派人疏通"}
        response = client.post(reverse("cases:reply", args=[referral.pk]), form, follow=True)
        assert "答复已记录。" in response.content.decode()
        referral.refresh_from_db()
        assert referral.replied_on == replied


# --- The admin ------------------------------------------------------------------------------------------


def _inline(data: dict, **dates) -> dict:
    return {**data, **{f"referrals-0-{name}": [value] for name, value in dates.items()}}


def test_the_admin_refuses_a_corrected_date_out_of_range_and_keeps_an_old_one(org, as_user):
    today = timezone.localdate()
    logged = today - 5 * DAY
    case = make_case(org.worker_a, org.a, assignee=org.worker_a, at=logged_on(logged))
    referral = services.refer(access=Access(org.worker_a), case=case, body=_body(), sent_on=logged)
    client = as_user(org.superuser)
    url = reverse("admin:cases_case_change", args=[case.pk])
    data = admin_form_data(client.get(url).text)
    for dates, words in (
        ({"sent_on": (logged - DAY).isoformat()}, f"转办日期不能早于事项登记的日期（{logged}）。"),
        ({"sent_on": (today + DAY).isoformat()}, f"转办日期不能晚于今天（{today}）。"),
        ({"reply_expected_by": "9999-12-31"}, f"预计答复日期不能晚于转办后两年（最晚 {_latest(logged)}）。"),
        ({"replied_on": (logged - DAY).isoformat()}, f"答复日期不能早于转办日期（{logged}）。"),
    ):
        response = client.post(url, {**_inline(data, **dates), "title": ["改过的标题"]})
        assert response.status_code == 200 and words in text_of(response.text), dates
        case.refresh_from_db()
        referral.refresh_from_db()
        assert (case.title, referral.sent_on, referral.reply_expected_by) == ("楼道积水", logged, None)
    # Dates stored before the rule, left as they are: the rest of the correction saves.
    Referral.all_objects.filter(pk=referral.pk).update(sent_on=D(1, 1, 1), reply_expected_by=D(9999, 12, 31))
    data = admin_form_data(client.get(url).text)  # the dates posted back as the admin shows them
    assert (
        client.post(url, {**_inline(data, their_reference="ZH9"), "title": ["改过的标题"]}).status_code == 302
    )
    referral.refresh_from_db()
    assert (referral.their_reference, referral.sent_on, referral.reply_expected_by) == (
        "ZH9",
        D(1, 1, 1),
        D(9999, 12, 31),
    )


def test_a_referral_sent_today_reads_sent_today_not_zero_days(org, as_user):
    case = _case(org, 10)
    access = Access(org.worker_a)
    services.refer(access=access, case=case, body=_body(), sent_on=timezone.localdate())
    services.refer(access=access, case=case, body=_body(), sent_on=timezone.localdate() - 3 * DAY)
    page = text_of(as_user(org.worker_a).get(reverse("cases:detail", args=[case.pk])).content.decode())
    assert "今天转办" in page and "已转办 3 天" in page and "已转办 0 天" not in page
