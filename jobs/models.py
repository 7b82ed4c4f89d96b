from django.db import models
from django.utils.translation import gettext_lazy as _


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
        return f"{self.scheduled_at:%Y-%m-%d %H:%M} / {self.worked_at:%Y-%m-%d %H:%M}"


class JobRun(models.Model):
    """When a periodic job last ran and what it did, one row per job (written by the job itself), so
    that people can be told: the secretary's dashboard says when the morning reminders last ran."""

    MORNING_REMINDERS = "morning_reminders"
    BACKUP = "backup"  # the nightly backup: its archive, counts, and whether its restore check passed

    job = models.CharField(_("job"), max_length=100, unique=True)
    ran_at = models.DateTimeField(_("last ran"))
    # What the run did, e.g. {"day_off": true} or how many notifications of each kind were new.
    outcome = models.JSONField(_("outcome"), default=dict, blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")

    def __str__(self) -> str:
        from django.utils import timezone

        return f"{self.job} {timezone.localtime(self.ran_at):%Y-%m-%d %H:%M}"  # Shanghai time, as shown

    @classmethod
    def record(cls, job: str, outcome: dict) -> "JobRun":
        from django.utils import timezone

        run, _ = cls.objects.update_or_create(
            job=job, defaults={"ran_at": timezone.now(), "outcome": outcome}
        )
        return run
