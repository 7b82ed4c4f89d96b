"""Tasks left "running" by a worker that is gone: found, marked failed with the reason, and queued
again once when they are safe to run twice.

django-tasks-db records on each result the ids of the workers that claimed it (`worker_ids`) and when
it started, and nothing more: a worker that dies while running a task (a crash, a reboot) or loses
the database under it (a PostgreSQL restart as the task ends: the library cannot write the outcome)
leaves the result RUNNING for ever, and no worker takes it again. So each `task_worker` keeps a row
(models.WorkerBeat) written every TASK_WORKER_BEAT_SECONDS by a thread of its own, even while a task
runs: when it was last seen and which result it is running. A result RUNNING is lost when

- its worker's row is older than TASK_WORKER_LOST_SECONDS ("silent": the process died or the machine
  went down),
- its worker is seen, but running another result or none, taken since this one started ("moved
  on": the same `--worker-id` started again, or the outcome could not be written),
- its worker never kept a row (a worker from before this, or the library's own `db_worker`, which
  Needle does not run) and it started longer than TASK_WORKER_LOST_SECONDS ago ("unknown").

Every worker looks (`sweep`) when it starts and every TASK_WORKER_SWEEP_SECONDS after, from the same
thread. A judgement by age is made only once the looking worker has itself been writing its row for
two beats without a failure: after an outage every live worker needs a beat to be seen again, and a
worker that was merely cut off from the database is not declared dead by one that just got back.
Each lost result is marked failed in one transaction with the row locked and still RUNNING (a
worker that finishes it meanwhile wins), recorded (models.LostTask, the admin's "Background work ›
Lost tasks") and logged with its task's name and ids only, never its arguments. A task marked
`@repeatable` (its work done twice is done once: Needle's write under unique keys) is queued again
with the same arguments, once: a result that was itself queued again by a sweep is only marked failed,
and whoever started a task (`started_by`, as `@retried` has it) that is not queued again is told so
in their notifications, as of a last attempt that failed.
"""

import datetime
import logging
import os
import socket
import threading
import time

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from jobs import outage
from jobs.models import LostTask, WorkerBeat

logger = logging.getLogger("jobs.worker")

SILENT, MOVED_ON, UNKNOWN = "silent", "moved_on", "unknown"
REASONS = {
    SILENT: _("Its worker stopped while running it (no sign of life for %(seconds)s s)."),
    MOVED_ON: _("Its worker lost it: the worker is running, but no longer this task."),
    UNKNOWN: _("It was claimed by a worker that Needle does not watch, more than %(seconds)s s ago."),
}


class WorkerLost(Exception):
    """What a lost task failed of: the reason is its result's traceback in the admin."""


def repeatable(func):
    """Marks a task's function as safe to run twice (a second run finds its work done): a run lost
    with its worker is queued again once. Goes under `@task`."""
    func.repeatable = True
    return func


def reason_said(reason: str) -> str:
    return str(REASONS[reason]) % {"seconds": settings.TASK_WORKER_LOST_SECONDS}


def is_repeatable(result: DBTaskResult) -> bool:
    try:
        return bool(getattr(result.task.func, "repeatable", False))
    except ImportError:  # a task removed since it was queued
        return False


def find_lost(backend_name: str, *, by_age: bool) -> list[tuple[DBTaskResult, str]]:
    """The results RUNNING that no live worker runs, each with why (see the module's docstring)."""
    running = list(DBTaskResult.objects.running().filter(backend_name=backend_name))
    if not running:
        return []
    workers = {result.worker_ids[-1] for result in running if result.worker_ids}
    beats = {beat.worker_id: beat for beat in WorkerBeat.objects.filter(worker_id__in=workers)}
    limit = timezone.now() - datetime.timedelta(seconds=settings.TASK_WORKER_LOST_SECONDS)
    lost = []
    for result in running:
        beat = beats.get(result.worker_ids[-1] if result.worker_ids else "")
        if beat is None:
            if by_age and (result.started_at is None or result.started_at < limit):
                lost.append((result, UNKNOWN))
        elif beat.beat_at < limit:
            if by_age:
                lost.append((result, SILENT))
        elif beat.running != result.id and (
            result.started_at is None or beat.running_since > result.started_at
        ):
            lost.append((result, MOVED_ON))
    return lost


def reclaim(result_id, reason: str) -> LostTask | None:
    """Marks one result failed if it is still RUNNING (its row locked), queues it again if it may be,
    and records it. None when its worker finished it meanwhile."""
    with exclusive_transaction(DBTaskResult.objects.db):
        result = (
            DBTaskResult.objects.select_for_update()
            .filter(pk=result_id, status=TaskResultStatus.RUNNING)
            .first()
        )
        if result is None:
            return None
        with translation.override(settings.LANGUAGE_CODE):  # the committee's language, as imports write
            result.set_failed(WorkerLost(reason_said(reason)))
        again = None
        if is_repeatable(result) and not LostTask.objects.filter(requeued_as=result.id).exists():
            again = result.task.enqueue(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
        started_by = result.args_kwargs["kwargs"].get("started_by")
        if again is None and started_by is not None:  # as @retried tells of a last attempt that failed
            from notifications.services import notify_task_failed

            notify_task_failed(user_id=started_by, task_name=result.task_path, result_id=result.id)
        lost = LostTask.objects.create(
            result_id=result.id,
            task_path=result.task_path,
            worker_id=result.worker_ids[-1] if result.worker_ids else "",
            started_at=result.started_at,
            reason=reason,
            requeued_as=again.id if again else None,
        )
    logger.warning(
        "Task %s (result %s) was left running by worker %s (%s): marked failed%s.",
        lost.task_path,
        lost.result_id,
        lost.worker_id or "-",
        reason,
        f"; queued again as {lost.requeued_as}" if lost.requeued_as else "",
    )
    return lost


def sweep(backend_name: str, *, by_age: bool) -> list[LostTask]:
    return [
        lost
        for result, reason in find_lost(backend_name, by_age=by_age)
        if (lost := reclaim(result.id, reason)) is not None
    ]


class Pulse(threading.Thread):
    """A worker's sign of life, written from a thread of its own so that it goes on while a task runs,
    and its looks for lost tasks: the first as soon as it may (see the module's docstring), then every
    TASK_WORKER_SWEEP_SECONDS."""

    def __init__(self, worker) -> None:
        super().__init__(name="needle-worker-pulse", daemon=True)
        self.worker = worker
        self.started = timezone.now()
        # (result id, since when): set by the worker's own thread as a pair, read here as one.
        worker.now_running = (None, self.started)

    def run(self) -> None:
        beat_seconds = settings.TASK_WORKER_BEAT_SECONDS
        sound_since = swept_at = None
        swept_by_age = False
        while True:
            try:
                self.beat()
                now = time.monotonic()
                sound_since = sound_since or now
                by_age = now - sound_since >= 2 * beat_seconds
                if (
                    swept_at is None
                    or (by_age and not swept_by_age)
                    or now - swept_at >= settings.TASK_WORKER_SWEEP_SECONDS
                ):
                    sweep(self.worker.backend_name, by_age=by_age)
                    swept_at, swept_by_age = now, swept_by_age or by_age
            except outage.UNREACHABLE:  # the worker's own loop says so: waited out, looked at again
                sound_since = None
                outage.close_connections()
            except Exception:
                logger.exception("The worker's look for lost tasks failed")
                sound_since = None
            time.sleep(beat_seconds)

    def beat(self) -> None:
        running, since = self.worker.now_running
        WorkerBeat.objects.update_or_create(
            worker_id=self.worker.worker_id,
            defaults={
                "host": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": self.started,
                "beat_at": timezone.now(),
                "running": running,
                "running_since": since,
            },
        )
