"""Template helpers for case pages: labels for values stored in timeline events, badge colours."""

from django import template
from django.utils.translation import get_language

from cases.models import Aid, Case, CaseParty

register = template.Library()

_STATUS = dict(Case.Status.choices)
_SATISFACTION = dict(Case.Satisfaction.choices)
_AID_KIND = dict(Aid.Kind.choices)
_AID_STATUS = dict(Aid.Status.choices)
_ROLE = dict(CaseParty.Role.choices)
_STAGE_COLOURS = {
    "new": "blue",
    "in_progress": "amber",
    "waiting": "amber",
    "resolved": "green",
    "closed": "",
}


@register.filter
def status_label(value: str) -> str:
    return _STATUS.get(value, value)


@register.filter
def status_colour(value: str) -> str:
    return _STAGE_COLOURS.get(value, "")


@register.filter
def satisfaction_label(value: str) -> str:
    return _SATISFACTION.get(value, value)


@register.filter
def aid_kind_label(value: str) -> str:
    return _AID_KIND.get(value, value)


@register.filter
def aid_status_label(value: str) -> str:
    return _AID_STATUS.get(value, value)


@register.filter
def role_label(value: str) -> str:
    return _ROLE.get(value, value)


@register.filter
def body_name(data: dict) -> str:
    """The outside body's name stored in an event, in the active language."""
    if (get_language() or "").startswith("en") and data.get("body_en"):
        return data["body_en"]
    return data.get("body", "")


@register.simple_tag
def waiting_on(case) -> str:
    if (get_language() or "").startswith("en") and getattr(case, "waiting_on_en", ""):
        return case.waiting_on_en
    return getattr(case, "waiting_on", "") or ""


@register.filter
def days_since(day) -> int:
    from django.utils import timezone

    return (timezone.localdate() - day).days if day else 0
