"""The holidays the law names on the lunar calendar and a solar term, known before a year is entered
(review 8, item 8).

全国年节及纪念日放假办法 (in force from 2025): 春节 is 除夕 and 正月初一 to 初三, 清明节 the Qingming
solar term's day, 端午节 五月初五, 中秋节 八月十五, besides 元旦, 劳动节 1–2 May and 国庆节 1–3 October.
The lunar days come from lunar-python (holidays.calendar.by_law_holidays). What the State Council's
notice adds (the days bridged, the weekends worked) is unknown until the year is entered, which then
decides everything.

The years of the app's count are 2098 and 2099 (no release of the calendar library knows them) and
2027 only where the library is not asked: the tests read the same whichever release is installed and
whatever year it is."""

import datetime

import chinese_calendar
import pytest

from common.workdays import add_workdays
from holidays import calendar
from holidays.models import HolidayDay, HolidayYear

D = datetime.date
FAR = 2099


def test_every_day_the_law_names_is_a_holiday_in_chinesecalendar():
    """The computed days checked against the State Council's schedules as chinesecalendar has them:
    every by-law day of 2025 and 2026 (the law as amended: with 除夕 and 2 May) and of 2014–2024 (the
    law before: 正月初一 to 初三, 1 May alone) is a holiday there, under the same name (one of two,
    when two meet: 2020-10-01 was National Day and Mid-Autumn)."""
    years = [year for year in range(2014, 2027) if calendar.library_knows(year)]
    assert {2025, 2026} <= set(years)  # the pinned release knows both
    for year in years:
        days = calendar.by_law_holidays(year)
        assert len(days) == (13 if year >= 2025 else 11) - (year == 2020), year  # 2020-10-01: two in one day
        for day, names in days.items():
            holiday, name = chinese_calendar.get_holiday_detail(day)
            assert holiday and name in names, (day, names, name)


def test_the_2025_and_2026_lunar_days():
    assert {
        day: names for day, names in calendar.by_law_holidays(2026).items() if day.month not in (1, 5, 10)
    } == {
        D(2026, 2, 16): ("Spring Festival",),  # 除夕
        D(2026, 2, 17): ("Spring Festival",),  # 正月初一
        D(2026, 2, 18): ("Spring Festival",),
        D(2026, 2, 19): ("Spring Festival",),
        D(2026, 4, 5): ("Tomb-sweeping Day",),
        D(2026, 6, 19): ("Dragon Boat Festival",),
        D(2026, 9, 25): ("Mid-autumn Festival",),
    }
    assert calendar.by_law_holiday(D(2025, 1, 28)) == ("Spring Festival",)  # 除夕, new in 2025
    assert calendar.by_law_holiday(D(2024, 2, 9)) == ()  # 除夕 2024: not yet a holiday by law


def test_2027_spelled_out():
    """2027, before its notice: 除夕 5 February, 春节 6–8 February, 清明 5 April, 端午 9 June, 中秋
    15 September, besides the fixed days."""
    assert calendar.by_law_holidays(2027) == {
        D(2027, 1, 1): ("New Year's Day",),
        D(2027, 2, 5): ("Spring Festival",),
        D(2027, 2, 6): ("Spring Festival",),
        D(2027, 2, 7): ("Spring Festival",),
        D(2027, 2, 8): ("Spring Festival",),
        D(2027, 4, 5): ("Tomb-sweeping Day",),
        D(2027, 5, 1): ("Labour Day",),
        D(2027, 5, 2): ("Labour Day",),
        D(2027, 6, 9): ("Dragon Boat Festival",),
        D(2027, 9, 15): ("Mid-autumn Festival",),
        D(2027, 10, 1): ("National Day",),
        D(2027, 10, 2): ("National Day",),
        D(2027, 10, 3): ("National Day",),
    }
    # 2028: 中秋 on 3 October, named as the notice names such a day (国庆节、中秋节).
    assert calendar.by_law_holiday(D(2028, 10, 3)) == ("National Day", "Mid-autumn Festival")


@pytest.mark.django_db
def test_a_year_without_schedule_counts_past_the_lunar_holidays():
    """2099: 除夕 Tuesday 20 January, 春节 21–23 January; 清明 Saturday 4 April; 端午 Tuesday 23 June;
    中秋 Tuesday 29 September."""
    assert not calendar.has_schedule(FAR)
    assert calendar.by_law_holidays(FAR)[D(FAR, 1, 20)] == ("Spring Festival",)
    for day in (D(FAR, 1, 20), D(FAR, 1, 21), D(FAR, 1, 22), D(FAR, 1, 23), D(FAR, 6, 23), D(FAR, 9, 29)):
        assert not calendar.is_workday(day), day
        assert calendar.day_off(day).by_law_only
    # Monday 19 January + 1: the Spring Festival Tuesday to Friday, then Monday 26 counts.
    assert add_workdays(D(FAR, 1, 19), 1) == D(FAR, 1, 26)
    assert add_workdays(D(FAR, 6, 22), 1) == D(FAR, 6, 24)
    assert calendar.is_workday(D(FAR, 1, 26)) and calendar.is_workday(D(FAR, 4, 6))

    # Entered, the year is as the notice has it, and nothing else: a day it leaves out is worked.
    schedule = HolidayYear.objects.create(year=FAR)
    HolidayDay.objects.create(schedule=schedule, date=D(FAR, 1, 21), kind="holiday", name="春节")
    calendar.forget_entered_days()
    assert not calendar.is_workday(D(FAR, 1, 21))
    assert calendar.is_workday(D(FAR, 1, 20)) and calendar.is_workday(D(FAR, 6, 23))
    assert not calendar.day_off(D(FAR, 1, 21)).by_law_only
    assert add_workdays(D(FAR, 1, 19), 1) == D(FAR, 1, 20)
