"""The dashboard's figures are cached per user for a short while (REPORTS_CACHE_SECONDS)."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from tests.reports import helpers as h


@pytest.fixture
def cached(settings):
    settings.REPORTS_CACHE_SECONDS = 120
    cache.clear()
    yield
    cache.clear()


def test_a_second_look_within_the_cache_time_runs_no_figure_queries(
    org, as_user, cached, django_assert_max_num_queries
):
    client = as_user(org.secretary_a)
    h.case(org.a, created_by=org.secretary_a, created=timezone.localdate())
    first = client.get(reverse("dashboard"))
    assert first.context["headline"].open == 1
    h.case(org.a, created_by=org.secretary_a, created=timezone.localdate())
    with django_assert_max_num_queries(7):  # session, user, roles, committee: no figures
        second = client.get(reverse("dashboard"))
    assert second.context["headline"].open == 1  # until the cache time is up
    assert as_user(org.worker_a).get(reverse("dashboard")).context["headline"].open == 2  # per user


def test_the_cache_is_per_language(org, as_user, cached):
    client = as_user(org.secretary_a)
    client.get(reverse("dashboard"))
    response = client.get(reverse("dashboard"), headers={"accept-language": "en"})
    assert "Cases per month by category" in response.text
    assert response.context["charts"]["resolution"]["unit"] == "working days"
