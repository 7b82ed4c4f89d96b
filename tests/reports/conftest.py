import pytest

from committee.access import Access


@pytest.fixture
def access_for():
    """access_for(user) → the Access a request of that user would carry."""
    return Access


@pytest.fixture(autouse=True)
def _figures_uncached(settings):
    """Each request computes its figures (what the tests count); test_cache.py turns the cache on."""
    settings.REPORTS_CACHE_SECONDS = 0
