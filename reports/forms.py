"""Choosing a month and a committee for the ledger and the summary."""

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committee.models import Committee
from committee.roles import Perm
from common.dates import outside_range
from common.forms import MonthInput
from reports.figures import add_months

MIN_YEAR, MAX_YEAR = 1900, 2999  # the months a report may be asked for
# A month outside them is refused naming the year it broke (one side: "between 1900 and 2999" was
# said to 9999-12 and to 0001-01 alike).
MONTH_TOO_EARLY = _("Choose a month in %(day)s or later.")
MONTH_TOO_LATE = _("Choose a month in %(day)s or earlier.")
# A month that has not begun has nothing to summarise: its summary read "0 cases (last month: 30, −30
# on last month)" as if it were real, and printed and downloaded like one.
MONTH_NOT_BEGUN = _("%(month)s has not begun yet: choose %(this)s or an earlier month.")


@dataclass
class Choice:
    month: dt.date  # the first day of the month
    committees: list[Committee]

    @property
    def month_end(self) -> dt.date:
        return add_months(self.month, 1) - dt.timedelta(days=1)

    @property
    def committee_ids(self) -> list[int]:
        return [c.pk for c in self.committees]

    @property
    def label(self) -> str:
        if len(self.committees) == 1:
            return self.committees[0].name
        streets = sorted({c.street.name for c in self.committees})
        return "、".join(streets)

    def query(self) -> str:
        from urllib.parse import urlencode

        params = {"month": f"{self.month:%Y-%m}"}
        if len(self.committees) == 1:
            params["committee"] = self.committees[0].pk
        return urlencode(params)


class MonthForm(forms.Form):
    month = forms.CharField(
        label=_("Month"),
        max_length=7,
        widget=MonthInput(),
        help_text=_("For example 2026-03."),
    )
    committee = forms.TypedChoiceField(label=_("Committee"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, access, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        ids = access.committees_where(Perm.VIEW_REPORTS)
        self.committees = list(access.committees().filter(pk__in=ids).order_by("street__name", "name"))
        choices = [(c.pk, c.name) for c in self.committees]
        if len(self.committees) > 1:
            choices.insert(0, ("", _("All my committees")))
        self.fields["committee"].choices = choices
        this_month = timezone.localdate().replace(day=1)
        self.fields["month"].initial = f"{add_months(this_month, -1):%Y-%m}"
        # The browser's month picker offers the months up to this one, no later.
        self.fields["month"].widget.attrs["max"] = f"{this_month:%Y-%m}"

    def clean_month(self) -> dt.date:
        value = self.cleaned_data["month"].strip()
        try:
            month = dt.datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(_("Enter a month as YYYY-MM."), code="invalid") from None
        # The ledger and the summary read the month before and after it: 0001-01 and 9999-12 are
        # valid months whose neighbours are not dates (a 500).
        if error := outside_range(month.year, MIN_YEAR, MAX_YEAR, MONTH_TOO_EARLY, MONTH_TOO_LATE):
            raise error
        this_month = timezone.localdate().replace(day=1)
        if month > this_month:
            raise forms.ValidationError(
                MONTH_NOT_BEGUN,
                code="not_begun",
                params={"month": f"{month:%Y-%m}", "this": f"{this_month:%Y-%m}"},
            )
        return month

    def cleaned(self) -> Choice | None:
        if not self.is_valid():
            return None
        committee_id = self.cleaned_data.get("committee")
        committees = [c for c in self.committees if committee_id is None or c.pk == committee_id]
        return Choice(self.cleaned_data["month"], committees)

    def initial_choice(self) -> Choice:
        """Last month, every committee the user reports on: what the page shows before a choice."""
        month = dt.datetime.strptime(self.fields["month"].initial, "%Y-%m").date()
        return Choice(month, self.committees)
