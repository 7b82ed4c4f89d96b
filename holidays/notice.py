"""A year's days read from the lines of the State Council's notice, as an administrator pastes or types
them in the admin (holidays/admin.py): one holiday a line, its days a range, its make-up working days
after it, instead of some thirty rows typed one date at a time (review 6, item 7). For example:

    2027-02-05 至 2027-02-12 春节；调休上班 2027-02-20
    元旦：1月1日（周五）至3日（周日）放假调休，共3天。1月4日（周一）上班。
    2027-10-01 to 2027-10-07 国庆节; make-up 2027-09-26, 2027-10-09

A part of a line (split at 。 or ；) that says 上班 (or make-up, working day) lists make-up working
days; any other part lists days off. A date is 2027-02-05, 2027/2/5, 2027年2月5日 or 2月5日 (the
schedule's year); a range's end may be the day alone (1月1日至3日). What is in brackets (the
weekday, the lunar date) is left out. The holiday's name is what remains (元旦 above); a make-up
day takes its line's holiday's name. Nothing is guessed: a line with no date, a date outside the
year, a range backwards or longer than a month or a day listed twice is refused, with the line's number
and what was read. A 上班 day on Monday to Friday is an ordinary working day, the day the notice says work
resumes ("1月4日（周一）上班。" after New Year on a Friday): it says nothing and writes nothing (review 7,
item 7: it refused the notice's own sentence); only a Saturday or Sunday worked is a make-up day.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from holidays.models import HolidayDay

_DATE = r"(?:(?P<{p}y>\d{{4}})\s*[-/.年]\s*)?(?P<{p}m>\d{{1,2}})\s*[-/.月]\s*(?P<{p}d>\d{{1,2}})(?!\d)\s*日?"
_THROUGH = r"\s*(?:至|到|~|～|–|—|-|to|until|through)\s*"
_DAY_ALONE = r"(?P<bday>\d{1,2})(?!\d)\s*日?"
_DATES = re.compile(
    rf"{_DATE.format(p='a')}(?:{_THROUGH}(?:{_DATE.format(p='b')}|{_DAY_ALONE}))?", re.IGNORECASE
)
_BRACKETS = re.compile(r"[（(［\[][^）)］\]]*[）)］\]]")
_PARTS = re.compile(r"[。；;]")
_WORKDAY_WORDS = re.compile(r"上班|补班|make-?up|working day|workday", re.IGNORECASE)
# What is left of a part after its dates, and is not the holiday's name.
_NOT_THE_NAME = re.compile(
    r"^\s*[一二三四五六七八九十]+、|放假调休|放假|调休|上班|补班|共\s*\d+\s*天|"
    r"make-?up(?: working)?(?: days?)?|working days?|workdays?|days? off|[，,:：、。\s]+",
    re.IGNORECASE,
)
LONGEST_BREAK = 31  # days: a range longer than a month is a slip (a wrong month or year)
NAME_MAX = HolidayDay._meta.get_field("name").max_length


@dataclass(frozen=True)
class NoticeDay:
    date: datetime.date
    kind: str  # HolidayDay.Kind
    name: str
    line: int  # 1-based, for the words when it is refused


def read_notice(text: str, year: int) -> list[NoticeDay]:
    """The days the lines give, in their order; a ValidationError listing every line refused."""
    days: list[NoticeDay] = []
    errors: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            days += _read_line(line.strip(), number, year)
        except ValidationError as error:
            errors += [_("Line %(n)s: %(error)s") % {"n": number, "error": e} for e in error.messages]
    seen: dict[datetime.date, int] = {}
    for day in days:
        if day.date in seen:
            errors.append(
                _("Line %(n)s: %(day)s is listed already (line %(first)s); each day is listed once.")
                % {"n": day.line, "day": day.date.isoformat(), "first": seen[day.date]}
            )
        seen.setdefault(day.date, day.line)
    if errors:
        raise ValidationError(errors)
    return days


def _read_line(line: str, number: int, year: int) -> list[NoticeDay]:
    line = _BRACKETS.sub(" ", line)
    parts = [part for part in _PARTS.split(line) if part.strip()]
    read: list[tuple[str, list[datetime.date], str]] = []  # (kind, days, name) per part
    for part in parts:
        kind = HolidayDay.Kind.WORKDAY if _WORKDAY_WORDS.search(part) else HolidayDay.Kind.HOLIDAY
        dates: list[datetime.date] = []
        for match in _DATES.finditer(part):
            dates += _days_of(match, year)
        name = _NOT_THE_NAME.sub(" ", _DATES.sub(" ", part))
        name = " ".join(name.split()).strip(" -–—")
        if len(name) > NAME_MAX:
            raise ValidationError(
                _("the name “%(name)s” is longer than %(max)s characters.") % {"name": name, "max": NAME_MAX}
            )
        read.append((kind, dates, name))
    if not any(dates for _kind, dates, _name in read):
        raise ValidationError(
            _("no date read in “%(line)s” (write a date as 2027-02-05 or 2月5日).") % {"line": line}
        )
    holiday_name = next((name for kind, _d, name in read if kind == HolidayDay.Kind.HOLIDAY and name), "")
    days = []
    for kind, dates, name in read:
        for day in dates:
            if day.year != year:
                # Where it goes instead: 元旦 from 31 December (the 2023 notice's) is the year before's.
                raise ValidationError(
                    _(
                        "%(day)s is in %(other)s, not %(year)s: add it to the schedule of %(other)s "
                        "(a year the built-in calendar knows starts from its days)."
                    )
                    % {"day": day.isoformat(), "year": year, "other": day.year}
                )
            if kind == HolidayDay.Kind.WORKDAY and day.weekday() < 5:
                continue  # a working day anyway: the return to work, not a make-up day
            days.append(NoticeDay(day, kind, name or holiday_name, number))
    return days


def _date(y: str | None, m: str, d: str, year: int) -> datetime.date:
    try:
        return datetime.date(int(y) if y else year, int(m), int(d))
    except ValueError:
        raise ValidationError(
            _("there is no day %(typed)s.") % {"typed": "-".join(filter(None, (y, m.zfill(2), d.zfill(2))))}
        ) from None


def _days_of(match: re.Match, year: int) -> list[datetime.date]:
    first = _date(match["ay"], match["am"], match["ad"], year)
    if match["bm"]:
        last = _date(match["by"] or str(first.year), match["bm"], match["bd"], year)
    elif match["bday"]:
        last = _date(str(first.year), str(first.month), match["bday"], year)
    else:
        return [first]
    if last < first:
        raise ValidationError(
            _("the range %(first)s to %(last)s ends before it starts.")
            % {"first": first.isoformat(), "last": last.isoformat()}
        )
    if (last - first).days >= LONGEST_BREAK:
        raise ValidationError(
            _("the range %(first)s to %(last)s is longer than a month: check its dates.")
            % {"first": first.isoformat(), "last": last.isoformat()}
        )
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]
