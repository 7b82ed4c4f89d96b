"""A follow-up call's day lies from the day the case was resolved to today (FollowUp.check_called_on):
on the case page (plain and htmx), through the service and in the admin. Refused, the words stand by
the day's field, nothing is saved (no call, no event, the case neither closed nor reopened) and what
was typed stays in the form; an admin correction that leaves an old day as it is still saves.

Every date here is counted from today: the tests read the same in 2027 and after."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case, CaseEvent, FollowUp
from cases.rules import Action
from committee.access import Access
from tests.cases.page_text import field_of, text_of
from tests.factories import admin_form_data, logged_on, make_case

D = datetime.date
DAY = datetime.timedelta(days=1)
LOGGED_DAYS_AGO, RESOLVED_DAYS_AGO = 10, 4


def _resolved(
    org, logged_days_ago: int = LOGGED_DAYS_AGO, resolved_days_ago: int = RESOLVED_DAYS_AGO
) -> Case:
    """A case of worker A logged and resolved that many days ago."""
    today = timezone.localdate()
    case = make_case(org.worker_a, org.a, assignee=org.worker_a, at=logged_on(today - logged_days_ago * DAY))
    services.transition(
        access=Access(org.worker_a),
        case=case,
        action=Action.RESOLVE,
        text="已疏通",
        at=logged_on(today - resolved_days_ago * DAY, 15),
    )
    return Case.all_objects.get(pk=case.pk)


def test_the_range_runs_from_the_resolution_to_today():
    assert FollowUp.called_on_range(after=D(2026, 12, 1), today=D(2026, 12, 7)) == (
        D(2026, 12, 1),
        D(2026, 12, 7),
    )
    # A resolution stored in the future (from before the rules) leaves today open.
    assert FollowUp.called_on_range(after=D(2026, 12, 9), today=D(2026, 12, 7)) == (
        D(2026, 12, 7),
        D(2026, 12, 7),
    )


def _refusal(which: str, resolved: D, today: D) -> tuple[D, str, str]:
    """(the day typed, the Chinese words, the English words)."""
    early = (
        f"回访日期不能早于办结日期（{resolved}）。",
        f"earlier than the day the case was resolved ({resolved}).",
    )
    late = (f"回访日期不能晚于今天（{today}）。", f"later than today ({today}).")
    return {
        "the day before it was resolved": (resolved - DAY, *early),
        "year 1": (D(1, 1, 1), *early),
        "tomorrow": (today + DAY, *late),
        "year 9999": (D(9999, 12, 31), *late),
    }[which]


@pytest.mark.parametrize("which", ["the day before it was resolved", "year 1", "tomorrow", "year 9999"])
def test_a_call_dated_out_of_range_is_refused_in_both_languages_and_nothing_is_saved(org, as_user, which):
    today = timezone.localdate()
    resolved = today - RESOLVED_DAYS_AGO * DAY
    typed, chinese, english = _refusal(which, resolved, today)
    case = _resolved(org)
    before = (case.status, case.satisfaction, case.version)
    form = {
        "called_on": typed.isoformat(),
        "satisfaction": "not_satisfied",  # refused, it reopens nothing either
        "comment": "楼下还有点渗水",
        "version": str(case.version),
    }
    client = as_user(org.worker_a)
    url = reverse("cases:follow_up", args=[case.pk])
    response = client.post(url, form)
    page = response.content.decode()
    assert response.status_code == 200
    assert chinese in text_of(field_of(page, "called_on"))
    assert "没有保存，请修改下面标出的内容。" in page and "回访已记录" not in page
    # The form as typed: the day, the satisfaction ticked, the comment.
    assert f'value="{typed.isoformat()}"' in field_of(page, "called_on")
    assert "楼下还有点渗水</textarea>" in field_of(page, "comment")
    assert re.search(r'<input type="radio" name="satisfaction" value="not_satisfied"[^>]* checked>', page)
    english_page = client.post(url, form, headers={"accept-language": "en"}).content.decode()
    assert f"The follow-up call cannot be {english}" in text_of(field_of(english_page, "called_on"))
    assert not FollowUp.all_objects.exists()
    assert not CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.FOLLOW_UP).exists()
    case.refresh_from_db()
    assert (case.status, case.satisfaction, case.version) == before


def test_an_htmx_call_dated_tomorrow_is_refused_on_its_field(org, as_user):
    today = timezone.localdate()
    case = _resolved(org)
    form = {"called_on": (today + DAY).isoformat(), "satisfaction": "satisfied", "version": str(case.version)}
    response = as_user(org.worker_a).post(
        reverse("cases:follow_up", args=[case.pk]), form, headers={"hx-request": "true"}
    )
    assert response.status_code == 200
    assert f"回访日期不能晚于今天（{today}）。" in text_of(field_of(response.content.decode(), "called_on"))
    assert not FollowUp.all_objects.exists()


def test_a_call_may_be_made_the_day_the_case_was_resolved_or_today(org, as_user):
    today = timezone.localdate()
    resolved = today - RESOLVED_DAYS_AGO * DAY
    client = as_user(org.worker_a)
    for called in (resolved, today):
        case = _resolved(org)
        form = {"called_on": called.isoformat(), "satisfaction": "satisfied", "version": str(case.version)}
        response = client.post(reverse("cases:follow_up", args=[case.pk]), form, follow=True)
        assert "回访已记录。" in response.content.decode()
        assert list(FollowUp.all_objects.filter(case=case).values_list("called_on", flat=True)) == [called]


def test_a_call_after_a_second_resolution_counts_from_the_last(org):
    """Not satisfied reopens; the case resolved again is asked about the new resolution."""
    today = timezone.localdate()
    case = _resolved(org, 10, 8)
    worker = Access(org.worker_a)
    services.record_follow_up(
        access=worker, case=case, satisfaction="not_satisfied", called_on=today - 7 * DAY
    )
    services.transition(
        access=worker, case=case, action=Action.RESOLVE, text="再次疏通", at=logged_on(today - 2 * DAY, 15)
    )
    with pytest.raises(ValidationError) as refused:
        services.record_follow_up(
            access=worker, case=case, satisfaction="satisfied", called_on=today - 3 * DAY
        )
    assert refused.value.message_dict == {"called_on": [f"回访日期不能早于办结日期（{today - 2 * DAY}）。"]}
    services.record_follow_up(access=worker, case=case, satisfaction="satisfied", called_on=today - 2 * DAY)
    assert Case.all_objects.get(pk=case.pk).satisfaction == "satisfied"


def test_the_service_counts_from_the_day_it_is_recorded(org):
    """A call recorded at another time (the demo writes a year of history): its own today."""
    today = timezone.localdate()
    case = _resolved(org, 10, 6)
    worker = Access(org.worker_a)
    at = logged_on(today - 3 * DAY, 16)
    with pytest.raises(ValidationError) as refused:
        services.record_follow_up(
            access=worker, case=case, satisfaction="satisfied", called_on=today - 2 * DAY, at=at
        )
    assert set(refused.value.message_dict) == {"called_on"}  # after that day's today
    call = services.record_follow_up(access=worker, case=case, satisfaction="satisfied", at=at)
    assert call.called_on == today - 3 * DAY


# --- The admin ------------------------------------------------------------------------------------------


def test_the_admin_refuses_a_corrected_day_out_of_range_and_keeps_an_old_one(org, as_user):
    today = timezone.localdate()
    logged = today - LOGGED_DAYS_AGO * DAY
    case = _resolved(org)
    call = services.record_follow_up(access=Access(org.worker_a), case=case, satisfaction="satisfied")
    client = as_user(org.superuser)
    url = reverse("admin:cases_case_change", args=[case.pk])
    data = admin_form_data(client.get(url).text)
    for day, words in (
        # Measured from the day logged here: only the last resolution is kept, and an older call
        # (before a reopening) followed an earlier one.
        (logged - DAY, f"回访日期不能早于事项登记的日期（{logged}）。"),
        (today + DAY, f"回访日期不能晚于今天（{today}）。"),
    ):
        response = client.post(
            url, {**data, "follow_ups-0-called_on": [day.isoformat()], "title": ["改过的标题"]}
        )
        assert response.status_code == 200 and words in text_of(response.text), day
        case.refresh_from_db()
        call.refresh_from_db()
        assert (case.title, call.called_on) == ("楼道积水", today)
    assert client.post(url, {**data, "follow_ups-0-called_on": [logged.isoformat()]}).status_code == 302
    call.refresh_from_db()
    assert call.called_on == logged  # the edge
    # A day stored before the rule, left as it is: the rest of the correction saves.
    FollowUp.all_objects.filter(pk=call.pk).update(called_on=D(1, 1, 1))
    data = admin_form_data(client.get(url).text)
    response = client.post(url, {**data, "follow_ups-0-comment": ["电话回访，满意"]})
    assert response.status_code == 302
    call.refresh_from_db()
    assert (call.comment, call.called_on) == ("电话回访，满意", D(1, 1, 1))


def test_the_calls_form_is_open_until_the_call_is_recorded(org, as_user):
    """Once called, the case waits for the secretary to close it: a blank form left open read as
    "not yet called"."""
    case = _resolved(org)
    url = reverse("cases:detail", args=[case.pk])
    opened = '<details class="action" open><summary>记录电话回访</summary>'
    assert opened in as_user(org.worker_a).get(url).content.decode()
    form = {
        "version": case.version,
        "called_on": timezone.localdate().isoformat(),
        "satisfaction": "satisfied",
    }
    assert as_user(org.worker_a).post(reverse("cases:follow_up", args=[case.pk]), form).status_code == 302
    page = as_user(org.worker_a).get(url).content.decode()
    # A second call still possible, on purpose: 再次回访, folded away (tests/cases/test_follow_up_again.py).
    assert '<details class="action"><summary>再次回访</summary>' in page and "记录电话回访" not in page
