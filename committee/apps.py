from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteeConfig(AppConfig):
    default = True  # apps.py also holds the axes config below
    name = "committee"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from django.db.models import fields

        from committee import checks, signals  # noqa: F401  (deploy checks; login and deactivation handlers)

        # The empty first option of every select. Django 6.1's own "- Select an option -" has no
        # zh-hans translation yet, and an English line in a Chinese form stops people.
        fields.BLANK_CHOICE_LABEL = _("Choose…")


class AxesConfig(AxesAppConfig):
    """django-axes, named in Chinese in the admin (axes has no zh-hans catalogue: its words are in
    Needle's, see committee/admin_words.py)."""

    verbose_name = _("Login lockouts")

    def ready(self) -> None:
        super().ready()
        from axes.admin import AccessAttemptAdmin

        # Two columns axes leaves unnamed (Django would show the method names, in English).
        AccessAttemptAdmin.expiration.short_description = _("Expires At")
        AccessAttemptAdmin.status.short_description = _("Status")
        # The rows' names (the admin's titles and breadcrumbs) are English f-strings in axes.
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        AccessAttempt.__str__ = lambda self: f"{self.username or '-'} · {self.attempt_time:%Y-%m-%d %H:%M}"
        AccessFailureLog.__str__ = AccessAttempt.__str__
        AccessLog.__str__ = AccessAttempt.__str__
