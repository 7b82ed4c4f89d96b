"""Template helpers for case pages: an event's sentence on the timeline, badge colours."""

from collections.abc import Container

from django import template
from django.utils.safestring import SafeString

from cases import events
from cases.models import CaseEvent

register = template.Library()

_STAGE_COLOURS = {
    "new": "blue",
    "in_progress": "amber",
    "waiting": "amber",
    "resolved": "green",
    "closed": "",
}


@register.filter
def status_colour(value: str) -> str:
    return _STAGE_COLOURS.get(value, "")


@register.simple_tag
def event_sentence(event: CaseEvent, attachment_ids: Container[int] = ()) -> SafeString:
    """What the timeline says for an event (events.sentence); files still there are linked."""
    return events.sentence(event, attachment_ids or ())
