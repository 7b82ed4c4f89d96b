"""The district overview × personas: the district officer (杨浦区 holds the world's first street)
and superusers read it; everyone else gets 403. More in tests/committee/test_district.py.

`populate` adds what the district officer must never read, for tests/test_url_personas.py's
walk of every page and export: numbers typed into a case in committee B, a case marked sensitive.
"""

from django.urls import reverse

from tests.factories import make_case
from tests.url_matrix import Row, expect

# A phone and an ID number typed into free text; shown masked to every reader.
TYPED_PHONE = "13955556666"
TYPED_ID = "310110194805012345"
SENSITIVE_TITLE = "低保复核家访"


def populate(world) -> None:
    world.typed_case = make_case(
        world.worker_b,
        world.b,
        title="门口堆物",
        description=f"联系电话{TYPED_PHONE}，身份证{TYPED_ID}",
        place=f"波阳路1号 {TYPED_PHONE}",
        assignee=world.worker_b,
    )
    world.sensitive_case = make_case(world.secretary_a, world.a, title=SENSITIVE_TITLE, sensitive=True)


# The committees side by side with a street, a figure to sort by and a page: the district officer's
# and superusers' filter; a committee's staff read their own committee's dashboard (the parameters
# change nothing), and the street officer their street's committees, which may name the street (an
# officer of several streets does, from the home page). Another district's street is 404 for the
# district officer, another street 404 for the street officer, as another committee's page.
SIDE_BY_SIDE = expect(200, anonymous=302, viewer_a=403, district=200)

ROWS = [
    Row(
        "dashboard",
        lambda w: f"{reverse('dashboard')}?street={w.street.pk}&sort=overdue&page=1",
        SIDE_BY_SIDE,
        label="street",
    ),
    Row(
        "dashboard",
        lambda w: f"{reverse('dashboard')}?street={w.other_street.pk}&sort=late_referrals&page=2",
        {**SIDE_BY_SIDE, "district": 404, "officer": 404},
        label="another street",
    ),
    Row(
        "dashboard_district",
        lambda w: reverse("dashboard_district"),
        expect(403, anonymous=302, district=200, superuser=200),
    ),
]
