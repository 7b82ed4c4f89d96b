from django import forms
from django.utils.translation import gettext_lazy as _

from audit.models import AccessRecord
from common.forms import FilterDateField


class _DatesFilterForm(forms.Form):
    """A log's filters of who and when; bad values are left out (never a 500), as in every list."""

    who = forms.CharField(label=_("Who"), required=False, max_length=50)
    date_from = FilterDateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = FilterDateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    resident = forms.IntegerField(
        label=_("resident"), required=False, widget=forms.HiddenInput, min_value=1, max_value=2**62
    )
    FILTERS = ("who", "date_from", "date_to")

    def clean(self):
        # A "from" after the "to" selects nothing: said (not applied: 起 …, as a bad date is), not an
        # empty list without a word. The "to" day stays applied.
        data = super().clean()
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error(
                "date_from", _("It is later than the “To” date (%(to)s).") % {"to": f"{date_to:%Y-%m-%d}"}
            )
        return data

    def filters(self) -> dict:
        """The valid filters only: an invalid field is ignored as if empty."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in self.FILTERS if data.get(name)}


class AccessLogFilterForm(_DatesFilterForm):
    """The access log's filters."""

    kind = forms.ChoiceField(
        label=_("What"), required=False, choices=[("", _("Everything")), *AccessRecord.Kind.choices]
    )
    field_order = ("who", "kind", "date_from", "date_to", "resident")
    FILTERS = ("who", "kind", "date_from", "date_to")


class RevealLogFilterForm(_DatesFilterForm):
    """The reveal log's filters (residents/reveals.py): who revealed or exported, which of the two,
    from and to which day, and one resident's (the hidden `resident`, from their page)."""

    REVEALS, EXPORTS = "reveals", "exports"
    kind = forms.ChoiceField(
        label=_("What"),
        required=False,
        choices=[
            ("", _("Everything")),
            (REVEALS, _("Reveals of a number")),
            (EXPORTS, _("Exports with full numbers")),
        ],
    )
    field_order = ("who", "kind", "date_from", "date_to", "resident")
    FILTERS = ("who", "kind", "date_from", "date_to")
