"""The street officer's overview: their street's committees side by side, totals, click-through."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from tests.factories import make_committee
from tests.reports import helpers as h
from tests.reports.test_dashboard_figures import QUERIES_SUMMARISE


@pytest.fixture
def street_cases(org):
    today = timezone.localdate()
    for committee, author, n_open, n_overdue in ((org.a, org.secretary_a, 3, 1), (org.b, org.worker_b, 2, 2)):
        for i in range(n_open):
            late = i < n_overdue
            h.case(
                committee,
                created_by=author,
                created=today,
                due=today - dt.timedelta(days=1) if late else today + dt.timedelta(days=5),
            )
    # The other street's committee: never in this officer's overview.
    h.case(org.c, created_by=org.superuser, created=today, due=today - dt.timedelta(days=3))
    return today


def test_the_officer_sees_their_streets_committees_side_by_side(org, street_cases, as_user):
    response = as_user(org.officer).get(reverse("dashboard"))
    assert response.status_code == 200
    assert response.templates[0].name == "reports/overview.html"
    rows = {row["committee"]: row["figures"] for row in response.context["rows"]}
    assert set(rows) == {org.a, org.b}
    assert (rows[org.a].open, rows[org.a].overdue) == (3, 1)
    assert (rows[org.b].open, rows[org.b].overdue) == (2, 2)
    total = response.context["total"]
    assert (total.open, total.overdue, total.new_this_month) == (5, 3, 5)
    assert org.c.name not in response.text
    assert reverse("dashboard_committee", args=[org.a.pk]) in response.text


def test_the_officer_clicks_through_to_a_committee_read_only(org, street_cases, as_user):
    client = as_user(org.officer)
    response = client.get(reverse("dashboard_committee", args=[org.a.pk]))
    assert response.status_code == 200
    assert response.context["from_street"] is True
    assert response.context["headline"].open == 3
    assert response.context["show_names"] is False  # the care roster's names are for the committee's staff
    assert client.get(reverse("dashboard_committee", args=[org.c.pk])).status_code == 404


def test_staff_cannot_open_another_committees_dashboard(org, as_user):
    assert as_user(org.worker_b).get(reverse("dashboard_committee", args=[org.a.pk])).status_code == 404
    assert as_user(org.viewer_a).get(reverse("dashboard_committee", args=[org.a.pk])).status_code == 403


def test_superuser_overview_covers_every_street(org, street_cases, as_user):
    response = as_user(org.superuser).get(reverse("dashboard"))
    assert {row["committee"] for row in response.context["rows"]} == {org.a, org.b, org.c}


def test_the_officer_is_told_that_sensitive_cases_are_not_counted(org, street_cases, as_user):
    """Else the officer's 61 open for a committee looks wrong beside its secretary's 68."""
    page = as_user(org.officer).get(reverse("dashboard")).text
    assert "此处不含敏感类别的事项：您的角色看不到这些事项。" in page


def test_the_overview_runs_a_fixed_number_of_queries(org, as_user, django_assert_num_queries):
    """Guards against a query per committee (or per case) creeping into the overview."""
    client = as_user(org.officer)
    client.get(reverse("dashboard"))  # the session and the first-request work, outside the count
    with django_assert_num_queries(QUERIES_OVERVIEW):
        client.get(reverse("dashboard"))
    today = timezone.localdate()
    for n in range(6):
        committee = make_committee(org.street)
        for _ in range(n + 1):
            c = h.case(
                committee,
                created_by=org.superuser,
                created=today,
                status=Case.Status.RESOLVED,
                resolved=today,
            )
            h.referral(c, sent=today, expected=today - dt.timedelta(days=1), by=org.superuser)
        # Called back twice: last 40 days ago, not satisfied, and resolved again since (the
        # satisfaction's rows of a closed month).
        h.case(
            committee,
            created_by=org.superuser,
            created=today - dt.timedelta(days=60),
            status=Case.Status.RESOLVED,
            resolved=today,
            last_call=(today - dt.timedelta(days=40), "not_satisfied"),
        )
    # Six new committees: their months (the closed ones of the 90 days, and this month, which the
    # overview reads from the rollup too) are summarised once, in a fixed number of queries too.
    with django_assert_num_queries(QUERIES_OVERVIEW + QUERIES_SUMMARISE):
        client.get(reverse("dashboard"))
    with django_assert_num_queries(QUERIES_OVERVIEW):
        response = client.get(reverse("dashboard"))
    assert len(response.context["rows"]) == 8


# session, user, roles, committees, 2 figure queries: the rollup's months brought up to date, then
# one UNION ALL of the open-case counters, the rollup's overview rows, the officer's own sensitive
# cases, the late referrals and the roster (12 → 6: the month's cases and the rollup's per-day rows
# no longer read, the rest in one query)
QUERIES_OVERVIEW = 6
