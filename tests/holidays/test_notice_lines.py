"""A year's holidays entered in the admin as the notice's lines, a holiday's range and its make-up
days on one line (holidays/notice.py, holidays/admin.py HolidayYearForm), instead of some thirty rows
typed one date at a time (review 6, item 7): the rows written with the year, the due dates counted
again once; a line that cannot be read refused by the box with its number, in both languages, and
nothing saved.

The year is next year, the latest the admin takes (HolidayYear.check_year); its days are the test's
own, in the notice's two ways of writing them, so that the test reads the same whichever year it is."""

import datetime

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from holidays import calendar
from holidays.models import HolidayDay, HolidayYear
from tests.cases.page_text import text_of
from tests.factories import logged_on, make_case

D = datetime.date
DAY = datetime.timedelta(days=1)
YEAR = timezone.localdate().year + 1
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
EN = {"accept-language": "en"}


def _weekend_day(after: D, weekday: int) -> D:
    day = after
    while day.weekday() != weekday:
        day += DAY
    return day


# A week off from the first Monday of February, the Saturday after it worked; New Year's Day as the
# notice writes it (1月1日 and the two days after, whatever weekdays they are).
SPRING = _weekend_day(D(YEAR, 2, 1), 0)
SPRING_END = SPRING + 6 * DAY
MAKE_UP = _weekend_day(SPRING_END + DAY, 5)
LINES = (
    f"{SPRING} 至 {SPRING_END} 春节；调休上班 {MAKE_UP}\n"
    "\n"
    "一、元旦：1月1日（农历冬月、周几都行）至3日放假调休，共3天。\n"
)


def _post(client, lines: str, *, days: list[tuple[str, str]] = (), headers=None, follow=False):
    data = {
        "year": str(YEAR),
        "notice": f"国务院办公厅关于{YEAR}年部分节假日安排的通知",
        "notice_lines": lines,
    }
    data |= {"days-TOTAL_FORMS": str(len(days)), "days-INITIAL_FORMS": "0", "days-MIN_NUM_FORMS": "0"}
    data["days-MAX_NUM_FORMS"] = "1000"
    for n, (day, kind) in enumerate(days):
        data |= {f"days-{n}-date": day, f"days-{n}-kind": kind, f"days-{n}-name": ""}
    return client.post(reverse("admin:holidays_holidayyear_add"), data, headers=headers or {}, follow=follow)


@override_settings(TASKS=IMMEDIATE)
def test_a_years_holidays_entered_as_the_notices_lines(org, as_user, django_capture_on_commit_callbacks):
    case = make_case(org.worker_a, org.a, at=logged_on(SPRING - 3 * DAY))  # ten working days, over the week
    before = case.due_date
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(as_user(org.superuser), LINES, follow=True)
    page = text_of(response.content.decode())
    assert "已按通知添加：放假 10 天，调休上班 1 天。" in page
    assert page.count("将按这些日期重新计算") == 1  # the recount queued once, for the whole year

    schedule = HolidayYear.objects.get(year=YEAR)
    days = {day.date: (day.kind, day.name) for day in schedule.days.all()}
    week = [SPRING + n * DAY for n in range(7)]
    assert days == {
        **{day: ("holiday", "春节") for day in week},
        MAKE_UP: ("workday", "春节"),  # a make-up day takes its line's holiday's name
        **{D(YEAR, 1, n): ("holiday", "元旦") for n in (1, 2, 3)},
    }
    # The due date is counted again on them: past the week off, the make-up Saturday counted.
    moved = Case.all_objects.get(pk=case.pk).due_date
    assert moved > before and moved not in week
    calendar.forget_entered_days()
    assert not calendar.is_workday(SPRING) and calendar.is_workday(MAKE_UP)


def test_lines_that_cannot_be_read_are_refused_by_the_box_in_both_languages(org, as_user):
    client = as_user(org.superuser)
    monday = _weekend_day(D(YEAR, 3, 1), 0)
    lines = (
        f"{YEAR}-02-05 春节\n"  # fine
        "清明节\n"  # no date
        f"{YEAR}-02-30 端午节\n"  # no such day
        f"{YEAR}-10-07 至 {YEAR}-10-01 国庆节\n"  # backwards
        f"调休上班 {monday}\n"  # a Monday worked: a working day anyway, not an error (review 7, item 7)
        f"{YEAR - 1}-12-31 元旦\n"  # another year
        f"{YEAR}-02-05 春节\n"  # listed twice
    )
    chinese = text_of(_post(client, lines).content.decode())
    for said in (
        "第 2 行：“清明节”中读不出日期（日期请写成 2027-02-05 或 2月5日）。",
        f"第 3 行：没有 {YEAR}-02-30 这一天。",
        f"第 4 行：{YEAR}-10-07 至 {YEAR}-10-01 结束日期早于开始日期。",
        f"第 6 行：{YEAR - 1}-12-31 属于 {YEAR - 1} 年，不在 {YEAR} 年：请在 {YEAR - 1} 年的安排中添加",
        f"第 7 行：{YEAR}-02-05 已经列出过（第 1 行），每天只列一次。",
    ):
        assert said in chinese, said
    english = text_of(_post(client, lines, headers=EN).content.decode())
    for said in (
        "Line 2: no date read in “清明节” (write a date as 2027-02-05 or 2月5日).",
        f"Line 3: there is no day {YEAR}-02-30.",
        f"Line 4: the range {YEAR}-10-07 to {YEAR}-10-01 ends before it starts.",
        f"Line 6: {YEAR - 1}-12-31 is in {YEAR - 1}, not {YEAR}: add it to the schedule of {YEAR - 1}",
        f"Line 7: {YEAR}-02-05 is listed already (line 1); each day is listed once.",
    ):
        assert said in english, said
    assert "第 5 行" not in chinese and "Line 5" not in english
    assert "清明节" in _post(client, lines).content.decode()  # what was typed stays in the box
    assert not HolidayYear.objects.exists() and not HolidayDay.objects.exists()


def test_the_lines_and_the_rows_below_go_together(org, as_user):
    """A day in the lines and in a row below is listed twice; the lines alone are the year's holidays
    (no row needed); a year's lines added later never repeat a stored day."""
    client = as_user(org.superuser)
    twice = _post(client, f"{YEAR}-01-01 元旦", days=[(f"{YEAR}-01-01", "holiday")])
    # Said with the line that repeats the row's day (HolidayDaysFormSet), the row marked.
    said = text_of(twice.content.decode())
    assert f"第 1 行：{YEAR}-01-01 在下面已经列出，请在那一行修改。" in said
    assert "这一天录入了不止一次。" in said
    assert not HolidayYear.objects.exists()

    assert _post(client, f"{YEAR}-01-01 元旦").status_code == 302  # no row below: the lines are enough
    schedule = HolidayYear.objects.get(year=YEAR)
    url = reverse("admin:holidays_holidayyear_change", args=[schedule.pk])
    data = {"year": str(YEAR), "notice": "", "notice_lines": f"{YEAR}-01-01 至 {YEAR}-01-02 元旦"}
    data |= {"days-TOTAL_FORMS": "1", "days-INITIAL_FORMS": "1", "days-MIN_NUM_FORMS": "0"}
    day = schedule.days.get()
    data |= {"days-MAX_NUM_FORMS": "1000", "days-0-id": str(day.pk), "days-0-schedule": str(schedule.pk)}
    data |= {"days-0-date": f"{YEAR}-01-01", "days-0-kind": "holiday", "days-0-name": "元旦"}
    again = client.post(url, data)
    assert f"第 1 行：{YEAR}-01-01 在下面已经列出，请在那一行修改。" in text_of(again.content.decode())
    assert client.post(url, {**data, "notice_lines": f"{YEAR}-01-02 元旦"}).status_code == 302
    assert sorted(schedule.days.values_list("date", flat=True)) == [D(YEAR, 1, 1), D(YEAR, 1, 2)]


def test_the_box_is_explained_in_both_languages(org, as_user):
    client = as_user(org.superuser)
    url = reverse("admin:holidays_holidayyear_add")
    assert "按通知添加" in text_of(client.get(url).content.decode())
    english = text_of(client.get(url, headers=EN).content.decode())
    assert "Add from the notice" in english and "One holiday a line" in english


WEEKDAY_ZH = "一二三四五六日"


def _zh(day: D) -> str:
    """A day as the notice writes it: 1月4日（周一）."""
    return f"{day.month}月{day.day}日（周{WEEKDAY_ZH[day.weekday()]}）"


def _notice_for(year: int) -> tuple[str, D, D]:
    """The State Council's notice as it is written (that of 2027: "一、元旦：1月1日（周五）至3日（周日）放假
    调休，共3天。1月4日（周一）上班。"), for the test's year: New Year and the two days after, then the first
    Monday to Friday after them, the day work resumes; the spring week and its make-up Saturday."""
    resumes = D(year, 1, 4)
    while resumes.weekday() >= 5:
        resumes += DAY
    new_year = (
        f"一、元旦：{_zh(D(year, 1, 1))}至3日（周{WEEKDAY_ZH[D(year, 1, 3).weekday()]}）放假调休，共3天。"
        f"{_zh(resumes)}上班。"
    )
    spring = f"二、春节：{_zh(SPRING)}至{SPRING_END.day}日放假调休，共7天。{_zh(MAKE_UP)}上班。"
    return f"{new_year}\n{spring}\n", resumes, MAKE_UP


def test_the_notices_own_return_to_work_says_nothing(org, as_user):
    """Review 7, item 7: "1月4日（周一）上班。" after New Year on a Friday is the day work resumes, an
    ordinary working day: the lines are taken, that day written nothing; the Saturday worked after the
    Spring Festival is a make-up day. (The notice of 2027 word for word when the test's year is 2027.)"""
    lines, resumes, make_up = _notice_for(YEAR)
    if YEAR == 2027:
        assert lines.startswith("一、元旦：1月1日（周五）至3日（周日）放假调休，共3天。1月4日（周一）上班。")
    response = _post(as_user(org.superuser), lines, follow=True)
    page = text_of(response.content.decode())
    assert "已按通知添加：放假 10 天，调休上班 1 天。" in page, page[:2000]
    days = dict(HolidayYear.objects.get(year=YEAR).days.values_list("date", "kind"))
    assert days[make_up] == "workday" and resumes not in days
    # In English, each count with its own plural (it said "1 make-up working days").
    HolidayYear.objects.all().delete()
    english = text_of(_post(as_user(org.superuser), lines, headers=EN, follow=True).content.decode())
    assert "Added from the notice: 10 days off and 1 make-up working day." in english
    assert [days[D(YEAR, 1, n)] for n in (1, 2, 3)] == ["holiday"] * 3


def test_a_refused_line_is_not_also_a_year_without_holidays(org, as_user):
    """Review 7, item 7: when the box refuses its lines, the days table above does not also say the year
    has no holidays (line 1 was New Year's Day): the one error is the line's, in both languages."""
    client = as_user(org.superuser)
    lines = f"一、元旦：1月1日至3日放假调休，共3天。\n{YEAR}-02-30 春节\n"
    chinese = text_of(_post(client, lines).content.decode())
    assert f"第 2 行：没有 {YEAR}-02-30 这一天。" in chinese
    assert "至少录入元旦" not in chinese and "元旦" in chinese
    english = text_of(_post(client, lines, headers=EN).content.decode())
    assert f"Line 2: there is no day {YEAR}-02-30." in english
    assert "a year saved without them" not in english
    assert not HolidayYear.objects.exists()
    # Without lines, a year with no holidays is still refused with the days table's own words.
    assert "a year saved without them" in text_of(_post(client, "", headers=EN).content.decode())


def _change(client, schedule: HolidayYear, lines: str, rows: list[dict], headers=None):
    """The year's change page posted: its lines, and its rows below as `rows` (each the row's own
    fields: id for a stored one, date, kind, name, DELETE)."""
    url = reverse("admin:holidays_holidayyear_change", args=[schedule.pk])
    stored = sum(1 for row in rows if row.get("id"))
    data = {"year": str(YEAR), "notice": "", "notice_lines": lines}
    data |= {"days-TOTAL_FORMS": str(len(rows)), "days-INITIAL_FORMS": str(stored)}
    data |= {"days-MIN_NUM_FORMS": "0", "days-MAX_NUM_FORMS": "1000"}
    for n, row in enumerate(rows):
        data |= {f"days-{n}-schedule": str(schedule.pk), f"days-{n}-name": "", f"days-{n}-kind": "holiday"}
        data |= {f"days-{n}-{key}": str(value) for key, value in row.items()}
    return client.post(url, data, headers=headers or {})


def _stored_year(*days: D) -> tuple[HolidayYear, list[HolidayDay]]:
    schedule = HolidayYear.objects.create(year=YEAR)
    return schedule, [HolidayDay.objects.create(schedule=schedule, date=day, kind="holiday") for day in days]


def test_a_day_whose_row_goes_in_the_same_save_is_taken_from_the_lines_at_once(org, as_user):
    """The box took the year's rows as stored: a day whose row was deleted, or moved to another day, in
    the same save was refused as "listed below already", and the administrator saved twice. It is
    checked with the rows as the save leaves them (HolidayDaysFormSet): one save does it."""
    client = as_user(org.superuser)
    new_year, wrong, other = D(YEAR, 1, 1), D(YEAR, 1, 5), D(YEAR, 5, 1)
    schedule, (first, second, third) = _stored_year(new_year, wrong, other)
    # New Year's row deleted and its day given by the lines, with its name; the 5th moved to the 2nd.
    rows = [
        {"id": first.pk, "date": new_year, "DELETE": "on"},
        {"id": second.pk, "date": D(YEAR, 1, 2)},
        {"id": third.pk, "date": other},
    ]
    response = _change(client, schedule, f"{YEAR}-01-01 元旦\n{YEAR}-01-05 元旦", rows)
    assert response.status_code == 302, text_of(response.content.decode())[:3000]
    days = dict(schedule.days.values_list("date", "name"))
    assert days == {new_year: "元旦", D(YEAR, 1, 2): "", wrong: "元旦", other: ""}


def test_a_day_kept_in_a_row_is_still_refused_by_the_lines_in_both_languages(org, as_user):
    """A real clash: a row that stays on the day (or is moved onto it) and the lines' same day. Said with
    the day and the line, in both languages, the row marked; nothing saved."""
    client = as_user(org.superuser)
    new_year, moved = D(YEAR, 1, 1), D(YEAR, 1, 9)
    schedule, (first, second) = _stored_year(new_year, moved)
    lines = f"{YEAR}-01-01 元旦\n{YEAR}-01-02 元旦"
    rows = [{"id": first.pk, "date": new_year}, {"id": second.pk, "date": D(YEAR, 1, 2)}]
    chinese = text_of(_change(client, schedule, lines, rows).content.decode())
    assert f"第 1 行：{YEAR}-01-01 在下面已经列出，请在那一行修改。" in chinese
    assert f"第 2 行：{YEAR}-01-02 在下面已经列出，请在那一行修改。" in chinese
    assert chinese.count("这一天录入了不止一次。") == 2  # each row marked
    english = text_of(_change(client, schedule, lines, rows, headers=EN).content.decode())
    assert f"Line 1: {YEAR}-01-01 is listed below already; correct it in its row." in english
    assert f"Line 2: {YEAR}-01-02 is listed below already; correct it in its row." in english
    assert sorted(schedule.days.values_list("date", flat=True)) == [new_year, moved]
