"""check --deploy warns when the login lockout would lock the proxy's address (everyone)."""

from django.test.utils import override_settings

from committee.checks import lockout_reads_the_client_address


def test_behind_a_proxy_without_proxy_count_warns():
    with override_settings(
        SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"), AXES_IPWARE_PROXY_COUNT=0
    ):
        assert [w.id for w in lockout_reads_the_client_address(None)] == ["committee.W001"]
    with override_settings(
        SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"), AXES_IPWARE_PROXY_COUNT=1
    ):
        assert lockout_reads_the_client_address(None) == []
    with override_settings(SECURE_PROXY_SSL_HEADER=None, AXES_IPWARE_PROXY_COUNT=0):
        assert lockout_reads_the_client_address(None) == []  # a laptop: no proxy, nothing to say
