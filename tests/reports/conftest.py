import pytest

from committee.access import Access


@pytest.fixture
def access_for():
    """access_for(user) → the Access a request of that user would carry."""
    return Access
