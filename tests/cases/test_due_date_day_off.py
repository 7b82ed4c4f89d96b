"""A due date set by hand on a day off (a weekend, a holiday) is kept as set, and whoever set it is
told, with the next working day: at the intake, in the case's edit form and in the admin. A date
counted from the category is a working day already and says nothing.

Every date is counted from today: the tests read the same in 2027 and after."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cases.due_dates import day_off_warning
from cases.models import Case
from holidays import calendar
from holidays.models import HolidayDay, HolidayYear
from tests.cases.page_text import text_of
from tests.factories import admin_form_data, intake_post, logged_on, make_case

D = datetime.date
DAY = datetime.timedelta(days=1)


def _next_workday(day: D) -> D:
    day += DAY
    while not calendar.is_workday(day):
        day += DAY
    return day


def _a_saturday_off() -> D:
    """A Saturday to come that is an ordinary weekend day (no make-up working day, no holiday), in a
    year with a schedule: the coming weeks' years are entered when nobody has them (a Saturday of a
    year not entered may yet be worked, and the words say so: test_a_year_not_entered_...)."""
    day = timezone.localdate() + DAY
    for year in (day.year, day.year + 1):
        if not calendar.has_schedule(year):
            HolidayYear.objects.create(year=year)
    calendar.forget_entered_days()
    while day.weekday() != 5 or calendar.is_workday(day) or calendar.day_off(day).name:
        day += DAY
    return day


def _intake(org, **extra) -> dict:
    return intake_post(org.a, **{"title": "三楼楼道积水", **extra})


def test_a_due_date_set_on_a_saturday_is_kept_and_the_worker_is_told(org, as_user):
    saturday = _a_saturday_off()
    client = as_user(org.worker_a)
    response = client.post(reverse("cases:new"), _intake(org, due_date=saturday.isoformat()), follow=True)
    case = Case.all_objects.get()
    assert (case.due_date, case.due_workdays) == (saturday, None)  # kept as set
    page = text_of(response.content.decode())
    warning = (
        f"办理期限 {saturday} 是休息日（星期六）。已按这个日期保存；"
        f"如果应在工作日，下一个工作日是 {_next_workday(saturday)}。"
    )
    assert warning in page and page.index(f"事项 {case.number} 已登记") < page.index(warning)
    english = client.post(
        reverse("cases:new"),
        _intake(org, due_date=saturday.isoformat(), token="en"),
        headers={"accept-language": "en"},
        follow=True,
    )
    assert (
        f"The due date {saturday} is a day off (Saturday). It is saved as set; if it should be a "
        f"working day, the next one is {_next_workday(saturday)}."
    ) in text_of(english.content.decode())


def test_a_working_day_or_a_counted_date_says_nothing(org, as_user):
    client = as_user(org.worker_a)
    monday = _next_workday(_a_saturday_off())
    for token, due in (("set", monday.isoformat()), ("counted", "")):
        page = client.post(reverse("cases:new"), _intake(org, due_date=due, token=token), follow=True)
        assert "是休息日" not in page.content.decode()
    assert day_off_warning(None) is None and day_off_warning(monday) is None


@pytest.fixture
def new_year(db) -> D:
    """Next year's New Year's Day, entered in the admin's schedule as a holiday with its name."""
    year = timezone.localdate().year + 1
    schedule = HolidayYear.objects.create(year=year, notice="国务院办公厅通知")
    HolidayDay.objects.create(schedule=schedule, date=D(year, 1, 1), kind="holiday", name="元旦")
    calendar.forget_entered_days()
    return D(year, 1, 1)


def test_an_edit_to_a_holiday_names_it(org, as_user, new_year):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    form = {
        "title": case.title,
        "category": str(case.category_id),
        "priority": case.priority,
        "due_date": new_year.isoformat(),
        "place": case.place,
        "description": case.description,
        "version": str(case.version),
    }
    client = as_user(org.worker_a)
    response = client.post(reverse("cases:edit", args=[case.pk]), form, follow=True)
    page = text_of(response.content.decode())
    warning = (
        f"办理期限 {new_year} 是休息日（元旦）。已按这个日期保存；"
        f"如果应在工作日，下一个工作日是 {_next_workday(new_year)}。"
    )
    # What was done first, then what to look at about it (the walkthrough read them the other way).
    assert "修改已保存。" in page and warning in page
    assert page.index("修改已保存。") < page.index(warning)
    case.refresh_from_db()
    assert case.due_date == new_year
    # Saved again with the date left as it was: said once, when it was set.
    case.refresh_from_db()
    again = client.post(
        reverse("cases:edit", args=[case.pk]),
        {**form, "title": "楼道积水（已核实）", "version": str(case.version)},
        follow=True,
    )
    assert "修改已保存。" in again.content.decode() and "是休息日" not in again.content.decode()


def test_the_admin_is_told_too(org, as_user):
    case = make_case(org.worker_a, org.a)
    saturday = _a_saturday_off()
    client = as_user(org.superuser)
    url = reverse("admin:cases_case_change", args=[case.pk])
    data = admin_form_data(client.get(url).text)
    response = client.post(url, {**data, "due_date": [saturday.isoformat()]}, follow=True)
    page = text_of(response.content.decode())
    warning = f"办理期限 {saturday} 是休息日（星期六）。"
    assert warning in page and page.index("成功修改了") < page.index(warning)
    case.refresh_from_db()
    assert case.due_date == saturday


@pytest.mark.django_db
def test_in_a_year_without_schedule_the_days_the_law_fixes_are_days_off():
    """New Year's Day, Labour Day (1–2 May since 2025) and National Day (1–3 October) fall on the
    same days every year: known before a year's schedule is entered (the walkthrough's 2027-01-01,
    a Friday, was taken as a working day). Said to whoever sets one by hand, and skipped by the count
    (review 6, item 6); the rest of the year is left to the schedule."""
    assert not calendar.has_schedule(2090)
    with translation.override("zh-hans"):
        warning = day_off_warning(D(2090, 5, 1))
    assert warning == (
        "办理期限 2090-05-01 是休息日（劳动节，法定节假日；2090 年的放假安排还没有录入）。已按这个日期保存；"
        "如果应在工作日，下一个工作日暂定为 2090-05-03（可能另有调休）。"
    )
    assert not calendar.is_workday(D(2090, 5, 1)) and not calendar.is_workday(D(2090, 5, 2))
    assert calendar.is_workday(D(2090, 5, 3))
    assert day_off_warning(D(2090, 5, 3)) is None


FAR = 2099


def _edit(client, case, due: D, **headers) -> str:
    form = {
        "title": case.title,
        "category": str(case.category_id),
        "priority": case.priority,
        "due_date": due.isoformat(),
        "place": case.place,
        "description": case.description,
        "version": str(case.version),
    }
    response = client.post(reverse("cases:edit", args=[case.pk]), form, headers=headers, follow=True)
    case.refresh_from_db()
    assert case.due_date == due  # kept as set
    return html.unescape(text_of(response.content.decode()))  # "2099's", as read


def test_a_year_not_entered_names_the_lunar_holidays_and_says_the_next_working_day_is_provisional(
    org, as_user
):
    """Review 8, item 8: 2027-02-08 (正月初三) got no word before 2027 was entered, and after 1–3
    October "the next working day is 10-04", which the notice makes a holiday too. Here 2099, which no
    release of the calendar library knows: 春节 20–23 January, 中秋 Tuesday 29 September."""
    assert not calendar.has_schedule(FAR)
    case = make_case(org.worker_a, org.a, at=logged_on(D(FAR, 1, 5)), assignee=org.worker_a)
    client = as_user(org.worker_a)
    assert (
        "办理期限 2099-01-23 是休息日（春节，法定节假日；2099 年的放假安排还没有录入）。已按这个日期保存；"
        "如果应在工作日，下一个工作日暂定为 2099-01-26（可能另有调休）。"
    ) in _edit(client, case, D(FAR, 1, 23))
    assert (
        "The due date 2099-09-29 is a day off (Mid-Autumn Festival, a public holiday by law; 2099's "
        "holiday schedule is not entered yet). It is saved as set; if it should be a working day, the "
        "next one is provisionally 2099-09-30 (the State Council's notice may add days off and working "
        "weekends)."
    ) in _edit(client, case, D(FAR, 9, 29), **{"accept-language": "en"})
    # 3 October: the 4th is a Sunday, Monday the 5th follows, said as provisional.
    with translation.override("zh-hans"):
        assert day_off_warning(D(FAR, 10, 3)).endswith("下一个工作日暂定为 2099-10-05（可能另有调休）。")
    # A weekend of such a year: it may be a make-up working day.
    assert (
        "办理期限 2099-03-07 是休息日（星期六；2099 年的放假安排还没有录入）。已按这个日期保存；"
        "如果应在工作日，下一个工作日暂定为 2099-03-09（可能另有调休）。"
    ) in _edit(client, case, D(FAR, 3, 7))
    assert (
        "The due date 2099-03-14 is a day off (Saturday; 2099's holiday schedule is not entered yet). "
        "It is saved as set; if it should be a working day, the next one is provisionally 2099-03-16"
    ) in _edit(client, case, D(FAR, 3, 14), **{"accept-language": "en"})

    # Entered, the year's words are as sure as its schedule.
    schedule = HolidayYear.objects.create(year=FAR)
    for day in (D(FAR, 1, 20) + n * DAY for n in range(8)):  # Tuesday 20 – Tuesday 27
        HolidayDay.objects.create(schedule=schedule, date=day, kind="holiday", name="春节")
    calendar.forget_entered_days()
    page = _edit(client, case, D(FAR, 1, 23))
    assert (
        "办理期限 2099-01-23 是休息日（春节）。已按这个日期保存；如果应在工作日，下一个工作日是 2099-01-28。"
    ) in page
    assert "暂定为" not in page


@pytest.mark.django_db
def test_a_day_off_whose_next_working_day_falls_in_a_year_not_entered_says_it_provisionally():
    """2098 entered, 2099 not: a weekend of 2098 is said as sure, but when Wednesday 31 December is a
    day off (as a notice may bridge it) the next working day, past New Year's Day, is Friday 2 January
    2099 only until 2099 is entered."""
    HolidayYear.objects.create(year=FAR - 1)
    calendar.forget_entered_days()
    with translation.override("zh-hans"):
        warning = day_off_warning(D(FAR - 1, 12, 27))  # a Saturday of 2098, entered
    assert warning.startswith("办理期限 2098-12-27 是休息日（星期六）。")
    assert warning.endswith("下一个工作日是 2098-12-29。")
    with translation.override("zh-hans"):
        assert day_off_warning(D(FAR - 1, 12, 13)).endswith("下一个工作日是 2098-12-15。")
    schedule = HolidayYear.objects.get(year=FAR - 1)
    HolidayDay.objects.create(schedule=schedule, date=D(FAR - 1, 12, 31), kind="holiday", name="元旦")
    calendar.forget_entered_days()
    with translation.override("zh-hans"):
        warning = day_off_warning(D(FAR - 1, 12, 31))
    assert warning == (
        "办理期限 2098-12-31 是休息日（元旦）。已按这个日期保存；"
        "如果应在工作日，下一个工作日暂定为 2099-01-02（可能另有调休）。"
    )
