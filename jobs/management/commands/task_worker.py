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

Each worker also keeps its row of life (which task it runs) from a thread of its own, and looks for
tasks another worker left running when it died or lost the database: jobs/reclaim.py.
"""

import logging
import time

from django.conf import settings
from django.utils import timezone
from django_tasks_db.management.commands import db_worker

from jobs import outage, reclaim

logger = logging.getLogger("jobs.worker")


class KeptWorker(db_worker.Worker):
    def run(self) -> None:
        reclaim.Pulse(self).start()
        longest = settings.TASK_WORKER_MAX_PAUSE_SECONDS
        pauses = outage.pauses(longest)
        while self.running:
            started = time.monotonic()
            try:
                return super().run()
            except outage.UNREACHABLE as error:
                if not self.running:
                    return
                if time.monotonic() - started > longest:
                    pauses = outage.pauses(longest)  # it had been polling well since the last failure
                pause = next(pauses)
                logger.warning(
                    "The task queue's database could not be reached (%s); polling again in %s s.",
                    outage.said(error),
                    f"{pause:g}",
                )
                outage.close_connections()
                outage.wait(pause)

    def run_task(self, db_task_result) -> None:
        # Read by the pulse thread as one pair: which result this worker runs, and since when.
        self.now_running = (db_task_result.id, timezone.now())
        try:
            super().run_task(db_task_result)
        finally:
            self.now_running = (None, timezone.now())


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
