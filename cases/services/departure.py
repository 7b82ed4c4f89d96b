"""A member of staff who leaves a committee's work in the admin: their account deactivated, or their
role there removed or changed to one that works no cases (committee/admin.py asks first, naming
what they hold, and calls hand_back once saved).

Their open cases stayed on them, and their grids named them as the grid worker: 23 cases (18
overdue) and 76 care-roster residents with nobody, the secretary's "unassigned" not counting
them, nothing telling anyone (review 9, item 7). The save is not refused until they are
reassigned: an account of someone who has left must close at once (it reads residents' data), and
the administrator is rarely the one who knows who should take over. So the cases become
unassigned, each saying why on its timeline, where the secretary assigns work every day (the home
page's "unassigned", the case list's "unassigned"); the grids are left without a worker, as the
roster shows; and the committee's secretaries are told, with the counts.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from cases import events
from cases.models import Case
from cases.rules import status_when_assigned
from cases.services.case import LOCKED
from committee.models import Committee, Membership, User
from committee.roles import Role
from residents.models import Grid, Resident


@dataclass
class Holding:
    """What a member of staff holds in one committee."""

    committee: Committee
    open_cases: int = 0
    overdue: int = 0
    grids: list[str] = field(default_factory=list)
    roster: int = 0  # care-roster residents in those grids

    def __bool__(self) -> bool:
        return bool(self.open_cases or self.grids)


def holdings(user: User, committee_ids, *, today: datetime.date | None = None) -> list[Holding]:
    """The open cases and grids `user` holds in each of these committees (those with none left out)."""
    today = today or timezone.localdate()
    held = []
    for committee in Committee.objects.filter(pk__in=list(committee_ids)).order_by("name"):
        cases = Case.all_objects.filter(assignee=user, committee=committee, status__in=Case.OPEN_STATUSES)
        grids = Grid.all_objects.filter(worker=user, committee=committee).order_by("name")
        holding = Holding(
            committee=committee,
            open_cases=cases.count(),
            overdue=cases.filter(due_date__lt=today).count(),
            grids=[grid.name for grid in grids],
            roster=Resident.all_objects.filter(
                household__building__grid__in=grids, archived="", next_visit_due__isnull=False
            ).count(),
        )
        if holding:
            held.append(holding)
    return held


@transaction.atomic
def hand_back(*, user: User, committee_ids, by: User, at: datetime.datetime | None = None) -> list[Holding]:
    """Unassign `user`'s open cases in these committees (each an event on its timeline, its status
    as rules.status_when_assigned leaves it), clear them as grid worker there, and tell each
    committee's secretaries. Returns what was handed back. Who may is the admin's to decide (a
    superuser changing the account), as for record_correction."""
    from notifications.services import tell_staff_left  # notifications reads cases: import late

    at = at or timezone.now()
    held = holdings(user, committee_ids, today=timezone.localdate(at))
    for holding in held:
        cases = Case.all_objects.select_for_update().only(*LOCKED)
        cases = cases.filter(assignee=user, committee=holding.committee, status__in=Case.OPEN_STATUSES)
        for case in cases.order_by("pk"):
            before = case.status
            case.assignee = None
            case.status = status_when_assigned(before, None)
            case.version += 1
            case.save(update_fields=["assignee", "status", "version", "updated_at"])
            payload = events.Assigned(
                previous=user.display_name, before=before, after=case.status, corrected=True, left=True
            )
            events.record(case, payload, actor=by, at=at)
        Grid.all_objects.filter(worker=user, committee=holding.committee).update(worker=None)
        secretaries = User.objects.filter(
            is_active=True,
            memberships__committee=holding.committee,
            memberships__role=Role.SECRETARY,
        ).exclude(pk=user.pk)
        for secretary in secretaries:
            tell_staff_left(secretary, user, holding, at=at)
    return held


def leaving(user: User, kept: dict[int, str] | None) -> list[int]:
    """The committees whose cases `user` works now (as stored) and would no longer: all of them when
    the account is deactivated (`kept` None), else those whose role `kept` (committee id → role, as
    the save leaves them) removes or turns into one that works no cases."""
    from cases.rules import CASE_WORKER_ROLES

    stored = Membership.objects.filter(user=user, role__in=CASE_WORKER_ROLES).values_list(
        "committee_id", flat=True
    )
    kept = kept or {}
    return sorted(pk for pk in stored if kept.get(pk) not in CASE_WORKER_ROLES)
