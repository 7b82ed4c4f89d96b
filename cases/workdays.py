"""Working days on the Chinese calendar: public holidays and make-up working days (调休).

The chinesecalendar library knows the State Council's schedule for the years it was released for;
beyond them (or before them) a day is a working day when it is Monday to Friday. Never fails.
"""

import datetime

import chinese_calendar


def is_workday(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the library does not know
        return day.weekday() < 5


def add_workdays(start: datetime.date, days: int) -> datetime.date:
    """The `days`-th working day after `start` (start itself does not count); 0 gives start."""
    day = start
    remaining = max(days, 0)
    while remaining:
        day += datetime.timedelta(days=1)
        if is_workday(day):
            remaining -= 1
    return day


def workdays_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (negative when end is earlier)."""
    if end < start:
        return -workdays_between(end, start)
    count = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        count += is_workday(day)
    return count


def due_days(default_days: int, priority: str) -> int:
    """Working days allowed for a case: the category's default, shortened when urgent, longer when low."""
    if priority == "urgent":
        return max(1, default_days // 3)
    if priority == "low":
        return default_days + default_days // 2
    return default_days


def due_date(start: datetime.date, default_days: int, priority: str) -> datetime.date:
    return add_workdays(start, due_days(default_days, priority))
