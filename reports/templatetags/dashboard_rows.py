"""The dashboard's two long runs of cells, written in one call each instead of a template loop.

The table of cases per month by category (12 months × the categories used) and the hotspots'
category links (10 buildings × their categories) were most of the dashboard's template nodes, each
rendered, escaped and localised one by one. The markup is the loop's as it was.
"""

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def number_cells(counts) -> SafeString:
    """<td class="num">n</td> for each count (integers: nothing to escape)."""
    return mark_safe("".join(f'<td class="num">{int(n)}</td>' for n in counts))  # noqa: S308


@register.filter
def category_links(categories) -> SafeString:
    """A hotspot's categories, each "label count" linking to its case list."""
    return format_html_join(
        "", '<a href="{}">{} {}</a>', ((c["url"], c["label"], c["count"]) for c in categories)
    )
