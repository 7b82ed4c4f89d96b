"""Form pieces shared by every app: the date inputs and the layout of one field.

Dates are typed with the phone's own picker (`<input type="date">`), which sends ISO dates
whatever the language, so the widgets format their value the same way.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy as _

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


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """Several rows picked by id: a value that is no id is refused before any query (SQLite
    overflows on an id past 64 bits in `pk IN (…)` instead of finding nothing)."""

    def _check_values(self, value):
        for pk in value:
            if parse_id(str(pk)) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


class FilterDateField(forms.DateField):
    """A day in a list's filters: a year outside 1900–2100 is no filter (a form error)."""

    def to_python(self, value) -> datetime.date | None:
        day = super().to_python(value)
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise ValidationError(_("Check the year."), code="year")
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


class FormRenderer(DjangoTemplates):
    """Django's own form templates, with Needle's layout for `{{ form.field.as_field_group }}`: the
    label (a mark on required fields), the input, its help and its errors (common/field.html)."""

    field_template_name = "common/field.html"
