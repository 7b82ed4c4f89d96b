import pytest

from tests.factories import ensure_care_categories


@pytest.fixture(autouse=True)
def _care_categories(db):
    ensure_care_categories()
