from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Needle's background work: how a task runs (scope, retries), the heartbeat that shows the worker
    and the scheduler are alive, and the working-day calendar the periodic jobs read."""

    name = "jobs"
    verbose_name = _("Background work")
