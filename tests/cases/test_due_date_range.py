"""A due date set by hand lies between the day its case was logged and two years after it
(Case.check_due_date): at the intake, in the case's edit form, through the services and in the
admin. Refused, the date's words stand by the due-date field, nothing is saved and what was typed
stays in the form; an edit that leaves an old date outside the range as it is still saves.

Every date here is counted from today or from the day a case was logged: the tests read the same in
2027 and after."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case, CaseCounter, CaseEvent
from committee.access import Access
from tests.cases.page_text import field_of, text_of
from tests.factories import admin_form_data, case_category, intake_post, logged_on, make_case

D = datetime.date
DAY = datetime.timedelta(days=1)


def _form(org, **extra) -> dict:
    """The intake form as a worker fills it, with a title, details and a place to keep."""
    return intake_post(
        org.a,
        **{"title": "三楼楼道积水", "description": "下雨后楼道积水，邻居反映", "place": "弄口", **extra},
    )


def _edit_form(case: Case, **extra) -> dict:
    data = {
        "title": case.title,
        "category": str(case.category_id),
        "priority": case.priority,
        "due_date": case.due_date.isoformat(),
        "place": case.place,
        "description": case.description,
        "version": str(case.version),
    }
    data.update(extra)
    return data


def _latest(day: D) -> D:
    return Case.due_date_range(day)[1]


# --- The range ------------------------------------------------------------------------------------------


def test_the_range_runs_from_the_logging_day_to_two_years_after_it():
    assert Case.due_date_range(D(2026, 12, 7)) == (D(2026, 12, 7), D(2028, 12, 7))
    assert Case.due_date_range(D(2028, 2, 29)) == (D(2028, 2, 29), D(2030, 2, 28))  # no 29 Feb in 2030


# --- Logging a case -------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["yesterday", "0001-01-01", "1900-01-01"])
def test_the_intake_refuses_a_due_date_before_today_and_keeps_what_was_typed(org, as_user, typed):
    today = timezone.localdate()
    typed = (today - DAY).isoformat() if typed == "yesterday" else typed
    response = as_user(org.worker_a).post(reverse("cases:new"), _form(org, due_date=typed))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"办理期限不能早于今天（{today}）。" in text_of(field_of(page, "due_date"))
    assert "请修改下面标出的内容。" in page
    assert not Case.all_objects.exists()
    assert not CaseCounter.objects.filter(last__gt=0).exists()  # no number taken either
    # What was typed is in the form again, the date as typed (and its section open).
    assert 'value="三楼楼道积水"' in page and "下雨后楼道积水，邻居反映</textarea>" in page
    assert 'value="弄口"' in page and f'value="{typed}"' in field_of(page, "due_date")
    assert '<details class="more" open>' in page


@pytest.mark.parametrize("typed", ["two years and a day", "9999-12-31"])
def test_the_intake_refuses_a_due_date_past_two_years_in_english_too(org, as_user, typed):
    today = timezone.localdate()
    latest = _latest(today)
    typed = (latest + DAY).isoformat() if typed == "two years and a day" else typed
    client = as_user(org.worker_a)
    response = client.post(
        reverse("cases:new"), _form(org, due_date=typed), headers={"accept-language": "en"}
    )
    assert response.status_code == 200
    words = text_of(field_of(response.content.decode(), "due_date"))
    assert f"The due date can be at most two years from today ({latest} at the latest)." in words
    chinese = client.post(reverse("cases:new"), _form(org, due_date=typed))
    assert f"办理期限不能晚于今天起两年（最晚 {latest}）。" in text_of(
        field_of(chinese.content.decode(), "due_date")
    )
    assert not Case.all_objects.exists()


def test_the_intake_accepts_today_and_two_years_from_today(org, as_user):
    today = timezone.localdate()
    client = as_user(org.worker_a)
    for token, due in (("first", today), ("last", _latest(today))):
        response = client.post(reverse("cases:new"), _form(org, due_date=due.isoformat(), token=token))
        assert response.status_code == 302
        case = Case.all_objects.get(intake_token=token)
        assert (case.due_date, case.due_workdays) == (due, None)  # set by hand: not counted again


def test_a_refused_intake_asks_for_its_photos_again(org, as_user):
    """The form was valid and the service refused the date: the photos are gone from the form, and
    the worker is told so (else the case is saved without them on the second try)."""
    from tests.factories import jpeg_upload

    yesterday = (timezone.localdate() - DAY).isoformat()
    response = as_user(org.worker_a).post(
        reverse("cases:new"), _form(org, due_date=yesterday, photos=jpeg_upload())
    )
    assert response.status_code == 200 and "请重新选择照片" in response.content.decode()


def test_the_service_counts_from_the_day_the_case_is_logged(org):
    """A case logged at another time (the demo writes a year of history): its own day, not today."""
    logged = timezone.localdate() - datetime.timedelta(days=400)
    at = logged_on(logged)
    access = Access(org.worker_a)
    with pytest.raises(ValidationError) as refused:
        services.create_case(
            access=access,
            committee=org.a,
            title="楼道积水",
            category=case_category("drainage"),
            due_date=logged - DAY,
            at=at,
        )
    assert set(refused.value.message_dict) == {"due_date"}
    with pytest.raises(ValidationError):
        make_case(org.worker_a, org.a, due_date=_latest(logged) + DAY, at=at)
    first = make_case(org.worker_a, org.a, due_date=logged, at=at)
    last = make_case(org.worker_a, org.a, due_date=_latest(logged), at=at)  # before today: still allowed
    assert (first.seq, last.seq) == (1, 2)  # a refusal takes no number
    assert not Case.all_objects.filter(due_workdays__isnull=False).exists()


# --- Editing a case -------------------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_an_edit_to_a_day_before_the_case_was_logged_is_refused_and_the_form_kept(org, as_user, htmx):
    logged = timezone.localdate() - datetime.timedelta(days=10)
    case = make_case(org.worker_a, org.a, assignee=org.worker_a, at=logged_on(logged))
    before = (case.title, case.due_date, case.version)
    form = _edit_form(case, title="楼道积水（已核实）", due_date=(logged - DAY).isoformat())
    headers = {"hx-request": "true"} if htmx else {}
    response = as_user(org.secretary_a).post(reverse("cases:edit", args=[case.pk]), form, headers=headers)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"办理期限不能早于事项登记的日期（{logged}）。" in text_of(field_of(page, "due_date"))
    assert "没有保存，请修改下面标出的内容。" in page and "修改已保存。" not in page
    # The edit form is open again with what was typed.
    assert '<details class="action" open><summary>修改事项</summary>' in page
    assert 'value="楼道积水（已核实）"' in field_of(page, "title")
    assert f'value="{logged - DAY}"' in field_of(page, "due_date")
    case.refresh_from_db()
    assert (case.title, case.due_date, case.version) == before
    assert not CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.EDITED).exists()


def test_an_edit_past_two_years_after_logging_is_refused_in_both_languages(org, as_user):
    """Two years from the day the case was logged, not from today: a case logged long ago cannot be
    given a date two years from now."""
    logged = timezone.localdate() - datetime.timedelta(days=100)
    case = make_case(org.worker_a, org.a, assignee=org.worker_a, at=logged_on(logged))
    latest = _latest(logged)
    client = as_user(org.worker_a)
    url = reverse("cases:edit", args=[case.pk])
    form = _edit_form(case, due_date=(latest + DAY).isoformat())
    english = client.post(url, form, headers={"accept-language": "en"}).content.decode()
    assert (
        f"The due date can be at most two years after the day the case was logged ({latest} at the latest)."
        in text_of(field_of(english, "due_date"))
    )
    assert "Nothing was saved: correct the marked fields below." in english
    chinese = client.post(url, {**form, "due_date": "9999-12-31"}).content.decode()
    assert f"办理期限不能晚于事项登记后两年（最晚 {latest}）。" in text_of(field_of(chinese, "due_date"))
    case.refresh_from_db()
    assert case.due_date != latest + DAY and case.version == 1


def test_an_edit_may_set_the_logging_day_or_two_years_after_it(org, as_user):
    logged = timezone.localdate() - datetime.timedelta(days=40)
    case = make_case(org.worker_a, org.a, assignee=org.worker_a, at=logged_on(logged))
    client = as_user(org.worker_a)
    for due in (logged, _latest(logged)):  # the first is past already: late, but not before the case
        case.refresh_from_db()
        response = client.post(
            reverse("cases:edit", args=[case.pk]), _edit_form(case, due_date=due.isoformat())
        )
        assert response.status_code == 302
        case.refresh_from_db()
        assert (case.due_date, case.due_workdays) == (due, None)


@pytest.mark.parametrize("stored", [D(1, 1, 1), D(9999, 12, 31)], ids=["year-1", "year-9999"])
def test_an_edit_that_leaves_an_old_date_outside_the_range_as_it_is_saves(org, as_user, stored):
    """A date saved before the rule (the smoke test's 0001-01-01, 9999-12-31) does not stop the case
    from being edited: only a date changed is checked."""
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    Case.all_objects.filter(pk=case.pk).update(due_date=stored)  # data from before the rule
    case.refresh_from_db()
    client = as_user(org.secretary_a)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert f'value="{stored.isoformat()}"' in field_of(page, "due_date")  # posted back as shown
    form = _edit_form(case, title="楼道积水（已核实）", priority="urgent")
    response = client.post(reverse("cases:edit", args=[case.pk]), form, follow=True)
    assert "修改已保存。" in response.content.decode()
    case.refresh_from_db()
    assert (case.title, case.priority, case.due_date) == ("楼道积水（已核实）", "urgent", stored)
    # The service says the same: the date given as it is is no change.
    services.edit(access=Access(org.secretary_a), case=case, changes={"due_date": stored, "title": "又改"})
    case.refresh_from_db()
    assert (case.title, case.due_date) == ("又改", stored)


# --- The admin ------------------------------------------------------------------------------------------


def test_the_admin_refuses_a_corrected_date_out_of_range_and_keeps_an_old_one(org, as_user):
    logged = timezone.localdate() - datetime.timedelta(days=5)
    case = make_case(org.worker_a, org.a, at=logged_on(logged))
    client = as_user(org.superuser)
    url = reverse("admin:cases_case_change", args=[case.pk])
    data = admin_form_data(client.get(url).text)
    for typed, words in (
        ((logged - DAY).isoformat(), f"办理期限不能早于事项登记的日期（{logged}）。"),
        ("9999-12-31", f"办理期限不能晚于事项登记后两年（最晚 {_latest(logged)}）。"),
    ):
        response = client.post(url, {**data, "due_date": [typed], "title": ["改过的标题"]})
        assert response.status_code == 200 and words in text_of(response.text)
        case.refresh_from_db()
        assert case.title == "楼道积水" and case.version == 1
    # A date stored before the rule, left as it is: the rest of the correction saves.
    Case.all_objects.filter(pk=case.pk).update(due_date=D(1, 1, 1))
    data = admin_form_data(client.get(url).text)  # the date posted back as the admin shows it
    assert client.post(url, {**data, "title": ["改过的标题"]}).status_code == 302
    case.refresh_from_db()
    assert (case.title, case.due_date) == ("改过的标题", D(1, 1, 1))


# --- What old data looks like ---------------------------------------------------------------------------


def test_an_old_date_of_year_one_reads_with_four_digits_in_the_list(org, as_user):
    """The smoke test's list read "1-01-01 到期" (strftime leaves a year under 1000 unpadded)."""
    case = make_case(org.worker_a, org.a, title="旧数据")
    Case.all_objects.filter(pk=case.pk).update(due_date=D(1, 1, 1))
    words = text_of(as_user(org.secretary_a).get(reverse("cases:list")).content.decode())
    assert "0001-01-01 到期" in words and not re.search(r"(?<![0-9])1-01-01", words)
