"""The heartbeat (the scheduler queues it every minute, a worker runs it: see models.Heartbeat), and
the nightly pruning of old task results."""

import datetime

from crontask import cron
from django.core.management import call_command
from django.tasks import task, task_backends
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend

from jobs.models import Heartbeat, LostTask, WorkerBeat
from jobs.reclaim import repeatable


@cron("* * * * *")
@task(takes_context=True)
def heartbeat(context) -> None:
    # Touches no committee data, so it needs no scope.
    Heartbeat.objects.update_or_create(
        pk=1, defaults={"scheduled_at": context.task_result.enqueued_at, "worked_at": timezone.now()}
    )


@cron("15 3 * * *")
@task
@repeatable
def prune_task_results() -> None:
    """Finished results pile up in the database queue (the heartbeat alone adds 1,440 a day): keep a
    week of them, and failures for 90 days so that the administrator can read them."""
    if not isinstance(task_backends["default"], DatabaseBackend):
        return  # another backend keeps (and expires) its own results
    call_command("prune_db_task_results", queue_name="*", min_age_days=7, failed_min_age_days=90, verbosity=0)
    # What the sweep for lost tasks keeps (jobs/reclaim.py): its record as long as the failures, and
    # the rows of workers gone for a week (a worker takes a new id each time it starts).
    now = timezone.now()
    LostTask.objects.filter(found_at__lt=now - datetime.timedelta(days=90)).delete()
    WorkerBeat.objects.filter(beat_at__lt=now - datetime.timedelta(days=7)).delete()
