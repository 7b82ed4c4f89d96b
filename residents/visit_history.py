"""A resident's visits as their page lists them, and to whom.

The visits are the care roster's record: who is visited how often, and what was found ("血压偏高",
"腿脚不便": health notes, sensitive personal information under PIPL art. 28). Who may not open the
roster (street and district officers, viewers: no VIEW_SENSITIVE) reads none of them on a
resident's page either, as sensitive care categories are withheld there; the dates alone, a visit
every 30 days, told the hidden category (review 9, finding 2).
"""

from cases.models import Case
from cases.selectors import visible_cases
from committee.roles import Perm
from residents.models import Resident, Visit

SHOWN = 30  # the latest visits; the roster's worker sees the rhythm, not the years


def visit_history(access, resident: Resident) -> list[Visit] | None:
    """The latest visits, each with the case raised from it (`raised_case`, when the reader may see
    it); None when the reader's role may not read visits (the page says so)."""
    if not access.can(Perm.VIEW_SENSITIVE, resident.committee_id):
        return None
    visits = list(resident.visits.select_related("visitor")[:SHOWN])
    # A visit that needed follow-up links to the case raised from it, once there is one.
    follow_ups = [v.pk for v in visits if v.follow_up_needed]
    raised = {}
    if follow_ups:
        raised_from = Case.objects.filter(visit_id__in=follow_ups)
        for case in visible_cases(access, raised_from).order_by("pk"):
            raised.setdefault(case.visit_id, case)
    for v in visits:
        v.raised_case = raised.get(v.pk)
    return visits
