"""Template helpers for case pages: an event's sentence on the timeline, badge colours, rows of cases."""

from collections.abc import Container

from django import template
from django.utils.safestring import SafeString

from cases import events, rows
from cases.models import CaseEvent

register = template.Library()

register.filter("status_colour", rows.status_colour)


@register.simple_tag
def case_rows(cases, empty_text: str | None = None, show_committee: bool = False) -> SafeString:
    """Rows of cases (cases/rows.py): `{% case_rows cases empty_text=… show_committee=… %}`."""
    return rows.render_case_rows(cases, show_committee=bool(show_committee), empty_text=empty_text)


@register.simple_tag(takes_context=True)
def included_case_rows(context) -> SafeString:
    """The same for templates/cases/includes/case_rows.html: its `with` names are optional."""
    return rows.render_case_rows(
        context.get("cases") or (),
        show_committee=bool(context.get("show_committee")),
        empty_text=context.get("empty_text"),
    )


@register.simple_tag
def event_sentence(event: CaseEvent, attachment_ids: Container[int] = ()) -> SafeString:
    """What the timeline says for an event (events.sentence); files still there are linked."""
    return events.sentence(event, attachment_ids or ())
