"""A resident search that finds nobody living here: whether someone moved out or deceased matches.

The resident list shows those living here by default (status=active). A search for a resident who
died then said "nobody matches" as if there were no such person; the list now says how many
residents moved out or deceased match, with a link to them (status=archived), at one more query
made only when the search found nobody.
"""

from django.http import QueryDict
from django.urls import reverse

from residents.filters import filter_by_category, narrow_residents
from residents.models import CareCategory, Resident
from residents.selectors import search_residents

ARCHIVED_COUNTED = 100  # counted up to this; "more than" beyond (a count need not read them all)


def count_archived_matches(filters: dict, categories: list[CareCategory], sensitive_ids, full_in) -> int:
    """How many residents moved out or deceased match the list's search and other filters (at most
    ARCHIVED_COUNTED), as the list itself would find them with status=archived."""
    archived = narrow_residents(Resident.objects.all(), {**filters, "status": "archived"})
    archived, _category = filter_by_category(archived, categories, filters["category"], sensitive_ids)
    found = search_residents(archived, filters["q"], full_numbers_in=full_in).order_by()
    return found.values("pk")[:ARCHIVED_COUNTED].count()


def with_status(params: QueryDict, status: str) -> str:
    """The resident list with the same search and filters, and this status, from its first page."""
    params = params.copy()
    params["status"] = status
    params.pop("page", None)
    return f"{reverse('residents:list')}?{params.urlencode()}"
