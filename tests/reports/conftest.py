import pytest


@pytest.fixture(autouse=True)
def _figures_uncached(settings):
    """Each request computes its figures (what the tests count); test_cache.py turns the cache on."""
    settings.REPORTS_CACHE_SECONDS = 0
