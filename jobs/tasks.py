"""The heartbeat: the scheduler queues it every minute, a worker runs it (see models.Heartbeat)."""

from crontask import cron
from django.tasks import task
from django.utils import timezone

from jobs.models import Heartbeat


@cron("* * * * *")
@task(takes_context=True)
def heartbeat(context) -> None:
    # Touches no committee data, so it needs no scope.
    Heartbeat.objects.update_or_create(
        pk=1, defaults={"scheduled_at": context.task_result.enqueued_at, "worked_at": timezone.now()}
    )
