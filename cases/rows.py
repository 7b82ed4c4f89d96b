"""Rows of cases, rendered in Python: the case list, the worker's queue on the home page and the
resident, household and building pages draw the same row.

As a template included per list (templates/cases/includes/case_rows.html, which now calls this)
a page of 25 rows cost about 900 template nodes resolved one by one: a third of the list's time.
Here a row is one format_html; what is the same in every row (the icons, the translated words, the
link with the id left out) is worked out once per list. The HTML is the template's, line
for line (the pages' HTML was saved before and after the change and compared).

Escaping: every value from the database goes through format_html (escaped); the translated
sentences are Needle's own (trusted, as in {% blocktranslate %}) with their values escaped.
"""

from collections.abc import Iterable

from django.utils import formats, timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from cases import reference
from cases.models import Case
from common.masking import mask_numbers_in_text
from common.templatetags.needle import icon, pk_url

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
    return value.strftime("%Y-%m-%d")


def _sentence(translated: str, **values) -> SafeString:
    """A translated sentence with its values escaped, as {% blocktranslate with … %} renders it."""
    shown = {key: conditional_escape(formats.localize(value)) for key, value in values.items()}
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
        '          <span class="badge overdue">{}{}</span>\n', icon("alert"), gettext("overdue")
    )
    urgent_badge = format_html('          <span class="badge red">{}</span>\n', gettext("urgent"))
    sensitive_badge = format_html('          <span class="badge">{}</span>\n', gettext("sensitive"))
    clock = icon("clock", "icon icon-sm")
    chevron = icon("chevron")
    unassigned = gettext("unassigned")
    # get_status_display() builds a dict of the choices on every call: once per list here.
    status_labels = {value: str(label) for value, label in Case.Status.choices}
    # The names beside each case, from the cache (cases/reference.py), not from joined rows.
    categories = reference.category_labels()
    committees = reference.committee_names() if show_committee else {}
    people = reference.user_names({case.committee_id for case in cases}, {case.assignee_id for case in cases})
    out = SafeString('\n<ul class="rows case-rows">\n')
    for case in cases:
        is_open, overdue = case.is_open, case.is_overdue  # the model's rules, not restated here
        badges = SafeString()
        if overdue:
            badges += overdue_badge
        if case.priority == "urgent":
            badges += urgent_badge
        if case.sensitive:
            badges += sensitive_badge
        extra = SafeString()
        location = case.location
        if location:
            extra += format_html("          <span>{}</span>\n", mask_numbers_in_text(str(location)))
        if show_committee:
            extra += format_html("          <span>{}</span>\n", committees.get(case.committee_id, ""))
        when = SafeString()
        if is_open:
            when = format_html(
                '          <span class="nowrap{}">{}{}</span>\n',
                " overdue-text" if overdue else "",
                clock,
                _sentence(gettext("due %(date)s"), date=_day(case.due_date)),
            )
        elif case.closed_at:
            when = format_html(
                '          <span class="nowrap">{}</span>\n',
                _sentence(gettext("closed %(date)s"), date=_day(case.closed_at)),
            )
        elif case.resolved_at:
            when = format_html(
                '          <span class="nowrap">{}</span>\n',
                _sentence(gettext("resolved %(date)s"), date=_day(case.resolved_at)),
            )
        referral = case.waiting_referral if is_open else None
        if referral:
            when += format_html(
                '          <span class="waiting-on">{}</span>\n',
                _sentence(
                    gettext("with %(body)s for %(days)s days"),
                    body=referral.body.label,
                    days=referral.days_out,
                ),
            )
        out += format_html(
            _ROW,
            _OVERDUE_CLASS if overdue else "",
            pk_url("cases:detail", case.pk),
            case.number,
            status_colour(case.status),
            status_labels.get(case.status, case.status),
            badges,
            mask_numbers_in_text("" if case.title is None else str(case.title)),
            categories.get(case.category_id, ""),
            extra,
            people.get(case.assignee_id, "") if case.assignee_id else unassigned,
            when,
            chevron,
        )
    return out + SafeString("</ul>\n")
