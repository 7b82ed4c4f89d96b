"""The resident list's search form and filters, written in Python: {% resident_search_form %}.

As template nodes (two links, twelve translated words, three loops over grids, categories and
status) the form cost the list about as much as its 25 rows; here it is one join of strings worked
out from the view's context; every value escaped. Sent by POST, with its CSRF token (review 10, 3).
"""

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from common.escaping import escape
from common.reversing import reverse_once
from common.templatetags.needle import icon

register = template.Library()


def _selected(chosen: bool) -> str:
    return " selected" if chosen else ""


@register.simple_tag(takes_context=True)
def resident_search_form(context) -> SafeString:
    """The form of templates/residents/resident_list.html: the search box and the filter panel
    (building, grid, care category, status), from the view's context."""
    # The words first, each a literal: makemessages reads only literal calls of gettext.
    words = {
        "search_residents": _("Search residents"),
        "placeholder": _("Name, pinyin, phone tail or address"),
        "search": _("Search"),
        "filters": _("Filters"),
        "building": _("Building"),
        "all_buildings": _("All buildings"),
        "grid": _("Grid"),
        "all_grids": _("All grids"),
        "care_category": _("Care category"),
        "all_care_categories": _("All care categories"),
        "status": _("Status"),
        "living_here": _("Living here"),
        "moved_out": _("Moved out or deceased"),
        "everyone": _("Everyone"),
        "apply": _("Apply"),
    }
    words = {key: escape(word) for key, word in words.items()}
    url = escape(reverse_once("residents:list"))
    token = escape(context.get("csrf_token", ""))
    building_id, grid_id = context.get("building_id"), context.get("grid_id")
    category, status = context.get("category"), context.get("status")
    building_options = context.get("building_options")
    opened = " open" if building_id or grid_id or category or status != "active" else ""
    if building_options is not None:
        building = (
            f'\n      <label class="visually-hidden" for="id_building">{words["building"]}</label>\n'
            '      <select name="building" id="id_building">\n'
            f'        <option value="">{words["all_buildings"]}</option>\n'
            f"        {building_options}\n"
            "      </select>\n      "
        )
    elif building_id:
        building = f'<input type="hidden" name="building" value="{escape(building_id)}">'
    else:
        building = ""
    grids = "".join(
        f'<option value="{escape(g.pk)}"{_selected(g.pk == grid_id)}>{escape(g.name)}</option>'
        for g in context.get("grids") or ()
    )
    categories = "".join(
        f'<option value="{escape(c.code)}"{_selected(c == category)}>{escape(c.label)}</option>'
        for c in context.get("categories") or ()
    )
    html = (
        # Sent by POST: a whole number typed is never in the address (common/hidden_searches.py).
        f'<form method="post" action="{url}" class="resident-search" role="search"\n'
        f'      hx-post="{url}" hx-target="#results" hx-push-url="true" hx-swap="outerHTML"\n'
        '      hx-trigger="input changed delay:250ms from:#id_q, change from:select, submit">\n'
        f'  <input type="hidden" name="csrfmiddlewaretoken" value="{token}">\n'
        '  <div class="searchbar">\n'
        f'    <label for="id_q" class="visually-hidden">{words["search_residents"]}</label>\n'
        f'    <input type="search" name="q" id="id_q" value="{escape(context.get("q", ""))}"'
        ' autocomplete="off" autocapitalize="off" spellcheck="false"\n'
        f'           placeholder="{words["placeholder"]}" autofocus>\n'
        f'    <button type="submit" class="button">{icon("search")}<span class="visually-hidden">'
        f"{words['search']}</span></button>\n"
        "  </div>\n"
        f'  <details class="filter-panel"{opened}>\n'
        f"    <summary>{icon('filter')}{words['filters']}</summary>\n"
        '    <div class="filters">\n'
        f"      {building}\n"
        f'      <label class="visually-hidden" for="id_grid">{words["grid"]}</label>\n'
        '      <select name="grid" id="id_grid">\n'
        f'        <option value="">{words["all_grids"]}</option>\n'
        f"        {grids}\n"
        "      </select>\n"
        f'      <label class="visually-hidden" for="id_category">{words["care_category"]}</label>\n'
        '      <select name="category" id="id_category">\n'
        f'        <option value="">{words["all_care_categories"]}</option>\n'
        f"        {categories}\n"
        "      </select>\n"
        f'      <label class="visually-hidden" for="id_status">{words["status"]}</label>\n'
        '      <select name="status" id="id_status">\n'
        f'        <option value="active"{_selected(status == "active")}>{words["living_here"]}</option>\n'
        f'        <option value="archived"{_selected(status == "archived")}>{words["moved_out"]}</option>\n'
        f'        <option value="all"{_selected(status == "all")}>{words["everyone"]}</option>\n'
        "      </select>\n"
        f'      <noscript><button type="submit" class="button small">{words["apply"]}</button></noscript>\n'
        "    </div>\n"
        "  </details>\n"
        "</form>"
    )
    return mark_safe(html)  # noqa: S308 (every value above escaped, the markup Needle's own)
