from django.apps import AppConfig


class CommonConfig(AppConfig):
    """Site-wide pieces with no models: template helpers (icons, masking filters) and the
    translation commands. Listed as an app only so that Django finds those."""

    name = "common"
    verbose_name = "Needle"

    def ready(self) -> None:
        from common import refdata

        refdata.connect()  # reference data kept in the cache: a change sets a new version
