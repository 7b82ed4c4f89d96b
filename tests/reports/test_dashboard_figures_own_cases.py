"""The dashboard's figures where test_dashboard_figures.py's shared `data` does not fit: each test here
builds its own cases (the twelve months' edges, an empty chart, the queries as the data grows, the late
referrals), or none."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from committee.roles import Role
from reports.figures import Period
from residents.indexing import reindex_residents
from tests.factories import logged_on, make_case, make_user
from tests.reports import helpers as h
from tests.reports.test_dashboard_figures import (
    QUERIES_DASHBOARD,
    QUERIES_DASHBOARD_WORKER,
    QUERIES_SUMMARISE,
)

S = Case.Status


@pytest.mark.parametrize("persona", ["secretary_a", "officer"])
def test_the_twelve_months_are_this_month_and_the_eleven_before_in_label_figure_and_link(
    org, as_user, persona
):
    """Cases by source and the hotspots count the dashboard's 12 months: whole months, this one and
    the 11 before (Period.first_month, 1 January in December), as the charts by month and the
    rollup do. The label says from which month, the figure counts from its first day and the link
    lists the same cases: a case logged the day before (within the last 365 days) is in none of them."""
    today = timezone.localdate()
    first = Period(today).first_month
    sec = org.secretary_a
    place = h.building(org.a, "12")
    for day in (first, first + dt.timedelta(days=3), today):
        h.case(org.a, created_by=sec, created=day, where=place, source=Case.Source.WALK_IN)
    h.case(
        org.a, created_by=sec, created=first - dt.timedelta(days=1), where=place, source=Case.Source.WALK_IN
    )
    assert (today - (first - dt.timedelta(days=1))).days <= 366  # within "the last 12 months"
    client = as_user(getattr(org, persona))
    url = reverse("dashboard_committee", args=[org.a.pk])
    response = client.get(url, headers={"accept-language": "zh-hans"})
    walk_in = next(s for s in response.context["by_source"] if s["label"] == Case.Source.WALK_IN.label)
    hotspot = response.context["hotspots"][0]
    for figure, link in ((walk_in["count"], walk_in["url"]), (hotspot["total"], hotspot["url"])):
        assert figure == 3
        assert f"created_from={first.isoformat()}&created_to={today.isoformat()}" in link
        assert client.get(link).context["page"].paginator.count == figure, link
    since = f"{first:%Y-%m}"
    assert f"事项来源（{since} 至今）" in response.text
    assert f"热点楼栋：{since} 至今事项最多的楼栋" in response.text
    assert "近 12 个月" not in response.text
    english = client.get(url, headers={"accept-language": "en"}).text
    assert f"Cases by source ({since} to today)" in english
    assert f"Hotspots: buildings with the most cases ({since} to today)" in english
    assert f'aria-label="Cases per month by category, {since} to today"' in english


def test_a_chart_with_nothing_to_draw_offers_no_table_of_it(org, as_user):
    """A committee without cases: the charts say so in words, and no "As a table" opens on rows of
    nothing (with cases, test_charts_carry_twelve_months_and_the_data_as_json finds both tables)."""
    empty = as_user(org.secretary_a).get(reverse("dashboard")).text
    since = f"{Period(timezone.localdate()).first_month:%Y-%m}"
    assert f"{since} 至今没有登记事项。" in empty and f"{since} 至今没有办结的事项。" in empty
    assert "以表格查看" not in empty and 'class="chart-table"' not in empty


def test_the_dashboard_runs_a_fixed_number_of_queries(org, as_user, django_assert_num_queries):
    """Guards against a query per case, worker, building or roster resident on the dashboard."""
    client, worker_client = as_user(org.secretary_a), as_user(org.worker_a)
    client.get(reverse("dashboard"))
    with django_assert_num_queries(QUERIES_DASHBOARD):
        client.get(reverse("dashboard"))
    with django_assert_num_queries(QUERIES_DASHBOARD_WORKER):
        worker_client.get(reverse("dashboard"))
    today = timezone.localdate()
    weekly = h.care_category("t-weekly", 7)
    for i in range(12):
        worker = make_user(f"w{i}", committee=org.a, role=Role.WORKER, full_name=f"工作人员{i}")
        where = h.building(org.a, str(100 + i))
        cat = h.category(f"t-cat{i % 4}", f"类别{i % 4}", f"Category {i % 4}", i % 4)
        for k in range(3):
            c = h.case(
                org.a,
                created_by=worker,
                created=today - dt.timedelta(days=30 * k),
                assignee=worker,
                where=where,
                cat=cat,
                status=S.RESOLVED if k else S.NEW,
                resolved=today if k else None,
                satisfaction="satisfied" if k == 1 else "",
                # Called back twice: the latest call, not satisfied, 45 days ago, and resolved again.
                last_call=(today - dt.timedelta(days=45), "not_satisfied") if k == 2 else None,
            )
            h.referral(c, sent=today, expected=today - dt.timedelta(days=1), by=worker)
        person = h.resident(org.a, f"居民{i}", room=str(300 + i))
        person.care_categories.add(weekly)
        h.visit(person, on=today - dt.timedelta(days=i), by=worker)
        reindex_residents([person.pk])
    # The cases logged 30 and 60 days ago, and called back 45 days ago, changed closed months: the
    # next view summarises them again (a fixed number of queries too), the views after it read the
    # rollup. New categories and
    # staff: their names are read again once (common/refdata.py), then come from the cache.
    with django_assert_num_queries(QUERIES_DASHBOARD + QUERIES_SUMMARISE + 2):
        client.get(reverse("dashboard"))
    with django_assert_num_queries(QUERIES_DASHBOARD):
        response = client.get(reverse("dashboard"))
    with django_assert_num_queries(QUERIES_DASHBOARD_WORKER):
        worker_client.get(reverse("dashboard"))
    assert response.context["headline"].open == 12
    assert len(response.context["workload"]) == 12
    assert response.context["headline"].roster.size == 12


def test_a_late_referral_counts_while_its_case_is_open_and_visible(org, as_user):
    """The referral keeps its case's state (open, sensitive) through every service: resolved, it no
    longer counts; reopened, it counts again; made sensitive, a worker who may not see the case does
    not count it, and the secretary still does."""
    from cases import services
    from cases.rules import Action
    from committee.access import Access

    today = timezone.localdate()
    secretary = Access(org.secretary_a)
    # Logged the day it was referred: a referral is not sent before its case.
    case = make_case(
        org.secretary_a, org.a, assignee=org.secretary_a, at=logged_on(today - dt.timedelta(days=9))
    )
    body = h.body()
    services.refer(
        access=secretary,
        case=case,
        body=body,
        sent_on=today - dt.timedelta(days=9),
        reply_expected_by=today - dt.timedelta(days=2),
    )

    def late(user) -> int:
        return as_user(user).get(reverse("dashboard")).context["headline"].late_referrals

    assert (late(org.secretary_a), late(org.worker_a)) == (1, 1)
    services.transition(access=secretary, case=case, action=Action.RESOLVE, text="物业已修好")
    assert (late(org.secretary_a), late(org.worker_a)) == (0, 0)
    services.transition(access=secretary, case=case, action=Action.REOPEN, text="又漏了")
    assert (late(org.secretary_a), late(org.worker_a)) == (1, 1)
    services.edit(access=secretary, case=case, changes={"sensitive": True})
    assert (late(org.secretary_a), late(org.worker_a)) == (1, 0)
    # Assigned to the worker, the sensitive case is theirs to see: counted again (the sensitive part).
    services.assign(access=secretary, case=case, assignee=org.worker_a)
    assert (late(org.secretary_a), late(org.worker_a)) == (1, 1)


def test_the_migration_copies_each_cases_state_to_its_referrals(org):
    """cases/migrations/0017's backfill, on the models as they were at that migration."""
    import importlib

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    today = timezone.localdate()
    kinds = {
        "open": dict(),
        "closed": dict(status=Case.Status.CLOSED, resolved=today),
        "sensitive": dict(sensitive=True),
    }
    referrals = {}
    for name, state in kinds.items():
        case = h.case(org.a, created_by=org.secretary_a, created=today - dt.timedelta(days=9), **state)
        referrals[name] = h.referral(
            case, sent=today - dt.timedelta(days=9), expected=today, by=org.secretary_a
        )
    Referral = type(referrals["open"])
    Referral.all_objects.update(case_open=True, case_sensitive=False)  # the columns' defaults

    state = MigrationExecutor(connection).loader.project_state(("cases", "0017_referral_case_state"))
    migration = importlib.import_module("cases.migrations.0017_referral_case_state")
    migration.copy_case_state(state.apps, connection.schema_editor())

    copied = dict(Referral.all_objects.values_list("pk", "case_open"))
    assert [copied[referrals[n].pk] for n in kinds] == [True, False, True]
    sensitive = dict(Referral.all_objects.values_list("pk", "case_sensitive"))
    assert [sensitive[referrals[n].pk] for n in kinds] == [False, False, True]


def test_a_committees_late_referrals_come_a_page_at_a_time_with_their_count(org, as_user):
    """The list was cut at 500 rows without a word: a district's committee chasing the housing office
    for months has more. Paged as the street's list is, the count on top, the same queries a page."""
    today = timezone.localdate()
    case = h.case(org.a, created_by=org.secretary_a, created=today - dt.timedelta(days=40))
    client = as_user(org.secretary_a)
    url = reverse("reports:late_referrals", args=[org.a.pk])

    def page(number: int):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"page": number})
        return response, len(queries)

    for _ in range(3):
        h.referral(
            case,
            sent=today - dt.timedelta(days=30),
            expected=today - dt.timedelta(days=5),
            by=org.secretary_a,
        )
    few, few_queries = page(1)
    assert len(few.context["rows"]) == 3
    for _ in range(50):
        h.referral(
            case,
            sent=today - dt.timedelta(days=30),
            expected=today - dt.timedelta(days=5),
            by=org.secretary_a,
        )
    first, many_queries = page(1)
    second, _queries = page(2)
    assert len(first.context["rows"]) == 50 and len(second.context["rows"]) == 3
    assert "53 件转办" in first.text.replace(",", "")
    assert many_queries == few_queries
