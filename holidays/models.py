"""Each year's holidays and make-up working days (调休), as the State Council's notice gives them.

The notice comes out in November or December for the next year; the chinesecalendar library learns
it only with a new release. A year entered here is used as entered; nothing is ever guessed.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from common.dates import outside_range

# The years a schedule may be entered for (HolidayYear.check_year): from the first year the
# chinesecalendar library knows (2004; a test keeps this true), which no case in Needle predates,
# to next year: the State Council announces a year's holidays in the November or December before
# it, so a year further on has no notice to copy yet. Year 0 or 9999 could be saved, and the
# worker's recount of the due dates over it failed (cases/due_dates.py: there is no such day).
FIRST_SCHEDULE_YEAR = 2004
YEAR_TOO_EARLY = _("The year cannot be earlier than %(day)s, the first year the holiday calendar knows.")
YEAR_TOO_LATE = _(
    "The year can be at most next year (%(day)s): the State Council announces a year's holidays "
    "late in the year before."
)


WORKDAY_ON_A_WEEKDAY = _(
    "%(day)s is a %(weekday)s, a working day anyway: a make-up working day is a Saturday or Sunday "
    "worked in exchange for a holiday."
)


class HolidayYear(models.Model):
    """One year's schedule. Once a year is here, its days are exactly: weekends off, weekdays on, except
    the days listed under it."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    notice = models.CharField(
        _("notice"),
        max_length=200,
        blank=True,
        help_text=_("The notice the days come from, e.g. 国务院办公厅关于2027年部分节假日安排的通知."),
    )

    class Meta:
        verbose_name = _("holiday schedule of a year")
        verbose_name_plural = _("holiday schedules")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)

    @staticmethod
    def year_range(today: datetime.date) -> tuple[int, int]:
        return FIRST_SCHEDULE_YEAR, today.year + 1

    @classmethod
    def check_year(cls, year: int, *, today: datetime.date) -> None:
        """Refuse a year outside year_range: a ValidationError on year."""
        error = outside_range(year, *cls.year_range(today), YEAR_TOO_EARLY, YEAR_TOO_LATE)
        if error:
            raise ValidationError({"year": error})


class HolidayDay(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday (no work)")
        WORKDAY = "workday", _("Make-up working day")

    schedule = models.ForeignKey(HolidayYear, models.CASCADE, related_name="days", verbose_name=_("year"))
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.HOLIDAY)
    name = models.CharField(_("name"), max_length=30, blank=True, help_text=_("e.g. 元旦, 春节"))

    class Meta:
        verbose_name = _("holiday or make-up working day")
        verbose_name_plural = _("holidays and make-up working days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()

    def clean(self) -> None:
        if self.date and self.schedule_id and self.date.year != self.schedule.year:
            raise ValidationError({"date": _("This day is not in %(year)s.") % {"year": self.schedule.year}})
        self.check_kind(self.date, self.kind)

    @classmethod
    def check_kind(cls, day: datetime.date | None, kind: str) -> None:
        """Refuse a make-up working day on Monday to Friday: an entered year's weekdays are working
        days already (unless listed as holidays, and a day is listed once), so the State Council's
        调休 are always Saturdays or Sundays, and one typed on a weekday is a slip (the day before
        or after, or the holiday's kind). A holiday may be any day: a week's holiday spans a weekend."""
        if day is not None and kind == cls.Kind.WORKDAY and day.weekday() < 5:
            raise ValidationError(
                {"date": WORKDAY_ON_A_WEEKDAY % {"day": day.isoformat(), "weekday": WEEKDAYS[day.weekday()]}}
            )
