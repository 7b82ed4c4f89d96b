from django.urls import reverse

from tests.url_matrix import Row, expect

# The access log: the secretary (their committee) and the street officer (their street) read it;
# the district officer reads figures, not who looked at whom.
READERS = expect(403, anonymous=302, secretary_a=200, officer=200, district=403)

ROWS = [
    Row("audit:log", lambda w: reverse("audit:log"), READERS),
    Row(
        "audit:log",
        lambda w: reverse("audit:log") + "?kind=nonsense&date_from=0001-99-99&resident=x",
        READERS,
        label="bad-filters",
    ),
    Row("audit:export", lambda w: reverse("audit:export"), READERS),
]
