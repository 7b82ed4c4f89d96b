from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackupsConfig(AppConfig):
    """Nightly backups of the database and the uploads, each checked by restoring it (archive.py)."""

    name = "backups"
    verbose_name = _("Backups")

    def ready(self):
        from backups import checks  # noqa: F401  (registers the check on BACKUP_DIR)
