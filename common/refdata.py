"""Reference data that every page reads and that hardly ever changes (the case categories, a
committee's staff, the committees' names, when a job last ran, a committee's buildings and grids),
kept in the cache instead of queried on each request.

Each kind of data has a version in the shared cache; an entry's key holds the version it was
computed under. A save or delete of a model the data is read from sets a new version (signals,
connected in CommonConfig.ready), so the next read anywhere computes it again: with Redis every
process sees the new version at once; the default cache is per process (locmem), where a process
sees only its own changes — which is why entries also expire after TIMEOUT seconds, a bound on how
long anything stays stale (a bulk update, which sends no signal, included).

Only values (ids, names) are cached, never model instances, and never anything a user's
permissions are decided on: the permission checks read the database.
"""

import hashlib
import uuid
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from common.db_routers import reading_from_default

TIMEOUT = 300

# kind → the models whose rows it is read from ("app_label.ModelName").
SOURCES = {
    "categories": ("cases.CaseCategory",),
    "outside_bodies": ("cases.OutsideBody",),
    "staff": ("committee.User", "committee.Membership"),
    "committees": ("committee.Committee", "committee.Street", "committee.District"),
    "job_runs": ("jobs.JobRun",),
    # The resident list's building and grid filters (residents.selectors.building_choices and
    # grid_choices): addresses and names only. Written in bulk by the registry import, which bumps
    # it itself (residents/imports/writer.py).
    "places": ("residents.Building", "residents.Grid"),
}


def _version_key(kind: str) -> str:
    return f"refdata:{kind}:version"


def version(kind: str) -> str:
    """The kind's current version (a new one when the cache holds none)."""
    key = _version_key(kind)
    current = cache.get(key)
    if current is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        current = cache.get(key)
    return current


def bump(kind: str) -> None:
    """Entries of this kind computed so far are out of date."""
    cache.set(_version_key(kind), uuid.uuid4().hex, timeout=None)


def ids_key(ids: Iterable[int] | None) -> str:
    """A short key for a set of ids (None: all)."""
    if ids is None:
        return "all"
    text = ",".join(str(i) for i in sorted(ids))
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def cached[T](kind: str, name: str, compute: Callable[[], T]) -> T:
    """`compute()`, remembered under this kind's current version."""
    key = f"refdata:{kind}:{version(kind)}:{name}"
    value = cache.get(key)
    if value is None:
        # From the primary: a replica seconds behind would keep the rows from before a change
        # under the version that change made, for TIMEOUT.
        with reading_from_default():
            value = compute()
        cache.set(key, value, timeout=TIMEOUT)
    return value


def _bumper(kind: str):
    def handler(sender, update_fields=None, **kwargs) -> None:
        if update_fields is not None and set(update_fields) <= {"last_login"}:
            return  # a login (Django saves the user's last_login) changes nothing cached here
        # Now, for this thread's next read, and again when the transaction commits: between the
        # two, another thread may read the new version and fill it from the rows committed before
        # the change (an admin save runs in a transaction), which the second version leaves behind.
        bump(kind)
        transaction.on_commit(lambda: bump(kind))

    handler.__name__ = f"bump_{kind}"
    return handler


_HANDLERS = {kind: _bumper(kind) for kind in SOURCES}


def connect() -> None:
    for kind, models in SOURCES.items():
        for model in models:
            post_save.connect(_HANDLERS[kind], sender=model, dispatch_uid=f"refdata-{kind}-{model}-save")
            post_delete.connect(_HANDLERS[kind], sender=model, dispatch_uid=f"refdata-{kind}-{model}-del")
