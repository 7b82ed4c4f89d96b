"""What the case list is filtered by, said above its results: each filter applied as a chip that
links to the same list without it ("仅看逾期 ×"), and the search's words left out when it was too long.

The home page's and the dashboards' figures open the list with their filters (overdue=1,
reopen=asked, a committee, an assignee…). Those filters live in the 更多筛选 panel, which opened
whenever one was set: on a phone its eleven fields filled the first screen and the cases began some
930 px down. The panel now stays closed and the chips say what the list holds; one tap on a chip
widens it, one on the panel changes it. The same on a desktop: the chips say it in one line where
the open panel took three rows of fields, and the panel is one click away.

The search box and the status's own chips show themselves, so they are no chips here. A filter that
could not be read is none either: templates/includes/not_applied.html says it was not applied,
above the results, and the panel stays closed for it too (`data-errors-said`, static/js/needle.js):
opened for a bookmark's bad date, its fields filled a phone's first screen again. The reader who
typed the bad date in the panel has it open already (the form answers in place, the panel kept).
"""

from typing import NamedTuple

from django import forms
from django.http import QueryDict
from django.utils.translation import pgettext

from residents.addresses import building_address
from residents.models import Building

# Shown elsewhere on the page (the search box, the status's chips), or no filter (the page).
NOT_CHIPS = frozenset({"q", "status", "page"})


class Chip(NamedTuple):
    text: str  # 仅看逾期, 承办人：李敏
    url: str  # the list without this filter


def chips(form: forms.Form, params: QueryDict, path: str) -> list[Chip]:
    """The chips of the filters `form` (a CaseFilterForm, validated) applied, in the form's order;
    `params` the list's query as given, `path` the list's. One query, only with a building."""
    data = form.cleaned_data
    shown = []
    for name, field in form.fields.items():
        value = data.get(name)
        if name in NOT_CHIPS or value in (None, "", False) or not _chosen_here(form, name, value):
            continue
        text = str(field.label) if value is True else _said(field.label, _value_text(form, name, value))
        shown.append(Chip(text, _without(form, params, name, path)))
    return shown


def _chosen_here(form: forms.Form, name: str, value) -> bool:
    """A committee, street or district narrows the list only for a reader with several (the form
    shows its select then); a link names a secretary's one committee too, and a chip for it would
    widen nothing. The order is a filter of no row, but the closed panel hides it: a chip unless it
    is the list's own (due soonest)."""
    if name == "sort":
        return value != "due"
    if name in ("committee", "street", "district"):
        return getattr(form, f"show_{name}")
    return True


def _value_text(form: forms.Form, name: str, value) -> str:
    if name == "building":
        # Scoped as every committee-owned query: another committee's building is no name to show.
        found = Building.objects.filter(pk=value).values_list("road", "lane", "number").first()
        return building_address(*found) if found else f"#{value}"
    if name == "overdue_at":  # a month: 2026-11
        return f"{value:%Y-%m}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    choices = getattr(form.fields[name], "choices", None)
    if choices is not None:
        return str(dict(choices).get(value, value))
    return str(value)


def _said(label, value: str) -> str:
    # The export's wording (audit/exported.py): 承办人：李敏, "Assignee: Li Min".
    return pgettext("a filter and its value", "%(label)s: %(value)s") % {"label": label, "value": value}


def _without(form: forms.Form, params: QueryDict, name: str, path: str) -> str:
    """The list as given without `name` (and on its first page), and without what filters nothing:
    a refused value (said not applied, and refused again), an unknown parameter, an empty one, the
    secretary's one committee a dashboard's link names. A status the link gave is kept (`status=`:
    any). A status it implied (a figure's filter with none, cases/filters.py with_status) stays
    implied while a filter remains; with none left it is the list the 事项 tab shows, the open cases
    (removing 仅看逾期 showed every case, the closed ones too)."""
    rest = QueryDict(mutable=True)
    for key, values in params.lists():
        if key == name or key == "page" or key not in form.fields or key in form.errors:
            continue
        if key == "status" or _filters(form, key):
            rest.setlist(key, values)
    return f"{path}?{rest.urlencode()}" if rest else path


def _filters(form: forms.Form, name: str) -> bool:
    """Whether `name`, read, narrows the list or orders it otherwise than the bare list."""
    value = form.cleaned_data.get(name)
    if value in (None, "", False):
        return False
    return name == "q" or _chosen_here(form, name, value)
