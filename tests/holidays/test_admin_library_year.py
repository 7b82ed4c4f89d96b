"""A year the built-in calendar knows, entered in the admin with one day (元旦 from 31 December, as
the 2023 notice had it), starts from the calendar's days: an entered year replaced the library's
whole, so its 国庆 became working days and open cases' due dates moved (review 9, item 4)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from holidays import calendar
from holidays.models import HolidayDay, HolidayYear
from tests.cases.page_text import text_of

D = datetime.date
YEAR = 2026  # the library knows it (and Needle's year range takes it while today is in 2026 or 2027)
EN = {"accept-language": "en"}


def _add(client, rows: list[tuple[str, str, str]], headers=None):
    data = {"year": str(YEAR), "notice": "", "notice_lines": ""}
    data |= {"days-TOTAL_FORMS": str(len(rows)), "days-INITIAL_FORMS": "0", "days-MIN_NUM_FORMS": "0"}
    data["days-MAX_NUM_FORMS"] = "1000"
    for n, (day, kind, name) in enumerate(rows):
        data |= {f"days-{n}-date": day, f"days-{n}-kind": kind, f"days-{n}-name": name}
    return client.post(reverse("admin:holidays_holidayyear_add"), data, headers=headers or {}, follow=True)


@pytest.fixture(autouse=True)
def _fresh_calendar():
    if not calendar.library_knows(YEAR) or timezone.localdate().year not in (YEAR, YEAR + 1):
        pytest.skip("needs the library to know the year and the admin to take it")
    calendar.forget_entered_days()
    yield
    calendar.forget_entered_days()


@pytest.mark.parametrize(
    ("headers", "said"), [({}, "内置节假日日历已有 2026 年的安排"), (EN, "2026 is in the built-in")]
)
def test_one_day_added_to_a_library_year_keeps_the_library_days(org, as_user, headers, said):
    assert not calendar.is_workday(D(YEAR, 10, 5))  # 国庆, as the library knows it
    response = _add(as_user(org.superuser), [(f"{YEAR}-12-31", "holiday", "元旦")], headers)
    assert response.status_code == 200
    page = text_of(response.content.decode())
    assert said in page
    assert "looks incomplete" not in page and "只录入了" not in page
    schedule = HolidayYear.objects.get(year=YEAR)
    days = {day.date: (day.kind, day.name) for day in schedule.days.all()}
    assert days[D(YEAR, 12, 31)] == ("holiday", "元旦")  # the day typed
    assert days[D(YEAR, 10, 1)] == ("holiday", "国庆节")  # and the library's
    assert days[D(YEAR, 9, 20)] == ("workday", "国庆节")  # a make-up Sunday
    calendar.forget_entered_days()
    assert not calendar.is_workday(D(YEAR, 10, 5))  # still a holiday
    assert calendar.is_workday(D(YEAR, 9, 20))
    assert not calendar.is_workday(D(YEAR, 12, 31))  # the day added


def test_a_day_typed_replaces_the_librarys_for_that_day(org, as_user):
    _add(as_user(org.superuser), [(f"{YEAR}-10-08", "holiday", "国庆节"), (f"{YEAR}-10-10", "holiday", "")])
    days = {day.date: day.kind for day in HolidayDay.objects.filter(schedule__year=YEAR)}
    assert days[D(YEAR, 10, 10)] == "holiday"  # the library's make-up Saturday, typed as a day off
    assert days[D(YEAR, 10, 8)] == "holiday"
    assert HolidayDay.objects.filter(date=D(YEAR, 10, 10)).count() == 1


def test_a_year_saved_with_one_day_gets_the_librarys_days_back(org, as_user):
    """As the review's copy had it: 2026 saved before this, with 31 December alone."""
    schedule = HolidayYear.objects.create(year=YEAR)
    HolidayDay.objects.create(schedule=schedule, date=D(YEAR, 12, 31), kind="holiday", name="元旦")
    calendar.forget_entered_days()
    assert calendar.is_workday(D(YEAR, 10, 5))  # 国庆 lost
    response = as_user(org.superuser).post(
        reverse("admin:holidays_holidayyear_changelist"),
        {"action": "fill_from_library", "_selected_action": [schedule.pk]},
        follow=True,
    )
    assert "内置节假日日历已有 2026 年的安排" in text_of(response.content.decode())
    calendar.forget_entered_days()
    assert not calendar.is_workday(D(YEAR, 10, 5)) and not calendar.is_workday(D(YEAR, 12, 31))
