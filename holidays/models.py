"""Each year's holidays and make-up working days (调休), as the State Council's notice gives them.

The notice comes out in November or December for the next year; the chinesecalendar library learns
it only with a new release. A year entered here is used as entered; nothing is ever guessed.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


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


class HolidayDay(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("holiday (no work)")
        WORKDAY = "workday", _("make-up working day")

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
        from django.core.exceptions import ValidationError

        if self.date and self.schedule_id and self.date.year != self.schedule.year:
            raise ValidationError({"date": _("This day is not in %(year)s.") % {"year": self.schedule.year}})
