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
    Needle's, see committee/admin_words.py), its models named for what they hold: axes calls its login
    history "Access logs", which sat beside Needle's access log (who looked at whose data), and an
    admin asked "who looked at 周勤's file?" opened the wrong one (review 6, item 11). Renamed here,
    on the models' options as Django reads them, not in a fork or a proxy: the names are the admin's
    alone (a migration keeps the options it was written with, and none is made for these)."""

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
        for model, one, many in (
            (AccessAttempt, _("login attempt"), _("login attempts")),
            (AccessFailureLog, _("failed login"), _("failed logins")),
            (AccessLog, _("login record"), _("login history")),
        ):
            model._meta.verbose_name, model._meta.verbose_name_plural = one, many
