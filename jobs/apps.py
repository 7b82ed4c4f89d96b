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
    catalogue (committee/admin_words.py), its admin's columns in jobs/admin.py."""

    verbose_name = _("Task queue")
