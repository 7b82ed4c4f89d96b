"""The resident list's and the care roster's filters: GET parameters → a queryset, as the case list
does (cases/filters.py), so that each list reads its bookmarkable URL in one place.

Invalid parameters are left out of cleaned_data and so not filtered on (never an error page).
Resident list: q (text), status (active, archived or all; active by default), building and grid
(ids), category (code). Roster: committee (id: one of the reader's, for who has posts in several),
worker ("me" or a user id), grid (id), category (code), overdue=1, due_by (YYYY-MM-DD: next visit due
on or before it).
"""

from django import forms
from django.db.models import QuerySet

from common.forms import MAX_ID, FilterDateField, parse_id
from common.querystrings import drops_empty_fields
from residents.models import CareCategory, Resident

MAX_QUERY = 60  # characters of the search box that are searched

# Each list's empty parameter means what its absence does (the resident list's `status=` is "living
# here", as none): a GET sent with its empty fields, without JavaScript, is sent again without them.
empty_fields_dropped = drops_empty_fields()


class ResidentFilterForm(forms.Form):
    q = forms.CharField(required=False)
    status = forms.ChoiceField(required=False, choices=[(s, s) for s in ("active", "archived", "all")])
    building = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    grid = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    category = forms.CharField(required=False)

    def clean_q(self) -> str:
        return self.cleaned_data["q"][:MAX_QUERY]

    def filters(self) -> dict:
        """The cleaned parameters, each with its default when absent or invalid."""
        self.is_valid()  # invalid fields are left out of cleaned_data
        data = self.cleaned_data
        return {
            "q": data.get("q", ""),
            "status": data.get("status") or "active",
            "building": data.get("building"),
            "grid": data.get("grid"),
            "category": data.get("category", ""),
        }


class RosterFilterForm(forms.Form):
    # One of the reader's committees (the view checks it is one), as the case list's ?committee=: the
    # roster of someone with posts in several, kept to one (the morning list's visits link).
    committee = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    worker = forms.CharField(required=False)
    grid = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    category = forms.CharField(required=False)
    overdue = forms.ChoiceField(required=False, choices=[("1", "1")])
    # Visits due by this day (the morning list's "visits due this week" opens the roster with it).
    due_by = FilterDateField(required=False)

    def clean_worker(self) -> str:
        """ "me" (the user's own grids) or a user id; anything else is no filter."""
        value = self.cleaned_data["worker"]
        if value == "me" or parse_id(value):
            return value
        return ""

    def filters(self) -> dict:
        self.is_valid()
        data = self.cleaned_data
        return {
            "committee": data.get("committee"),
            "worker": data.get("worker", ""),
            "grid": data.get("grid"),
            "category": data.get("category", ""),
            "overdue": data.get("overdue") == "1",
            "due_by": data.get("due_by"),
        }


def filter_by_category(
    queryset: QuerySet[Resident], categories: list[CareCategory], code: str, sensitive_ids
) -> tuple[QuerySet[Resident], CareCategory | None]:
    """Residents in the care category of this code, if it is one of `categories` (those the user may
    filter by). Filtering by a sensitive category must not reveal it where the user may not see it."""
    category = next((c for c in categories if c.code == code), None)
    if category is None:
        return queryset, None
    queryset = queryset.filter(care_categories=category)
    if category.sensitive:
        queryset = queryset.filter(committee_id__in=sensitive_ids)
    return queryset, category


def narrow_residents(queryset: QuerySet[Resident], filters: dict) -> QuerySet[Resident]:
    """The resident list's status, building and grid: what its search (residents.selectors) searches
    within; the category: filter_by_category."""
    if filters["status"] == "archived":
        queryset = queryset.exclude(archived="")
    elif filters["status"] == "active":
        queryset = queryset.filter(archived="")
    if filters["building"]:
        queryset = queryset.filter(household__building_id=filters["building"])
    if filters["grid"]:
        queryset = queryset.filter(household__building__grid_id=filters["grid"])
    return queryset


def filter_roster(queryset: QuerySet[Resident], filters: dict, *, user) -> QuerySet[Resident]:
    """The roster's grid and worker filters (the category: filter_by_category; overdue: overdue_on)."""
    if filters["grid"]:
        queryset = queryset.filter(household__building__grid_id=filters["grid"])
    if filters["worker"] == "me":
        queryset = queryset.filter(household__building__grid__worker=user)
    elif filters["worker"]:
        queryset = queryset.filter(household__building__grid__worker_id=int(filters["worker"]))
    if filters.get("due_by"):
        queryset = queryset.filter(next_visit_due__lte=filters["due_by"])
    return queryset
