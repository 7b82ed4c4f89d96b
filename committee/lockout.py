"""The login lockout: an account after LOGIN_FAILURE_LIMIT wrong passwords (5), an address only after
LOGIN_ADDRESS_FAILURE_LIMIT failed logins from it (30), both for LOGIN_COOLOFF_MINUTES (15).

django-axes compares every count it keeps with one limit. A committee's desk computer, and usually
the whole office and the street office behind one NAT address, is one "address": with the address
counted against the account's 5, one person's typos locked every colleague out (review 8, finding 3).
So axes counts only the account (AXES_LOCKOUT_PARAMETERS = ["username"]; a successful login then
clears only that account's failures, not its colleagues'), and this handler (AXES_HANDLER, axes'
documented way to specialise it) adds the address's own count against its own, higher limit: many
accounts tried from one address (password spraying) still lock it. An attempt refused while locked
checks no password and is not counted (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False), so a
colleague refused at a locked address does not use up their own account's five tries.

The locked page (AXES_LOCKOUT_CALLABLE) says which it was: this account, or this address. Before the
lock, the login page says how many tries are left (tries_left); the administrator sees which accounts
are paused and lifts a pause with one button on the user's admin page (locked_until, unlock).

Throttling itself stays axes': nothing here counts a login, it reads and resets what axes keeps."""

from datetime import datetime, timedelta

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from axes.utils import reset
from django.conf import settings
from django.db.models import Max, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


class LockoutHandler(AxesDatabaseHandler):
    def address_failures(self, request: HttpRequest) -> int:
        """Failed logins from the request's address, on any account, within the cool-off time."""
        address = getattr(request, "axes_ip_address", None)
        if not address:
            return 0
        attempts = AccessAttempt.objects.filter(ip_address=address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0

    def address_locked(self, request: HttpRequest) -> bool:
        return self.address_failures(request) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT

    def account_locked(self, request: HttpRequest, credentials: dict | None = None) -> bool:
        return self.get_failures(request, credentials) >= get_failure_limit(request, credentials)

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        if not settings.AXES_LOCK_OUT_AT_FAILURE:
            return False
        return self.account_locked(request, credentials) or self.address_locked(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs) -> None:
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or not settings.AXES_LOCK_OUT_AT_FAILURE:
            return
        if getattr(request, "axes_locked_out", False):
            return  # axes locked the account (or refused a locked login, uncounted)
        if self.is_whitelisted(request, credentials) or not self.address_locked(request):
            return
        # This failure filled the address's count: the same lockout axes gives an account.
        request.axes_locked_out = True
        request.axes_credentials = credentials
        user_locked_out.send(
            "axes",
            request=request,
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
        )


def locked_out_page(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """The page of a refused login, saying what is locked: the account typed, or the address (whose
    every account is refused, including one that never had a wrong password)."""
    handler = LockoutHandler()
    account = handler.account_locked(request, credentials)
    context = {
        "account_locked": account,
        "address_locked": not account or handler.address_locked(request),
        "minutes": round(settings.AXES_COOLOFF_TIME * 60),
    }
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE)


def tries_left(request: HttpRequest, credentials: dict) -> int:
    """After a wrong password, how many more this account may take before it is paused: the login
    page warns before the lock, not only after it (review 9, finding 12)."""
    handler = LockoutHandler()
    return max(get_failure_limit(request, credentials) - handler.get_failures(request, credentials), 0)


def _counting_attempts():
    """The failed logins still counted: those within the cool-off time."""
    attempts = AccessAttempt.objects.all()
    if settings.AXES_COOLOFF_TIME is not None:
        since = timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME)
        attempts = attempts.filter(attempt_time__gte=since)
    return attempts


def account_failures() -> Coalesce:
    """An expression for a user query: the failed logins counted against the account, as axes counts
    them (by the username typed, exactly). One subquery, for the admin's list of users."""
    failures = (
        _counting_attempts()
        .filter(username=OuterRef("username"))
        .order_by()
        .values("username")
        .annotate(n=Sum("failures_since_start"))
        .values("n")
    )
    return Coalesce(Subquery(failures), 0)


def locked_until(username: str) -> datetime | None:
    """When the account's pause ends, if it is paused now: its latest failure plus the cool-off."""
    attempts = _counting_attempts().filter(username=username)
    found = attempts.aggregate(n=Sum("failures_since_start"), last=Max("attempt_time"))
    if (found["n"] or 0) < settings.AXES_FAILURE_LIMIT:
        return None
    return found["last"] + timedelta(hours=settings.AXES_COOLOFF_TIME)


def unlock(username: str) -> int:
    """Lift the pause on an account (the administrator's button): its failed logins are forgotten,
    through axes' own reset, so the next login gets the full five tries. Returns how many records
    went (0: it was not paused)."""
    return reset(username=username)
