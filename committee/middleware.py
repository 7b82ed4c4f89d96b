"""Request plumbing: the committee scope of every query, and the session lifetime."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from committee import scoping
from committee.access import Access

LOGIN_AT_KEY = "needle_login_at"


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
    """Ends a login after SESSION_MAX_HOURS however active it is.

    The idle limit is the session cookie's age, renewed by every request (SESSION_SAVE_EVERY_REQUEST).
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
        login_at = request.session.get(LOGIN_AT_KEY)
        if login_at is None:
            request.session[LOGIN_AT_KEY] = timezone.now().isoformat()
            return None
        started = timezone.datetime.fromisoformat(login_at)
        if timezone.now() - started > timedelta(hours=settings.SESSION_MAX_HOURS):
            logout(request)
            return redirect_to_login(request.get_full_path())
        return None
