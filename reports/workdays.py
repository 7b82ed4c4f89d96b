"""Working days between two dates, by the Chinese calendar (holidays and make-up working days, 调休).

The calendar is cases/workdays.py's (chinesecalendar, Mon–Fri outside the years it knows), and
the count agrees with its `workdays_between`.
`WorkdayCounter` builds a prefix table once per range, so counting thousands of date pairs is a
subtraction each (the dashboard counts every case resolved in a year).
"""

import datetime as dt
from functools import lru_cache

from cases.workdays import is_workday

# A dashboard asks about the same few hundred days on every request; the library validates each call.
_is_workday = lru_cache(maxsize=20_000)(is_workday)


class WorkdayCounter:
    """working_days(start, end): working days after `start` up to and including `end`.

    A case logged on Friday and resolved on Monday took 1 working day; resolved the same day, 0.
    """

    def __init__(self, first: dt.date, last: dt.date) -> None:
        self.first = first
        self.prefix: list[int] = [0]
        day = first
        while day <= last:
            self.prefix.append(self.prefix[-1] + (1 if _is_workday(day) else 0))
            day += dt.timedelta(days=1)

    def _upto(self, day: dt.date) -> int:
        """Working days from `first` up to and including `day`."""
        index = (day - self.first).days + 1
        return self.prefix[max(0, min(index, len(self.prefix) - 1))]

    def working_days(self, start: dt.date, end: dt.date) -> int:
        if end <= start:
            return 0
        return self._upto(end) - self._upto(start)


def median_working_days(pairs: list[tuple[dt.date, dt.date, int]]) -> float | None:
    """Median of working days over (start, end, how many cases) triples; None when there are none."""
    pairs = [p for p in pairs if p[0] and p[1]]
    if not pairs:
        return None
    counter = WorkdayCounter(min(p[0] for p in pairs), max(p[1] for p in pairs))
    # Grouped by date pair in the database: expand by count without building one list item per case
    # when the counts are large.
    values: list[tuple[int, int]] = sorted((counter.working_days(s, e), n) for s, e, n in pairs)
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
