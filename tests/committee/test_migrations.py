"""What a migrated, empty database holds."""

import pytest

from committee.models import User


@pytest.mark.django_db
def test_no_migration_creates_an_account():
    assert not User.objects.exists()
