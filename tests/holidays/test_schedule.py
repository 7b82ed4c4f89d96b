"""Due dates across holidays entered in the admin for a year the calendar library does not know (2027),
and the warning when a year has no schedule. Nothing about 2027 is invented: each test enters the days
it needs, as an administrator would from the State Council's notice."""

import datetime
import logging

import pytest
from django.urls import reverse

from holidays import calendar
from holidays.models import HolidayDay, HolidayYear

D = datetime.date


def _enter(year: int, days: dict[D, str]) -> None:
    schedule = HolidayYear.objects.create(year=year, notice=f"国务院办公厅关于{year}年部分节假日安排的通知")
    for day, kind in days.items():
        HolidayDay.objects.create(schedule=schedule, date=day, kind=kind)
    calendar.forget_entered_days()


@pytest.mark.django_db
def test_a_year_the_library_does_not_know_counts_monday_to_friday_and_says_so(caplog):
    assert not calendar.library_knows(2099)
    with caplog.at_level(logging.WARNING, logger="holidays.calendar"):
        assert calendar.is_workday(D(2099, 1, 2))  # a Friday
        assert not calendar.is_workday(D(2099, 1, 3))  # a Saturday
        assert calendar.is_workday(D(2099, 1, 26))  # a Monday after the Spring Festival (20–23 January)
    assert "No holiday schedule for 2099" in caplog.text
    assert calendar.years_without_schedule(D(2099, 3, 1)) == [2099]


@pytest.mark.django_db
def test_entered_holidays_and_make_up_days_decide_the_year():
    _enter(2099, {D(2099, 1, 1): "holiday", D(2099, 1, 2): "holiday", D(2099, 1, 4): "workday"})
    assert not calendar.is_workday(D(2099, 1, 1))  # a Thursday, entered as a holiday
    assert not calendar.is_workday(D(2099, 1, 2))
    assert calendar.is_workday(D(2099, 1, 4))  # a Sunday, entered as a make-up working day
    assert calendar.is_workday(D(2099, 1, 5))  # an ordinary Monday
    assert calendar.years_without_schedule(D(2099, 3, 1)) == []


@pytest.mark.django_db
def test_the_library_still_answers_the_years_it_knows():
    assert not calendar.is_workday(D(2026, 10, 1))  # National Day
    assert calendar.years_without_schedule(D(2026, 6, 1)) == []


@pytest.mark.django_db
def test_an_entry_is_refused_outside_its_year():
    from django.core.exceptions import ValidationError

    schedule = HolidayYear.objects.create(year=2099)
    with pytest.raises(ValidationError):
        HolidayDay(schedule=schedule, date=D(2098, 12, 31)).full_clean()


def test_the_admin_index_warns_of_each_coming_year_without_schedule(org, as_user):
    # In December the coming weeks reach next year: the admin hears of it before a due date is wrong.
    from django.utils import timezone

    missing = calendar.years_without_schedule(timezone.localdate())
    page = as_user(org.superuser).get(reverse("admin:index")).text
    for year in range(timezone.localdate().year, timezone.localdate().year + 2):
        assert (f"{year} 年节假日安排尚未录入" in page) == (year in missing)


@pytest.mark.django_db
def test_entering_the_coming_year_silences_the_warning():
    year = 2099
    assert calendar.years_without_schedule(D(year, 12, 1)) == [year, year + 1]
    _enter(year, {})
    _enter(year + 1, {})
    assert calendar.years_without_schedule(D(year, 12, 1)) == []


@pytest.mark.django_db
def test_due_dates_across_a_2027_holiday_entered_in_the_admin():
    """A case logged on Friday 2027-01-29 with five working days. Without a 2027 schedule Monday to
    Friday counts, without the days the law names: 除夕 Friday 5 February and 正月初三 Monday 8
    February skipped, due 2027-02-09. With the days this test enters (its own, for the test; the real
    ones come from the State Council's notice), the holiday is skipped and a make-up Sunday counts."""
    from common.workdays import due_date

    logged = D(2027, 1, 29)
    if not calendar.library_knows(2027):  # a release of the library that knows 2027 answers for it
        assert due_date(logged, 5, "normal") == D(2027, 2, 9)
    holiday = {D(2027, 2, 4) + datetime.timedelta(days=n): "holiday" for n in range(7)}  # Thu 4 – Wed 10
    _enter(2027, {**holiday, D(2027, 1, 31): "workday"})  # a make-up Sunday
    # Sun 31 (make-up), Mon 1, Tue 2, Wed 3, then the holiday, then Thu 11.
    assert due_date(logged, 5, "normal") == D(2027, 2, 11)


def test_the_secretarys_dashboard_warns_of_a_coming_year_without_schedule(org, as_user):
    from django.utils import timezone

    missing = calendar.years_without_schedule(timezone.localdate())
    secretary = as_user(org.secretary_a).get(reverse("dashboard")).text
    worker = as_user(org.worker_a).get(reverse("dashboard")).text
    for year in range(timezone.localdate().year, timezone.localdate().year + 2):
        assert (f"{year} 年节假日安排尚未录入" in secretary) == (year in missing)
        assert f"{year} 年节假日安排尚未录入" not in worker  # the secretary and the admin act on it
    _enter(timezone.localdate().year, {})
    _enter(timezone.localdate().year + 1, {})
    assert "节假日安排尚未录入" not in as_user(org.secretary_a).get(reverse("dashboard")).text


def test_the_warning_says_which_holidays_are_skipped_and_what_is_not_known():
    """Review 8, item 8: the law's lunar days are skipped too; only the notice's own days are unknown."""
    from django.template.loader import render_to_string
    from django.utils import translation

    from tests.cases.page_text import text_of

    with translation.override("zh-hans"):
        chinese = text_of(render_to_string("holidays/missing.html", {"years": [2099], "short": False}))
    assert (
        "2099 年的办理时限暂按周一至周五计算，跳过法定的元旦、春节、清明节、劳动节、端午节、中秋节、国庆节；"
        "通知另行安排的放假和调休上班还不知道"
    ) in chinese
    assert "仍算作工作日" not in chinese
    with translation.override("en"):
        english = text_of(render_to_string("holidays/missing.html", {"years": [2099], "short": False}))
    assert (
        "due dates in 2099 count Monday to Friday without the holidays the law names (New Year's Day, the "
        "Spring Festival, Qingming, Labour Day, the Dragon Boat Festival, the Mid-Autumn Festival, National "
        "Day); the days off the notice adds around them and the weekends it makes working days are not known"
    ) in english.replace("&#x27;", "'")
