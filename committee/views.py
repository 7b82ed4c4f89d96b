"""The site's own pages: home, health checks, error pages."""

import sys

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
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


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Never touches the database."""
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: the database answers a trivial query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A stale form (often after the session expired) gets a plain explanation, not Django's page."""
    return render(request, "403_csrf.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 handler, except that a database outage is a 503 with its own page.

    Both pages render without a request context: the session and user need the database.
    Services write in transactions, so an outage part-way has left nothing half-written.
    """
    exception = sys.exc_info()[1]
    if isinstance(exception, OperationalError | InterfaceError):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())
