"""A street or district officer's home page (review 3, finding 15): their area's few headline figures
(overdue, late referrals, open, new this month), the same as their overview's totals, read from its
cache entry, each opening the list it counts; sensitive cases left out as there. A fixed number of
queries, whatever the number of cases and committees. Those who work a committee's cases have their
queue instead."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import copy_of_the_module, rows_of_the_module
from tests.factories import make_committee
from tests.reports.test_overview_links import _cases_of, _listed, make_world

pytestmark = pytest.mark.django_db

ZH = {"accept-language": "zh-hans"}
AREA = ("overdue", "late_referrals", "open", "new_this_month")


@pytest.fixture(scope="module")
def _world_of_the_module(request, _org_of_the_module, django_db_blocker):
    """The world's rows, written once for the module (~0.2 s of cases told through the services)."""
    yield from rows_of_the_module(request, _org_of_the_module, django_db_blocker, "world", make_world)


@pytest.fixture
def world(_world_of_the_module, org):
    """The overview links' world: two districts' streets and committees, each with cases of every
    kind the figures count, and sensitive ones only committee A's secretary may see."""
    return copy_of_the_module(_world_of_the_module, make_world, org)


def _area(html: str) -> tuple[str, dict[str, tuple[int, str, str]]]:
    """The area's name and its tiles: data-figure → (figure, link, label)."""
    section = re.search(r'<section class="area-figures".*?</section>', html, re.S)
    assert section, "no area figures"
    name = re.search(r'<h2 id="area-title">([^<]*)</h2>', section[0])[1]
    tiles = re.findall(
        r'<a class="tile[^"]*" href="([^"]+)" data-figure="(\w+)"><span class="figure num">(\d+)</span>'
        r'<span class="label">([^<]*)</span></a>',
        section[0],
    )
    return name, {key: (int(n), url.replace("&amp;", "&"), label) for url, key, n, label in tiles}


def _overview_totals(client, url: str) -> dict[str, int]:
    """The overview's headline tiles, as numbers."""
    html = client.get(url).text
    found = re.findall(r'data-figure="(\w+)"><span class="figure">(\d+)</span>', html)
    return {key: int(n) for key, n in found if key in AREA}


def _each_opens_its_list(client, tiles, scope: str) -> dict[str, int]:
    for key, (figure, url, _label) in tiles.items():
        assert scope in url, (key, url)
        base = reverse("reports:late_referrals_across" if key == "late_referrals" else "cases:list")
        assert url.startswith(base), (key, url)
        assert _listed(client, url) == figure, (key, url)
    return {key: figure for key, (figure, _url, _label) in tiles.items()}


def test_the_street_officers_home_shows_the_streets_figures_each_opening_its_list(org, world, as_user):
    client = as_user(org.officer)
    html = client.get(reverse("home"), headers=ZH).text
    name, tiles = _area(html)
    assert name == "定海路街道"
    assert [(key, label) for key, (_n, _url, label) in tiles.items()] == [
        ("overdue", "逾期"),
        ("late_referrals", "超期未答复的转办"),
        ("open", "在办事项"),
        ("new_this_month", "本月新增"),
    ]
    figures = _each_opens_its_list(client, tiles, f"street={org.street.pk}")
    # Committees A and B; A's sensitive cases not among them, as on the overview, which says so.
    assert figures == {"overdue": 2, "late_referrals": 4, "open": 6, "new_this_month": 4}
    assert figures == _overview_totals(client, reverse("dashboard"))
    assert "data-leaves-out-sensitive" in html
    # Late referrals and overdue cases are the ones to chase: marked so.
    assert 'class="tile alert" href="' in html
    english = _area(client.get(reverse("home"), headers={"accept-language": "en"}).text)[1]
    assert [label for _n, _url, label in english.values()] == [
        "Overdue",
        "Referrals past their expected reply",
        "Open cases",
        "New this month",
    ]


def test_the_district_officers_home_shows_the_districts_figures(world, as_user):
    client = as_user(world.officer)
    name, tiles = _area(client.get(reverse("home"), headers=ZH).text)
    assert name == "杨浦区"
    figures = _each_opens_its_list(client, tiles, f"district={world.yangpu.pk}")
    assert figures["open"] == 9 and figures["late_referrals"] == 6  # A, B and D; not C
    assert figures == _overview_totals(client, reverse("dashboard_district"))


@pytest.mark.parametrize("persona", ["secretary_a", "worker_a", "viewer_a", "superuser"])
def test_those_who_work_a_committee_and_the_admin_have_no_area_figures(org, world, as_user, persona):
    html = as_user(getattr(org, persona)).get(reverse("home")).text
    assert "area-figures" not in html


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("home")).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("cached", [True, False], ids=["cached", "counted"])
@pytest.mark.parametrize("persona", ["officer", "district"])
def test_an_officers_home_runs_the_same_queries_with_few_and_many_rows(
    org, world, as_user, settings, persona, cached
):
    """The figures from the overview's cache entry (cached), or counted afresh on every request
    (REPORTS_CACHE_SECONDS=0): the same queries with 4 committees' cases and with 12 times as many
    cases in more committees."""
    if not cached:
        settings.REPORTS_CACHE_SECONDS = 0
    client = as_user(world.officer if persona == "district" else org.officer)
    client.get(reverse("home"))  # the session's first request writes its login time
    client.get(reverse("home"))  # where the committees sit and the figures, in the cache
    few = _queries(client)
    before = _area(client.get(reverse("home")).text)[1]["open"][0]
    for committee, by in ((org.a, org.secretary_a), (org.b, org.worker_b)):
        for _ in range(12):
            _cases_of(committee, by, world.today)
    for n in range(5):
        _cases_of(make_committee(org.street, f"定海{n}居民区"), org.secretary_a, world.today)
    client.get(reverse("home"))  # the new committees' places (and figures) in the cache
    many = _queries(client)
    assert few == many, (few, many)
    # Cached: the session, the user and the roles, and the district officer's districts and their
    # committees; counted, the overview's one UNION ALL and the rollup's months brought up to date.
    assert many <= (5 if cached else 8), many
    # Three open cases a _cases_of: 24 more in A and B, 5 in the new committees.
    assert _area(client.get(reverse("home")).text)[1]["open"][0] == before + 3 * (24 + 5)


@pytest.mark.parametrize("persona", ["officer", "district"])
def test_the_home_and_the_overview_read_one_cache_entry(org, world, as_user, persona):
    """Counted once for both: the overview shows the figures the home page just counted (cases
    logged meanwhile are counted when the entry expires, REPORTS_CACHE_SECONDS)."""
    client = as_user(world.officer if persona == "district" else org.officer)
    home = {key: n for key, (n, _url, _label) in _area(client.get(reverse("home")).text)[1].items()}
    _cases_of(org.a, org.secretary_a, world.today)
    overview = reverse("dashboard_district" if persona == "district" else "dashboard")
    assert _overview_totals(client, overview) == home
