"""Committees side by side for a reader of many (a district officer's 300, a superuser's): a street
filter, sorting by a figure, pages of 25, the totals over every committee the filter keeps; a street
officer's street stays one table as it was."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from committee.roles import Role
from reports.views import OVERVIEW_PAGE_SIZE
from tests.conftest import copy_of_the_module, rows_of_the_module
from tests.factories import make_committee, make_district, make_street, make_user
from tests.reports import helpers as h
from tests.reports.test_street_overview import QUERIES_OVERVIEW


def _make_wide(org) -> dict:
    """杨浦区: the org's street (A, B) and a long street of 28 committees, where the n-th has n % 4
    overdue cases and committee n=5 has one late referral; one district officer. Returns what the
    fixture adds to `org`."""
    district = make_district("杨浦区")
    org.street.district = district
    org.street.save()
    added = {
        "district_officer": make_user("district_officer", district=district),
        "long_street": make_street("长白新村街道", district=district),
        "long": [],
    }
    today = timezone.localdate()
    for n in range(28):
        committee = make_committee(added["long_street"], f"长白{n:02d}居民区")
        worker = make_user(committee=committee, role=Role.WORKER)
        for _ in range(n % 4):
            c = h.case(committee, created_by=worker, created=today, due=today - dt.timedelta(days=1))
            if n == 5:
                h.referral(c, sent=today, expected=today - dt.timedelta(days=1), by=worker)
                break
        added["long"].append(committee)
    h.case(org.a, created_by=org.secretary_a, created=today, due=today + dt.timedelta(days=3))
    return added


@pytest.fixture(scope="module")
def _wide_of_the_module(request, _org_of_the_module, django_db_blocker):
    """_make_wide's rows, written once for the module (~0.3 s: 28 committees and their cases)."""
    yield from rows_of_the_module(request, _org_of_the_module, django_db_blocker, "wide", _make_wide)


@pytest.fixture
def wide(_wide_of_the_module, org, settings):
    """The org, its street in 杨浦区, with _make_wide's district officer, long street and its
    committees as attributes (a copy for each test: tests/conftest.py, rows_of_the_module)."""
    settings.REPORTS_CACHE_SECONDS = 0
    for name, value in copy_of_the_module(_wide_of_the_module, _make_wide, org).items():
        setattr(org, name, value)
    return org


def _get(client, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.get(f"{reverse('dashboard')}?{query}")


def test_a_district_officer_reads_their_committees_a_page_at_a_time_with_every_ones_total(wide, as_user):
    client = as_user(wide.district_officer)
    first = client.get(reverse("dashboard"))
    assert first.status_code == 200 and first.context["wide"]
    rows = first.context["rows"]
    assert len(rows) == OVERVIEW_PAGE_SIZE
    # By street, then name: 定海路街道's A and B after 长白新村街道's (the streets sort by name).
    second = _get(client, page=2)
    names = [r["committee"].name for r in rows + second.context["rows"]]
    assert len(names) == 30 and len(set(names)) == 30
    total = first.context["total"]
    assert total.overdue == sum(n % 4 for n in range(28)) and total.open == total.overdue + 1
    assert second.context["total"] == total  # the totals are every committee's, on every page
    assert "第 1 页，共 2 页" in client.get(reverse("dashboard"), headers={"Accept-Language": "zh-hans"}).text
    assert 'rel="next"' in first.text and "page=2" in first.text


def test_the_street_filter_keeps_its_committees_and_their_total(wide, as_user):
    client = as_user(wide.district_officer)
    response = _get(client, street=wide.street.pk)
    assert {r["committee"] for r in response.context["rows"]} == {wide.a, wide.b}
    assert response.context["total"].open == 1 and response.context["page"].paginator.count == 2
    assert (
        "街道总览"
        in client.get(
            f"{reverse('dashboard')}?street={wide.street.pk}", headers={"Accept-Language": "zh-hans"}
        ).text
    )
    assert wide.long[0].name not in response.text
    # Another district's street (committee C's) is not theirs: 404, as another committee's page.
    assert _get(client, street=wide.other_street.pk).status_code == 404
    assert _get(client, street="x").status_code == 404


def test_sorting_by_a_figure_puts_the_most_first_across_the_pages(wide, as_user):
    client = as_user(wide.district_officer)
    response = _get(client, street=wide.long_street.pk, sort="overdue")
    overdue = [r["figures"].overdue for r in response.context["rows"]]
    assert overdue[:7] == [3] * 7 and overdue == sorted(overdue, reverse=True)
    rest = [
        r["figures"].overdue
        for r in _get(client, street=wide.long_street.pk, sort="overdue", page=2).context["rows"]
    ]
    assert max(rest) <= min(overdue) and len(overdue + rest) == 28
    late = _get(client, sort="late_referrals").context["rows"][0]
    assert late["committee"] == wide.long[5] and late["figures"].late_referrals == 1
    # An unknown figure sorts by street and name.
    assert _get(client, sort="name__desc").context["sort"] == ""


def test_every_figure_of_a_page_links_to_a_list_with_the_same_count(wide, as_user):
    client = as_user(wide.district_officer)
    response = _get(client, sort="overdue")
    checked = 0
    for row in response.context["rows"][:6]:
        for name in ("open", "overdue", "new_this_month"):
            url = row["links"][name]
            assert url.replace("&", "&amp;") in response.text
            assert client.get(url).context["page"].paginator.count == getattr(row["figures"], name), url
            checked += 1
    assert checked == 18


def test_a_street_officer_sees_their_street_as_before(wide, as_user):
    response = as_user(wide.officer).get(f"{reverse('dashboard')}?street={wide.street.pk}&sort=open&page=2")
    assert not response.context["wide"] and response.context["page"] is None
    assert {r["committee"] for r in response.context["rows"]} == {wide.a, wide.b}
    assert "data-overview-filters" not in response.text and 'class="pagination"' not in response.text


def test_the_pages_run_a_fixed_number_of_queries_at_few_and_many_committees(
    wide, as_user, django_assert_num_queries
):
    client = as_user(wide.district_officer)
    for params in ({}, {"page": 2}, {"street": wide.long_street.pk, "sort": "overdue"}):
        _get(client, **params)
        with django_assert_num_queries(QUERIES_OVERVIEW):
            _get(client, **params)
    for n in range(30):  # 30 committees more: a third page
        make_committee(wide.long_street, f"长白新{n:02d}居民区")
    _get(client, page=3)
    with django_assert_num_queries(QUERIES_OVERVIEW):
        response = _get(client, page=3)
    assert len(response.context["rows"]) == 60 - 2 * OVERVIEW_PAGE_SIZE
