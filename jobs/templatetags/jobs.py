import datetime

from django import template
from django.core.cache import cache
from django.utils import timezone

from common import refdata
from jobs.health import task_processes, waiting_tasks
from jobs.models import JobRun

register = template.Library()


@register.inclusion_tag("jobs/reminders_last_ran.html")
def reminders_last_ran() -> dict:
    """The secretary's line on the dashboard: when the morning reminders last ran. A stopped
    scheduler shows here as a date that stays in the past. From the cache (common/refdata.py: the
    job's run renews it), not a query of the dashboard's own (0.7 ms of it): the run is written once
    a day; another process's cache may lag it by refdata.TIMEOUT."""

    def read() -> dict:
        run = JobRun.objects.filter(job=JobRun.MORNING_REMINDERS).first()
        # Never ran: {} (which the cache keeps, as it would not keep None), shown as "not run yet".
        return {"ran_at": run.ran_at, "day_off": bool(run.outcome.get("day_off"))} if run else {}

    return {"run": refdata.cached("job_runs", JobRun.MORNING_REMINDERS, read)}


@register.inclusion_tag("jobs/task_processes.html")
def task_processes_status() -> dict:
    """The administrator's line on the admin's first page when the task worker or the scheduler is
    not running (the facts /healthz/tasks answers with): notifications wait unseen otherwise (review
    10, F-L). One query when they run; two more when they do not (how many tasks wait)."""
    health = task_processes()
    if health["ok"]:
        return {"ok": True}
    ages = [age for age in (health["worker"], health["scheduler"]) if age is not None]
    last_seen = timezone.now() - datetime.timedelta(seconds=max(ages)) if len(ages) == 2 else None
    return {"ok": False, "last_seen": last_seen, "waiting": waiting_tasks()}


# How long the secretary's dashboard trusts its answer: the heartbeat comes every minute.
TASKS_LINE_SECONDS = 60


@register.inclusion_tag("jobs/task_processes_line.html")
def task_processes_line() -> dict:
    """The secretary's one line on the dashboard while the task worker or scheduler is not running:
    her notifications are not coming, and the administrator is who starts them (review 10, F-L).
    From the cache: no query of the dashboard's own but once a minute."""
    ok = cache.get_or_set("jobs:task-processes-ok", lambda: task_processes()["ok"], TASKS_LINE_SECONDS)
    return {"ok": ok}
