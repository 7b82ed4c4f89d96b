"""Template helpers for case pages: the timeline, an event's sentence, badge colours, rows of cases."""

import secrets
from collections.abc import Container, Iterable

from django import template
from django.template.defaultfilters import date, linebreaksbr
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from cases import events, rows
from cases.models import CaseEvent
from common.escaping import dates_kept_whole, escape
from common.masking import mask_numbers_in_text

register = template.Library()

register.filter("status_colour", rows.status_colour)


@register.simple_tag
def form_token() -> SafeString:
    """A form's one-time token, new each time the form is drawn: the same form posted twice (a
    double tap, Back and save again) is saved once (cases/services/once.py). Two forms drawn one
    after the other (two notes typed) are two submits."""
    return mark_safe(f'<input type="hidden" name="token" value="{secrets.token_urlsafe(16)}">')  # noqa: S308


@register.simple_tag(takes_context=True)
def seen(context) -> SafeString:
    """The case's version the page was drawn at, sent by each of the case part's forms (a plain post
    without JavaScript as well as htmx's): a send refused because the case changed meanwhile (given
    to someone else) is told by it from a form the page never offered (case_page.refused_meanwhile)."""
    case = context["case"]
    drawn = f'<input type="hidden" name="seen" value="{int(case.version)}">'
    # And its assignee then: a stale send (409) says who has the case now (case_page.hands_changed).
    drawn += f'<input type="hidden" name="seen_assignee" value="{int(case.assignee_id or 0) or ""}">'
    return mark_safe(drawn)  # noqa: S308


# A long description is folded to its first FOLD_LINES lines (static/css/needle.css .fold): 2,000
# characters filled several phone screens, and the next steps ended up 4,000 px down. Folded when it
# would take more than FOLD_LINES + 2 lines of a phone (PHONE_LINE Chinese characters each), so that
# the fold hides something; a short one is shown whole, with no toggle.
FOLD_LINES, PHONE_LINE = 6, 18


@register.filter
def folds(text: str) -> bool:
    lines = sum(max(1, -(-len(line) // PHONE_LINE)) for line in (text or "").splitlines())
    return lines > FOLD_LINES + 2


@register.filter
def rows_for(text: str) -> int:
    """The rows of a read-only box showing `text` (the words of a refused send, to copy): as many as
    it takes on a phone, 2 to 8; a longer text scrolls in its box."""
    lines = sum(max(1, -(-len(line) // PHONE_LINE)) for line in (text or "").splitlines())
    return min(8, max(2, lines))


@register.inclusion_tag("cases/includes/action_text.html", takes_context=True)
def action_text(
    context, action: str, label: str, rows: int = 2, required: bool = False, id: str = ""
) -> dict:
    """The words box of a case page action (`text`), as typed, with the action's refusal by it when
    it was refused (views._render_case `refused`): marked invalid for the page's focus on errors."""
    return {
        "id": id or f"{action.replace('_', '-')}-text",
        "label": label,
        "rows": rows,
        "required": required,
        "text": context["typed"][action],
        "errors": context["refused"].get(action, ()),
    }


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


@register.simple_tag
def timeline(
    events_shown: Iterable[CaseEvent], attachment_ids: Container[int] = (), oldest_first: bool = False
) -> SafeString:
    """The timeline's items (newest first as given, or `oldest_first` as the printed sheet), each as
    templates/cases/includes/event.html wrote it, to the character: as that include an event cost
    about a dozen template nodes, a tenth of a case page with a few events."""
    files = attachment_ids or ()
    items = []
    for event in reversed(list(events_shown)) if oldest_first else events_shown:
        at = timezone.localtime(event.at)  # the date filter's `expects_localtime`
        actor = f" · {escape(event.actor.display_name)}" if event.actor else ""
        text = ""
        if event.text:
            text = linebreaksbr(mask_numbers_in_text(str(event.text)), autoescape=True)
            text = f'<p class="event-text">{dates_kept_whole(text)}</p>'
        when = f'<time datetime="{escape(date(at, "c"))}">{escape(date(at, "Y-m-d H:i"))}</time>'
        items.append(
            f'<li class="event event-{escape(event.kind)}">\n'
            f'  <div class="when">{when}{actor}</div>\n'
            # Each date on one line: "重新打开，新的截止日期为 2026-12-" and "14。" on the next, on a phone.
            f'  <div class="what">{dates_kept_whole(escape(events.sentence(event, files)))}\n'
            f"  {text}\n"
            "  </div>\n"
            "</li>\n"
        )
    return mark_safe("".join(items))  # noqa: S308 (every value above escaped, the markup Needle's own)


@register.inclusion_tag("cases/includes/duplicates.html", takes_context=True)
def duplicates(context, case) -> dict:
    """The cases closed as duplicates of this one that the reader may see (cases/duplicates.py), as
    the case page's fact "Duplicates": the one kept says which reports were folded into it."""
    from cases.duplicates import duplicates_of  # forms and selectors: read when a page draws this

    return {"duplicates": list(duplicates_of(context["request"].access, case))}
