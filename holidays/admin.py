from django.contrib import admin

from holidays.calendar import forget_entered_days
from holidays.models import HolidayDay, HolidayYear


class HolidayDayInline(admin.TabularInline):
    model = HolidayDay
    extra = 3


@admin.register(HolidayYear)
class HolidayYearAdmin(admin.ModelAdmin):
    list_display = ["year", "notice"]
    inlines = [HolidayDayInline]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        forget_entered_days()  # this process at once; the others within a minute

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        forget_entered_days()

    def delete_queryset(self, request, queryset) -> None:  # "delete selected"
        super().delete_queryset(request, queryset)
        forget_entered_days()
