"""A grid's worker (网格员): one of its committee's staff who work cases, whoever sets it.

The admin's "Add grid" once offered every user of the deployment: another committee's worker, a
street officer, the superuser. Such a grid showed its worker in the committee's roster filter, and
its due visits were reminded to nobody (notifications/reminders.py reminds the committee's staff).
The rule is here, read by Grid.clean (every model form: the admin's add and change) and Grid.save
(any other path), in one sentence the admin and a test read alike (review 10, 4).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from residents.models import Grid


def grid_worker_refusal(grid: Grid) -> str | None:
    """Why `grid` cannot have its worker (None: it can, or it has none)."""
    if grid.worker_id is None or grid.committee_id is None:
        return None
    from cases.rules import case_workers  # cases.models reads residents.models

    if case_workers([grid.committee_id]).filter(pk=grid.worker_id).exists():
        return None
    return _(
        "%(name)s does not work cases in %(committee)s: a grid's worker must be one of its own staff "
        "who work cases (a worker or the secretary)."
    ) % {"name": grid.worker.display_name, "committee": grid.committee.name}


def worker_changed(grid: Grid) -> bool:
    """Whether `grid` is saved with a worker it did not have: a grid whose worker later left keeps
    them named until someone changes it (its other fields can still be saved)."""
    if grid.worker_id is None:
        return False
    if grid._state.adding or grid.pk is None:
        return True
    stored = type(grid).all_objects.filter(pk=grid.pk).values_list("worker_id", flat=True).first()
    return stored != grid.worker_id


def check_grid_worker(grid: Grid) -> None:
    """Refuse `grid` with a worker newly set who does not work cases in its committee."""
    if worker_changed(grid) and (refusal := grid_worker_refusal(grid)):
        raise ValidationError({"worker": refusal})
