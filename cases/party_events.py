"""The timeline's events of a case's people changed on the case page (cases/party_views.py): a
resident added (a walk-in registered only after the intake, a neighbour concerned) or removed, each
with their name and role as they were then."""

from collections.abc import Container
from dataclasses import dataclass

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from cases.event_base import Kind, Payload, _say
from cases.models import CaseParty
from common.choices import choice_in_sentence


@dataclass(frozen=True)
class PartyAdded(Payload):
    kind = Kind.PARTY_ADDED
    name: str = ""
    role: str = CaseParty.Role.REPORTER

    def sentence(self, files: Container[int]) -> SafeString:
        role = choice_in_sentence(CaseParty.Role, self.role)
        return _say(_("Added %(name)s to the case as %(role)s."), name=self.name, role=role)


@dataclass(frozen=True)
class PartyRemoved(Payload):
    kind = Kind.PARTY_REMOVED
    name: str = ""
    role: str = CaseParty.Role.REPORTER

    def sentence(self, files: Container[int]) -> SafeString:
        role = choice_in_sentence(CaseParty.Role, self.role)
        return _say(_("Removed %(name)s (%(role)s) from the case."), name=self.name, role=role)
