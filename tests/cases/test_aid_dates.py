"""Aid's dates lie in their ranges (Aid.check_dates): applied for from the day the case was logged to
today, decided and paid from the day applied for to today. On the case page, through the services
and in the admin. Refused, the words stand by the day's field (the decision's day, which the page
does not let anyone type, in the page's messages), nothing is saved and what was typed stays in the
form; an admin correction that leaves an old date as it is still saves.

Every date here is counted from today: the tests read the same in 2027 and after."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Aid, Case, CaseEvent
from committee.access import Access
from tests.cases.page_text import field_of, text_of
from tests.factories import admin_form_data, logged_on, make_case

D = datetime.date
DAY = datetime.timedelta(days=1)
LOGGED_DAYS_AGO = 10


def _hardship(org, days_ago: int = LOGGED_DAYS_AGO) -> Case:
    """A hardship case of worker A (sensitive by its category) logged that many days ago."""
    day = timezone.localdate() - days_ago * DAY
    return make_case(
        org.worker_a, org.a, title="困难家庭", code="hardship", assignee=org.worker_a, at=logged_on(day)
    )


def test_the_ranges_run_from_the_case_to_today_and_from_the_application_to_today():
    assert Aid.applied_on_range(logged_on=D(2026, 12, 1), today=D(2026, 12, 7)) == (
        D(2026, 12, 1),
        D(2026, 12, 7),
    )
    assert Aid.decided_range(applied_on=D(2026, 12, 3), today=D(2026, 12, 7)) == (
        D(2026, 12, 3),
        D(2026, 12, 7),
    )
    # An application stored in the future (from before the rule) leaves today open.
    assert Aid.decided_range(applied_on=D(9999, 12, 31), today=D(2026, 12, 7)) == (
        D(2026, 12, 7),
        D(2026, 12, 7),
    )


# --- Recording aid on the case page ---------------------------------------------------------------------


def _refusal(which: str, logged: D, today: D) -> tuple[D, str, str]:
    early = (
        f"救助申请日期不能早于事项登记的日期（{logged}）。",
        f"before the day the case was logged ({logged}).",
    )
    late = (f"救助申请日期不能晚于今天（{today}）。", f"later than today ({today}).")
    return {
        "the day before the case": (logged - DAY, *early),
        "year 1": (D(1, 1, 1), *early),
        "tomorrow": (today + DAY, *late),
        "year 9999": (D(9999, 12, 31), *late),
    }[which]


@pytest.mark.parametrize("which", ["the day before the case", "year 1", "tomorrow", "year 9999"])
def test_aid_applied_for_out_of_range_is_refused_in_both_languages_and_nothing_is_saved(org, as_user, which):
    today = timezone.localdate()
    typed, chinese, english = _refusal(which, today - LOGGED_DAYS_AGO * DAY, today)
    case = _hardship(org)
    version = case.version
    form = {
        "kind": "subsidy",
        "amount": "800",
        "status": "applied",
        "applied_on": typed.isoformat(),
        "donors": "",
        "notes": "丈夫失业，妻子重病",
    }
    client = as_user(org.worker_a)
    url = reverse("cases:aid", args=[case.pk])
    response = client.post(url, form)
    page = response.content.decode()
    assert response.status_code == 200
    assert chinese in text_of(field_of(page, "applied_on"))
    assert "没有保存，请修改下面标出的内容。" in page and "救助已记录" not in page
    assert '<details class="action" open><summary>记录救助</summary>' in page
    assert f'value="{typed.isoformat()}"' in field_of(page, "applied_on")
    assert 'value="800"' in field_of(page, "amount") and "丈夫失业，妻子重病</textarea>" in field_of(
        page, "notes"
    )
    english_page = client.post(url, form, headers={"accept-language": "en"}).content.decode()
    assert f"Aid cannot be applied for {english}" in text_of(field_of(english_page, "applied_on"))
    assert not Aid.all_objects.exists()
    assert not CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.AID).exists()
    assert Case.all_objects.get(pk=case.pk).version == version


def test_aid_may_be_applied_for_the_day_the_case_was_logged_or_today(org, as_user):
    today = timezone.localdate()
    logged = today - LOGGED_DAYS_AGO * DAY
    case = _hardship(org)
    client = as_user(org.worker_a)
    for applied in (logged, today):
        form = {"kind": "goods", "amount": "0", "status": "applied", "applied_on": applied.isoformat()}
        response = client.post(reverse("cases:aid", args=[case.pk]), form, follow=True)
        assert "救助已记录。" in response.content.decode()
    assert list(Aid.all_objects.filter(case=case).order_by("pk").values_list("applied_on", flat=True)) == [
        logged,
        today,
    ]


# --- Deciding and paying --------------------------------------------------------------------------------


def _applied(org, days_ago: int = 5) -> Aid:
    case = _hardship(org)
    day = timezone.localdate() - days_ago * DAY
    return services.add_aid(
        access=Access(org.worker_a), case=case, kind=Aid.Kind.SUBSIDY, amount=500, applied_on=day
    )


@pytest.mark.parametrize(
    ("status", "typed", "words"),
    [
        ("approved", -1, "救助审批日期不能早于申请日期（{applied}）。"),
        ("not_eligible", 1, "救助审批日期不能晚于今天（{today}）。"),
        ("paid", -1, "救助发放日期不能早于申请日期（{applied}）。"),
        ("paid", 1, "救助发放日期不能晚于今天（{today}）。"),
    ],
)
def test_a_decision_dated_out_of_range_is_refused_by_the_service(org, status, typed, words):
    today = timezone.localdate()
    aid = _applied(org)
    applied = aid.applied_on
    on = applied - DAY if typed < 0 else today + DAY
    with pytest.raises(ValidationError) as refused:
        services.update_aid(access=Access(org.secretary_a), aid=aid, status=status, on=on)
    assert refused.value.message_dict == {"on": [words.format(applied=applied, today=today)]}
    aid.refresh_from_db()
    assert (aid.status, aid.decided_on, aid.paid_on) == ("applied", None, None)


def test_aid_may_be_decided_the_day_applied_for_and_paid_today(org):
    today = timezone.localdate()
    aid = _applied(org)
    secretary = Access(org.secretary_a)
    services.update_aid(access=secretary, aid=aid, status="approved", on=aid.applied_on)
    services.update_aid(access=secretary, aid=aid, status="paid", on=today)
    aid.refresh_from_db()
    assert (aid.status, aid.decided_on, aid.paid_on) == ("paid", aid.applied_on, today)


def test_a_decision_posted_for_tomorrow_is_refused_with_its_words_and_nothing_is_saved(org, as_user):
    """The page posts today as a hidden day: a day posted by hand is the service's to refuse."""
    today = timezone.localdate()
    aid = _applied(org)
    response = as_user(org.secretary_a).post(
        reverse("cases:aid_update", args=[aid.pk]),
        {"status": "paid", "on": (today + DAY).isoformat()},
        follow=True,
    )
    assert f"救助发放日期不能晚于今天（{today}）。" in text_of(response.content.decode())
    aid.refresh_from_db()
    assert (aid.status, aid.paid_on) == ("applied", None)


# --- The admin ------------------------------------------------------------------------------------------


def test_the_admin_refuses_corrected_dates_out_of_range_and_keeps_old_ones(org, as_user):
    today = timezone.localdate()
    logged = today - LOGGED_DAYS_AGO * DAY
    aid = _applied(org)
    applied = aid.applied_on
    client = as_user(org.superuser)
    url = reverse("admin:cases_case_change", args=[aid.case_id])
    data = admin_form_data(client.get(url).text)
    for dates, words in (
        ({"applied_on": logged - DAY}, f"救助申请日期不能早于事项登记的日期（{logged}）。"),
        ({"applied_on": today + DAY}, f"救助申请日期不能晚于今天（{today}）。"),
        ({"decided_on": applied - DAY}, f"救助审批日期不能早于申请日期（{applied}）。"),
        ({"paid_on": today + DAY}, f"救助发放日期不能晚于今天（{today}）。"),
        # A day applied for moved after the decision recorded: the decision is measured again.
        ({"applied_on": today, "decided_on": applied}, f"救助审批日期不能早于申请日期（{today}）。"),
    ):
        posted = {**data, **{f"aid-0-{name}": [day.isoformat()] for name, day in dates.items()}}
        response = client.post(url, posted)
        assert response.status_code == 200 and words in text_of(response.text), dates
        aid.refresh_from_db()
        assert (aid.applied_on, aid.decided_on, aid.paid_on) == (applied, None, None)
    # Dates stored before the rule, left as they are: the rest of the correction saves.
    Aid.all_objects.filter(pk=aid.pk).update(applied_on=D(1, 1, 1), paid_on=D(9999, 12, 31))
    data = admin_form_data(client.get(url).text)
    assert client.post(url, {**data, "aid-0-notes": ["核对过"]}).status_code == 302
    aid.refresh_from_db()
    assert (aid.notes, aid.applied_on, aid.paid_on) == ("核对过", D(1, 1, 1), D(9999, 12, 31))


def test_a_worker_is_offered_only_applied_and_a_decision_typed_anyway_keeps_the_form(org, as_user):
    """Only the secretary decides aid. Offered 已发放, a worker's save was a 403 page and the
    kind, amount and notes typed were lost."""
    case = _hardship(org)
    url = reverse("cases:detail", args=[case.pk])
    statuses = field_of(as_user(org.worker_a).get(url).content.decode(), "status")
    assert 'value="applied"' in statuses and 'value="paid"' not in statuses
    assert 'value="paid"' in field_of(as_user(org.secretary_a).get(url).content.decode(), "status")
    form = {"kind": "subsidy", "amount": "800", "status": "paid", "applied_on": "", "notes": "丈夫失业"}
    response = as_user(org.worker_a).post(reverse("cases:aid", args=[case.pk]), form)
    page = response.content.decode()
    assert response.status_code == 200 and "没有保存，请修改下面标出的内容。" in page
    assert 'value="800"' in field_of(page, "amount") and "丈夫失业</textarea>" in field_of(page, "notes")
    assert not Aid.all_objects.exists()
