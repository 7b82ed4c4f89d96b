from django import template

from common import refdata
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
