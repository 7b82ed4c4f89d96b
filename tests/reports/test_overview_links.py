"""The street and district overviews' headline figures open the lists they count (the design: every
figure opens the list it counts), across the reader's committees shown: the case list with the
figure's filters and the street or district shown (cases/filters.py street, district), the late
referrals across committees (reports:late_referrals_across). Followed, each list counts what the
figure says, sensitive cases included in neither for a reader who may not see them.

The world: 杨浦区 holds the org's street (committees A and B) and 延吉新村街道 (committee D); committee
C's street is in 虹口区. Each committee has open, overdue, new, resolved, called-back and late
referral cases in this month and the months before (the overviews read those from the rollup), and a
sensitive case of each kind that only the secretary of A (who logged them) may see.
"""

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from committee.roles import Role
from tests.conftest import copy_of_the_module, rows_of_the_module
from tests.factories import make_committee, make_district, make_street, make_user
from tests.reports import helpers as h

pytestmark = pytest.mark.django_db

S = Case.Status
TILES = ("open", "overdue", "new_this_month", "resolved_this_month", "median_days", "satisfaction")
SENSITIVE_TITLE = "困难家庭补助"


def _cases_of(committee, by, today: dt.date, sensitive: bool = False) -> None:
    """One case of each kind the headline figures count (and some they do not)."""
    first = today.replace(day=1)
    title = SENSITIVE_TITLE if sensitive else "下水道返水"

    def case(**kw):
        return h.case(committee, created_by=by, sensitive=sensitive, title=title, **kw)

    days = dt.timedelta
    case(created=first, due=today + days(10))  # open, new this month
    overdue = case(created=today - days(40), status=S.IN_PROGRESS, due=today - days(1))
    waiting = case(created=today - days(70), status=S.WAITING, due=today + days(5))
    # Resolved this month; last month and called back (within the 90 days); not called back; called
    # back long ago (not within the 90 days).
    case(created=first, status=S.RESOLVED, resolved=today, satisfaction="satisfied")
    case(created=first - days(40), status=S.CLOSED, resolved=first - days(25), satisfaction="not_satisfied")
    case(created=first - days(60), status=S.RESOLVED, resolved=first - days(45))
    closed = case(
        created=today - dt.timedelta(days=200),
        status=S.CLOSED,
        resolved=today - dt.timedelta(150),
        satisfaction="mostly",
    )
    # The satisfaction goes by the latest call's day: resolved four months ago and called back ten
    # days ago counts; called back long ago, then reopened and resolved again last month (its new
    # call still to come) does not.
    case(
        created=today - days(130),
        status=S.CLOSED,
        resolved=today - days(120),
        satisfaction="satisfied",
        called=today - days(10),
    )
    case(
        created=today - days(200),
        status=S.RESOLVED,
        resolved=first - days(3),
        last_call=(today - days(140), "satisfied"),
    )
    # Late: no reply, expected before today, its case open. Not late: replied, not yet due, case closed.
    h.referral(overdue, sent=today - dt.timedelta(days=20), expected=today - dt.timedelta(days=3), by=by)
    h.referral(waiting, sent=today - dt.timedelta(days=60), expected=today - dt.timedelta(days=30), by=by)
    h.referral(
        waiting,
        sent=today - dt.timedelta(days=20),
        expected=today - dt.timedelta(days=9),
        replied=today - dt.timedelta(days=2),
        by=by,
    )
    h.referral(overdue, sent=today - dt.timedelta(days=2), expected=today + dt.timedelta(days=9), by=by)
    h.referral(closed, sent=today - dt.timedelta(days=190), expected=today - dt.timedelta(days=160), by=by)


@pytest.fixture(scope="module")
def _world_of_the_module(request, _org_of_the_module, django_db_blocker):
    """The world's rows, written once for the module (~0.2 s of cases told through the services)."""
    yield from rows_of_the_module(request, _org_of_the_module, django_db_blocker, "world", make_world)


@pytest.fixture
def world(_world_of_the_module, org):
    return copy_of_the_module(_world_of_the_module, make_world, org)


def make_world(org) -> SimpleNamespace:
    """The module's world (its docstring); the home page's tests (tests/committee/test_home_area.py)
    read it too."""
    today = timezone.localdate()
    yangpu, hongkou = make_district("杨浦区"), make_district("虹口区")
    org.street.district = yangpu
    org.street.save()
    org.other_street.district = hongkou
    org.other_street.save()
    yanji = make_street("延吉新村街道", district=yangpu)
    d = make_committee(yanji, "延吉居民区")
    secretary_d = make_user("secretary_d", committee=d, role=Role.SECRETARY)
    worker_c = make_user("worker_c", committee=org.c, role=Role.WORKER)
    for committee, by in (
        (org.a, org.secretary_a),
        (org.b, org.worker_b),
        (d, secretary_d),
        (org.c, worker_c),
    ):
        _cases_of(committee, by, today)
    _cases_of(org.a, org.secretary_a, today, sensitive=True)
    return SimpleNamespace(
        today=today,
        yangpu=yangpu,
        yanji=yanji,
        d=d,
        officer=make_user("district", district=yangpu, full_name="吴志明"),
    )


def _tiles(html: str) -> dict[str, tuple[str, str, str]]:
    """data-figure → (its link, its figure, its label) of the page's headline tiles."""
    found = re.findall(
        r'<a class="tile[^"]*" href="([^"]+)" data-figure="(\w+)"><span class="figure">([^<]*)</span>'
        r'<span class="label">([^<]*)</span></a>',
        html,
    )
    return {name: (url.replace("&amp;", "&"), figure, label) for url, name, figure, label in found}


def _listed(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.context["page"]
    assert page.paginator.exact, url
    assert SENSITIVE_TITLE not in response.text, url  # no reader here may see them
    return page.paginator.count


def _assert_each_figure_is_its_list(client, page_url: str, scope: str | None) -> dict[str, int]:
    """Follows each tile of the page: the list counts what the tile shows. Returns the figures."""
    response = client.get(page_url, headers={"accept-language": "en"})
    assert response.status_code == 200
    tiles = _tiles(response.text)
    assert set(tiles) >= {*TILES, "late_referrals"}, tiles.keys()
    figures = {
        name: int(tiles[name][1]) for name in ("open", "overdue", "new_this_month", "resolved_this_month")
    }
    for name, (url, figure, label) in tiles.items():
        if scope:
            assert scope in url, (name, url)
        else:
            assert "street=" not in url and "district=" not in url, (name, url)
        if name == "late_referrals":
            assert url.startswith(reverse("reports:late_referrals_across")), url
            figures[name] = int(figure)
            assert _listed(client, url) == int(figure), (name, url)
            continue
        assert url.startswith(reverse("cases:list") + "?"), url
        listed = _listed(client, url)
        if name == "median_days":  # taken over the cases resolved this month: their list
            assert listed == figures["resolved_this_month"], (name, url)
        elif name == "satisfaction":  # the share of the cases called back: their list
            called = int(re.search(r"of (\d+) called", label)[1])
            assert listed == called, (name, url, label)
            figures["called"] = called
        else:
            assert listed == int(figure), (name, url)
    return figures


def test_the_street_officers_figures_open_the_streets_lists(org, world, as_user, settings):
    settings.REPORTS_CACHE_SECONDS = 0
    client = as_user(org.officer)
    figures = _assert_each_figure_is_its_list(client, reverse("dashboard"), f"street={org.street.pk}")
    # Committees A and B, each: 2 open, 1 overdue... the sensitive cases of A not among them.
    assert figures == {
        "open": 6,
        "overdue": 2,
        "new_this_month": 4,
        "resolved_this_month": 2,
        "called": 6,
        "late_referrals": 4,
    }


def test_the_district_officers_figures_open_the_districts_lists(org, world, as_user, settings):
    settings.REPORTS_CACHE_SECONDS = 0
    client = as_user(world.officer)
    district = _assert_each_figure_is_its_list(
        client, reverse("dashboard_district"), f"district={world.yangpu.pk}"
    )
    assert district["open"] == 9 and district["late_referrals"] == 6  # A, B and D; not C
    # Every street side by side, and one street: the same figures, the same lists.
    everywhere = _assert_each_figure_is_its_list(client, reverse("dashboard"), None)
    assert everywhere == district
    street = _assert_each_figure_is_its_list(
        client, f"{reverse('dashboard')}?street={world.yanji.pk}", f"street={world.yanji.pk}"
    )
    assert street["open"] == 3 and street["late_referrals"] == 2


def test_a_superusers_district_figures_open_every_committees_lists(org, world, as_user, settings):
    settings.REPORTS_CACHE_SECONDS = 0
    client = as_user(org.superuser)
    figures = _assert_each_figure_is_its_list(client, reverse("dashboard_district"), None)
    assert figures["open"] == 12 and figures["late_referrals"] == 8  # both districts, A's sensitive left out


def test_the_secretary_counts_and_lists_the_sensitive_cases_they_see(org, world, as_user, settings):
    """The lists leave sensitive cases out only for those who may not see them: the case list and
    the late referrals apply the figures' rule (cases.selectors.visible_cases)."""
    settings.REPORTS_CACHE_SECONDS = 0
    client = as_user(org.secretary_a)
    url = f"{reverse('reports:late_referrals_across')}?street={org.street.pk}"
    listed = client.get(url)
    assert listed.context["page"].paginator.count == 2 + 2  # A's, and A's sensitive two (B is not theirs)
    assert SENSITIVE_TITLE in listed.text
    cases = client.get(f"{reverse('cases:list')}?status=open&street={org.street.pk}")
    assert cases.context["page"].paginator.count == 3 + 3  # A's own committee, B's is not theirs
    assert SENSITIVE_TITLE in cases.text


def test_the_case_lists_street_and_district_filters(org, world, as_user):
    client = as_user(world.officer)
    page = client.get(reverse("cases:list"), headers={"accept-language": "zh-hans"})
    # Two streets to choose from; one district, which a link may still name (kept hidden).
    assert 'name="street"' in page.text and "延吉新村街道" in page.text
    assert '<select name="district"' not in page.text
    narrowed = client.get(f"{reverse('cases:list')}?status=open&district={world.yangpu.pk}")
    assert f'<input type="hidden" name="district" value="{world.yangpu.pk}">' in narrowed.text
    assert narrowed.context["page"].paginator.count == 9
    # A street that is not theirs filters nothing (an invalid choice, left out as every one is).
    elsewhere = client.get(f"{reverse('cases:list')}?status=open&street={org.other_street.pk}")
    assert elsewhere.context["page"].paginator.count == 9
    # The export takes the same filters.
    export = client.get(f"{reverse('reports:cases_xlsx')}?status=open&street={world.yanji.pk}")
    assert export.status_code == 200


def test_the_late_referrals_of_another_street_or_district_are_404(org, world, as_user):
    client = as_user(org.officer)
    late = reverse("reports:late_referrals_across")
    assert client.get(f"{late}?street={world.yanji.pk}").status_code == 404
    assert client.get(f"{late}?district={world.yangpu.pk}").status_code == 200  # their part of it
    assert client.get(f"{late}?street=x").status_code == 404
    english = client.get(f"{late}?street={org.street.pk}", headers={"accept-language": "en"})
    assert "4 referrals" in english.text and org.a.name in english.text  # each with its committee


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_late_referrals_across_committees_run_a_fixed_number_of_queries(org, world, as_user):
    client = as_user(world.officer)
    url = f"{reverse('reports:late_referrals_across')}?district={world.yangpu.pk}"
    client.get(url)  # the names in the cache, the session's first request
    few = _queries(client, url)
    for committee, by in ((org.a, org.secretary_a), (org.b, org.worker_b)):
        for _ in range(12):
            _cases_of(committee, by, world.today)
    response = client.get(url)
    assert response.context["page"].paginator.count == 6 + 2 * 12 * 2
    assert len(response.context["rows"]) == 50  # a page
    many = _queries(client, url)
    # session, user, roles, the capped count, the page's rows with their case and body
    assert few == many <= 6, (few, many)


def test_the_case_list_of_a_street_runs_a_fixed_number_of_queries(org, world, as_user):
    """The list an overview's figure opens: its street among the reader's committees, from the cache
    (Access.committee_places), the same queries with few cases or many."""
    client = as_user(world.officer)
    url = f"{reverse('cases:list')}?status=open&street={org.street.pk}"
    client.get(url)  # the session's first request; the names and places in the cache
    few = _queries(client, url)
    for committee, by in ((org.a, org.secretary_a), (org.b, org.worker_b)):
        for _ in range(10):
            _cases_of(committee, by, world.today)
    response = client.get(url)
    assert response.context["page"].paginator.count == 6 + 2 * 10 * 3
    many = _queries(client, url)
    assert few == many, (few, many)
