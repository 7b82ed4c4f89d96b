"""The site's own endpoints, outside any committee: health checks and error pages."""

import sys
from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, HttpResponseServerError, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_safe

from cases.refusals import Refused, said
from committee.roles import Perm, Role, roles_granted
from common.reversing import reverse_once
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
    """A stale form (often after the session expired) gets a plain explanation, not Django's page:
    that this send was not saved; whether the words typed are kept on the device (a form marked
    data-keep-draft posts its key as _draft, static/js/drafts.js, and its copy is put back when its
    page is opened again in the same tab), else how not to lose them; the way back to that page.
    Nothing posted is shown: a form another site made the browser send would have its words
    written on this site's page."""
    ctx = {"kept": _posted_draft(request), "page_url": _page_sent_from(request)}
    return render(request, "403_csrf.html", ctx, status=403)


def _posted_draft(request: HttpRequest) -> bool:
    """Whether the form sent was one whose words drafts.js keeps (its `_draft` field, which only
    the script adds). A body that cannot be read (too large, broken) says nothing."""
    try:
        return bool(request.POST.get("_draft"))
    except (SuspiciousOperation, MultiPartParserError, OSError):
        return False


def _page_sent_from(request: HttpRequest) -> str | None:
    """The page a form was sent from (its Referer) when it is a page of this site: its path and
    query, never another site's address (nor a path the browser would read as one: //host)."""
    referer = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure()):
        return None
    parts = urlsplit(referer)
    if parts.netloc not in ("", request.get_host()):
        return None
    path = parts.path
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return None
    return f"{path}?{parts.query}" if parts.query else path


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


# Who a refused page (a GET) or action (anything else) is for, by what its PermissionDenied carries: a
# permission (every role GRANTS gives it, committee/roles.py: the same table that refused it, so the
# words cannot drift from the rule; the access log said "secretary only" to a district officer while
# the street's officers read it, review 9 finding 14) or the district officer's role.
_FOR = {
    "secretary": (
        _("This page is for the committee's secretary."),
        _("Only the committee's secretary can do this."),
    ),
    "staff": (
        _("This page is for the committee's secretary and workers."),
        _("Only the committee's secretary and workers can do this."),
    ),
    "secretary_street": (
        _("This page is for the committee's secretary and the street's officers."),
        _("Only the committee's secretary and the street's officers can do this."),
    ),
    "staff_overseers": (
        _("This page is for the committee's secretary and workers, and for street and district officers."),
        _("Only the committee's secretary and workers, and street and district officers, can do this."),
    ),
    "street": (_("This page is for the street's officers."), _("Only the street's officers can do this.")),
    "district": (_("This page is for district officers."), _("Only district officers can do this.")),
}
_S, _W, _ST, _D = Role.SECRETARY, Role.WORKER, Role.STREET_OFFICER, Role.DISTRICT_OFFICER
_GRANTED_TO = {
    frozenset({_S}): "secretary",
    frozenset({_S, _W}): "staff",
    frozenset({_S, _ST}): "secretary_street",
    frozenset({_S, _W, _ST, _D}): "staff_overseers",
    frozenset({_ST}): "street",
}


def _who_may(need) -> str | None:
    if need == Role.DISTRICT_OFFICER:
        return "district"
    if isinstance(need, Perm):
        # A set of roles without words of its own (a permission added later) says nothing rather
        # than something wrong; tests/committee/test_refusals.py holds every permission to a sentence.
        return _GRANTED_TO.get(roles_granted(need))
    return None  # a rule of a case's own (cases/refusals.py Refused): said by its own words


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 403 page, in words that fit its reader: what the page or action needs (the secretary,
    the committee's staff), and for a street or district officer, who has no committee and no
    secretary to ask, what their account is for and their overview to go to instead. Never "you
    can see this": most refusals are of pages the reader cannot open at all."""
    page = request.method in ("GET", "HEAD")
    need = exception.args[0] if isinstance(exception, PermissionDenied) and exception.args else None
    who = _who_may(need)
    access = getattr(request, "access", None)
    roles = set(access.roles.values()) if access is not None and not access.sees_everything else set()
    staff = roles & {Role.SECRETARY, Role.WORKER, Role.VIEWER}
    ctx = {
        "page": page,
        "needs": _FOR[who][0 if page else 1] if who else None,
        # A worker or viewer asks their secretary (not for a street's or district's page).
        "ask_secretary": bool(staff - {Role.SECRETARY}) and who not in ("street", "district"),
        "overseer": bool(roles) and not staff,
        "no_role": access is not None and not access.sees_everything and not roles,
    }
    if isinstance(need, Refused):  # a case's own rule (cases/refusals.py): what, why, and what instead
        ctx |= said(need, access)
        if ctx["overseer"] or ctx["no_role"]:
            ctx["instead"] = None  # their account's own words stand
        ctx["ask_secretary"] = False
    if ctx["overseer"]:
        district = Role.DISTRICT_OFFICER in roles
        ctx["overview_url"] = reverse_once("dashboard_district" if district else "dashboard")
        ctx["overview_label"] = _("District overview") if district else _("Street overview")
    return render(request, "403.html", ctx, status=403)
