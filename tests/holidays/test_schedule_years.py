"""A holiday schedule is entered for a year from the first the calendar library knows (2004) to next
year (HolidayYear.check_year): the State Council announces a year's days late in the year before.
Refused in the admin with the words by the year and nothing saved; a year stored before the rule and
left as it is keeps being correctable.

The years here are counted from today: the tests read the same in 2027 and after."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from holidays import calendar
from holidays.models import FIRST_SCHEDULE_YEAR, HolidayDay, HolidayYear
from tests.cases.page_text import text_of
from tests.factories import admin_form_data

D = datetime.date


def test_the_first_year_is_the_first_the_calendar_library_knows():
    assert calendar.library_knows(FIRST_SCHEDULE_YEAR) and not calendar.library_knows(FIRST_SCHEDULE_YEAR - 1)
    assert HolidayYear.year_range(D(2026, 12, 7)) == (2004, 2027)


def _add(client, year: int | str, days: list[tuple[str, str]] | None = None, **headers):
    """The admin's "add" of a year with its days (date, kind); New Year's Day unless told."""
    if days is None:
        days = [(f"{int(year):04d}-01-01", "holiday")] if 0 < int(year) < 10000 else []
    data = {"year": str(year), "notice": f"国务院办公厅关于{year}年部分节假日安排的通知"}
    data |= {"days-TOTAL_FORMS": str(len(days)), "days-INITIAL_FORMS": "0", "days-MIN_NUM_FORMS": "0"}
    data["days-MAX_NUM_FORMS"] = "1000"
    for index, (day, kind) in enumerate(days):
        data |= {f"days-{index}-date": day, f"days-{index}-kind": kind, f"days-{index}-name": "元旦"}
    return client.post(reverse("admin:holidays_holidayyear_add"), data, headers=headers)


def test_a_year_without_holidays_or_with_another_years_days_is_refused(org, as_user):
    """Once entered, a year's due dates count on its days alone: saved empty, or with last year's
    days, New Year and the Spring Festival were working days and the missing-year warning was gone."""
    client = as_user(org.superuser)
    year = timezone.localdate().year + 1
    empty = _add(client, year, days=[])
    assert empty.status_code == 200 and "至少录入元旦" in text_of(empty.text)
    workdays_only = _add(client, year, days=[(f"{year}-02-07", "workday")])
    assert workdays_only.status_code == 200 and "至少录入元旦" in text_of(workdays_only.text)
    elsewhere = _add(client, year, days=[(f"{year - 1}-10-01", "holiday")])
    assert elsewhere.status_code == 200 and f"这一天不在 {year} 年" in text_of(elsewhere.text)
    assert not HolidayYear.objects.exists()
    assert _add(client, year).status_code == 302


@pytest.mark.parametrize("which", ["2003", "year 0", "the year after next", "year 9999"])
def test_a_year_out_of_range_is_refused_in_both_languages(org, as_user, which):
    next_year = timezone.localdate().year + 1
    early = ("年份不能早于 2004 年（节假日日历最早的年份）。", "The year cannot be earlier than 2004")
    late = (f"年份最晚为明年（{next_year} 年）：", f"The year can be at most next year ({next_year})")
    typed, chinese, english = {
        "2003": (2003, *early),
        "year 0": (0, *early),
        "the year after next": (next_year + 1, *late),
        "year 9999": (9999, *late),
    }[which]
    client = as_user(org.superuser)
    response = _add(client, typed)
    assert response.status_code == 200 and chinese in text_of(response.text)
    assert f'name="year" value="{typed}"' in response.text
    assert english in text_of(_add(client, typed, **{"accept-language": "en"}).text)
    assert not HolidayYear.objects.exists()


def test_a_year_may_be_2004_or_next_year(org, as_user):
    client = as_user(org.superuser)
    for year in (FIRST_SCHEDULE_YEAR, timezone.localdate().year + 1):
        assert _add(client, year).status_code == 302
    assert sorted(HolidayYear.objects.values_list("year", flat=True)) == [2004, timezone.localdate().year + 1]


def test_a_year_stored_before_the_rule_keeps_being_correctable(org, as_user):
    schedule = HolidayYear.objects.create(year=2099)
    HolidayDay.objects.create(schedule=schedule, date=D(2099, 1, 1), kind="holiday", name="元旦")
    client = as_user(org.superuser)
    url = reverse("admin:holidays_holidayyear_change", args=[schedule.pk])
    data = admin_form_data(client.get(url).text)
    assert client.post(url, {**data, "notice": ["更正"], "days-0-name": ["新年"]}).status_code == 302
    schedule.refresh_from_db()
    assert (schedule.year, schedule.notice, schedule.days.get().name) == (2099, "更正", "新年")
    # Changed, it is checked.
    response = client.post(url, {**data, "year": ["2098"]})
    assert response.status_code == 200 and "年份最晚为明年" in text_of(response.text)
    schedule.refresh_from_db()
    assert schedule.year == 2099


def _weekday(year: int, weekday: int, *, after: D | None = None) -> D:
    """The first day of `year` (after `after`) that is `weekday` (0: Monday)."""
    day = after or D(year, 1, 1)
    while day.weekday() != weekday:
        day += datetime.timedelta(days=1)
    return day


def test_a_day_listed_twice_is_named_in_words(org, as_user):
    year = timezone.localdate().year + 1
    twice = [(f"{year}-01-01", "holiday"), (f"{year}-01-01", "holiday")]
    response = _add(as_user(org.superuser), year, days=twice)
    assert response.status_code == 200
    words = text_of(response.text)
    assert f"{year}-01-01 录入了不止一次：每一天只录入一次，或为节假日，或为调休上班日。" in words
    assert "date" not in words.replace("data-", "")  # Django's "请修改date的重复数据" named the column
    assert not HolidayYear.objects.exists()


def test_a_make_up_working_day_on_a_weekday_is_refused_a_holiday_on_a_weekend_is_not(org, as_user):
    year = timezone.localdate().year + 1
    client = as_user(org.superuser)
    wednesday = _weekday(year, 2)
    new_year = (f"{year}-01-01", "holiday")
    response = _add(client, year, days=[new_year, (wednesday.isoformat(), "workday")])
    assert response.status_code == 200
    assert f"{wednesday} 是星期三，本来就是工作日：调休上班日是为换取假期而上班的周六或周日。" in text_of(
        response.text
    )
    assert not HolidayYear.objects.exists()
    saturday, sunday = _weekday(year, 5, after=D(year, 1, 2)), _weekday(year, 6, after=D(year, 1, 2))
    days = [new_year, (saturday.isoformat(), "holiday"), (sunday.isoformat(), "workday")]
    assert _add(client, year, days=days).status_code == 302
    entered = dict(HolidayDay.objects.values_list("date", "kind"))
    assert entered[saturday] == "holiday" and entered[sunday] == "workday"


def test_a_year_with_fewer_days_off_than_the_law_gives_is_saved_with_a_warning(org, as_user):
    """A year half typed in (New Year only) would count the Spring Festival as working days: it is
    kept (the clerk may be entering a long notice in sittings), the admin says what is missing, and
    the list marks the year until its days are in."""
    client = as_user(org.superuser)
    year = timezone.localdate().year + 1
    saved = _add(client, year, headers={"accept-language": "zh-hans"})
    assert saved.status_code == 302
    listing = text_of(client.get(saved.url, headers={"accept-language": "zh-hans"}).text)
    assert f"{year} 年只录入了 1 天假日" in listing and "至少 13 天" in listing
    assert "1（看起来不完整）" in listing
    # The whole notice: 13 days off (2027's breaks are longer; these are enough for the rule).
    days = [(f"{year}-10-{d:02d}", "holiday") for d in range(1, 14)]
    schedule = HolidayYear.objects.get(year=year)
    schedule.days.all().delete()
    HolidayDay.objects.bulk_create(HolidayDay(schedule=schedule, date=D.fromisoformat(d)) for d, _ in days)
    listing = text_of(client.get(saved.url, headers={"accept-language": "en"}).text)
    assert "looks incomplete" not in listing and "13" in listing
