from django import template
from django.utils import timezone

from holidays.calendar import years_without_schedule

register = template.Library()


@register.inclusion_tag("holidays/missing.html")
def missing_holiday_schedule() -> dict:
    """A warning when the coming weeks fall in a year with no holiday schedule (dashboard, admin)."""
    return {"years": years_without_schedule(timezone.localdate())}
