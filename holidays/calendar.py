"""Is a day a working day on the Chinese calendar? The one answer every due date and reminder uses.

In order: a year entered in the admin (HolidayYear), then the chinesecalendar library (it knows the
years of its release), then Monday to Friday without the holidays the law names (by_law_holidays:
New Year's Day, Labour Day and National Day on their fixed days, the Spring Festival, Qingming, the
Dragon Boat and Mid-Autumn festivals by the lunar calendar) — logged once per year and process, and
shown to the secretary and the admin (`years_without_schedule`), because in such a year the days the
notice bridges still count as working days and the weekends it has worked do not. A due date counted
over such a year is provisional (`unsettled_years`): the case page says so, and it is counted again
when the year is entered (cases/due_dates.py).
"""

import datetime
import functools
import logging
import re
import threading
import time
from dataclasses import dataclass

import chinese_calendar
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

logger = logging.getLogger(__name__)

# The entered schedule, every year of it in one query, read at most once a minute per process: due
# dates are counted day by day, a dashboard spans years, and an edit in the admin applies everywhere
# within a minute.
TTL_SECONDS = 60
_table: tuple[float, dict[int, dict[datetime.date, bool]]] | None = None
_warned: set[int] = set()
_lock = threading.Lock()


def load_entered_years() -> dict[int, dict[datetime.date, bool]]:
    """year → (day → is a working day), for the years entered in the admin."""
    global _table
    now = time.monotonic()
    table = _table
    if table is not None and now - table[0] < TTL_SECONDS:
        return table[1]
    from holidays.models import HolidayDay, HolidayYear

    years: dict[int, dict[datetime.date, bool]] = {}
    for year, day, kind in HolidayYear.objects.values_list("year", "days__date", "days__kind"):
        days = years.setdefault(year, {})
        if day is not None:
            days[day] = kind == HolidayDay.Kind.WORKDAY
    with _lock:
        _table = (now, years)
    return years


def _entered_days(year: int) -> dict[datetime.date, bool] | None:
    """day → is a working day, for a year entered in the admin; None when the year is not entered."""
    return load_entered_years().get(year)


def forget_entered_days() -> None:
    """After an edit in the admin (and in tests): read the table again at the next question, and warn
    again of a year still without a schedule."""
    global _table
    with _lock:
        _table = None
        _warned.clear()


def library_knows(year: int) -> bool:
    return _library_answer(datetime.date(year, 6, 1)) is not None


@functools.lru_cache(maxsize=8192)
def _library_answer(day: datetime.date) -> bool | None:
    """chinesecalendar's answer for a day (None: a year it does not know), asked once per day and
    process: the library's answer never changes, and its check of the date costs about 29 µs a
    call. A worker's dashboard asks 188 times (their own sensitive cases' days to resolve, counted
    live): 35.0 → 29.0 ms, median of 60 alternating requests in one process, full bench district."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


def is_workday(day: datetime.date) -> bool:
    entered = _entered_days(day.year)
    if entered is not None:
        return entered.get(day, day.weekday() < 5)
    answer = _library_answer(day)
    if answer is not None:
        return answer
    if day.year not in _warned:
        _warned.add(day.year)
        logger.warning(
            "No holiday schedule for %s (enter it in the admin): counting Monday to Friday, "
            "without the holidays the law fixes.",
            day.year,
        )
    # The law's days are holidays whatever the notice says: a case logged on 5 December with 20
    # working days was due on New Year's Day (review 6, item 6), one typed on 正月初三 was not told
    # (review 8, item 8). The notice adds the days around them (and may make a weekend a working
    # day), which only the entered year knows.
    return day.weekday() < 5 and not by_law_holiday(day)


def has_schedule(year: int) -> bool:
    # The library first: it asks no query, and a year it knows is known either way.
    return library_knows(year) or _entered_days(year) is not None


def unsettled_years(first: datetime.date, last: datetime.date) -> list[int]:
    """The years from `first` to `last` that nobody has a schedule for: a due date counted over
    them is provisional, and moves when they are entered (cases/due_dates.py)."""
    return [year for year in range(first.year, last.year + 1) if not has_schedule(year)]


def years_without_schedule(today: datetime.date, ahead_days: int = 60) -> list[int]:
    """The years of the coming weeks (where due dates fall) that nobody has a schedule for."""
    years = sorted({today.year, (today + datetime.timedelta(days=ahead_days)).year})
    return [year for year in years if not has_schedule(year)]


# The holidays' names: the library's (its English names) and those the law fixes below.
HOLIDAY_NAMES = {
    "New Year's Day": _("New Year's Day"),
    "Spring Festival": _("Spring Festival"),
    "Tomb-sweeping Day": _("Qingming Festival"),
    "Labour Day": _("Labour Day"),
    "Dragon Boat Festival": _("Dragon Boat Festival"),
    "National Day": _("National Day"),
    "Mid-autumn Festival": _("Mid-Autumn Festival"),
}
PUBLIC_HOLIDAY = _("public holiday")  # a holiday without a name (one entered without it)

# The same holidays as the State Council's notice names them, which is what an administrator types
# for a year entered in the admin: each read as the library's name above, so an English page says
# "Spring Festival" for an entered year as for a year the library knows, and a Chinese page says 春节
# either way (review 6, item 8). A name not listed here is shown as typed.
NOTICE_NAMES = {
    "元旦": "New Year's Day",
    "春节": "Spring Festival",
    "清明节": "Tomb-sweeping Day",
    "清明": "Tomb-sweeping Day",
    "劳动节": "Labour Day",
    "五一劳动节": "Labour Day",
    "端午节": "Dragon Boat Festival",
    "端午": "Dragon Boat Festival",
    "中秋节": "Mid-autumn Festival",
    "中秋": "Mid-autumn Festival",
    "国庆节": "National Day",
    "国庆": "National Day",
}
_NAME_PARTS = re.compile(r"\s*[、,，/和]\s*")


def library_days(year: int) -> list[tuple[datetime.date, bool, str]]:
    """The days chinesecalendar knows for a year, as an entered year lists them: (day, is a working
    day, the notice's name: 春节): every day of its breaks and its make-up working days. [] for a
    year it does not know. An entered year starts from these (holidays/admin.py): it replaced the
    library's year whole, so a year saved with the one day a clerk typed counted 国庆 as working
    days and moved open cases' due dates (review 9, item 4)."""
    if not library_knows(year):
        return []
    from chinese_calendar.constants import holidays, workdays

    notice_name = {}
    for typed, name in NOTICE_NAMES.items():
        notice_name.setdefault(name, typed)  # the first: the notice's own (清明节, not 清明)
    days = [(day, False, name) for day, name in holidays.items() if day.year == year]
    days += [(day, True, name) for day, name in workdays.items() if day.year == year]
    return sorted((day, on, notice_name.get(str(name), str(name))) for day, on, name in days)


def _names_label(names) -> str:
    """Holidays' names (the library's English) in the reader's language, two of one break joined."""
    # Translators: between the names of two holidays that share one break ("国庆节、中秋节").
    return pgettext("holiday names", ", ").join(str(HOLIDAY_NAMES[name]) for name in names)


def holiday_label(typed: str) -> str:
    """An entered day's name in the reader's language: a notice's name as the library's, translated;
    one break of two holidays ("国庆节、中秋节", as the 2025 notice has it) each part so; any other
    name as typed."""
    typed = typed.strip()
    parts = [part for part in _NAME_PARTS.split(typed) if part]
    if not parts or any(part not in NOTICE_NAMES for part in parts):
        return typed
    return _names_label(NOTICE_NAMES[part] for part in parts)


# The holidays the law (全国年节及纪念日放假办法, as amended in force from 2025) names, known before a
# year's schedule is entered: 元旦 (1 January), 春节 (除夕 and 正月初一 to 初三), 清明节 (the Qingming
# solar term's day), 劳动节 (1–2 May), 端午节 (五月初五), 中秋节 (八月十五) and 国庆节 (1–3 October).
# The lunar days and the solar term come from lunar-python (6tail's calendar library, its own tables
# and astronomy, Beijing time), not from our arithmetic. What only the State Council's notice says —
# the days bridged around them and the weekends worked in exchange (调休) — stays unknown until the
# year is entered. The one owner of the rule: the count of working days skips these days in a year
# without a schedule (is_workday), and whoever sets a due date on one is told (day_off). Before
# 2025 the law had no 除夕 and one day of Labour Day; those years the calendar library knows anyway.
FIXED_HOLIDAYS = {
    (1, 1): "New Year's Day",
    (5, 1): "Labour Day",
    (5, 2): "Labour Day",
    (10, 1): "National Day",
    (10, 2): "National Day",
    (10, 3): "National Day",
}
AMENDED = 2025  # the year 除夕 and 2 May became holidays


@functools.lru_cache(maxsize=64)
def by_law_holidays(year: int) -> dict[datetime.date, tuple[str, ...]]:
    """day → the names (the library's English) of the holidays the law puts on it, for one year; two
    when they meet (中秋 on 1–3 October, as in 2028: "国庆节、中秋节", as the 2025 notice put it)."""
    from lunar_python import Lunar, Solar  # 22 ms to import: only once a year nobody entered is asked

    days: dict[datetime.date, list[str]] = {}

    def add(day: datetime.date, name: str) -> None:
        if day.year == year:  # 除夕 of a lunar year is always in its January or February
            days.setdefault(day, []).append(name)

    def solar(lunar_month: int, lunar_day: int) -> datetime.date:
        found = Lunar.fromYmd(year, lunar_month, lunar_day).getSolar()
        return datetime.date(found.getYear(), found.getMonth(), found.getDay())

    for (month, day), name in FIXED_HOLIDAYS.items():
        if (month, day) != (5, 2) or year >= AMENDED:
            add(datetime.date(year, month, day), name)
    new_year = solar(1, 1)
    first = -1 if year >= AMENDED else 0
    for offset in range(first, 3):
        add(new_year + datetime.timedelta(days=offset), "Spring Festival")
    # The Qingming term of the lunar year that 1 April falls in: its day in early April.
    qingming = Solar.fromYmd(year, 4, 1).getLunar().getJieQiTable()["清明"]
    add(datetime.date(qingming.getYear(), qingming.getMonth(), qingming.getDay()), "Tomb-sweeping Day")
    add(solar(5, 5), "Dragon Boat Festival")
    add(solar(8, 15), "Mid-autumn Festival")
    return {day: tuple(names) for day, names in sorted(days.items())}


def by_law_holiday(day: datetime.date) -> tuple[str, ...]:
    """The names (the library's English) of the holidays the law puts on this day; () for none."""
    return by_law_holidays(day.year).get(day, ())


@dataclass(frozen=True)
class DayOff:
    name: str  # the holiday's name in the reader's language; "" for an ordinary weekend day
    by_law_only: bool = False  # a day the law fixes, in a year whose schedule is not entered


def day_off(day: datetime.date) -> DayOff | None:
    """Why `day` is no working day (None: it is one)."""
    if is_workday(day):
        return None
    if not has_schedule(day.year) and (names := by_law_holiday(day)):
        return DayOff(_names_label(names), by_law_only=True)
    return DayOff(_holiday_name(day))


def _holiday_name(day: datetime.date) -> str:
    entered = _entered_days(day.year)
    if entered is not None:
        if day not in entered:
            return ""  # a weekend
        from holidays.models import HolidayDay

        name = HolidayDay.objects.filter(date=day).values_list("name", flat=True).first()
        return holiday_label(name) if name else str(PUBLIC_HOLIDAY)
    try:
        _holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:  # a year nobody knows: its weekends
        return ""
    return str(HOLIDAY_NAMES.get(name, PUBLIC_HOLIDAY)) if name else ""


def next_workday(day: datetime.date) -> datetime.date:
    """The first working day after `day` (none the law fixes as a holiday). In a year not entered it
    may still be a day the notice bridges: say it so (cases/due_dates.py)."""
    day += datetime.timedelta(days=1)
    while day_off(day) is not None:
        day += datetime.timedelta(days=1)
    return day
