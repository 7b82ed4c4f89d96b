"""Session rules that hang off authentication events."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

from committee.middleware import stamp_session


@receiver(user_logged_in)
def stamp_login_time(sender, request, user, **kwargs) -> None:
    """The start of the absolute session limit (SESSION_MAX_HOURS) and of the idle one."""
    if request is not None and hasattr(request, "session"):
        stamp_session(request.session, timezone.now(), login=True)
