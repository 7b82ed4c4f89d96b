"""The district overview × personas. The world's streets belong to no district: the page is for
district officers (tests/committee/test_district.py) and superusers; everyone else gets 403."""

from django.urls import reverse

from tests.url_matrix import Row, expect

ROWS = [
    Row(
        "dashboard_district",
        lambda w: reverse("dashboard_district"),
        expect(403, anonymous=302, superuser=200),
    ),
]
