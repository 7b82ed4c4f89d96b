"""The committees-side-by-side table's rows (the street and district overviews), and the district
overview's street rows, written in one call each.

A district officer's overview has 300 committees of 9 cells each: through the template's loop their
rendering was most of the page (about 35 of its 120 ms). The district overview's 12 streets of 9
cells, each value localised and each link escaped by the template, were a third of its template's
time. The markup is the loop's as it was, byte for byte (bench/render_guard.py compares the pages).
"""

import functools

from django import template
from django.template.defaultfilters import floatformat
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from common.escaping import escape
from common.reversing import reverse_with_id

register = template.Library()


@register.filter
def committee_rows(rows) -> SafeString:
    """<tr> per committee: its name linking to its dashboard, the counts linking to their case lists."""
    dashboard_url = reverse_with_id("dashboard_committee")
    late_url = reverse_with_id("reports:late_referrals")
    language = get_language()
    out = []
    for row in rows:
        committee, h, links = row["committee"], row["figures"], row["links"]
        roster = f"{_one_decimal(h.roster.share_on_cadence, language)}%" if h.roster.size else "–"
        name = f'<a href="{escape(dashboard_url(committee.pk))}">{escape(committee.name)}</a>'
        cells = (
            f'<th scope="row">{name}</th>',
            *_figure_cells(h, links, late_url(committee.pk), language),
            f'<td class="num">{roster}</td>',
        )
        out.append(f'\n      <tr data-committee="{int(committee.pk)}">')
        out.extend(f"\n        {cell}" for cell in cells)
        out.append("\n      </tr>\n    ")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped or an int


@register.filter
def street_rows(rows) -> SafeString:
    """<tr> per street (reports/district.py): its name linking to its committees side by side, its
    number of committees, each figure linking to them sorted by it."""
    language = get_language()
    out = []
    for row in rows:
        h, links = row["figures"], row["links"]
        cells = (
            f'<th scope="row"><a href="{escape(row["url"])}">{escape(row["street"].name)}</a></th>',
            f'<td class="num">{int(row["committees"])}</td>',
            *_figure_cells(h, links, links["late_referrals"], language),
        )
        out.append(f'\n      <tr data-street="{int(row["street"].pk)}">')
        out.extend(f"\n        {cell}" for cell in cells)
        out.append("\n      </tr>\n    ")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped or an int


def _figure_cells(h, links, late_url: str, language: str | None) -> tuple[str, ...]:
    """The seven figure cells a committee's row and a street's share, each count linking to its list."""
    return (
        _linked(links["open"], h.open),
        _linked(links["overdue"], h.overdue, ' class="badge red"' if h.overdue else ""),
        _linked(links["new_this_month"], h.new_this_month),
        _linked(links["resolved_this_month"], h.resolved_this_month),
        f'<td class="num">{_or_dash(h.median_days, language)}</td>',
        f'<td class="num">{_or_dash(h.satisfaction_rate, language, "%")}</td>',
        _linked(late_url, h.late_referrals),
    )


def _linked(url: str, count: int, attributes: str = "") -> str:
    return f'<td class="num"><a href="{escape(url)}"{attributes}>{int(count)}</a></td>'


def _or_dash(value, language: str | None, suffix: str = "") -> str:
    return "–" if value is None else f"{_one_decimal(value, language)}{suffix}"


@functools.lru_cache(maxsize=4096)
def _one_decimal(value: float, language: str | None) -> str:
    """`floatformat:"-1"`'s text (one decimal, none for a whole number, in the language's format),
    worked out once per value: shares and medians repeat across a district's rows."""
    return str(floatformat(value, "-1"))
