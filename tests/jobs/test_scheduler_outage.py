"""The scheduler's jobs are queued through a database it cannot reach for a while (review 8,
finding 4): the queueing is tried again once the database is back, on a fresh connection, on the
same thread (APScheduler runs jobs on a pool of threads no request ever cleans up)."""

import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from apscheduler.schedulers.blocking import BlockingScheduler
from crontask.management.commands import crontask
from django.db import connection, connections
from django_tasks_db.models import DBTaskResult

from jobs.management.commands.task_scheduler import Command, kept
from jobs.tasks import heartbeat
from tests.jobs.outages import database_unreachable

# Longer than a try: the job thread's SQLite busy timeout (1 s, short_busy_timeout) or PostgreSQL's
# refusal, then its pause (TASK_WORKER_MAX_PAUSE_SECONDS, 1 s) before it tries again.
OUTAGE_SECONDS = 2


@pytest.fixture
def short_busy_timeout(monkeypatch):
    """New SQLite connections (the job thread's) give up on a lock after 1 s, not 10."""
    if connection.vendor == "sqlite":
        options = connections.settings["default"]["OPTIONS"]
        monkeypatch.setitem(options, "timeout", 1)
        monkeypatch.setitem(
            options, "init_command", re.sub(r"busy_timeout=\d+", "busy_timeout=1000", options["init_command"])
        )


@pytest.mark.django_db(transaction=True)
def test_a_job_due_while_the_database_is_unreachable_is_queued_once_it_is_back(
    settings, short_busy_timeout, caplog
):
    settings.TASK_WORKER_MAX_PAUSE_SECONDS = 1
    job = kept(heartbeat.enqueue, heartbeat.name)
    with ThreadPoolExecutor(max_workers=1) as pool:  # one thread, reused, as APScheduler's are
        try:
            pool.submit(job).result()  # the thread has its connection
            with database_unreachable():
                due = pool.submit(job)
                time.sleep(OUTAGE_SECONDS)
                assert not due.done()  # still trying
            due.result(timeout=30)
            pool.submit(job).result(timeout=30)  # and the next one, on the same thread
        finally:
            pool.submit(connections.close_all).result()
    assert DBTaskResult.objects.count() == 3
    assert f"Could not queue {heartbeat.name} (OperationalError" in caplog.text


def test_the_command_keeps_every_scheduled_job(monkeypatch):
    started = []
    monkeypatch.setattr(
        crontask.Command, "launch_scheduler", lambda self, lock, scheduler: started.append(scheduler)
    )
    scheduler = BlockingScheduler()
    scheduler.add_job(heartbeat.enqueue, "interval", minutes=1, name=heartbeat.name)
    Command().launch_scheduler(None, scheduler)
    assert started == [scheduler]
    (job,) = scheduler.get_jobs()
    assert job.func.__wrapped__ == heartbeat.enqueue
