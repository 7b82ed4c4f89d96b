from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _shanghai(moment) -> str:
    """A time as the pages show it: Shanghai's, to the minute (stored in UTC)."""
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


class Heartbeat(models.Model):
    """One row: when the scheduler last queued the heartbeat task and when a worker last ran it.

    The scheduler (crontask) queues `jobs.tasks.heartbeat` every minute; the worker that runs it writes
    both times. If either process stops, its time grows old and /healthz/tasks answers 503."""

    scheduled_at = models.DateTimeField(_("scheduler last ran"))
    worked_at = models.DateTimeField(_("worker last ran"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{_shanghai(self.scheduled_at)} / {_shanghai(self.worked_at)}"


class JobRun(models.Model):
    """When a periodic job last ran and what it did, one row per job (written by the job itself), so
    that people can be told: the secretary's dashboard says when the morning reminders last ran."""

    MORNING_REMINDERS = "morning_reminders"
    BACKUP = "backup"  # the nightly backup: its archive, counts, and whether its restore check passed

    # Each job in words: the admin's list and a run's title ("nightly backup 2026-12-07 03:00").
    LABELS = {MORNING_REMINDERS: _("morning reminders"), BACKUP: _("nightly backup")}

    job = models.CharField(_("job"), max_length=100, unique=True)
    ran_at = models.DateTimeField(_("last ran"))
    # What the run did, e.g. {"day_off": true} or how many notifications of each kind were new.
    outcome = models.JSONField(_("outcome"), default=dict, blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")

    def __str__(self) -> str:
        return f"{self.label} {_shanghai(self.ran_at)}"

    @property
    def label(self) -> str:
        """The job in words (its code for a job without a label)."""
        return str(self.LABELS.get(self.job, self.job))

    @classmethod
    def record(cls, job: str, outcome: dict) -> "JobRun":
        run, _ = cls.objects.update_or_create(
            job=job, defaults={"ran_at": timezone.now(), "outcome": outcome}
        )
        return run
