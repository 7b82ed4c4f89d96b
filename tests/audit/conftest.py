"""The access log's tests' fixtures, shared by test_access_log.py and test_access_log_commits.py."""

import pytest

from tests.factories import make_building, make_household, make_resident


@pytest.fixture
def family(org):
    household = make_household(make_building(org.a, "12"), "302")
    return make_resident(household, "王芳"), make_resident(household, "李强")
