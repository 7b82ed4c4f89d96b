import datetime

from django import template
from django.conf import settings
from django.utils import timezone

from jobs.models import JobRun

register = template.Library()

# A nightly job: older than this, the worker or the scheduler has stopped (or the job fails before
# it can record anything).
STALE = datetime.timedelta(hours=36)


@register.inclusion_tag("backups/status.html")
def backup_status() -> dict:
    """The administrator's line on the admin's first page: last night's backup, checked or not. The
    job runs at night and nobody opens "Job runs" every morning; a failure must be seen where the
    administrator works. One query, on the admin's index only."""
    run = JobRun.objects.filter(job=JobRun.BACKUP).first()
    if run is None:
        return {"state": "never", "time": settings.BACKUP_TIME}
    outcome = run.outcome
    if not outcome.get("checked"):
        return {"state": "failed", "run": run, "problem": outcome.get("problem") or "-"}
    state = "stale" if timezone.now() - run.ran_at > STALE else "ok"
    return {
        "state": state,
        "run": run,
        "archive": outcome.get("archive"),
        "mb": outcome.get("bytes", 0) / 1e6,
    }
