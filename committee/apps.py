from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteeConfig(AppConfig):
    name = "committee"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from django.db.models import fields

        from committee import checks, signals  # noqa: F401  (deploy checks; login and deactivation handlers)

        # The empty first option of every select. Django 6.1's own "- Select an option -" has no
        # zh-hans translation yet, and an English line in a Chinese form stops people.
        fields.BLANK_CHOICE_LABEL = _("Choose…")
