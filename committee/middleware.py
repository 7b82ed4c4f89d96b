"""Request plumbing: the committee scope of every query, and the session lifetime."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from committee import scoping
from committee.access import Access

LOGIN_AT_KEY = "needle_login_at"
# When the session was last saved with a fresh expiry (see SessionLifetimeMiddleware).
RENEWED_AT_KEY = "needle_renewed_at"


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
            return redirect_to_login(request.get_full_path())
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
