"""Rows of cases, rendered in Python: the case list, the worker's queue on the home page and the
resident, household and building pages draw the same row.

As a template included per list (templates/cases/includes/case_rows.html, which now calls this)
a page of 25 rows cost about 900 template nodes resolved one by one: a third of the list's time.
Here a row is one str.format of values escaped by common.escaping.escape; what is the same in
every row (the icons, the translated words, the link with the id left out) is worked out once per
list. The HTML is the template's, line for line (the pages' HTML was saved before and after the
change and compared byte for byte: bench/render_guard.py compare --strict).

Escaping: every value from the database is escaped (as format_html does); the translated
sentences are Needle's own (trusted, as in {% blocktranslate %}) with their values escaped.
"""

import functools
from collections.abc import Iterable

from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from cases import reference
from cases.models import Case, Referral
from common.escaping import escape
from common.masking import mask_numbers_in_text
from common.reversing import pk_url_parts
from common.templatetags.needle import icon

_STAGE_COLOURS = {
    "new": "blue",
    "in_progress": "amber",
    "waiting": "amber",
    "resolved": "green",
    "closed": "",
}

_ROW = (
    "  <li{}>\n"
    '    <a href="{}">\n'
    '      <div class="row-main">\n'
    '        <div class="case-row-head">\n'
    '          <span class="case-number num">{}</span>\n'
    '          <span class="badge {}">{}</span>\n'
    "{}"  # the badges: overdue, urgent, sensitive (each a line of its own, when shown)
    "        </div>\n"
    '        <div class="row-title">{}</div>\n'
    '        <div class="row-meta">\n'
    "          <span>{}</span>\n"
    "{}"  # place, committee
    "          <span>{}</span>\n"
    "{}"  # due / closed / resolved, and the referral waiting for a reply
    "        </div>\n"
    "      </div>\n"
    "      {}\n"
    "    </a>\n"
    "  </li>\n"
)


_OVERDUE_CLASS = SafeString(' class="is-overdue"')


def status_colour(value: str) -> str:
    return _STAGE_COLOURS.get(value, "")


def _day(value) -> str:
    """`|date:"Y-m-d"` (a datetime in the current time zone, as the template filter shows it)."""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value)
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"  # strftime writes year 1 as "1"


def _waiting(case: Case, today) -> tuple[int, int] | None:
    """The body id of the case's waiting_referral and its days out on `today`, or None: the day
    asked once for all the rows. From with_waiting_referral's two columns no Referral is made:
    making one a row cost a page of 25 rows about a tenth of their drawing."""
    if hasattr(case, "waiting_body_id"):
        if case.waiting_body_id is None:
            return None
        return case.waiting_body_id, Referral.days_out_from(case.waiting_sent_on, None, today)
    referral = case.waiting_referral
    if referral is None:
        return None
    return referral.body_id, Referral.days_out_from(referral.sent_on, referral.replied_on, today)


def _sentence(translated: str, **values) -> SafeString:
    """A translated sentence with its values escaped, as {% blocktranslate with … %} renders it."""
    shown = {key: escape(formats.localize(value)) for key, value in values.items()}
    return mark_safe(translated % shown)  # noqa: S308 (Needle's own words, its values escaped)


def render_case_rows(
    cases: Iterable[Case], *, show_committee: bool = False, empty_text: str | None = None
) -> SafeString:
    """The rows (cases from cases.selectors.case_rows and friends: they join or prefetch what a row
    shows), or `empty_text` ("No cases." when not given) when there are none."""
    cases = list(cases)
    if not cases:
        return format_html('\n<p class="empty rows">{}</p>\n', empty_text or gettext("No cases."))
    overdue_badge = format_html(
        '          <span class="badge overdue">{}{}</span>\n', icon("alert"), gettext("Overdue")
    )
    urgent_badge = format_html('          <span class="badge red">{}</span>\n', gettext("Urgent"))
    sensitive_badge = format_html('          <span class="badge">{}</span>\n', gettext("Sensitive"))
    clock = icon("clock", "icon icon-sm")
    chevron = escape(icon("chevron"))
    unassigned = escape(gettext("Unassigned"))
    # The sentences translated once per list, not once per row (each gettext reads the active
    # language from a context-local).
    due, closed, resolved = gettext("due %(date)s"), gettext("closed %(date)s"), gettext("resolved %(date)s")
    # Counted over a year whose holidays are not entered: the case page says why (Case.due_unsettled_years).
    due_provisional = gettext("due %(date)s (provisional)")
    # "for 1 day", not "for 1 days": each count's form asked of ngettext once per list.
    with_body = functools.cache(
        lambda days: ngettext("with %(body)s for %(days)s day", "with %(body)s for %(days)s days", days)
    )
    with_body_today = gettext("referred to %(body)s today")  # not "for 0 days"
    # get_status_display() builds a dict of the choices on every call: once per list here.
    status_labels = {value: escape(label) for value, label in Case.Status.choices}
    # The names beside each case, from the cache (cases/reference.py), not from joined rows.
    categories = reference.category_labels()
    committees = reference.committee_names() if show_committee else {}
    bodies = reference.outside_body_labels()
    people = reference.user_names({case.committee_id for case in cases}, {case.assignee_id for case in cases})
    url_before, url_after = (escape(part) for part in pk_url_parts("cases:detail"))
    today = timezone.localdate()  # once per list, not once per row
    out = ['\n<ul class="rows case-rows">\n']
    for case in cases:
        is_open, overdue = case.is_open, case.overdue_on(today)  # the model's rules, not restated here
        badges = ""
        if overdue:
            badges += overdue_badge
        if case.priority == "urgent":
            badges += urgent_badge
        if case.sensitive:
            badges += sensitive_badge
        extra = ""
        location = case.location
        if location:
            extra += f"          <span>{escape(mask_numbers_in_text(str(location)))}</span>\n"
        if show_committee:
            extra += f"          <span>{escape(committees.get(case.committee_id, ''))}</span>\n"
        # The pieces below are Needle's markup round values escaped already (SafeStrings, as
        # format_html would pass them): plain f-strings, not format_html's escaping again.
        when = ""
        if is_open:
            late = " overdue-text" if overdue else ""
            sentence = _sentence(
                due_provisional if case.due_unsettled_years() else due, date=_day(case.due_date)
            )
            when = f'          <span class="nowrap{late}">{clock}{sentence}</span>\n'
        elif case.closed_at:
            when = f'          <span class="nowrap">{_sentence(closed, date=_day(case.closed_at))}</span>\n'
        elif case.resolved_at:
            when = (
                f'          <span class="nowrap">{_sentence(resolved, date=_day(case.resolved_at))}</span>\n'
            )
        waiting = _waiting(case, today) if is_open else None
        if waiting:
            body_id, days = waiting
            sentence = _sentence(
                with_body(days) if days else with_body_today, body=bodies.get(body_id, ""), days=days
            )
            when += f'          <span class="waiting-on">{sentence}</span>\n'
        out.append(
            _ROW.format(
                _OVERDUE_CLASS if overdue else "",
                f"{url_before}{int(case.pk)}{url_after}",
                escape(case.number),
                status_colour(case.status),
                status_labels.get(case.status) or escape(case.status),
                badges,
                escape(mask_numbers_in_text("" if case.title is None else str(case.title))),
                escape(categories.get(case.category_id, "")),
                extra,
                escape(people.get(case.assignee_id, "")) if case.assignee_id else unassigned,
                when,
                chevron,
            )
        )
    out.append("</ul>\n")
    return mark_safe("".join(out))  # noqa: S308 (every value above escaped, the markup Needle's own)
