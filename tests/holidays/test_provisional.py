"""Before a year's holiday schedule is known (review 6, items 6 and 8).

The count of working days skips the holidays the law names (New Year's Day, Labour Day 1–2 May,
National Day 1–3 October, and the Spring Festival, Qingming, the Dragon Boat and Mid-Autumn festivals
by the lunar calendar: holidays.calendar.by_law_holidays) in a year nobody has a schedule for: a
case logged in December with twenty working days was due on New Year's Day. A due date counted
over such a year is marked as provisional on the case page and in the rows (the worker's home), with
a link to enter the year for whoever may. An entered year's holidays named as the notice names them
(春节) read in English as the library's names do.

The years here are 2098 and 2099, which no release of the calendar library knows: the tests read the
same whichever release is installed and whatever year it is."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from cases.due_dates import day_off_warning
from common.workdays import add_workdays
from holidays import calendar
from holidays.models import HolidayDay, HolidayYear
from tests.cases.page_text import text_of
from tests.factories import logged_on, make_case

D = datetime.date
EN = {"accept-language": "en"}
FAR = 2099


def _enter(year: int, days: dict[D, tuple[str, str]]) -> None:
    schedule = HolidayYear.objects.create(year=year)
    for day, (kind, name) in days.items():
        HolidayDay.objects.create(schedule=schedule, date=day, kind=kind, name=name)
    calendar.forget_entered_days()


@pytest.mark.django_db
def test_a_year_without_schedule_skips_the_holidays_the_law_fixes():
    assert not calendar.library_knows(FAR - 1) and not calendar.library_knows(FAR)
    # Wednesday 2098-12-31 + 1: Thursday 1 January is New Year's Day, Friday the 2nd counts.
    assert add_workdays(D(FAR - 1, 12, 31), 1) == D(FAR, 1, 2)
    # Thursday 30 April + 1: Friday 1 May is Labour Day, Monday 4 May counts.
    assert add_workdays(D(FAR, 4, 30), 1) == D(FAR, 5, 4)
    # Wednesday 30 September + 1: National Day Thursday 1 – Saturday 3 October, Monday 5 counts.
    assert add_workdays(D(FAR, 9, 30), 1) == D(FAR, 10, 5)
    # The rest of the year is Monday to Friday (the lunar holidays aside: test_by_law_lunar.py) until
    # the schedule is entered.
    assert calendar.is_workday(D(FAR, 1, 26)) and calendar.unsettled_years(
        D(FAR - 1, 12, 1), D(FAR, 2, 1)
    ) == [
        FAR - 1,
        FAR,
    ]
    _enter(FAR, {D(FAR, 1, 2): ("workday", "元旦")})  # an entered year is as entered, nothing else
    assert calendar.is_workday(D(FAR, 1, 1)) and calendar.unsettled_years(D(FAR, 1, 1), D(FAR, 12, 31)) == []


def _case_page(client, case, **headers) -> str:
    return text_of(client.get(reverse("cases:detail", args=[case.pk]), headers=headers).content.decode())


def test_a_due_date_counted_over_a_year_without_schedule_is_marked_provisional(org, as_user):
    logged = D(FAR, 12, 24)  # a Thursday: ten working days run into the next year
    counted = make_case(org.worker_a, org.a, at=logged_on(logged), assignee=org.worker_a)
    by_hand = make_case(org.worker_a, org.a, at=logged_on(logged), due_date=D(FAR, 12, 30))
    assert counted.due_date.year == FAR + 1 and counted.due_unsettled_years() == [FAR, FAR + 1]
    assert by_hand.due_unsettled_years() == []  # set by hand: it stays as set

    worker = as_user(org.worker_a)
    chinese = _case_page(worker, counted)
    assert f"期限 {counted.due_date} （{FAR + 1} 年放假安排未录入，日期可能调整）" in chinese
    assert "录入 2100 年节假日" not in chinese  # the worker cannot enter it: no link
    english = _case_page(worker, counted, **EN)
    assert (
        f"{counted.due_date} ({FAR + 1}'s holiday schedule is not entered yet; the date may move)" in english
    )
    assert "放假安排未录入" not in _case_page(worker, by_hand)

    # The worker's home: the row says the date is provisional.
    home = text_of(worker.get(reverse("home")).content.decode())
    assert f"{counted.due_date} 到期（暂定）" in home
    assert f"due {counted.due_date} (provisional)" in text_of(
        worker.get(reverse("home"), headers=EN).content.decode()
    )

    # An administrator is led to the holiday schedule to enter the year.
    admin_page = as_user(org.superuser).get(reverse("cases:detail", args=[counted.pk])).content.decode()
    link = f'href="{reverse("admin:holidays_holidayyear_add")}?year={FAR + 1}"'
    assert link in admin_page and f"录入 {FAR + 1} 年节假日" in text_of(admin_page)

    # Once both years are entered, the date is no longer provisional.
    _enter(FAR, {D(FAR, 1, 1): ("holiday", "元旦")})
    _enter(FAR + 1, {D(FAR + 1, 1, 1): ("holiday", "元旦")})
    assert "放假安排未录入" not in _case_page(worker, counted)
    assert "暂定" not in text_of(worker.get(reverse("home")).content.decode())


def test_a_case_no_longer_open_is_not_marked(org, as_user):
    from cases import services
    from cases.rules import Action
    from committee.access import Access

    case = make_case(org.worker_a, org.a, at=logged_on(D(FAR, 12, 14)), assignee=org.worker_a)
    services.transition(access=Access(org.worker_a), case=case, action=Action.RESOLVE, text="修好了")
    assert "放假安排未录入" not in _case_page(as_user(org.worker_a), case)


@pytest.mark.django_db
def test_an_entered_years_holiday_names_read_in_the_readers_language():
    spring, typed, both = D(FAR, 1, 26), D(FAR, 3, 2), D(FAR, 10, 1)
    _enter(
        FAR,
        {spring: ("holiday", "春节"), typed: ("holiday", "街道停水"), both: ("holiday", "国庆节、中秋节")},
    )
    with translation.override("en"):
        assert "is a day off (Spring Festival)" in day_off_warning(spring)
        assert "is a day off (街道停水)" in day_off_warning(typed)  # a name of its own: as typed
        assert "is a day off (National Day, Mid-Autumn Festival)" in day_off_warning(both)
        assert calendar.holiday_label("清明") == "Qingming Festival"
    with translation.override("zh-hans"):
        assert "是休息日（春节）" in day_off_warning(spring)
        assert "是休息日（国庆节、中秋节）" in day_off_warning(both)
    # The names the library gives a year it knows read the same way.
    with translation.override("en"):
        assert "(Spring Festival)" in day_off_warning(D(2026, 2, 17))


def test_the_printed_sheet_marks_a_provisional_due_date(org, as_user):
    """The A4 sheet for the paper file says what the case page says: the date may move (review 6
    follow-up). A date set by hand is printed as it is."""
    logged = D(FAR, 12, 24)
    counted = make_case(org.worker_a, org.a, at=logged_on(logged), assignee=org.worker_a)
    by_hand = make_case(org.worker_a, org.a, at=logged_on(logged), due_date=D(FAR, 12, 30))
    client = as_user(org.worker_a)

    def sheet(case, **headers) -> str:
        return text_of(client.get(reverse("cases:print", args=[case.pk]), headers=headers).content.decode())

    assert f"期限 {counted.due_date}（暂定）" in sheet(counted)
    assert f"Due {counted.due_date} (provisional)" in sheet(counted, **EN)
    assert f"期限 {by_hand.due_date} 承办人" in sheet(by_hand) and "暂定" not in sheet(by_hand)
    assert "provisional" not in sheet(by_hand, **EN)
    _enter(FAR, {D(FAR, 1, 1): ("holiday", "元旦")})
    _enter(FAR + 1, {D(FAR + 1, 1, 1): ("holiday", "元旦")})
    assert "暂定" not in sheet(counted)


def test_the_reminders_of_a_provisional_due_date_say_so(org, as_user):
    """The morning's "due on" and "overdue" reminders state the due date: marked as the rows mark it
    when it was counted over a year whose holidays are not entered, in the inbox, the bell and the
    e-mail (notifications/sentences.py), in both languages."""
    from notifications.models import Notification
    from notifications.reminders import morning, next_workday, previous_workday
    from notifications.sentences import sentence

    logged = D(FAR, 12, 24)
    counted = make_case(org.worker_a, org.a, title="漏水", at=logged_on(logged), assignee=org.worker_a)
    by_hand = make_case(
        org.worker_a,
        org.a,
        title="堆物",
        at=logged_on(logged),
        assignee=org.worker_a,
        due_date=counted.due_date,
    )
    assert counted.due_unsettled_years() and not by_hand.due_unsettled_years()
    morning(previous_workday(counted.due_date))
    morning(next_workday(counted.due_date))
    K = Notification.Kind
    told = {
        (n.kind, n.params["title"]): n
        for n in Notification.objects.filter(recipient=org.worker_a, kind__in=[K.DUE_SOON, K.OVERDUE])
    }
    day = counted.due_date
    expected = {
        (K.DUE_SOON, "漏水"): (f"将于 {day} 到期（暂定）。", f"is due on {day} (provisional)."),
        (K.OVERDUE, "漏水"): (f"已超期（{day} 到期，暂定）。", f"is overdue (due {day}, provisional)."),
        (K.DUE_SOON, "堆物"): (f"将于 {day} 到期。", f"is due on {day}."),
        (K.OVERDUE, "堆物"): (f"已超期（{day} 到期）。", f"is overdue (due {day})."),
    }
    for key, (chinese, english) in expected.items():
        with translation.override("zh-hans"):
            assert sentence(told[key]).endswith(chinese), key
        with translation.override("en"):
            assert sentence(told[key]).endswith(english), key
    inbox = text_of(as_user(org.worker_a).get(reverse("notifications:list")).content.decode())
    assert f"漏水 将于 {day} 到期（暂定）。" in inbox and f"堆物 将于 {day} 到期。" in inbox
