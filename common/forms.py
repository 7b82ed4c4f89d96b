"""Form pieces shared by every app: the date inputs and the layout of one field.

Dates are typed with the phone's own picker (`<input type="date">`), which sends ISO dates
whatever the language, so the widgets format their value the same way.
"""

from django import forms
from django.forms.renderers import DjangoTemplates


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
