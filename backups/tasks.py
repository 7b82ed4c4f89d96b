"""The nightly backup (the scheduler queues it at BACKUP_TIME, a worker runs it)."""

import logging

from crontask import cron
from django.conf import settings
from django.tasks import task

from backups.archive import BackupError, make_backup
from jobs.models import JobRun
from jobs.reclaim import repeatable

logger = logging.getLogger(__name__)

_hour, _minute = settings.BACKUP_TIME.split(":")


@cron(f"{int(_minute)} {int(_hour)} * * *")
@task
@repeatable
def nightly_backup() -> dict:
    """Not retried: a second archive an hour later would only repeat what failed. The failure is kept
    in the JobRun (the admin's "job runs") and in the task's result, and logged."""
    try:
        outcome = make_backup()
    except Exception as error:  # pg_dump missing, a full disk: each kept where the administrator looks
        JobRun.record(JobRun.BACKUP, {"checked": False, "problem": str(error)})
        logger.error("backup failed: %s", error)
        raise
    record = outcome.as_record()
    JobRun.record(JobRun.BACKUP, record)
    if not outcome.checked:
        logger.error("backup %s was made but not checked: %s", outcome.archive.name, outcome.problem)
        raise BackupError(outcome.problem)
    return record
