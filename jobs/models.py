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


class WorkerBeat(models.Model):
    """One row per `task_worker` process: its id (as django-tasks-db records it on the results it
    claims), when it last showed it was alive, and which result it is running (jobs/reclaim.py). A
    result left "running" by a worker whose row is old, or that has moved on since, was lost."""

    worker_id = models.CharField(_("worker id"), max_length=64, unique=True)
    host = models.CharField(_("host"), max_length=255, blank=True)
    pid = models.IntegerField(_("process id"), null=True)
    started_at = models.DateTimeField(_("started"))
    beat_at = models.DateTimeField(_("last seen"))
    running = models.UUIDField(_("running task"), null=True, blank=True)
    # When the worker took its current task, or became idle: a result it claimed before this is not its.
    running_since = models.DateTimeField(_("running since"))

    class Meta:
        verbose_name = _("task worker")
        verbose_name_plural = _("task workers")

    def __str__(self) -> str:
        return f"{self.worker_id} {_shanghai(self.beat_at)}"


class LostTask(models.Model):
    """A task result found "running" with no live worker running it (a worker that died, or lost the
    database under it), marked failed by another worker's sweep, and whether it was queued again."""

    result_id = models.UUIDField(_("task result"), unique=True)
    task_path = models.TextField(_("task"))
    worker_id = models.CharField(_("worker id"), max_length=64, blank=True)
    started_at = models.DateTimeField(_("started"), null=True)
    found_at = models.DateTimeField(_("found"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=20)
    requeued_as = models.UUIDField(_("queued again as"), null=True, blank=True)

    class Meta:
        verbose_name = _("lost task")
        verbose_name_plural = _("lost tasks")
        ordering = ["-found_at"]

    def __str__(self) -> str:
        return f"{self.task_path.rsplit('.', 1)[-1]} {_shanghai(self.found_at)}"
