"""Request plumbing: the committee scope of every query, the session lifetime, the login page told
why a session ended, and an account's own password first."""

from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from committee import scoping
from committee.access import Access

LOGIN_AT_KEY = "needle_login_at"
# When the session was last saved with a fresh expiry (see SessionLifetimeMiddleware).
RENEWED_AT_KEY = "needle_renewed_at"
# A browser's mark that it logged in (set by the login page, deleted on logging out; "1", nothing
# else): a request without a session that carries it met a session that ran out while idle.
SIGNED_IN_COOKIE = "needle_signed_in"
# Why the login page is shown (its ?ended=): the session ran out idle, or reached SESSION_MAX_HOURS.
ENDED_IDLE = "idle"
ENDED_LIMIT = "limit"


class CommitteeScopeMiddleware:
    """Gives each request its `access` and activates its committee scope while the view runs.

    The access object is lazy: health checks and static files never touch the database.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.access = SimpleLazyObject(lambda: Access(request.user))
        token = scoping.activate(request.access)
        try:
            return self.get_response(request)
        finally:
            scoping.deactivate(token)


class SessionLifetimeMiddleware:
    """Ends a login after SESSION_MAX_HOURS however active it is, and after SESSION_IDLE_MINUTES idle.

    The idle limit is the session's age (SESSION_COOKIE_AGE: the cookie's max-age and the stored
    expiry). A request renews it only when the last renewal is SESSION_RENEW_MINUTES old: renewing
    on every request (SESSION_SAVE_EVERY_REQUEST) wrote and committed the session row on every page,
    78% of the cost of an empty page, and made one browser's parallel requests queue on that row.
    So a user idle for SESSION_IDLE_MINUTES is always logged out, one idle a little less may be
    (at least SESSION_IDLE_MINUTES - SESSION_RENEW_MINUTES).
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if getattr(view_func, "login_required", True) is False:
            return None  # health checks and the login page: do not load the session
        if not request.user.is_authenticated:
            return None
        session = request.session
        now = timezone.now()
        login_at = session.get(LOGIN_AT_KEY)
        if login_at is None:
            stamp_session(session, now, login=True)
            return None
        if now - datetime.fromisoformat(login_at) > timedelta(hours=settings.SESSION_MAX_HOURS):
            logout(request)
            response = redirect_to_login(request.get_full_path())
            response["Location"] += "&" + urlencode({"ended": ENDED_LIMIT})
            response.delete_cookie(SIGNED_IN_COOKIE, samesite="Lax")
            return response
        renewed_at = session.get(RENEWED_AT_KEY)
        if renewed_at is None or now - datetime.fromisoformat(renewed_at) >= timedelta(
            minutes=settings.SESSION_RENEW_MINUTES
        ):
            stamp_session(session, now)
        return None


def stamp_session(session, now: datetime, *, login: bool = False) -> None:
    """Mark the session renewed now: it is saved at the end of the request with a fresh expiry
    (and the cookie sent again with a fresh max-age). `login` starts the absolute limit too."""
    if login:
        session[LOGIN_AT_KEY] = now.isoformat()
    session[RENEWED_AT_KEY] = now.isoformat()


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Django's (every view needs a login unless it says otherwise), and when the browser had logged
    in and not out (SIGNED_IN_COOKIE), the login page is told the session ran out while idle: the
    worker should know why they must log in again, and that the form they were typing is kept
    (static/js/drafts.js). The reason rides in the address, not the session (gone) nor a message: an
    htmx request meets the redirect first, and needle.js then opens the same address."""

    def handle_no_permission(self, request: HttpRequest, view_func) -> HttpResponse:
        response = super().handle_no_permission(request, view_func)
        ran_out = SESSION_KEY not in request.session  # not a switched-off account's session
        if request.COOKIES.get(SIGNED_IN_COOKIE) and ran_out and isinstance(response, HttpResponseRedirect):
            separator = "&" if "?" in response["Location"] else "?"
            response["Location"] += separator + urlencode({"ended": ENDED_IDLE})
            response.delete_cookie(SIGNED_IN_COOKIE, samesite="Lax")
        return response


# What an account that must choose its own password may still open: that page, logging out, the
# language switch and the header's bell (its poll must not be sent to another page).
OWN_PASSWORD_OPEN = {"password_change", "logout", "set_language", "notifications:bell", "login"}


class OwnPasswordMiddleware:
    """An account whose password the administrator set (User.must_change_password: a new account,
    or a reset) chooses its own before anything else: every page sends it to the password page,
    which then goes on to the page asked for. Reads only the user, whom the request has loaded."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if getattr(view_func, "login_required", True) is False:
            return None  # health checks, the login page, the bell: not a page of the account's
        user = request.user
        if not user.is_authenticated or not user.must_change_password:
            return None
        if request.resolver_match and request.resolver_match.view_name in OWN_PASSWORD_OPEN:
            return None
        target = resolve_url("password_change")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)
