"""The dashboard's runs of rows and cells, each written in one call instead of a template loop.

The table of cases per month by category (12 months × the categories used), the hotspots and their
category links (10 buildings × their categories), the workload table, the lists of open cases by
status and of cases by source, and the table of resolution times were most of the dashboard's
template nodes, each rendered, escaped and localised one by one. The markup is the loops' as it was,
whitespace and all (bench/render_guard.py compares the pages byte for byte); every value is escaped
(common/escaping.py) as the template escaped it. The counts are integers, which the template wrote
as they are (no thousand separator).
"""

from django import template
from django.template.defaultfilters import floatformat
from django.utils.safestring import SafeString, mark_safe

from common.escaping import escape

register = template.Library()


@register.filter
def number_cells(counts) -> SafeString:
    """<td class="num">n</td> for each count (integers: nothing to escape)."""
    return mark_safe("".join(f'<td class="num">{int(n)}</td>' for n in counts))  # noqa: S308


@register.filter
def category_links(categories) -> SafeString:
    """A hotspot's categories, each "label count" linking to its case list."""
    return mark_safe(  # noqa: S308 (every value escaped)
        "".join(
            f'<a href="{escape(c["url"])}">{escape(c["label"])} {int(c["count"])}</a>' for c in categories
        )
    )


@register.filter
def month_rows(rows) -> SafeString:
    """The cases per month by category as table rows: (month, counts per category, total)."""
    return mark_safe(  # noqa: S308 (every value escaped)
        "".join(
            f'<tr><td>{escape(month)}</td>{number_cells(counts)}<td class="num">{int(total)}</td></tr>'
            for month, counts, total in rows
        )
    )


@register.filter
def trend_rows(rows) -> SafeString:
    """The median working days to resolve per month as table rows: (month, days or None)."""
    return mark_safe(  # noqa: S308 (every value escaped; floatformat's is markup already)
        "".join(
            f'<tr><td>{escape(month)}</td><td class="num">'
            f"{escape(floatformat(days, '-1')) if days is not None else '–'}</td></tr>"
            for month, days in rows
        )
    )


@register.filter
def figure_items(items, counted_only: bool = False) -> SafeString:
    """A figure list's items (open cases by status, cases by source): "label count", the label
    linking to its case list. `counted_only`: the items with a count only."""
    return mark_safe(  # noqa: S308 (every value escaped)
        "".join(
            f'<li><a href="{escape(s["url"])}">{escape(s["label"])}</a> '
            f'<span class="num">{int(s["count"])}</span></li>'
            for s in items
            if s["count"] or not counted_only
        )
    )


@register.filter
def workload_rows(rows) -> SafeString:
    """The workload table's rows: per worker (the unassigned in italics) open, overdue and resolved
    this month, each linking to its case list."""
    html = []
    for w in rows:
        name = f"<em>{escape(w['name'])}</em>" if w["unassigned"] else escape(w["name"])
        badge = ' class="badge red"' if w["overdue"] else ""
        overdue = f'<a href="{escape(w["overdue_url"])}"{badge}>'
        html.append(
            "\n      <tr>"
            f"\n        <td>{name}</td>"
            f'\n        <td class="num"><a href="{escape(w["open_url"])}">{int(w["open"])}</a></td>'
            f'\n        <td class="num">{overdue}{int(w["overdue"])}</a></td>'
            f'\n        <td class="num"><a href="{escape(w["resolved_url"])}">{int(w["resolved"])}</a></td>'
            "\n      </tr>\n    "
        )
    return mark_safe("".join(html))  # noqa: S308 (every value escaped)


@register.filter
def hotspot_items(buildings) -> SafeString:
    """The hotspots' list items: each building's address linking to its cases, its categories
    (category_links) and its total."""
    return mark_safe(  # noqa: S308 (every value escaped)
        "".join(
            '\n      <li><div class="row">'
            '\n        <div class="row-main">'
            f'\n          <a class="row-title" href="{escape(b["url"])}">{escape(b["address"])}</a>'
            f'\n          <div class="row-meta">{category_links(b["categories"])}</div>'
            "\n        </div>"
            f'\n        <span class="figure num">{int(b["total"])}</span>'
            "\n      </div></li>\n    "
            for b in buildings
        )
    )
