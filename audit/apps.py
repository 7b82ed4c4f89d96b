from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The access log: who looked at whose personal data, when, from which page or export (PIPL)."""

    name = "audit"
    verbose_name = _("Access log")

    def ready(self) -> None:
        from audit import checks  # noqa: F401  (registers the retention check)
