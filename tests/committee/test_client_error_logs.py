"""A 403 or 404 is one line in the log; a 500 keeps its traceback."""

import logging

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    ("persona", "path", "status"),
    [
        ("worker_b", lambda w: reverse("residents:detail", args=[w.resident.pk]), 404),  # another committee
        ("viewer_a", lambda w: reverse("residents:edit", args=[w.resident.pk]), 403),  # a read-only role
    ],
)
def test_a_client_error_is_logged_as_one_line(org, as_user, caplog, persona, path, status):
    from tests.factories import make_building, make_household, make_resident

    world = type("W", (), {"resident": make_resident(make_household(make_building(org.a)), "王芳")})
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = as_user(getattr(org, persona)).get(path(world))
    assert response.status_code == status
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    assert records[0].exc_info is None and records[0].exc_text is None
    assert "Traceback" not in caplog.text
