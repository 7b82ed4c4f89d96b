"""Notification work that runs in the worker: one event's notifications, and the morning run.

crontask loads this module in the scheduler (`manage.py crontask`), which queues the morning run at
DIGEST_TIME every day (the run itself does nothing on a day off: see reminders.morning), and every
15 minutes the sweep for e-mails and posts whose sending was lost (delivery.resend_stalled).
"""

import datetime
from functools import partial

from crontask import cron
from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from cases.models import CaseEvent
from committee.scoping import unscoped
from common.workdays import is_workday
from jobs.models import JobRun
from jobs.reclaim import repeatable
from jobs.running import retried
from notifications import delivery, reminders
from notifications.services import notify_for_event


@task(takes_context=True)
@repeatable
@retried
def notify_for_event_task(event_id: int) -> int:
    """The cases' hook queues this after each case action commits."""
    with unscoped():  # fetch the event wherever it is; notify_for_event then works in its committee's scope
        event = CaseEvent.objects.select_related("actor").filter(pk=event_id).first()
    if event is None:  # rolled back or deleted since: nothing to tell
        return 0
    return len(notify_for_event(event))


@task(takes_context=True)
@repeatable
@retried
def deliver(delivery_ids: list[int]) -> int:
    """Send e-mails and WeCom posts (notifications.delivery); a failure raises, so @retried tries
    again later; what was sent is not sent twice."""
    return delivery.send_pending(delivery_ids)


@cron("*/15 * * * *")
@task(takes_context=True)
@repeatable
@retried
def resend_stalled_deliveries() -> dict[str, int]:
    # Delivery is not committee data (it names its committee): the sweep needs no scope.
    return delivery.resend_stalled()


def notify_after_commit(event: CaseEvent) -> None:
    """The case services' hook (one line where each event is written): once the action commits, a
    worker tells the people the event concerns. A rolled-back action queues nothing."""
    transaction.on_commit(partial(notify_for_event_task.enqueue, event.pk))


_hour, _minute = settings.DIGEST_TIME.split(":")


@cron(f"{int(_minute)} {int(_hour)} * * *")
@task(takes_context=True)
@repeatable
@retried
def morning_reminders(today: str | None = None) -> dict[str, int]:
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    sent = reminders.morning(day)
    # Recorded for the secretary's dashboard, a day off too (a quiet Sunday is not a stopped scheduler).
    JobRun.record(JobRun.MORNING_REMINDERS, {"day": str(day), "day_off": not is_workday(day), **sent})
    return sent
