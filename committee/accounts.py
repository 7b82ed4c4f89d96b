"""Logging in and out, and one's own password: Django's views, with what a committee worker needs to
be told. The login page says why they are there (they logged out; the session ended while idle or
after its 12 hours), and once wrong passwords repeat, how many tries are left before the pause
(committee/forms.py LoginForm). An account whose password the administrator set chooses its own
first (committee.middleware.OwnPasswordMiddleware sends it here), then goes on where it was going."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from committee.forms import LoginForm, OwnPasswordForm
from committee.middleware import ENDED_IDLE, ENDED_LIMIT, SIGNED_IN_COOKIE

_logout_view = auth_views.LogoutView.as_view()


@login_not_required
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """Django's login page, told why the worker is on it (?ended=, set where the session ended:
    committee/middleware.py). Logged in, the browser keeps a mark of it (no data in it) until
    logging out: a later visit without a session, with the mark, is a session that ran out."""
    ended = request.GET.get("ended")
    context = {
        "ended": ended if ended in (ENDED_IDLE, ENDED_LIMIT) else None,
        "idle_minutes": settings.SESSION_IDLE_MINUTES,
        "max_hours": settings.SESSION_MAX_HOURS,
    }
    response = auth_views.LoginView.as_view(
        authentication_form=LoginForm, redirect_authenticated_user=True, extra_context=context
    )(request)
    if request.method == "POST" and request.user.is_authenticated and response.status_code == 302:
        response.set_cookie(
            SIGNED_IN_COOKIE,
            "1",
            max_age=settings.SESSION_MAX_HOURS * 3600,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Django's logout, then the login page saying so (the session is gone: the message travels in
    its cookie). The browser's mark of a login goes too: this was no session running out."""
    response = _logout_view(request)
    messages.success(request, _("You have logged out."))
    response.delete_cookie(SIGNED_IN_COOKIE, samesite="Lax")
    return response


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """One's own password. For an account whose password the administrator set, the page says why
    it comes first, and once changed goes on to where the worker was going (`next`, this site's)."""
    forced = request.user.must_change_password
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    form = OwnPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)  # this session stays logged in
        if forced:
            messages.success(request, _("Your new password is saved. It works from now on, on every device."))
            return redirect(next_url or "home")
        return redirect("password_change_done")
    return render(
        request, "registration/password_change_form.html", {"form": form, "forced": forced, "next": next_url}
    )
