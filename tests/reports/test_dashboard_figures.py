"""The dashboard's figures on constructed data, each computed here independently of reports/. The
module's tests share one `data` (rows_of_the_module); those that build their own cases are in
test_dashboard_figures_own_cases.py."""

import datetime as dt
from statistics import median

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from committee.models import Membership
from committee.roles import Role
from common.workdays import workdays_between
from residents.indexing import reindex_residents
from residents.models import Resident
from tests.conftest import copy_of_the_module, rows_of_the_module
from tests.reports import helpers as h

S = Case.Status
OPEN = {S.NEW, S.IN_PROGRESS, S.WAITING}


def _make_data(org) -> dict:
    today = timezone.localdate()
    first = today.replace(day=1)
    sec, worker = org.secretary_a, org.worker_a
    drains, noise = h.category("t-drains", "排水", "Drainage", 1), h.category("t-noise", "噪音", "Noise", 2)
    b1, b2 = h.building(org.a, "12"), h.building(org.a, "14")
    cases = [
        h.case(
            org.a,
            created_by=sec,
            created=first,
            due=today - dt.timedelta(days=1),
            assignee=worker,
            where=b1,
            cat=drains,
        ),
        h.case(
            org.a,
            created_by=sec,
            created=today - dt.timedelta(days=40),
            status=S.IN_PROGRESS,
            due=today + dt.timedelta(days=5),
            assignee=worker,
            where=b1,
            cat=drains,
        ),
        h.case(
            org.a,
            created_by=sec,
            created=today - dt.timedelta(days=60),
            status=S.WAITING,
            due=today - dt.timedelta(days=10),
            where=b2,
            cat=noise,
            source=Case.Source.HOTLINE,
        ),
        h.case(
            org.a,
            created_by=sec,
            created=first - dt.timedelta(days=20),
            status=S.RESOLVED,
            resolved=first,
            assignee=worker,
            source=Case.Source.PHONE,
            satisfaction="satisfied",
            where=b1,
        ),
        h.case(
            org.a,
            created_by=sec,
            created=first,
            status=S.CLOSED,
            resolved=today,
            assignee=sec,
            satisfaction="not_satisfied",
            cat=noise,
        ),
        h.case(
            org.a,
            created_by=sec,
            created=first - dt.timedelta(days=30),
            status=S.CLOSED,
            resolved=first - dt.timedelta(days=5),
            assignee=worker,
            satisfaction="mostly",
        ),
        h.case(
            org.a,
            created_by=sec,
            created=first,
            assignee=sec,
            sensitive=True,
            due=today - dt.timedelta(days=2),
        ),
        h.case(
            org.a,
            created_by=sec,
            created=today - dt.timedelta(days=400),
            status=S.CLOSED,
            resolved=today - dt.timedelta(days=380),
            assignee=worker,
        ),
    ]
    # Another committee's case never counts in A's dashboard.
    h.case(org.b, created_by=org.worker_b, created=first, assignee=org.worker_b)
    referrals = [
        h.referral(
            cases[2], sent=today - dt.timedelta(days=20), expected=today - dt.timedelta(days=2), by=sec
        ),
        h.referral(
            cases[1], sent=today - dt.timedelta(days=5), expected=today + dt.timedelta(days=3), by=sec
        ),
        h.referral(
            cases[3],
            sent=first - dt.timedelta(days=15),
            expected=today - dt.timedelta(days=10),
            replied=first - dt.timedelta(days=2),
            by=sec,
        ),
        h.referral(
            cases[6], sent=today - dt.timedelta(days=9), expected=today - dt.timedelta(days=1), by=sec
        ),
    ]
    weekly, no_cadence = h.care_category("t-weekly", 7), h.care_category("t-none", None)
    on_time = h.resident(org.a, "赵一", room="201")
    late = h.resident(org.a, "钱二", room="202")
    never = h.resident(org.a, "孙三", room="203")
    archived = h.resident(org.a, "李四", room="204")
    archived.archived = "moved_out"
    archived.save()
    not_rostered = h.resident(org.a, "周五", room="205")
    for person in (on_time, late, never, archived):
        person.care_categories.add(weekly)
    not_rostered.care_categories.add(no_cadence)
    h.visit(on_time, on=today - dt.timedelta(days=3), by=worker)
    h.visit(late, on=today - dt.timedelta(days=10), by=worker)
    h.visit(late, on=today - dt.timedelta(days=30), by=worker)
    # Registered a while ago and never visited: due on registration, so overdue now.
    Resident.all_objects.filter(pk=never.pk).update(created_at=h.at(today - dt.timedelta(days=5)))
    reindex_residents([on_time.pk, late.pk, never.pk, archived.pk, not_rostered.pk])
    return {
        "today": today,
        "first": first,
        "cases": cases,
        "referrals": referrals,
        "late": late,
        "never": never,
    }


@pytest.fixture(scope="module")
def _data_of_the_module(request, _org_of_the_module, django_db_blocker):
    """_make_data's rows, written once for the module (the tests that build their own cases are in
    test_dashboard_figures_own_cases.py)."""
    yield from rows_of_the_module(request, _org_of_the_module, django_db_blocker, "data", _make_data)


@pytest.fixture
def data(_data_of_the_module, org):
    """_make_data's rows and objects, a copy for each test (tests/conftest.py, rows_of_the_module)."""
    return copy_of_the_module(_data_of_the_module, _make_data, org)


def _local(value):
    return timezone.localdate(value) if value else None


def expected_figures(cases, referrals, today, first, sees_sensitive: bool) -> dict:
    """The figures computed the plain way, case by case."""
    seen = [c for c in cases if sees_sensitive or not c.sensitive]
    month_end = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    resolved_month = [c for c in seen if c.resolved_at and first <= _local(c.resolved_at) <= month_end]
    # Each case by its latest follow-up call, on that call's day.
    called = [
        c for c in seen if c.last_called_on and today - dt.timedelta(days=89) <= c.last_called_on <= today
    ]
    days = [workdays_between(_local(c.created_at), _local(c.resolved_at)) for c in resolved_month]
    open_ids = {c.pk for c in seen if c.status in OPEN}  # a closed case's referral is chased no more
    return {
        "open": sum(c.status in OPEN for c in seen),
        "overdue": sum(c.status in OPEN and c.due_date < today for c in seen),
        "new_this_month": sum(first <= _local(c.created_at) <= today for c in seen),
        "resolved_this_month": len(resolved_month),
        "median_days": median(days) if days else None,
        "called": len(called),
        "satisfied": sum(c.last_call_result in ("satisfied", "mostly") for c in called),
        "late_referrals": sum(
            r.replied_on is None and r.reply_expected_by < today and r.case_id in open_ids for r in referrals
        ),
    }


@pytest.mark.parametrize(("persona", "sees_sensitive"), [("secretary_a", True), ("worker_a", False)])
def test_headline_figures_match_a_plain_count(org, data, as_user, persona, sees_sensitive):
    response = as_user(getattr(org, persona)).get(reverse("dashboard"))
    assert response.status_code == 200
    headline = response.context["headline"]
    expected = expected_figures(
        data["cases"], data["referrals"], data["today"], data["first"], sees_sensitive
    )
    for name, value in expected.items():
        assert getattr(headline, name) == value, name
    assert expected["open"] == (4 if sees_sensitive else 3)  # the data is what the test thinks it is


def test_the_roster_counts_residents_with_a_cadence_and_lists_who_is_overdue(org, data, as_user):
    response = as_user(org.secretary_a).get(reverse("dashboard"))
    roster = response.context["headline"].roster
    assert (roster.size, roster.on_cadence, roster.overdue_count) == (3, 1, 2)
    assert roster.share_on_cadence == pytest.approx(33.3)
    overdue = {r.name: r for r in roster.overdue}
    assert set(overdue) == {"钱二", "孙三"}
    assert overdue["钱二"].last_visit == data["today"] - dt.timedelta(days=10)
    assert overdue["钱二"].days_overdue == 3
    assert overdue["孙三"].last_visit is None
    assert "钱二" in response.text and "孙三" in response.text


def test_the_street_overview_counts_the_dashboards_roster_without_listing_it(org, data, as_user):
    """The overviews show each committee's share on cadence: counted by the database, the same roster
    as the dashboard's, without reading who is overdue."""
    dashboard = as_user(org.secretary_a).get(reverse("dashboard")).context["headline"].roster
    response = as_user(org.officer).get(reverse("dashboard"))
    roster = next(r["figures"].roster for r in response.context["rows"] if r["committee"] == org.a)
    assert (roster.size, roster.on_cadence) == (dashboard.size, dashboard.on_cadence) == (3, 1)
    assert roster.overdue == []
    row = response.text.split(f'<tr data-committee="{org.a.pk}">')[1].split("</tr>")[0]
    assert row.rstrip().endswith('<td class="num">33.3%</td>')


def test_a_long_overdue_list_shows_the_ten_most_overdue_and_leads_to_the_roster(org, data, as_user):
    """On a phone the dashboard stays short: the roster page has everyone, filterable."""
    weekly = h.care_category("t-weekly", 7)
    for n in range(10):
        person = h.resident(org.a, f"逾期{n}", room=f"3{n:02d}")
        person.care_categories.add(weekly)
        Resident.all_objects.filter(pk=person.pk).update(
            created_at=h.at(data["today"] - dt.timedelta(days=n + 1))
        )
        reindex_residents([person.pk])
    response = as_user(org.secretary_a).get(reverse("dashboard"))
    assert response.context["headline"].roster.overdue_count == 12
    roster_section = response.text[response.text.index('id="roster"') :]
    assert roster_section.count('<a href="/residents/') == 10
    assert "共 12 人，此处列出逾期最久的 10 人。" in roster_section
    assert f'href="{reverse("residents:roster")}"' in roster_section


@pytest.mark.parametrize("persona", ["secretary_a", "worker_a"])
def test_the_dashboards_overdue_count_is_the_rosters(org, data, as_user, persona):
    """One definition of overdue (residents.selectors): the dashboard and /roster/?overdue=1 agree."""
    client = as_user(getattr(org, persona))
    dashboard = client.get(reverse("dashboard")).context["headline"].roster
    roster = client.get(reverse("residents:roster"), {"overdue": "1"})
    assert roster.status_code == 200
    assert dashboard.overdue_count == roster.context["page"].paginator.count == 2
    assert {r.id for r in dashboard.overdue} == {r.pk for r in roster.context["page"].object_list}
    everyone = client.get(reverse("residents:roster"))
    assert dashboard.size == everyone.context["page"].paginator.count == 3
    assert everyone.context["overdue_count"] == 2


def test_workload_per_worker(org, data, as_user):
    response = as_user(org.secretary_a).get(reverse("dashboard"))
    rows = {(r["name"], r["unassigned"]): r for r in response.context["workload"]}
    worker = rows[("李敏", False)]
    assert (worker["open"], worker["overdue"], worker["resolved"]) == (2, 1, 1)
    secretary = rows[("周勤", False)]
    assert (secretary["open"], secretary["overdue"], secretary["resolved"]) == (1, 1, 1)
    unassigned = next(r for r in response.context["workload"] if r["unassigned"])
    assert (unassigned["open"], unassigned["overdue"]) == (1, 1)


def test_hotspots_rank_buildings_by_cases_in_twelve_months(org, data, as_user):
    response = as_user(org.secretary_a).get(reverse("dashboard"))
    hotspots = response.context["hotspots"]
    assert [(b["address"], b["total"]) for b in hotspots] == [("定海路449弄12号", 3), ("定海路449弄14号", 1)]
    assert [(c["label"], c["count"]) for c in hotspots[0]["categories"]] == [("排水", 3)]


def test_charts_carry_twelve_months_and_the_data_as_json(org, data, as_user):
    response = as_user(org.secretary_a).get(reverse("dashboard"))
    charts = response.context["charts"]
    assert len(charts["by_category"]["labels"]) == 12
    assert charts["by_category"]["labels"][-1] == f"{data['today']:%Y-%m}"
    this_month = sum(s["data"][-1] for s in charts["by_category"]["series"])
    assert this_month == 3  # c1, c5 and the sensitive c7, for the secretary
    assert sum(charts["by_status"]["series"][0]["data"]) == 4
    # 12 months of sources: everything but the case logged 400 days ago.
    assert sum(charts["by_source"]["series"][0]["data"]) == 7
    assert charts["resolution"]["series"][0]["data"][-1] == response.context["headline"].median_days
    body = response.text
    for chart_id in ("chart-by-category", "chart-by-status", "chart-by-source", "chart-resolution"):
        assert f'<script id="{chart_id}" type="application/json">' in body
        assert f'data-chart="{chart_id}"' in body
    assert "echarts.common.min.js" in body and "js/charts.js" in body
    assert body.count("以表格查看") == 2  # cases per month by category, time to resolve


def test_the_charts_speak_english_too(org, data, as_user):
    client = as_user(org.secretary_a)
    response = client.get(reverse("dashboard"), headers={"accept-language": "en"})
    names = {s["name"] for s in response.context["charts"]["by_category"]["series"]}
    assert names == {"Drainage", "Noise"}
    assert "Cases per month by category" in response.text


def test_staff_of_two_committees_see_the_first_and_a_way_to_the_other(org, data, as_user):
    Membership.objects.create(user=org.worker_a, committee=org.b, role=Role.WORKER)
    client = as_user(org.worker_a)
    response = client.get(reverse("dashboard"))
    assert response.context["committee"] == org.a
    assert response.context["others"] == [org.b]
    assert reverse("dashboard_committee", args=[org.b.pk]) in response.text
    other = client.get(reverse("dashboard_committee", args=[org.b.pk]))
    assert other.context["headline"].open == 1


QUERIES_DASHBOARD = (
    # session, user, roles, committee, the figure queries (no session write). The figure queries:
    # the rollup's months' state; one UNION ALL for the rollup's figures (the satisfaction, cases
    # per month and per source, resolution times and the buildings' totals, the current month's
    # too), the workload from the open-case counters and the late referrals; the care roster; the
    # hotspots' addresses and categories. The category and assignees' names, and when reminders
    # last ran, come from the cache (common/refdata.py).
    # 19 before the two UNIONs, 13 while the current month was counted live, 12 before the one
    # UNION, 9 while when reminders last ran was a query.
    8
)
# A worker's: the rollup's rows leave out the sensitive cases they see as assignee or author,
# counted live in the same UNION ALL (no query more).
QUERIES_DASHBOARD_WORKER = QUERIES_DASHBOARD
# reports/rollup.py summarise: 9 queries (8 before the cases by their latest call's day), and its
# savepoint and release.
QUERIES_SUMMARISE = 11


def _figure_links(ctx) -> list[tuple[str, int, str]]:
    """(what, figure, url) for every number on the dashboard that links to the case list."""
    headline, links = ctx["headline"], ctx["links"]
    pairs = [(name, getattr(headline, name), url) for name, url in links.items()]
    pairs += [(f"status {s['label']}", s["count"], s["url"]) for s in ctx["by_status"]]
    pairs += [(f"source {s['label']}", s["count"], s["url"]) for s in ctx["by_source"]]
    for w in ctx["workload"]:
        pairs += [
            (f"{w['name']} open", w["open"], w["open_url"]),
            (f"{w['name']} overdue", w["overdue"], w["overdue_url"]),
            (f"{w['name']} resolved", w["resolved"], w["resolved_url"]),
        ]
    for b in ctx["hotspots"]:
        pairs.append((b["address"], b["total"], b["url"]))
        pairs += [(f"{b['address']} {c['label']}", c["count"], c["url"]) for c in b["categories"]]
    return pairs


@pytest.mark.parametrize("persona", ["secretary_a", "worker_a", "officer"])
def test_every_figure_links_to_a_list_with_the_same_count(org, data, as_user, persona):
    client = as_user(getattr(org, persona))
    response = client.get(reverse("dashboard_committee", args=[org.a.pk]))
    pairs = _figure_links(response.context)
    assert len(pairs) > 20
    for what, figure, url in pairs:
        assert url.startswith(reverse("cases:list") + "?"), url
        listed = client.get(url)
        assert listed.status_code == 200, url
        assert listed.context["page"].paginator.count == figure, f"{what}: {url}"


def test_late_referrals_link_to_their_own_list_with_the_same_count(org, data, as_user):
    for persona in ("secretary_a", "worker_a"):
        client = as_user(getattr(org, persona))
        figure = client.get(reverse("dashboard")).context["headline"].late_referrals
        listed = client.get(reverse("reports:late_referrals", args=[org.a.pk]))
        assert len(listed.context["rows"]) == figure
        assert f'data-count="{figure}"' in listed.text
