from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteeConfig(AppConfig):
    name = "committee"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from committee import signals  # noqa: F401  (connects the login and deactivation handlers)
