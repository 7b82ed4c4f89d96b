"""The committee's grids, for its secretary (residents/grids.py): the list, a new grid, a grid's name,
worker and buildings. The rules live in residents/grids.py; these pages translate HTTP."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from committee.access import get_for_user
from committee.models import Committee
from committee.roles import Perm
from common.forms import parse_id
from residents.forms import GridForm
from residents.grids import grids_of, save_grid
from residents.models import Building, Grid


def _managed(request: HttpRequest) -> list[int]:
    ids = request.access.committees_where(Perm.MANAGE_GRIDS)
    if not ids:
        raise PermissionDenied(Perm.MANAGE_GRIDS)
    return ids


@require_GET
def grid_list(request: HttpRequest) -> HttpResponse:
    """Each committee the user manages grids in: its grids (name, worker, how many buildings) and
    how many of its buildings are in no grid. Four queries however many grids and buildings."""
    ids = _managed(request)
    committees = list(Committee.objects.filter(pk__in=ids).order_by("name"))
    grids = list(grids_of(ids))
    loose = dict(
        Building.objects.filter(committee_id__in=ids)
        .values_list("committee_id")
        .annotate(n=Count("pk", filter=Q(grid__isnull=True)))
    )
    sections = [
        {"committee": c, "grids": [g for g in grids if g.committee_id == c.pk], "loose": loose.get(c.pk, 0)}
        for c in committees
    ]
    return render(request, "residents/grid_list.html", {"sections": sections, "several": len(sections) > 1})


def _save(request: HttpRequest, form: GridForm, committee: Committee, grid: Grid | None):
    """The saved grid, or None with the refusals on the form's fields."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        return save_grid(
            access=request.access,
            committee=committee,
            grid=grid,
            name=data["name"],
            worker=data["worker"],
            buildings=data["buildings"],
        )
    except ValidationError as refused:
        form.add_error(None, refused)  # each of the service's words onto its field
        return None


@require_http_methods(["GET", "POST"])
def grid_new(request: HttpRequest) -> HttpResponse:
    """A new grid of one committee: ?committee= names it where the user manages several."""
    ids = _managed(request)
    wanted = parse_id(request.GET.get("committee")) if "committee" in request.GET else ids[0]
    committee = get_object_or_404(Committee, pk=wanted or 0, pk__in=ids)
    form = GridForm(request.POST or None, committee=committee)
    if request.method == "POST" and (grid := _save(request, form, committee, None)):
        messages.success(request, _("Grid %(name)s added.") % {"name": grid.name})
        return redirect("residents:grids")
    ctx = {"form": form, "grid": None, "committee": committee}
    return render(request, "residents/grid_form.html", ctx)


@require_http_methods(["GET", "POST"])
def grid_edit(request: HttpRequest, pk: int) -> HttpResponse:
    grid = get_for_user(request, Grid.objects.select_related("committee", "worker"), Perm.MANAGE_GRIDS, pk=pk)
    form = GridForm(request.POST or None, committee=grid.committee, grid=grid)
    if request.method == "POST" and (saved := _save(request, form, grid.committee, grid)):
        messages.success(request, _("Grid %(name)s saved.") % {"name": saved.name})
        return redirect("residents:grids")
    ctx = {"form": form, "grid": grid, "committee": grid.committee}
    return render(request, "residents/grid_form.html", ctx)
