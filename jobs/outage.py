"""Waiting out a database the background processes cannot reach: SQLite locked past its busy timeout
(a backup, a large import's commit, a stray `sqlite3` shell), PostgreSQL restarting (review 8,
finding 4). Shared by `manage.py task_worker` and `manage.py task_scheduler`."""

import time
from collections.abc import Iterator

from django.db import connections
from django.db.utils import InterfaceError, OperationalError

# What a database that is busy or away raises (an IntegrityError or a ProgrammingError is a bug).
UNREACHABLE = (OperationalError, InterfaceError)
FIRST_PAUSE_SECONDS = 1.0


def said(error: BaseException) -> str:
    """The error's kind and first line, as the database put it (no query, no parameters, no data)."""
    first_line = (str(error).strip().splitlines() or [""])[0][:200]
    return f"{type(error).__name__}: {first_line}"


def close_connections() -> None:
    """Drop this thread's connections: the next query opens a fresh one (or fails, and is waited out)."""
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except Exception:  # a connection the server already dropped may fail to close; it is gone anyway
            connection.connection = None


def pauses(longest: float) -> Iterator[float]:
    """1 s, then doubled, up to `longest`."""
    pause = FIRST_PAUSE_SECONDS
    while True:
        yield pause
        pause = min(pause * 2, longest)


def wait(pause: float) -> None:
    time.sleep(pause)
