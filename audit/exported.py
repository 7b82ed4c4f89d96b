"""What an export held, kept in no language (AccessRecord.exported) and said in the reader's words.

The export writes it from the filters it applied: the form's cleaned data, not the URL as given. The
log once noted the query string, so "created_from=2026-99-01" read as a date filter that never took
effect (the export had ignored it and written all 451 cases), and a Chinese page showed English
parameter names. Stored are the codes and dates: the labels are looked up when the record is shown,
so that one record reads 状态：未结 to a Chinese reader and "Status: open" to an English one. Names
(a person, a committee, a building) are stored as they were at the export: the same in every
language, and what the reader of the export saw, even if they change later.

    {"list": "cases", "filters": [["status", "open"], ["assignee", "12", "李敏"], ["overdue", true]]}
    {"list": "ledger", "of": "定海居民区", "month": "2026-11"}
    {"list": "access_log", "filters": [["kind", "export"], ["date_from", "2026-11-01"]]}
    {"list": "reveal_log", "filters": [["kind", "reveals"], ["resident", "41", "王芳"]]}
    {"list": "registry", "of": "定海居民区", "day": "2026-12-07"}
    {"list": "registry", "of": "定海居民区", "day": "2026-12-07", "numbers": 3900, "reason": "年度核对"}

An older record has only its `detail` text (a file name and its query string): shown as it is.
"""

import datetime

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy

CASES, LEDGER, ACCESS_LOG, REVEAL_LOG, REGISTRY = "cases", "ledger", "access_log", "reveal_log", "registry"
# Filters chosen by a name (a person, a committee, a building, a resident): the name is kept too.
NAMED = frozenset({"assignee", "committee", "street", "district", "building", "resident"})
# The order of the list's rows is no filter of what it holds.
NOT_FILTERS = frozenset({"sort"})


def case_list(form: forms.Form) -> dict:
    """A case-list export's filters (cases.filters.CaseFilterForm, validated, without errors)."""
    from cases.reference import user_names
    from residents.models import Building

    def name_of(field: str, value: str) -> str:
        if field == "building":
            building = Building.objects.filter(pk=value).first()  # one query, only with that filter
            return building.address if building else ""
        if field == "assignee" and value == "none":
            return ""  # "unassigned", said in the reader's language
        name = str(dict(form.fields[field].choices).get(value, ""))
        if not name and field == "assignee":  # accepted but not listed: a district's staff
            name = user_names([], [int(value)]).get(int(value), "")
        return name

    return {"list": CASES, "filters": _applied(form, name_of)}


def access_log(form: forms.Form, resident=None) -> dict:
    """An access-log export's filters (audit.forms.AccessLogFilterForm, validated, without errors)."""
    name = resident.name if resident else ""
    return {"list": ACCESS_LOG, "filters": _applied(form, lambda _field, _value: name)}


def reveal_log(form: forms.Form, resident=None) -> dict:
    """A reveal-log export's filters (audit.forms.RevealLogFilterForm, validated, without errors)."""
    name = resident.name if resident else ""
    return {"list": REVEAL_LOG, "filters": _applied(form, lambda _field, _value: name)}


def ledger(label: str, month: datetime.date) -> dict:
    return {"list": LEDGER, "of": label, "month": f"{month:%Y-%m}"}


def registry(label: str, day: datetime.date, *, numbers: int | None = None, reason: str = "") -> dict:
    """A committee's registry (residents/imports/views.py); whether its numbers were full is the
    record's kind (AccessRecord.Kind.EXPORT_FULL), not said twice. With full numbers: how many, and
    the reason given (masked as the log's detail is), the one record of that reveal (/reveals/)."""
    about = {"list": REGISTRY, "of": label, "day": day.isoformat()}
    if numbers is not None:
        about.update(numbers=numbers, reason=reason)
    return about


def _applied(form: forms.Form, name_of) -> list[list]:
    filters = []
    for field in form.fields:
        value = form.cleaned_data.get(field)
        if field in NOT_FILTERS or value is None or value == "" or value is False:
            continue
        if value is True:
            filters.append([field, True])
            continue
        value = value.isoformat() if isinstance(value, datetime.date) else str(value)
        filters.append([field, value, name_of(field, value)] if field in NAMED else [field, value])
    return filters


# --- Said in the reader's words --------------------------------------------------------------------------

TITLES = {
    CASES: gettext_lazy("Case list export"),
    ACCESS_LOG: gettext_lazy("Access log export"),
    REVEAL_LOG: gettext_lazy("Reveal log export"),
}
MONTH = gettext_lazy("Month")
DAY = pgettext_lazy("the day a registry was exported", "Date")
REASON = pgettext_lazy("why full numbers were exported", "Reason")
UNASSIGNED = gettext_lazy("Unassigned")
OPEN = pgettext_lazy("cases", "Open")


def said(exported: dict) -> str:
    """'导出事项清单（状态：未结；登记起：2026-11-01）', 'Case list export (Status: open; …)'."""
    kind = exported.get("list")
    if kind == LEDGER:
        what = _("Ledger export of %(who)s") % {"who": exported.get("of", "")}
        parts = [_filter(str(MONTH), str(exported.get("month", "")))]
    elif kind == REGISTRY:
        what = _("Registry export of %(who)s") % {"who": exported.get("of", "")}
        parts = [_filter(str(DAY), str(exported.get("day", "")))]
        if exported.get("numbers") is not None:
            count = exported["numbers"]
            parts.append(
                ngettext("%(count)s full number", "%(count)s full numbers", count) % {"count": count}
            )
        if exported.get("reason"):
            parts.append(_filter(str(REASON), exported["reason"]))
    else:
        what = str(TITLES.get(kind, kind or ""))
        parts = [_said_filter(kind, item) for item in exported.get("filters") or []]
    if not parts:
        return what
    return pgettext("an export and its filters", "%(what)s (%(filters)s)") % {
        "what": what,
        "filters": pgettext("between filters", "; ").join(parts),
    }


def _filter(label: str, value: str) -> str:
    if not value:
        return label
    return pgettext("a filter and its value", "%(label)s: %(value)s") % {"label": label, "value": value}


def _said_filter(kind: str, item: list) -> str:
    field, value = item[0], item[1] if len(item) > 1 else ""
    label = str(_form(kind).get(field, field))
    if value is True:
        return label  # 仅看逾期: the label says it
    if field == "assignee" and value == "none":
        return _filter(label, str(UNASSIGNED))
    if field in NAMED:
        return _filter(label, (item[2] if len(item) > 2 else "") or f"#{value}")
    return _filter(label, _value_label(kind, field, str(value)))


def _form(kind: str) -> dict:
    """The filters' labels as their forms say them."""
    if kind == CASES:
        from cases.filters import CaseFilterForm

        return {name: field.label for name, field in CaseFilterForm.base_fields.items()}
    if kind == ACCESS_LOG:
        from audit.forms import AccessLogFilterForm

        return {name: field.label for name, field in AccessLogFilterForm.base_fields.items()}
    if kind == REVEAL_LOG:
        from audit.forms import RevealLogFilterForm

        return {name: field.label for name, field in RevealLogFilterForm.base_fields.items()}
    return {}


def _value_label(kind: str, field: str, value: str) -> str:
    """A chosen code as its label (状态：未结); a date or words typed, as they are."""
    if kind == ACCESS_LOG and field == "kind":
        from audit.models import AccessRecord

        return str(dict(AccessRecord.Kind.choices).get(value, value))
    if kind == REVEAL_LOG and field == "kind":
        from audit.forms import RevealLogFilterForm

        return str(dict(RevealLogFilterForm.base_fields["kind"].choices).get(value, value))
    if kind != CASES:
        return value
    from cases.filters import CaseFilterForm
    from cases.models import Case, label_in_language
    from cases.reference import category_names

    if field == "category":  # reference data, from the cache
        names = {code: label_in_language(name, name_en) for code, name, name_en in category_names()}
        return names.get(value, value)
    if field == "status":
        choices = {"open": OPEN, **dict(Case.Status.choices)}
    elif field == "source":
        choices = dict(Case.Source.choices)
    elif field in ("follow_up", "reopen"):
        choices = dict(CaseFilterForm.base_fields[field].choices)
    else:
        choices = {}
    return str(choices.get(value, value))
