"""The dashboard's figures on constructed data, each computed here independently of reports/."""

import datetime as dt
from statistics import median

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from committee.models import Membership
from committee.roles import Role
from common.workdays import workdays_between
from reports.figures import Period
from residents.indexing import reindex_residents
from residents.models import Resident
from tests.factories import logged_on, make_case, make_user
from tests.reports import helpers as h

S = Case.Status
OPEN = {S.NEW, S.IN_PROGRESS, S.WAITING}


@pytest.fixture
def data(org):
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
