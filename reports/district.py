"""The district overview: a district officer's streets and committees side by side, with totals.

Read-only, like the street overview it extends (reports/figures.py street_overview): the same
headline figures per committee, added up per street and for the district. Sensitive cases count
only where the reader may see them (the figures go through visible_cases).
"""

from itertools import groupby

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from committee.models import District
from common.db_routers import reads_from_replica
from reports import figures
from reports.views import _cached


def _districts(request: HttpRequest) -> list[District]:
    """The districts the user oversees: a district officer's own; every district for a superuser."""
    if request.access.sees_everything:
        return list(District.objects.all())
    return list(District.objects.filter(officers__user=request.user))


def _overview(committees: list, access) -> dict:
    ctx = figures.street_overview(committees, access)
    streets = []
    for street, rows in groupby(ctx["rows"], key=lambda row: row["committee"].street):
        rows = list(rows)
        streets.append(
            {"street": street, "rows": rows, "total": figures.total_of(r["figures"] for r in rows)}
        )
    ctx["streets"] = streets
    return ctx


@require_GET
@reads_from_replica
def district_overview(request: HttpRequest) -> HttpResponse:
    districts = _districts(request)
    if not districts and not request.access.sees_everything:
        raise PermissionDenied
    committees = list(
        request.access.committees()
        .filter(street__district__in=districts)
        .order_by("street__district__name", "street__name", "name")
    )
    ids = ",".join(str(c.pk) for c in committees)
    ctx = _cached(request, ("district", ids), lambda: _overview(committees, request.access))
    ctx["districts"] = districts
    return render(request, "reports/district.html", ctx)
