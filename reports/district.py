"""The district overview: a district officer's headline tiles and streets side by side, with totals.

Read-only, like the street overview it extends (reports/overviews.py): the same headline figures,
counted per street by the database (overviews.street_headlines) and added up for the district. Each
street leads to its committees side by side (the dashboard filtered to that street, sorted by the
figure clicked), where every count leads on to the case list it counts. Sensitive cases count only
where the reader may see them (the figures go through visible_cases and the rollup's rules).
"""

from collections import Counter

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from committee.models import District, Street
from committee.roles import Role
from common.db_routers import reads_from_replica
from reports import figures, overviews
from reports.views import _cached, leaves_out_sensitive

# The figures of a street's row, each linking to its committees sorted by it (reports/views.py).
STREET_FIGURES = ("open", "overdue", "new_this_month", "resolved_this_month", "late_referrals")


def _districts(request: HttpRequest) -> list[District]:
    """The districts the user oversees: a district officer's own; every district for a superuser."""
    if request.access.sees_everything:
        return list(District.objects.all())
    return list(District.objects.filter(officers__user=request.user))


def _overview(street_of: dict[int, int], streets: dict[int, str], access) -> dict:
    """The streets' rows (street, its number of committees, its figures) and the district's total."""
    period = figures.Period(timezone.localdate())
    ids = list(street_of)
    cases = overviews.cases_of(ids, access)
    by_street = overviews.street_headlines(cases, street_of, period, access, rollup=settings.REPORTS_ROLLUP)
    committees_in = Counter(street_of.values())
    rows = [
        {"street": Street(pk=sid, name=name), "committees": committees_in[sid], "figures": by_street[sid]}
        for sid, name in streets.items()
    ]
    return {
        "computed_at": timezone.localtime(),
        "streets": rows,
        "total": figures.total_of(by_street.values()),
        "committees": len(ids),
    }


def district_figures(request: HttpRequest) -> tuple[list[District], dict[int, int], dict] | None:
    """The district overview's figures for this reader: their districts, the committees' streets
    (committee id → street id) and the figures (_overview), from the cache. The overview's, and a
    district officer's home page's (committee/views.py), which reads the same entry. None: the
    reader oversees no district. Two queries, and the figures' own when not in the cache."""
    districts = _districts(request)
    if not districts and not request.access.sees_everything:
        return None
    # (committee, street, street's name): plain values, not 300 committees built.
    committees = (
        request.access.committees()
        .filter(street__district__in=districts)
        .order_by("street__district__name", "street__name", "street_id", "name")
        .values_list("pk", "street_id", "street__name")
    )
    street_of, streets = {}, {}
    for pk, sid, street_name in committees:
        street_of[pk] = sid
        streets[sid] = street_name
    ids = ",".join(map(str, street_of))
    ctx = _cached(request, ("district", ids), lambda: _overview(street_of, streets, request.access))
    return districts, street_of, ctx


@require_GET
@reads_from_replica
def district_overview(request: HttpRequest) -> HttpResponse:
    read = district_figures(request)
    if read is None:
        raise PermissionDenied(Role.DISTRICT_OFFICER)  # the 403 page: for district officers
    districts, street_of, ctx = read
    committees_url = reverse("dashboard")
    for row in ctx["streets"]:
        head = f"{committees_url}?street={row['street'].pk}"
        row["url"] = head
        row["links"] = {name: f"{head}&sort={name}" for name in STREET_FIGURES}
    ctx["districts"] = districts
    # The headline figures open the lists of what they count: the district's cases (of every
    # district shown for a superuser, who sees every committee), its late referrals.
    ctx["links"] = figures.area_links(
        figures.Period(timezone.localdate()), district=districts[0].pk if len(districts) == 1 else None
    )
    ctx["leaves_out_sensitive"] = leaves_out_sensitive(request.access, street_of)
    return render(request, "reports/district.html", ctx)
