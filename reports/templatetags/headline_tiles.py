"""The headline tiles of a committee's dashboard, a street's overview and the district's, written in
one call: `{% headline_tiles h label links late_url roster_url roster %}`.

`h` a Headline, `links` each figure's list (reports.figures count links), `late_url` the late
referrals' list, `label` the section's name; `roster_url` makes the care roster's figure a link to
it, `roster` shows it plain (a street reads no roster list), neither leaves it out (the district).

Through an include its 20-odd values, each localised or escaped by the template, and its `if`s cost
about as much as the district overview's street rows (reports/templatetags/overview_rows.py). The
markup is the include's as it was, byte for byte (bench/render_guard.py compares the pages).
"""

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from common.escaping import escape
from reports.templatetags.overview_rows import _or_dash

register = template.Library()


@register.simple_tag
def headline_tiles(h, label, links, late_url, roster_url, roster) -> SafeString:
    language = get_language()
    satisfied = gettext("Satisfied after follow-up (%(good)s of %(called)s called, 90 days)") % {
        "good": int(h.satisfied),
        "called": int(h.called),
    }
    tiles = [
        _tile(links["open"], "open", "", h.open, gettext("Open cases")),
        _tile(links["overdue"], "overdue", _alert(h.overdue), h.overdue, gettext("Overdue")),
        _tile(links["new_this_month"], "new_this_month", "", h.new_this_month, gettext("New this month")),
        _tile(
            links["resolved_this_month"],
            "resolved_this_month",
            "",
            h.resolved_this_month,
            gettext("Resolved this month"),
        ),
        _tile(
            links["resolved_this_month"],
            "median_days",
            "",
            _or_dash(h.median_days, language),
            gettext("Median working days to resolve (this month)"),
        ),
        # blocktranslate's text is not escaped, only its values (two ints).
        _tile(
            links["called"],
            "satisfaction",
            "",
            _or_dash(h.satisfaction_rate, language, "%"),
            satisfied,
            False,
        ),
        _tile(
            late_url,
            "late_referrals",
            _alert(h.late_referrals),
            h.late_referrals,
            gettext("Referrals past their expected reply"),
        ),
    ]
    overdue = h.roster.overdue_count
    roster_label = escape(gettext("Care-roster visits overdue"))
    if roster_url:
        last = (
            f'  <a class="tile{_alert(overdue)}" href="{escape(roster_url)}" data-figure="roster_overdue">'
            f'<span class="figure">{int(overdue)}</span><span class="label">{roster_label}</span></a>\n  \n'
        )
    elif roster:
        last = (
            f'  <div class="tile{_alert(overdue)}" data-figure="roster_overdue"><span class="figure">'
            f'{int(overdue)}</span><span class="label">{roster_label}</span></div>\n'
        )
    else:
        last = "  \n"
    head = f'\n<section class="tiles dash-tiles" aria-label="{escape(label)}">\n'
    return mark_safe(f"{head}{''.join(tiles)}{last}</section>\n")  # noqa: S308 - every value is escaped or an int


def _alert(count: int) -> str:
    return " alert" if count else ""


def _tile(url: str, figure: str, alert: str, value, label: str, escape_label: bool = True) -> str:
    """One tile's line: `value` an int or a figure's text (digits, a dash, a percent sign)."""
    value = int(value) if isinstance(value, int) else escape(value)
    label = escape(label) if escape_label else label
    return (
        f'  <a class="tile{alert}" href="{escape(url)}" data-figure="{figure}"><span class="figure">{value}'
        f'</span><span class="label">{label}</span></a>\n'
    )
