from django import template
from django.utils import timezone

from holidays.calendar import years_without_schedule

register = template.Library()


@register.inclusion_tag("holidays/missing.html", takes_context=True)
def missing_holiday_schedule(context, short: bool = False) -> dict:
    """A warning when the coming weeks fall in a year with no holiday schedule (dashboard, admin).
    short: one line for who cannot enter the schedule (the secretary's dashboard): the full text is
    the administrator's to-do, and on a phone it pushed every figure below the fold (review 10, F-J)."""
    request = context.get("request")
    can_enter = request is not None and request.user.has_perm("holidays.add_holidayyear")
    return {"years": years_without_schedule(timezone.localdate()), "short": short and not can_enter}
