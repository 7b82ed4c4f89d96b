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
    # Who enters it: a superuser (Django's permissions are not given out: roles are staff roles), a
    # flag on the user already loaded, where has_perm would cost the dashboard two queries.
    can_enter = request is not None and request.user.is_superuser
    return {"years": years_without_schedule(timezone.localdate()), "short": short and not can_enter}
