"""Session rules that hang off authentication events."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

from committee.middleware import LOGIN_AT_KEY


@receiver(user_logged_in)
def stamp_login_time(sender, request, user, **kwargs) -> None:
    """The start of the absolute session limit (SESSION_MAX_HOURS)."""
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_KEY] = timezone.now().isoformat()
