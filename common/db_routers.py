"""Read-only pages read from a replica of the database (DATABASE_REPLICA_URL); everything else from default.

A streaming replica runs a few seconds behind the primary at worst. That is fine for a dashboard or
an export, and wrong for a page that shows what its user has just written (the case list after
logging a case). So nothing reads the replica by default: only code inside `reading_from_replica()`
does, which the dashboards, the street and district overviews and the exports enter through the
`@reads_from_replica` decorator. Writes always go to default, and so does every read

- outside that context (also of an object that was loaded from the replica: its relations are
  read from default, not from where the object came from, as Django's fallback would);
- inside a transaction on default (`summarise()` reads the cases and locks the rollup's rows in one
  transaction: all of it must be the primary's);
- after the context has written anything (the dashboard that summarises a stale month reads the
  rows it has just written from default, not the replica's copy from before them).

A replica that fails (down, or a query cancelled by the standby's replay) costs no page: a view that
had written nothing yet runs again on default, and the replica is left alone for REPLICA_PAUSE_SECONDS
(so that a standby that drops packets does not hold every dashboard for the connect timeout).

Without DATABASE_REPLICA_URL there is no "replica" alias and settings install no router: every
query goes to default, as before. Scoping (committee/scoping.py) is read when a query is compiled,
from a context variable, whatever the alias: it filters the replica's queries exactly as default's.
"""

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.db import DEFAULT_DB_ALIAS, OperationalError, connections

REPLICA = "replica"
REPLICA_PAUSE_SECONDS = 30

logger = logging.getLogger(__name__)


class _Reading:
    """The state of one `reading_from_replica()` block: whether it has read the replica, written anything."""

    __slots__ = ("read_replica", "wrote")

    def __init__(self) -> None:
        self.read_replica = False
        self.wrote = False


_reading: ContextVar[_Reading | None] = ContextVar("needle_reading_from_replica", default=None)
_paused_until = 0.0  # time.monotonic() until which this process leaves a failed replica alone


def replica_configured() -> bool:
    return REPLICA in connections.settings


def replica_available() -> bool:
    return replica_configured() and time.monotonic() >= _paused_until


def pause_replica(seconds: float = REPLICA_PAUSE_SECONDS) -> None:
    """Read default instead of the replica for a while (0: until now, i.e. try the replica again)."""
    global _paused_until
    _paused_until = time.monotonic() + seconds


@contextmanager
def reading_from_replica() -> Iterator[_Reading]:
    """Reads in this block go to the replica (when there is one) until the block writes. A block
    nested in another shares its state: a write in either sends both back to default."""
    state = _reading.get() or _Reading()
    token = _reading.set(state)
    try:
        yield state
    finally:
        _reading.reset(token)


@contextmanager
def reading_from_default() -> Iterator[None]:
    """Reads in this block go to default even inside `reading_from_replica()`: for what is kept
    beyond the request (common/refdata.py fills a cache under a version its saves renew, which a
    replica a few seconds behind would fill with the rows from before the change)."""
    token = _reading.set(None)
    try:
        yield
    finally:
        _reading.reset(token)


def reads_from_replica(view: Callable) -> Callable:
    """A read-only view whose user can bear figures a few seconds old: a dashboard, an export.

    The response must be complete when the view returns: rendered (render(), not a TemplateResponse)
    and, for a file, written before it is sent (XlsxWriter.response saves the workbook to a temporary
    file first). A query run while a response streams would run outside the block, on default.

    When a read on the replica fails and the view has written nothing, it runs again on default;
    a failure after a write (an export's access record) is raised as any database error is."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        with reading_from_replica() as state:
            try:
                return view(request, *args, **kwargs)
            except OperationalError as error:
                if not state.read_replica or state.wrote:
                    raise
                failure = error
        replica = connections[REPLICA]
        down = replica.connection is None or not replica.is_usable()
        if down:  # not a cancelled query but a replica that does not answer: leave it alone a while
            replica.close()
            pause_replica()
        # The path only: a query string can hold what someone typed into a search box.
        logger.warning(
            "The read replica failed (%s); %s was read from default%s.",
            "down" if down else "a query failed",
            request.path,
            f", as every page will be for {REPLICA_PAUSE_SECONDS} s" if down else "",
            exc_info=failure,
        )
        return view(request, *args, **kwargs)

    return wrapped


class ReplicaRouter:
    """DATABASE_ROUTERS' entry when a replica is configured (needle/settings.py)."""

    def db_for_read(self, model, **hints) -> str:
        state = _reading.get()
        if (
            state is None
            or state.wrote
            or not replica_available()
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return DEFAULT_DB_ALIAS
        state.read_replica = True
        return REPLICA

    def db_for_write(self, model, **hints) -> str:
        state = _reading.get()
        if state is not None:
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        # The replica holds the same rows as default: an object read from either may point at the other's.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool | None:
        # The replica follows the primary's schema by replication; migrating it would fail (read-only).
        if db == REPLICA:
            return False
        return None
