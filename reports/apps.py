from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The secretary's dashboard, the street's overview, the monthly ledger and summary."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("reports")
