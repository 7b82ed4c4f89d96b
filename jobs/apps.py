from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class JobsConfig(AppConfig):
    """Needle's background work: how a task runs (scope, retries), the heartbeat that shows the worker
    and the scheduler are alive, and the working-day calendar the periodic jobs read."""

    default = True  # apps.py also holds django-tasks-db's config below
    name = "jobs"
    verbose_name = _("Background work")


class TasksDbConfig(TasksAppConfig):
    """django-tasks-db (the database queue), named in the admin in the active language: its own
    name is an English string ("Tasks Database Backend"). Its models' words are in Needle's
    catalogue (committee/admin_words.py), its admin's columns in jobs/admin.py.

    Named as a part of Needle's background work, so that the admin index (sorted by name) lists the
    two side by side and they read as one area: "Background work" (when each periodic job last ran)
    then "Background work: queue" (each task queued), not "Task queue › Task Results" in the library's
    words elsewhere in the list (review 6, item 11)."""

    verbose_name = _("Background work: queue")

    def ready(self) -> None:
        super().ready()
        from django_tasks_db.models import DBTaskResult

        # The admin's name of the model only (a migration keeps the options it was written with).
        DBTaskResult._meta.verbose_name = _("queued task")
        DBTaskResult._meta.verbose_name_plural = _("queued tasks")
