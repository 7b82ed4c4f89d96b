"""The task worker outlives a database it cannot reach for a while (review 8, finding 4): a real
`manage.py task_worker` process, the Procfile's, against this test's database. On SQLite another
connection holds the write lock for longer than the worker's busy timeout; on PostgreSQL the
worker's connection is cut and the database refuses new ones for a while, as during a restart. The
library's `db_worker` exits at the first failed poll (and under honcho takes the web server with it);
this one logs, waits, polls again, and runs a task queued after the database is back."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection
from django.tasks import TaskResultStatus

from jobs.tasks import heartbeat
from tests.jobs.outages import database_unreachable

COMMAND = "task_worker"
WORKER_OPTIONS = ["--queue-name", "*", "--interval", "0.2", "--no-startup-delay", "--no-reload"]
# Longer than the worker's SQLite busy timeout (1 s here, SQLITE_TIMEOUT_SECONDS) and its pause after
# a failed poll (1 s), so that it fails and waits at least once; and than TASKS_STALE_SECONDS (2 s).
OUTAGE_SECONDS = 3


def _worker_environment() -> dict:
    environment = dict(os.environ, TASK_WORKER_MAX_PAUSE_SECONDS="1", LOG_LEVEL="INFO")
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite":
        environment.pop("DATABASE_URL", None)
        environment.update(SQLITE_PATH=name, SQLITE_TIMEOUT_SECONDS="1")
    else:
        parts = urlsplit(os.environ["DATABASE_URL"])
        environment["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    return environment


def _wait_until_run(result, worker: subprocess.Popen, log: Path, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert worker.poll() is None, f"the worker exited:\n{log.read_text()}"
        if heartbeat.get_result(result.id).status == TaskResultStatus.SUCCESSFUL:
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db(transaction=True)
def test_the_worker_waits_out_a_database_it_cannot_reach_and_runs_what_is_queued_afterwards(
    tmp_path, client, settings
):
    settings.TASKS_STALE_SECONDS = 2  # /healthz/tasks, read by this process
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        worker = subprocess.Popen(
            [sys.executable, "manage.py", COMMAND, *WORKER_OPTIONS],
            cwd=settings.BASE_DIR,
            env=_worker_environment(),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        # The worker is up and polling: it runs a first task.
        assert _wait_until_run(heartbeat.enqueue(), worker, log, seconds=60), log.read_text()

        with database_unreachable():
            time.sleep(OUTAGE_SECONDS)
            # The waiting worker runs no heartbeat: the health check shows the gap, not a live worker.
            response = client.get("/healthz/tasks")
            assert response.status_code == 503 and response.json()["worker_seconds_ago"] >= OUTAGE_SECONDS
        assert worker.poll() is None, f"the worker exited during the outage:\n{log.read_text()}"

        # The database is back: a task queued now is run.
        assert _wait_until_run(heartbeat.enqueue(), worker, log, seconds=30), log.read_text()
        assert client.get("/healthz/tasks").status_code == 200
        said = log.read_text()
        assert "The task queue's database could not be reached (OperationalError" in said
        assert "polling again in 1 s" in said
        assert "Traceback" not in said
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    assert worker.returncode == 0  # stopped by the signal, cleanly
