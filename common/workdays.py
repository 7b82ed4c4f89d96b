"""Working days on the Chinese calendar: public holidays and make-up working days (调休).

The one place that counts working days: due dates (cases), time to resolve (reports), reminders.
Whether one day is a working day is holidays.calendar's answer: a year entered in the admin from
the State Council's notice, else the chinesecalendar library, else Monday to Friday (logged, and
shown to the secretary and the admin). Never fails.
`WorkdayCounter` builds a prefix table once per range, so counting thousands of date pairs is a
subtraction each (the dashboard counts every case resolved in a year).
"""

import datetime

from holidays.calendar import is_workday

__all__ = ["add_workdays", "due_date", "due_days", "is_workday", "workdays_between"]


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


class WorkdayCounter:
    """working_days(start, end): working days after `start` up to and including `end`.

    A case logged on Friday and resolved on Monday took 1 working day; resolved the same day, 0.
    """

    def __init__(self, first: datetime.date, last: datetime.date) -> None:
        self.first = first
        self.prefix: list[int] = [0]
        day = first
        while day <= last:
            self.prefix.append(self.prefix[-1] + (1 if is_workday(day) else 0))
            day += datetime.timedelta(days=1)

    def _upto(self, day: datetime.date) -> int:
        """Working days from `first` up to and including `day`."""
        index = (day - self.first).days + 1
        return self.prefix[max(0, min(index, len(self.prefix) - 1))]

    def working_days(self, start: datetime.date, end: datetime.date) -> int:
        if end <= start:
            return 0
        return self._upto(end) - self._upto(start)


def median_working_days(pairs: list[tuple[datetime.date, datetime.date, int]]) -> float | None:
    """Median of working days over (start, end, how many cases) triples; None when there are none."""
    return median_of_counts(working_day_counts(pairs))


def working_day_counts(pairs: list[tuple[datetime.date, datetime.date, int]]) -> list[tuple[int, int]]:
    """(working days, how many cases) for (start, end, how many cases) triples: what the dashboard's
    rollup keeps of a closed month (reports/rollup.py), since medians do not add up."""
    pairs = [p for p in pairs if p[0] and p[1]]
    if not pairs:
        return []
    counter = WorkdayCounter(min(p[0] for p in pairs), max(p[1] for p in pairs))
    return [(counter.working_days(s, e), n) for s, e, n in pairs]


def median_of_counts(values: list[tuple[int, int]]) -> float | None:
    """Median over (working days, how many cases); None when there are none."""
    # Grouped by date pair in the database: expand by count without building one list item per case
    # when the counts are large.
    values = sorted(values)
    total = sum(n for _, n in values)
    if total <= 0:
        return None
    return _weighted_median(values, total)


def _weighted_median(values: list[tuple[int, int]], total: int) -> float:
    lower_rank, upper_rank = (total - 1) // 2, total // 2
    lower = upper = None
    seen = 0
    for value, n in values:
        if lower is None and seen + n > lower_rank:
            lower = value
        if seen + n > upper_rank:
            upper = value
            break
        seen += n
    return (lower + upper) / 2
