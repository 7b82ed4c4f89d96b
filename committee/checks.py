"""Deployment checks of the organisation's access rules (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def lockout_reads_the_client_address(app_configs, **kwargs) -> list[Warning]:
    """Behind a reverse proxy every request comes from the proxy's address: unless Needle is told how
    many proxies stand in front (PROXY_COUNT), five wrong passwords anywhere lock out every member of
    staff at once, and a real attacker's address is never locked."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and settings.AXES_IPWARE_PROXY_COUNT < 1:
        return [
            Warning(
                "Needle runs behind a proxy (BEHIND_TLS_PROXY) but PROXY_COUNT is 0: the login lockout "
                "would lock the proxy's address, i.e. everyone.",
                hint="Set PROXY_COUNT to the number of reverse proxies in front of Needle (usually 1).",
                id="committee.W001",
            )
        ]
    return []
