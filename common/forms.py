"""Form pieces shared by every app: the date inputs and the layout of one field.

Dates are typed with the phone's own picker (`<input type="date">`), which sends ISO dates
whatever the language, so the widgets format their value the same way.
"""

import datetime
from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.forms.utils import ErrorList
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from common.dates import outside_range
from common.escaping import dates_kept_whole, escape
from common.masking import mask_numbers_in_text, shorten

MAX_ID = 2**63 - 1  # the largest id a database column holds: a larger one is no id at all
# The years a date typed into Needle may fall in: year 1 in Shanghai time is before year 1 in UTC,
# and the day after 9999-12-31 does not exist (both overflow in a filter's day range).
FIRST_YEAR, LAST_YEAR = 1900, 2100


def parse_id(value) -> int | None:
    """A positive id from a query parameter or a posted value, or None. ASCII digits only:
    str.isdigit also accepts "²" (which int() refuses); an id past 64 bits overflows the database's
    integer (and thousands of digits overflow int() itself)."""
    if isinstance(value, str) and 0 < len(value) <= 19 and value.isascii() and value.isdigit():
        number = int(value)
        return number if 0 < number <= MAX_ID else None
    return None


class ListedChoices(forms.models.ModelChoiceIterator):
    """A choice field's rows read in one ordinary query. Django's own iterator reads them with
    QuerySet.iterator(), which on PostgreSQL opens a server-side cursor (DECLARE … WITH HOLD, FETCH,
    CLOSE: three round trips and a materialised result) for lists of a few dozen rows; the case
    page drew four of them. Still one query per time the choices are drawn, as before.

    A field given `listed` (a callable giving [(value, label)], from the reference cache: see
    cases/reference.py) draws those instead and queries nothing: the case page drew three such
    lists with four queries (a required select reads its first choice once more, to know whether
    it may say `required`). What is posted is still checked against the queryset."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        listed = getattr(self.field, "listed", None)
        if listed is not None:
            yield from listed()
            return
        for obj in self.queryset.all():  # a fresh queryset each time, as Django's (no stale rows)
            yield self.choice(obj)

    def __len__(self) -> int:
        listed = getattr(self.field, "listed", None)
        if listed is None:
            return super().__len__()
        return len(listed()) + (self.field.empty_label is not None)

    def __bool__(self) -> bool:
        listed = getattr(self.field, "listed", None)
        if listed is None:
            return super().__bool__()
        return self.field.empty_label is not None or bool(listed())


class ModelChoiceField(forms.ModelChoiceField):
    """A row picked from a short list (categories, outside bodies, staff): see ListedChoices."""

    iterator = ListedChoices
    listed: Callable[[], list[tuple[str, str]]] | None = None


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """Several rows picked by id: a value that is no id is refused before any query (SQLite
    overflows on an id past 64 bits in `pk IN (…)` instead of finding nothing)."""

    iterator = ListedChoices

    def _check_values(self, value):
        for pk in value:
            if parse_id(str(pk)) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


# A list filter's day in a year outside them, refused naming the year it broke.
FILTER_DAY_TOO_EARLY = _("Choose a day in %(day)s or later.")
FILTER_DAY_TOO_LATE = _("Choose a day in %(day)s or earlier.")


class FilterDateField(forms.DateField):
    """A day in a list's filters: a year outside 1900–2100 is no filter (a form error)."""

    def to_python(self, value) -> datetime.date | None:
        day = super().to_python(value)
        if day is not None and (
            error := outside_range(day.year, FIRST_YEAR, LAST_YEAR, FILTER_DAY_TOO_EARLY, FILTER_DAY_TOO_LATE)
        ):
            raise error
        return day


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class MonthInput(forms.TextInput):
    """A month as YYYY-MM (`<input type="month">`; browsers without a month picker show a text box)."""

    input_type = "month"


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: ` name="value"` each, a bare name for True, nothing for False."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(f"{value}")}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(context: dict) -> str:
    """django/forms/widgets/input.html (text, date, number, hidden, checkbox, … include it)."""
    widget = context["widget"]
    value = widget["value"]
    shown = "" if value is None else f' value="{escape(f"{value}")}"'
    return (
        f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>"
    )


def _option(option: dict) -> str:
    """django/forms/widgets/select_option.html, included by select.html (its newline kept)."""
    return (
        f'<option value="{escape(f"{option['value']}")}"{_attrs(option["attrs"])}>'
        f"{escape(option['label'])}</option>\n"
    )


def _textarea(context: dict) -> str:
    """django/forms/widgets/textarea.html."""
    widget = context["widget"]
    value = escape(widget["value"]) if widget["value"] else ""
    name = escape(widget["name"])
    return f'<textarea name="{name}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


# Django's widget templates that are plain markup around the widget's context, written out in Python:
# each option of a select was a template rendered and an include resolved per option, each input two
# templates (its own, which includes input.html, which includes attrs.html). A form on the case page
# has about 30 fields: that was a third of the page's rendering. The output is the templates' own, to
# the character (bench/render_guard.py compares the key pages before and after).
_INPUTS = {
    f"django/forms/widgets/{kind}.html"
    for kind in (
        *("input", "checkbox", "color", "date", "datetime", "email", "file", "hidden"),
        *("number", "password", "search", "tel", "text", "time", "url"),
    )
}
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"
ERROR_LIST_TEMPLATE = ErrorList.template_name  # a field's errors, as a list


def _field_group(context: dict) -> str:
    """common/templates/common/field.html (the label, the input, help and errors), its whitespace
    kept: a form of 30 fields rendered that template 30 times."""
    field = context["field"]
    classes = "field"
    if field.errors:
        classes += " has-error"
    if field.widget_type == "textarea":
        classes += " wide"
    label = escape(field.label)
    if field.widget_type == "checkbox":
        main = f"\n    <label>{escape(field)} {label}</label>\n  "
    else:
        required = ' <span class="muted" aria-hidden="true">*</span>' if field.field.required else ""
        main = (
            f'\n    <label for="{escape(field.id_for_label)}">{label}{required}</label>\n'
            f"    {escape(field)}\n  "
        )
    help_text = (
        f'<span class="help" id="{escape(field.auto_id)}_helptext">{escape(field.help_text)}</span>'
        if field.help_text
        else ""
    )
    errors = escape(field.errors) if field.errors else ""
    return f'<div class="{classes}">\n  {main}\n  {help_text}\n  {errors}\n</div>'


class FormRenderer(DjangoTemplates):
    """Django's own form templates, with Needle's layout for `{{ form.field.as_field_group }}`: the
    label (a mark on required fields), the input, its help and its errors (common/field.html).
    Django's plain widgets (inputs, selects, text areas) are written out here rather than rendered
    through the template engine (see above); other widgets (radio buttons, files already uploaded,
    …) use Django's templates as usual."""

    field_template_name = "common/field.html"

    def render(self, template_name: str, context: dict, request=None) -> str:
        # What Django's renderer returns is stripped of the templates' surrounding whitespace.
        if template_name in _INPUTS:
            return _input(context)
        if template_name == "django/forms/widgets/select.html" and all(
            isinstance(name or "", str | Promise) for name, _choices, _index in context["widget"]["optgroups"]
        ):
            return self._select(context, request)
        if template_name == "django/forms/widgets/textarea.html":
            return _textarea(context)
        # A file input with no file already stored (Needle's forms only add files) is a plain input:
        # the template's "Currently: … Clear" part is drawn only for a stored file.
        if (
            template_name == "django/forms/widgets/clearable_file_input.html"
            and not context["widget"]["is_initial"]
        ):
            return _input(context)
        if template_name == self.field_template_name and set(context) == {"field"}:
            return _field_group(context)
        if template_name == ERROR_LIST_TEMPLATE:
            # A refusal by its field (…不能晚于今天（2026-12-07）。): its date kept on one line.
            return dates_kept_whole(super().render(template_name, context, request))
        return super().render(template_name, context, request)

    def _select(self, context: dict, request) -> str:
        """django/forms/widgets/select.html, its options inline."""
        widget = context["widget"]
        parts = [f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{escape(group_name)}">')
            for option in group_choices:
                # Text labels only: Django's template would localise a date or a number first.
                if option["template_name"] == OPTION_TEMPLATE and isinstance(option["label"], str | Promise):
                    parts.append(f"\n  {_option(option)}")
                else:
                    # An include, not the renderer: not stripped.
                    template = self.get_template(option["template_name"])
                    parts.append(f"\n  {template.render({'widget': option}, request)}")
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return "".join(parts)


def take_newer(
    form: forms.BaseForm,
    newer: forms.BaseForm,
    names,
    shown: Callable[[str], str] | None = None,
    version: str = "version",
) -> None:
    """After a save refused because the record changed meanwhile: `form`, as posted, drawn again
    over the record as it is now, with nothing typed lost. `newer`: the same form, unbound, over the
    newer record; `names`: the fields drawn with their value as drawn (show_hidden_initial, a
    hidden initial-<name>). A field this person changed keeps what they typed; one they left as
    drawn takes the newer value, so that saving again does not undo a colleague's change they never
    touched; each field changed meanwhile says to what (its help), in `shown(name)`'s words (by
    default the value as the form draws it, numbers in a text masked). The version (the hidden
    field `version` names: what the form says it was drawn over) is the newer record's: saving
    again is deliberate."""
    data = form.data.copy()
    for name in names:
        field, key, drawn_key = form.fields[name], form.add_prefix(name), form.add_initial_prefix(name)
        hidden = field.hidden_widget()
        now = _plain(hidden.format_value(newer[name].value()))
        typed = _plain(field.widget.value_from_datadict(data, form.files, key))
        try:
            drawn = field.to_python(_plain(hidden.value_from_datadict(data, form.files, drawn_key)))
        except (ValidationError, OverflowError):  # a hidden value tampered with (an id past 64 bits)
            drawn = None
        _put(data, drawn_key, now)
        if not field.has_changed(drawn, now):
            continue  # nobody else changed it
        if not field.has_changed(drawn, typed):
            _put(data, key, now)  # left as drawn: the colleague's value
            kept = False
        elif typed != now:
            kept = True
        else:
            continue  # both made the same change
        value = shown(name) if shown else shown_value(newer[name])
        note_changed(form, name, value, kept=kept)
    data[form.add_prefix(version)] = str(newer[version].value())
    form.data = data
    form.kept = True


def note_changed(form: forms.BaseForm, name: str, value: str, *, kept: bool) -> None:
    """Say on a field of a form drawn again (take_newer) that someone else just changed it to
    `value` (already in the words the page may show: masked), and whether what was typed is kept."""
    if kept:
        note = _("Someone else just changed this to “%(value)s”; what you typed is kept here.")
    else:
        note = _("Someone else just changed this to “%(value)s”.")
    bound = form[name]  # the bound field copied the field's help when it was made
    said = note % {"value": value or _("(empty)")}
    bound.help_text = " ".join(str(t) for t in (said, bound.help_text) if t)


def shown_value(bound: forms.BoundField) -> str:
    """A bound field's value as the form draws it, in a few words: a choice by its label (several
    joined), a text shortened with the numbers in it masked (never a number cut in two)."""
    value = bound.value()
    choices = getattr(bound.field, "choices", None)
    if choices is not None:
        values = {
            str(v) for v in (value if isinstance(value, list | tuple) else [value]) if v not in (None, "")
        }
        return "、".join(str(label) for key, label in choices if str(key) in values)
    text = str(bound.field.widget.format_value(value) or "")
    short = shorten(text, 60)
    return mask_numbers_in_text(short + ("…" if len(short) < len(text) else ""))


def _plain(value):
    """A value as posted or drawn: a browser's line ends (CRLF) read as the stored ones, nothing as
    empty, several values (a multiple choice) as their strings."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def _put(data, key: str, value) -> None:
    if isinstance(value, list):
        data.setlist(key, value)
    else:
        data[key] = value
