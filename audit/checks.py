"""The access log must be kept at least six months (Cybersecurity Law Art. 21)."""

from django.conf import settings
from django.core.checks import Error, register

MINIMUM_RETENTION_DAYS = 183


@register()
def retention_is_long_enough(app_configs, **kwargs) -> list[Error]:
    if settings.AUDIT_RETENTION_DAYS < MINIMUM_RETENTION_DAYS:
        return [
            Error(
                f"AUDIT_RETENTION_DAYS is {settings.AUDIT_RETENTION_DAYS}; the access log must be kept "
                f"at least {MINIMUM_RETENTION_DAYS} days (six months).",
                id="audit.E001",
            )
        ]
    return []
