"""`manage.py task_worker`: django-tasks-db's `db_worker`, kept alive through a database that is busy
or away for a while (review 8, finding 4).

The library's worker loop leaves on any database error but one: a poll that waits out SQLite's busy
timeout (a backup, a large import's commit, a stray `sqlite3` shell holding the lock) raises
OperationalError from the transaction's BEGIN, outside the loop's own handling, and so does every
poll while PostgreSQL restarts. The worker then exits, and under `make run` honcho stops every
process when one exits: the web server went down with it. Here a failed poll is logged (the error's
kind and its first line: the database's words, no row's data), waited out with a backoff (1 s,
doubled to at most TASK_WORKER_MAX_PAUSE_SECONDS), and the loop polls again; the library's loop
itself is unchanged. Its signals are kept: Ctrl-C or SIGTERM during a pause exits at once.

While the worker waits, it runs nothing and so writes no heartbeat: /healthz/tasks shows the gap
(503 once it passes TASKS_STALE_SECONDS) rather than hiding it.
"""

import logging
import time

from django.conf import settings
from django.db import connections
from django.db.utils import InterfaceError, OperationalError
from django_tasks_db.management.commands import db_worker

logger = logging.getLogger("jobs.worker")

FIRST_PAUSE_SECONDS = 1.0


def _said(error: BaseException) -> str:
    """The error's kind and first line, as the database put it (no query, no parameters)."""
    first_line = (str(error).strip().splitlines() or [""])[0][:200]
    return f"{type(error).__name__}: {first_line}"


def _close_connections() -> None:
    """Drop this thread's connections: the next poll opens a fresh one (or fails, and waits again)."""
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except Exception:  # a connection the server already dropped may fail to close; it is gone anyway
            connection.connection = None


class KeptWorker(db_worker.Worker):
    def run(self) -> None:
        pause = FIRST_PAUSE_SECONDS
        longest = settings.TASK_WORKER_MAX_PAUSE_SECONDS
        while self.running:
            started = time.monotonic()
            try:
                return super().run()
            except (OperationalError, InterfaceError) as error:
                if not self.running:
                    return
                if time.monotonic() - started > longest:
                    pause = FIRST_PAUSE_SECONDS  # it had been polling well since the last failure
                logger.warning(
                    "The task queue's database could not be reached (%s); polling again in %s s.",
                    _said(error),
                    f"{pause:g}",
                )
                _close_connections()
                time.sleep(pause)
                pause = min(pause * 2, longest)


class Command(db_worker.Command):
    help = "Run the database task worker, waiting out a busy or restarting database instead of exiting"

    def handle(self, *args, **options) -> None:
        # The library's command builds db_worker.Worker by name: give it this one for the run.
        library_worker = db_worker.Worker
        db_worker.Worker = KeptWorker
        try:
            super().handle(*args, **options)
        finally:
            db_worker.Worker = library_worker
