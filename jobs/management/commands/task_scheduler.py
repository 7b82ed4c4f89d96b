"""`manage.py task_scheduler`: django-crontask's `crontask`, each periodic job's queueing kept through a
database that is busy or away for a while (review 8, finding 4).

The scheduler does not exit on a database error (APScheduler logs a job that raises and goes on),
but it lost the job: a morning run due while SQLite was locked past its busy timeout was not queued
that day. And its jobs run on APScheduler's threads, which no request ever cleans up: after a
PostgreSQL restart a thread's connection stayed broken, and every job that thread ran failed after
it, until the scheduler was restarted. Here each job first drops its thread's connection if it is
broken or too old (as Django does at each request), and a queueing that fails with a database error
is logged, waited out (1 s, doubled up to TASK_WORKER_MAX_PAUSE_SECONDS) and tried again, for at
most TASK_SCHEDULER_RETRY_SECONDS; then it is given up and logged as an error. Meanwhile the
minute's heartbeat is not queued, so /healthz/tasks shows the gap.
"""

import functools
import logging
import time
from collections.abc import Callable

from crontask.management.commands import crontask
from django.conf import settings
from django.db import close_old_connections

from jobs import outage

logger = logging.getLogger("jobs.scheduler")


def kept(enqueue: Callable, name: str) -> Callable:
    """A job's queueing (`task.enqueue`), run on a sound connection and tried again while the database
    cannot be reached."""

    @functools.wraps(enqueue)
    def run(*args, **kwargs):
        deadline = time.monotonic() + settings.TASK_SCHEDULER_RETRY_SECONDS
        pauses = outage.pauses(settings.TASK_WORKER_MAX_PAUSE_SECONDS)
        while True:
            close_old_connections()  # this thread's: closed if broken or older than CONN_MAX_AGE
            try:
                return enqueue(*args, **kwargs)
            except outage.UNREACHABLE as error:
                outage.close_connections()
                pause = next(pauses)
                if time.monotonic() + pause > deadline:
                    logger.error(
                        "Could not queue %s (%s); given up until its next time.", name, outage.said(error)
                    )
                    raise
                logger.warning(
                    "Could not queue %s (%s); trying again in %s s.", name, outage.said(error), f"{pause:g}"
                )
                outage.wait(pause)

    return run


class Command(crontask.Command):
    help = "Run the periodic jobs' scheduler, waiting out a busy or restarting database"

    def launch_scheduler(self, lock, scheduler):
        for job in scheduler.get_jobs():
            job.modify(func=kept(job.func, job.name))
        super().launch_scheduler(lock, scheduler)
