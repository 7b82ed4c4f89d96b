"""Whether the settings look like a server's, so that the demo (whose accounts, a superuser among
them, share the published password) is not seeded where others can reach it (review 10, F-I)."""

import hashlib
import os

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.cache import cache

from demo.organisation import DEMO_PASSWORD

# The hosts a laptop answers to; `testserver` is Django's test client's.
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1", "testserver"}


def server_signs() -> list[str]:
    """What in the settings says that this is a server, in words for the refusal; [] on a laptop."""
    signs = []
    others = [host for host in settings.ALLOWED_HOSTS if host not in LOCAL_HOSTS]
    if others:
        signs.append(f"ALLOWED_HOSTS names {', '.join(others)}")
    # A laptop's key is generated into var/secret_key; a server's is given (environment or .env).
    if os.environ.get("SECRET_KEY"):
        signs.append("SECRET_KEY is set")
    if settings.SESSION_COOKIE_SECURE:
        signs.append("SECURE_COOKIES is on")
    return signs


def demo_superuser_left() -> bool:
    """The demo's superuser still logs in with the published password. One password check (a few
    tenths of a second): asked at start-up, and by the admin's first page through the cache below."""
    from committee.models import User

    admin = User.objects.filter(username="admin", is_superuser=True, is_active=True).first()
    return admin is not None and admin.check_password(DEMO_PASSWORD)


def demo_superuser_left_cached() -> bool:
    """demo_superuser_left for a page: one query for the stored hash, the password checked once per
    hash (a changed password is a new hash, so a new answer) and kept in the cache."""
    from committee.models import User

    stored = (
        User.objects.filter(username="admin", is_superuser=True, is_active=True)
        .values_list("password", flat=True)
        .first()
    )
    if not stored:
        return False
    key = "demo-password:" + hashlib.sha256(stored.encode()).hexdigest()
    return cache.get_or_set(key, lambda: check_password(DEMO_PASSWORD, stored), timeout=None)
