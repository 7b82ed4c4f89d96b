"""A case's people changed after it was logged (review 10 F-B): a resident added (the walk-in
registered only after the intake, so that the follow-up call reaches her) or removed, each one event
on the timeline. Who may: as for editing the case (rules: PARTIES), while it is open or resolved."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cases import events
from cases.models import Case, CaseEvent, CaseParty
from cases.party_events import PartyAdded, PartyRemoved
from cases.rules import Action
from cases.search import reindex_cases
from cases.services.case import _lock, _save
from committee.access import Access
from residents.models import Resident

NOT_NOW = _("Case %(number)s is closed: its people can no longer be changed.")


@transaction.atomic
def add_party(
    *,
    access: Access,
    case: Case,
    resident: Resident,
    role: str,
    at: datetime.datetime | None = None,
    token: str = "",
) -> CaseEvent:
    """Add `resident` (of the case's committee, not archived) to the case as `role`. The same
    resident in the same role already on the case is refused in words: nothing to add."""
    case = _lock(
        access, case.pk, Action.PARTIES, None, not_now=NOT_NOW % {"number": case.number}, token=token
    )
    if role not in CaseParty.Role.values:
        raise ValidationError(_("Choose a role from the list."))
    if resident.committee_id != case.committee_id:
        raise ValidationError(_("%(name)s lives in another committee.") % {"name": resident.name})
    if resident.archived:
        raise ValidationError(
            _("%(name)s %(archived)s: no longer added to cases.")
            % {"name": resident.name, "archived": resident.archived_words}
        )
    if CaseParty.all_objects.filter(case=case, resident=resident, role=role).exists():
        said = {"name": resident.name, "role": CaseParty.Role(role).label}
        raise ValidationError(_("%(name)s is on this case as %(role)s already.") % said)
    CaseParty.all_objects.create(case=case, resident=resident, role=role, committee_id=case.committee_id)
    _save(case)
    reindex_cases([case.pk])  # the case is found by her name and phone's last four
    return events.record(
        case, PartyAdded(name=resident.name, role=role), actor=access.user, at=at, token=token
    )


@transaction.atomic
def remove_party(
    *, access: Access, case: Case, party: CaseParty, at: datetime.datetime | None = None, token: str = ""
) -> CaseEvent:
    """Take a resident off the case (added by mistake); the timeline keeps who it was and as what."""
    case = _lock(
        access, case.pk, Action.PARTIES, None, not_now=NOT_NOW % {"number": case.number}, token=token
    )
    party = CaseParty.all_objects.select_related("resident").filter(pk=party.pk, case=case).first()
    if party is None:
        raise ValidationError(_("This person was taken off the case meanwhile."))
    name, role = party.resident.name, party.role
    party.delete()
    _save(case)
    reindex_cases([case.pk])
    return events.record(case, PartyRemoved(name=name, role=role), actor=access.user, at=at, token=token)
