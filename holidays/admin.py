import datetime
from collections import defaultdict

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from holidays import calendar
from holidays.models import HolidayDay, HolidayYear
from holidays.notice import NoticeDay, read_notice


class HolidayDayForm(forms.ModelForm):
    """A day's row. Its date is checked against the stored days as the save leaves them (its
    formset's `deleted_here`): a day whose row is deleted in the same save is free for a new row or
    a row moved onto it. Django's check read the rows as stored and refused it ("already exists")
    until the administrator saved twice, the day missing in between. A day another row keeps is
    still refused, with Django's words."""

    def validate_unique(self) -> None:
        day = self.cleaned_data.get("date")
        if day is None or self.has_error("date"):
            return
        formset = getattr(self, "formset", None)
        gone = formset.deleted_here if formset is not None else set()
        kept = HolidayDay.objects.filter(date=day).exclude(pk=self.instance.pk).exclude(pk__in=gone)
        if kept.exists():
            self.add_error("date", self.instance.unique_error_message(HolidayDay, ("date",)))


class HolidayDaysFormSet(forms.BaseInlineFormSet):
    """A year's days lie in that year, and a year has at least one holiday: once entered, a year's
    due dates are counted on these days alone, so a year saved empty (or with another year's days)
    counted New Year and the Spring Festival as working days, and hid the warning that it was missing.
    The year comes from the form above it (the admin fills the instance in before the days)."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.formset = self  # its date checked with the rows deleted here gone (HolidayDayForm)
        return form

    @cached_property
    def deleted_here(self) -> set[int]:
        """The stored rows this save deletes (their box ticked), read from the form as sent: a row's
        date is checked before the others' forms are."""
        if not self.is_bound or not self.can_delete:
            return set()
        return {
            form.instance.pk
            for form in self.initial_forms
            if form.instance.pk is not None and form[DELETION_FIELD_NAME].value()
        }

    def save_existing_objects(self, commit: bool = True) -> list:
        """Django's, the deleted rows first: a row moved onto a deleted row's day is saved once that
        row is gone (row by row, in the page's order, the database's unique date refused it)."""
        self.changed_objects, self.deleted_objects = [], []
        saved = []
        rows = [
            form
            for form in self.initial_forms
            if form.instance.pk is not None and not form.instance._state.adding
        ]
        deleted = self.deleted_forms
        for form in sorted(rows, key=lambda form: form not in deleted):
            if form in deleted:
                self.deleted_objects.append(form.instance)
                self.delete_existing(form.instance, commit=commit)
            elif form.has_changed():
                self.changed_objects.append((form.instance, form.changed_data))
                saved.append(self.save_existing(form, form.instance, commit=commit))
                if not commit:
                    self.saved_forms.append(form)
        return saved

    def clean(self) -> None:
        self._each_day_once()
        super().clean()
        year = self.instance.year
        # The days read from the notice's lines above (HolidayYearForm.days_from_notice) count too.
        holidays = sum(day.kind == HolidayDay.Kind.HOLIDAY for day in _from_notice(self.instance))
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("date"):
                continue
            if year and data["date"].year != year:
                form.add_error("date", _("This day is not in %(year)s.") % {"year": year})
            holidays += data.get("kind") == HolidayDay.Kind.HOLIDAY
        # Lines the box refused are said there, with their numbers: a year whose holidays were in them
        # is not also "without holidays" (review 7, item 7: a second, misleading error).
        if year and not holidays and not getattr(self.instance, "notice_refused", False):
            raise ValidationError(
                _(
                    "Enter the year's holidays from the State Council's notice (at least New Year's Day): "
                    "a year saved without them counts every weekday as a working day."
                )
            )

    def _each_day_once(self) -> None:
        """A day listed twice is said in words, with the day (Django's own check named the column:
        "请修改date的重复数据"): each row that repeats it is marked. The rows are taken as the save
        leaves them: a deleted row is gone, an edited one at its new date. So a day of the notice's
        lines whose row is deleted or moved in the same save is taken (the box once read the rows
        as stored, and refused it until the administrator saved twice); one a row keeps is said
        with the line that repeats it."""
        rows: dict[datetime.date, list[forms.Form]] = defaultdict(list)
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if data and not data.get("DELETE") and data.get("date"):
                rows[data["date"]].append(form)
        from_notice = {day.date: day for day in _from_notice(self.instance)}  # read_notice: once each
        twice = sorted(day for day, row_forms in rows.items() if len(row_forms) > 1)
        in_lines = sorted(day for day in rows if day in from_notice)
        for day in twice + in_lines:
            for form in rows[day]:
                if not form.has_error("date"):
                    form.add_error("date", _("This day is listed more than once."))
        errors = []
        if twice:
            errors.append(
                _(
                    "%(days)s is listed more than once: each day is listed once, as a holiday or as a "
                    "make-up working day."
                )
                % {"days": "、".join(day.isoformat() for day in twice)}
            )
        errors += [
            _("Line %(n)s: %(day)s is listed below already; correct it in its row.")
            % {"n": from_notice[day].line, "day": day.isoformat()}
            for day in in_lines
        ]
        if errors:
            raise ValidationError(errors)


def _from_notice(year: HolidayYear) -> list[NoticeDay]:
    """The days HolidayYearForm read from the notice's lines, kept on the year for its days' formset
    (the admin builds the formset over the form's instance) and for save_related, which writes them."""
    return getattr(year, "days_from_notice", [])


class HolidayDayInline(admin.TabularInline):
    model = HolidayDay
    form = HolidayDayForm
    formset = HolidayDaysFormSet
    extra = 3


def _count_due_dates_again(request, years: set[int]) -> None:
    """Once the change commits, the worker counts again the open cases' due dates over these years
    (cases/due_dates.py); this process reads the new days at once, the others within a minute."""
    from cases.tasks import recount_due_dates  # cases reads the calendar: import late

    calendar.forget_entered_days()
    years = sorted(year for year in years if year)
    user_id = request.user.pk

    def enqueue() -> None:
        calendar.forget_entered_days()  # a request of this process may have read the days before this commit
        recount_due_dates.enqueue(years, started_by=user_id)
        if recount_due_dates.get_backend().supports_defer:
            # The other processes keep the days they read for up to a minute: a case they log in
            # that minute is counted on the old days, after the first run. A second run, once they
            # have all read the new days, counts those again (it moves nothing else).
            later = timezone.now() + datetime.timedelta(seconds=2 * calendar.TTL_SECONDS)
            recount_due_dates.using(run_after=later).enqueue(years, started_by=user_id)

    transaction.on_commit(enqueue)
    messages.info(
        request,
        _(
            "The due dates of open cases counted over %(years)s will be counted again on these days "
            "within a few minutes; each date that moves is noted on its case's timeline."
        )
        % {"years": "、".join(str(year) for year in years)},
    )


class HolidayYearForm(forms.ModelForm):
    """A year entered or corrected here lies in HolidayYear.year_range; a year stored before the
    rule and left as it is still saves with its days corrected.

    Its days may be typed or pasted as the notice's lines (holidays/notice.py: a holiday's range and
    its make-up days on one line) besides, or instead of, the rows below one date at a time: read
    when the form is checked, refused by the box with each line's number, written with the rows in
    the admin's one transaction, and the due dates counted again once."""

    notice_lines = forms.CharField(
        label=gettext_lazy("Add from the notice"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
        help_text=gettext_lazy(
            "One holiday a line, as the State Council's notice gives it: its days, its name, then its "
            "make-up working days (上班), e.g. “2027-02-05 至 2027-02-12 春节；调休上班 2027-02-20” or "
            "“元旦：1月1日（周五）至3日（周日）放假调休，共3天。” A date without a year is in the "
            "year above. The days are added to those listed below."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and "year" in self.fields:
            self.fields["year"].help_text = gettext_lazy(
                "A year the built-in calendar already knows starts from its days when saved; what you "
                "enter here is added to them (a day entered replaces the calendar's for that day)."
            )

    def clean(self):
        data = super().clean()
        if data.get("year") is not None and (self.instance.pk is None or "year" in self.changed_data):
            try:
                HolidayYear.check_year(data["year"], today=timezone.localdate())
            except ValidationError as error:
                self.add_error(None, error)  # on the year's field
        self.instance.days_from_notice = []
        self.instance.notice_refused = False
        lines = data.get("notice_lines", "")
        if lines.strip() and data.get("year") is not None and not self.has_error("year"):
            try:
                days = read_notice(lines, data["year"])
            except ValidationError as error:
                self.add_error("notice_lines", error)
                self.instance.notice_refused = True
            else:
                # A day a row below keeps is refused by the rows' formset, which sees them as the
                # save leaves them (HolidayDaysFormSet._each_day_once).
                self.instance.days_from_notice = days
        return data


def statutory_days(year: int) -> int:
    """The days of statutory holiday a year (全体公民放假的节日): 13 since 2025 (New Year 1, the Spring
    Festival 4, Qingming 1, Labour Day 2, Dragon Boat 1, Mid-Autumn 1, National Day 3), 11 from
    2008, 10 before. A notice's breaks are longer (the weekends and make-up days around them), so a
    year entered with fewer days off than this is half typed in, and its due dates would count the
    rest as working days: the admin says so when it is saved, and its list marks the year. Not
    refused: a clerk may save a long notice in several sittings, and a warning keeps their work."""
    return 13 if year >= 2025 else 11 if year >= 2008 else 10


def _start_from_library(request, schedule: HolidayYear, typed: set[datetime.date]) -> None:
    """A new year the built-in calendar knows starts from its days (calendar.library_days), the days
    typed with it added over them (a day typed wins: `typed` and the rows saved). An entered year
    replaces the library's whole: one holiday added to 2026 (元旦 from 31 December) made its 国庆
    working days and moved open cases' due dates (review 9, item 4). Said, so that it is checked."""
    kept = typed | set(schedule.days.values_list("date", flat=True))
    days = [
        HolidayDay(
            schedule=schedule,
            date=day,
            kind=HolidayDay.Kind.WORKDAY if on else HolidayDay.Kind.HOLIDAY,
            name=name,
        )
        for day, on, name in calendar.library_days(schedule.year)
        if day not in kept
    ]
    if not days:
        return
    HolidayDay.objects.bulk_create(days)
    workdays = sum(day.kind == HolidayDay.Kind.WORKDAY for day in days)
    messages.info(
        request,
        _(
            "%(year)s is in the built-in holiday calendar: its days (%(off)s and %(on)s) were filled in, "
            "and the days you entered added to them. Check them against the State Council's notice below."
        )
        % {
            "year": schedule.year,
            "off": ngettext("%(n)s day off", "%(n)s days off", len(days) - workdays)
            % {"n": len(days) - workdays},
            "on": ngettext("%(n)s make-up working day", "%(n)s make-up working days", workdays)
            % {"n": workdays},
        },
    )


@admin.register(HolidayYear)
class HolidayYearAdmin(admin.ModelAdmin):
    form = HolidayYearForm
    list_display = ["year", "notice", "days_off_entered"]
    inlines = [HolidayDayInline]
    actions = ["fill_from_library"]

    @admin.action(description=gettext_lazy("Fill in the built-in calendar's missing days"))
    def fill_from_library(self, request, queryset) -> None:
        """A year saved before new years started from the calendar (one day typed, the rest lost):
        the calendar's days it lacks are added, the days entered kept."""
        years = set()
        for schedule in queryset:
            if calendar.library_knows(schedule.year):
                _start_from_library(request, schedule, set())
                years.add(schedule.year)
        if years:
            _count_due_dates_again(request, years)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(off=models.Count("days", filter=models.Q(days__kind=HolidayDay.Kind.HOLIDAY)))
        )

    @admin.display(description=gettext_lazy("days off entered"), ordering="off")
    def days_off_entered(self, obj) -> str:
        if obj.off < statutory_days(obj.year):
            return _("%(n)s (looks incomplete)") % {"n": obj.off}
        return str(obj.off)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        year = form.instance.year
        if not change:
            # _from_notice's days are written below: theirs, not the calendar's.
            _start_from_library(request, form.instance, {d.date for d in _from_notice(form.instance)})
        if days := _from_notice(form.instance):
            HolidayDay.objects.bulk_create(
                HolidayDay(schedule=form.instance, date=d.date, kind=d.kind, name=d.name) for d in days
            )
            workdays = sum(day.kind == HolidayDay.Kind.WORKDAY for day in days)
            off = len(days) - workdays
            # Each count with its own plural ("1 make-up working days", review 7, item 7).
            messages.success(
                request,
                _("Added from the notice: %(off)s and %(on)s.")
                % {
                    "off": ngettext("%(n)s day off", "%(n)s days off", off) % {"n": off},
                    "on": ngettext("%(n)s make-up working day", "%(n)s make-up working days", workdays)
                    % {"n": workdays},
                },
            )
        off = form.instance.days.filter(kind=HolidayDay.Kind.HOLIDAY).count()
        if off < statutory_days(year):
            messages.warning(
                request,
                _(
                    "%(year)s has only %(n)s days off entered; the State Council's notice gives at "
                    "least %(fewest)s (New Year, the Spring Festival, Qingming, Labour Day, Dragon Boat, "
                    "Mid-Autumn, National Day). Check the notice and enter the missing days: until then "
                    "due dates count them as working days."
                )
                % {"year": year, "n": off, "fewest": statutory_days(year)},
            )
        if form.has_changed() or any(formset.has_changed() for formset in formsets):
            # A year corrected to another year changes both.
            _count_due_dates_again(request, {form.instance.year, form.initial.get("year")})

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        _count_due_dates_again(request, {obj.year})

    def delete_queryset(self, request, queryset) -> None:  # "delete selected"
        years = set(queryset.values_list("year", flat=True))
        super().delete_queryset(request, queryset)
        _count_due_dates_again(request, years)
