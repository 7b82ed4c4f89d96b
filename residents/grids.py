"""网格: the secretary names the committee's grids, gives each its grid worker and says which of the
committee's buildings belong to it (review 10, finding M); before, every staffing change went through
the administrator. The grid worker is one of the staff who work the committee's cases (cases.rules
case_workers), as the admin's grid form allows (cases.admin.staff_choices): the roster's "my grids"
and the morning's visit reminders go to that person."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from cases.rules import case_workers
from committee.access import Access
from committee.models import Committee, User
from committee.roles import Perm
from residents.models import Building, Grid

NAME_MAX = Grid._meta.get_field("name").max_length


def grid_workers(committee_id: int, *, current: int | None = None) -> QuerySet[User]:
    """Who may be this committee's grid worker: its active staff who work cases, and whoever a grid
    names now (kept while they stay, so opening the form to rename it does not drop them)."""
    ids = set(case_workers([committee_id]).values_list("pk", flat=True))
    if current is not None:
        ids.add(current)
    return User.objects.filter(pk__in=ids).order_by("full_name", "username")


def grids_of(committee_ids: Iterable[int]) -> QuerySet[Grid]:
    """The grids page's rows: each grid with its worker and how many buildings it has."""
    return (
        Grid.objects.filter(committee_id__in=list(committee_ids))
        .select_related("worker", "committee")
        .annotate(building_count=Count("buildings", distinct=True))
        .order_by("committee__name", "name")
    )


@transaction.atomic
def save_grid(
    *,
    access: Access,
    committee: Committee,
    name: str,
    worker: User | None,
    buildings: Iterable[Building],
    grid: Grid | None = None,
) -> Grid:
    """Create a grid (`grid` None) or change one: its name, its grid worker and its buildings. A
    building ticked here moves into it from whichever grid held it; one left unticked that was in it
    is left in no grid. ValidationError per field, nothing written, when a part is refused."""
    access.require(Perm.MANAGE_GRIDS, committee)
    buildings = list(buildings)
    name = " ".join(name.split())
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Give the grid a name, such as 第一网格.")
    elif (
        Grid.all_objects.filter(committee=committee, name=name).exclude(pk=grid.pk if grid else None).exists()
    ):
        errors["name"] = _("%(committee)s already has a grid named %(name)s.") % {
            "committee": committee.name,
            "name": name,
        }
    if worker is not None and not grid_workers(committee.pk, current=grid.worker_id if grid else None).filter(
        pk=worker.pk
    ):
        errors["worker"] = _(
            "%(name)s does not work cases at %(committee)s, so cannot be its grid worker."
        ) % {
            "name": worker.display_name,
            "committee": committee.name,
        }
    if any(b.committee_id != committee.pk for b in buildings):
        errors["buildings"] = _("This building belongs to another committee.")
    if errors:
        raise ValidationError(errors)
    grid = grid or Grid(committee=committee)
    grid.name, grid.worker = name, worker
    grid.save()
    chosen = {b.pk for b in buildings}
    # Each building saved on its own: its history says when it changed grid, and its version moves on,
    # so a building form opened before this is refused as stale instead of putting the old grid back.
    touched = Building.all_objects.select_for_update().filter(committee=committee)
    for building in touched.filter(Q(grid=grid) | Q(pk__in=chosen)).order_by("pk"):
        target = grid.pk if building.pk in chosen else None
        if building.grid_id != target:
            building.grid_id = target
            building.version += 1
            building.save(update_fields=["grid", "version"])
    return grid
