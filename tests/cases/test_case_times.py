"""When a case was logged, resolved and closed, as an administrator corrects them in the admin
(Case.check_times): logged within the year of the case's number and not after today, resolved from
the day logged to today, closed from the day resolved (or logged) to today. Refused, the words
stand by the field and nothing is saved; times stored before the rule and left as they are still
save with the rest of a correction.

Every date here is counted from today: the tests read the same in 2027 and after."""

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case
from cases.rules import Action
from committee.access import Access
from tests.cases.page_text import text_of
from tests.factories import admin_form_data, logged_on, make_case

D = datetime.date
DAY = datetime.timedelta(days=1)


def test_the_times_are_checked_by_their_local_days():
    kept = {"year": 2026, "today": D(2026, 12, 7)}
    at = logged_on  # Shanghai time
    Case.check_times(created_at=at(D(2026, 1, 1), 0), resolved_at=at(D(2026, 1, 1)), closed_at=None, **kept)
    Case.check_times(
        created_at=at(D(2026, 12, 7), 23), resolved_at=None, closed_at=at(D(2026, 12, 7)), **kept
    )
    with pytest.raises(ValidationError) as refused:
        Case.check_times(created_at=at(D(2025, 12, 31), 23), resolved_at=None, closed_at=None, **kept)
    assert set(refused.value.message_dict) == {"created_at"}
    with pytest.raises(ValidationError) as refused:  # a closing before the resolution, and after today
        Case.check_times(
            created_at=at(D(2026, 3, 1)), resolved_at=at(D(2026, 3, 5)), closed_at=at(D(2026, 3, 4)), **kept
        )
    assert set(refused.value.message_dict) == {"closed_at"}
    # Only what a correction changes is checked: a logging day of another year, left as it is.
    Case.check_times(
        created_at=at(D(1999, 6, 1)),
        resolved_at=at(D(2026, 3, 5)),
        closed_at=None,
        changed={"closed_at"},
        **kept,
    )


def _case(org, days_ago: int = 10) -> Case:
    """A case of worker A logged that many days ago (in this year, or the last: its number's)."""
    return make_case(
        org.worker_a, org.a, assignee=org.worker_a, at=logged_on(timezone.localdate() - days_ago * DAY)
    )


def _times(data: dict, **days: D) -> dict:
    """The admin's form with these days in the date half of their fields (the time kept)."""
    return {**data, **{f"{name}_0": [day.isoformat()] for name, day in days.items()}, "title": ["改过的标题"]}


def test_the_admin_refuses_a_logging_day_outside_its_numbers_year_or_after_today(org, as_user):
    today = timezone.localdate()
    case = _case(org)
    first = D(case.year, 1, 1)
    latest = min(D(case.year, 12, 31), today)
    client = as_user(org.superuser)
    url = reverse("admin:cases_case_change", args=[case.pk])
    data = admin_form_data(client.get(url).text)
    for day, words in (
        (first - DAY, f"登记时间不能早于 {first}：事项编号是这一年的。"),
        (D(1, 1, 2), f"登记时间不能早于 {first}：事项编号是这一年的。"),
        (latest + DAY, f"登记时间不能晚于 {latest}（今天，或事项编号所属年份的最后一天）。"),
    ):
        response = client.post(url, _times(data, created_at=day))
        assert response.status_code == 200 and words in text_of(response.text), day
        assert Case.all_objects.get(pk=case.pk).title == "楼道积水"
    english = client.post(url, _times(data, created_at=first - DAY), headers={"accept-language": "en"})
    words = f"The day logged cannot be earlier than {first}: the case's number is of that year."
    assert words in html.unescape(text_of(english.text))
    # The first day of its number's year is a correction it takes.
    assert client.post(url, _times(data, created_at=first)).status_code == 302
    assert timezone.localdate(Case.all_objects.get(pk=case.pk).created_at) == first


def test_the_admin_refuses_a_resolution_or_closing_out_of_order(org, as_user):
    today = timezone.localdate()
    logged = today - 10 * DAY
    case = _case(org)
    services.transition(
        access=Access(org.worker_a),
        case=case,
        action=Action.RESOLVE,
        text="已疏通",
        at=logged_on(today - 4 * DAY),
    )
    services.transition(
        access=Access(org.secretary_a),
        case=case,
        action=Action.REOPEN,
        text="又堵了",
        at=logged_on(today - 3 * DAY),
    )
    services.transition(
        access=Access(org.worker_a),
        case=case,
        action=Action.RESOLVE,
        text="再次疏通",
        at=logged_on(today - 2 * DAY),
    )
    Case.all_objects.filter(pk=case.pk).update(closed_at=logged_on(today - DAY))  # as the data might hold
    resolved = today - 2 * DAY
    client = as_user(org.superuser)
    url = reverse("admin:cases_case_change", args=[case.pk])
    data = admin_form_data(client.get(url).text)
    for days, words in (
        ({"resolved_at": logged - DAY}, f"办结时间不能早于事项登记的日期（{logged}）。"),
        ({"resolved_at": today + DAY}, f"办结时间不能晚于今天（{today}）。"),
        ({"closed_at": resolved - DAY}, f"结案时间不能早于办结日期（{resolved}）。"),
        ({"closed_at": D(9999, 12, 30)}, f"结案时间不能晚于今天（{today}）。"),
        # A resolution moved after the closing: the closing is measured again.
        ({"resolved_at": today}, f"结案时间不能早于办结日期（{today}）。"),
    ):
        response = client.post(url, _times(data, **days))
        assert response.status_code == 200 and words in text_of(response.text), days
        fresh = Case.all_objects.get(pk=case.pk)
        assert (fresh.title, timezone.localdate(fresh.resolved_at)) == ("楼道积水", resolved)
    # The edges: resolved the day logged, closed the same day.
    assert client.post(url, _times(data, resolved_at=logged, closed_at=logged)).status_code == 302
    fresh = Case.all_objects.get(pk=case.pk)
    assert (timezone.localdate(fresh.resolved_at), timezone.localdate(fresh.closed_at)) == (logged, logged)


def test_times_stored_out_of_range_and_left_as_they_are_still_save(org, as_user):
    case = _case(org)
    stored = {"created_at": logged_on(D(1999, 6, 1)), "resolved_at": logged_on(D(1999, 5, 1))}
    Case.all_objects.filter(pk=case.pk).update(**stored)
    client = as_user(org.superuser)
    url = reverse("admin:cases_case_change", args=[case.pk])
    data = admin_form_data(client.get(url).text)
    assert client.post(url, {**data, "title": ["改过的标题"]}).status_code == 302
    fresh = Case.all_objects.get(pk=case.pk)
    assert (fresh.title, fresh.created_at, fresh.resolved_at) == ("改过的标题", *stored.values())
    # Closed today, in the same correction: only the closing is checked (after its resolution).
    today = timezone.localdate()
    closing = {"closed_at_0": [today.isoformat()], "closed_at_1": ["08:30:00"]}
    assert client.post(url, {**admin_form_data(client.get(url).text), **closing}).status_code == 302
    fresh = Case.all_objects.get(pk=case.pk)
    assert (timezone.localdate(fresh.closed_at), fresh.created_at) == (today, stored["created_at"])
