"""What every export of a list does around its workbook (common/xlsx.py writes it): refuse one past
EXPORT_MAX_ROWS before writing a row, sending the reader back to the list they came from with why,
and name the filters given for the access log."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse


def too_many(queryset) -> bool:
    """Whether the rows pass EXPORT_MAX_ROWS: counted only up to it, as a district has millions."""
    limit = settings.EXPORT_MAX_ROWS
    return queryset.order_by()[: limit + 1].count() > limit


def back_to_list(request: HttpRequest, url_name: str, message: str) -> HttpResponseRedirect:
    """The list of what was asked for (its filters kept), with `message` (its %(limit)s the limit):
    what to do, instead of a request that runs for minutes."""
    messages.error(request, message % {"limit": f"{settings.EXPORT_MAX_ROWS:,}"})
    query = request.GET.urlencode()
    return HttpResponseRedirect(reverse(url_name) + (f"?{query}" if query else ""))


def filters_given(request: HttpRequest) -> list[str]:
    """The filters given, as key=value without the empty ones (a list's form sends every field:
    "q=&status=&category=…" was a line no phone could wrap in the access log). Decoded, as typed: the
    log's masking reads "138 1234 5678", not its URL form "138+1234+5678" (which it would let by)."""
    return [f"{key}={value}" for key, values in request.GET.lists() for value in values if value]
