"""Whether the task worker and the scheduler are alive: one answer for /healthz/tasks and for the
administrator's line on the admin's first page (review 10, F-L: a server started with the web
process only queued notifications that nobody ever received, and only the probe knew)."""

import datetime

from django.conf import settings
from django.utils import timezone

from jobs.models import Heartbeat, LostTask


def task_processes() -> dict:
    """Seconds since the worker and since the scheduler last showed they were alive (None: never),
    the limit, and whether both are within it. One query."""
    beat = Heartbeat.objects.filter(pk=1).first()
    now = timezone.now()
    worker = int((now - beat.worked_at).total_seconds()) if beat else None
    scheduler = int((now - beat.scheduled_at).total_seconds()) if beat else None
    limit = settings.TASKS_STALE_SECONDS
    ok = worker is not None and scheduler is not None and max(worker, scheduler) <= limit
    return {"ok": ok, "worker": worker, "scheduler": scheduler, "limit": limit}


def lost_last_day() -> int:
    """Tasks a dead worker left running, found in the last day (jobs/reclaim.py). One query."""
    return LostTask.objects.filter(found_at__gte=timezone.now() - datetime.timedelta(days=1)).count()


def waiting_tasks() -> int:
    """Tasks queued and not yet taken by a worker: notifications among them. One query."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status=TaskResultStatus.READY).count()
