"""The home page: who you are where, and the work waiting for you."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The front page after login: who you are where, and the way into each area."""
    memberships = request.access.committees()
    roles = [(committee, request.access.role(committee)) for committee in memberships[:50]]
    ctx = {"roles": roles}
    ctx.update(_case_queue(request))
    return render(request, "committee/home.html", ctx)


QUEUE_SIZE = 8


def _case_queue(request: HttpRequest) -> dict:
    """A worker's queue: my open cases by due date, and the unassigned ones of my committees."""
    from cases import selectors
    from committee.roles import Perm

    working = request.access.committees_where(Perm.LOG_CASE)
    if not working:
        return {}
    mine = list(selectors.my_queue(request.access)[: QUEUE_SIZE + 1])
    unassigned = list(selectors.unassigned(request.access, working)[: QUEUE_SIZE + 1])
    return {
        "queue": True,
        "my_cases": mine[:QUEUE_SIZE],
        "my_more": len(mine) > QUEUE_SIZE,
        "unassigned_cases": unassigned[:QUEUE_SIZE],
        "unassigned_more": len(unassigned) > QUEUE_SIZE,
    }
