"""A case's people changed from its page (review 10 F-B): a resident found in the registry added as
reporter, other party or beneficiary (the walk-in registered after the intake, so the follow-up call
reaches her), or one taken off. Who may: as for editing the case (rules: PARTIES); the services
decide, this page only draws and translates. The search is posted, not put in the address: a whole
phone or ID number typed there stays out of access logs and the browser's history (review 10 F-F)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.models import CaseParty
from cases.refusals import refusal_of
from cases.rules import Action, why_not
from cases.services.once import Repeated
from cases.services.parties import add_party, remove_party
from cases.views import get_case
from committee.roles import Perm
from common.forms import parse_id
from residents import services as resident_services
from residents.models import Resident
from residents.selectors import full_number_kinds, search_residents

SHOWN = 8


@require_http_methods(["GET", "POST"])
def case_parties(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case(request, pk)
    if why := why_not(request.access, case, Action.PARTIES):
        raise PermissionDenied(refusal_of(case, Action.PARTIES, why))  # the 403 page says why
    post = request.POST
    error = ""
    if request.method == "POST" and "_find" not in post:
        try:
            done = _change(request, case, post)
        except Repeated:
            return redirect("cases:detail", pk=case.pk)  # the same form sent twice: its first save stands
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, done)
            return redirect("cases:detail", pk=case.pk)
    q = post.get("q", "").replace("\x00", "").strip()
    ctx = {
        "case": case,
        "parties": list(
            CaseParty.all_objects.filter(case=case).select_related("resident__household__building")
        ),
        "roles": CaseParty.Role.choices,
        "q": q,
        "error": error,
        **(_found(request, case, q) if q else {}),
    }
    return render(request, "cases/parties.html", ctx, status=400 if error else 200)


def _change(request: HttpRequest, case, post) -> str:
    """Add or remove as posted; what was done, said."""
    token = post.get("token", "").replace("\x00", "")
    if (party_pk := parse_id(post.get("remove", ""))) is not None:
        party = CaseParty.all_objects.select_related("resident").filter(pk=party_pk, case=case).first()
        if party is None:
            raise ValidationError(_("This person was taken off the case meanwhile."))
        remove_party(access=request.access, case=case, party=party, token=token)
        return _("%(name)s taken off the case.") % {"name": party.resident.name}
    resident_pk = parse_id(post.get("add", ""))
    resident = Resident.objects.filter(pk=resident_pk).first() if resident_pk is not None else None
    if resident is None:
        raise ValidationError(_("Choose a resident from the list."))
    role = post.get(f"role_{resident.pk}", CaseParty.Role.REPORTER)
    add_party(access=request.access, case=case, resident=resident, role=role, token=token)
    return _("%(name)s added to the case as %(role)s.") % {
        "name": resident.name,
        "role": dict(CaseParty.Role.choices).get(role, role),
    }


def _found(request: HttpRequest, case, q: str) -> dict:
    """The case's committee's residents matching `q` (as the intake's search: a whole number only
    where the reader may reveal it, noted in the access log)."""
    residents = Resident.objects.filter(committee_id=case.committee_id, archived="")
    full_in = [c for c in request.access.committees_where(Perm.REVEAL) if c == case.committee_id]
    found = list(
        search_residents(
            residents.select_related("household__building"), q, worker=request.user, full_numbers_in=full_in
        )[:SHOWN]
    )
    kinds = full_number_kinds(q)
    resident_services.note_number_search(user=request.user, kinds=kinds, full_in=full_in, found=found)
    return {"found": found, "searched": True, "number_hidden": bool(kinds) and not full_in}
