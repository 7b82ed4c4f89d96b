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
