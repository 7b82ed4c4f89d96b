"""The site's own endpoints, outside any committee: health checks and error pages."""

import sys

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_safe

from needle.middleware import health_check


@health_check
@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Never touches the database."""
    return JsonResponse({"status": "ok"})


@health_check
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
@require_safe
@cache_control(max_age=24 * 3600, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for on pages that name no icon (the admin's): the site's icon.
    A 404 in the logs on every admin page before. A redirect to the static file, which whitenoise
    serves (an .ico of its own would be a second icon to keep); "found", not "moved permanently",
    as the file's hashed name changes with the icon, and kept by the browser for a day. No login
    and no database: a session cookie is not even read."""
    return HttpResponseRedirect(static("img/needle.svg"))


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
