"""The care roster's order and the query counts of the list, search and roster."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from common import refdata
from residents.indexing import reindex_residents
from residents.models import Building, CareCategory, Household, Resident, Visit
from tests.factories import (
    ensure_care_categories,
    make_building,
    make_grid,
    make_household,
    make_resident,
    make_visit,
)


def _days_ago(n: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=n)


@pytest.fixture
def roster_people(org):
    grid = make_grid(org.a, "第一网格", worker=org.worker_a)
    home = make_household(make_building(org.a, "12", grid=grid), "302")
    other = make_household(make_building(org.a, "14"), "101")
    weekly_late = make_resident(home, "甲", categories=["elderly_alone"])  # every 7 days
    make_visit(weekly_late, org.worker_a, _days_ago(20))  # due 13 days ago
    monthly_late = make_resident(other, "乙", categories=["very_old"])  # every 30 days
    make_visit(monthly_late, org.worker_a, _days_ago(33))  # due 3 days ago
    fresh = make_resident(other, "丙", categories=["elderly_alone"])
    make_visit(fresh, org.worker_a, _days_ago(1))  # due in 6 days
    make_resident(other, "丁")  # no category: not on the roster
    return weekly_late, monthly_late, fresh


def test_the_roster_puts_the_most_overdue_first(org, as_user, roster_people):
    response = as_user(org.worker_a).get(reverse("residents:roster"))
    rows = list(response.context["page"].object_list)
    assert [r.name for r in rows] == ["甲", "乙", "丙"]
    assert [r.overdue_days for r in rows] == [13, 3, -6]
    assert response.context["overdue_count"] == 2


def test_the_roster_filters_by_worker_and_overdue(org, as_user, roster_people):
    client = as_user(org.worker_a)
    mine = client.get(reverse("residents:roster") + "?worker=me").context["page"].object_list
    assert [r.name for r in mine] == ["甲"]
    overdue = client.get(reverse("residents:roster") + "?overdue=1").context["page"].object_list
    assert [r.name for r in overdue] == ["甲", "乙"]


def test_logging_a_visit_moves_the_next_due_date_and_returns_to_the_roster(org, as_user, roster_people):
    weekly_late = roster_people[0]
    response = as_user(org.worker_a).post(
        reverse("residents:visit_new", args=[weekly_late.pk]),
        {
            "method": "phone",
            "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "findings": "一切正常",
            "next": "/roster/",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/roster/"
    weekly_late.refresh_from_db()
    assert weekly_late.next_visit_due == timezone.localdate() + datetime.timedelta(days=7)
    assert Visit.all_objects.filter(resident=weekly_late).count() == 2


def test_a_visit_needing_follow_up_leads_to_the_resident_page(org, as_user, roster_people):
    weekly_late = roster_people[0]
    response = as_user(org.worker_a).post(
        reverse("residents:visit_new", args=[weekly_late.pk]),
        {
            "method": "home",
            "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "findings": "漏水",
            "follow_up_needed": "on",
        },
    )
    visit = Visit.all_objects.latest("pk")
    assert response["Location"] == f"/residents/{weekly_late.pk}/?visit={visit.pk}#visits"


_fill_numbers = itertools.count(1)


def _fill(org, n: int) -> None:
    """n residents of committee A, each in a household of its own in a building of its own, in one
    grid: the same rows make_building, make_household and make_resident write, in bulk as the
    registry import writes them (one INSERT a table, no history rows, which no list reads; the
    search keys and the care schedule by reindex_residents; the places' cache renewed as a new
    building renews it). One by one, the 600 residents this file fills took ~15 queries each."""
    grid = make_grid(org.a)
    numbers = [f"f{next(_fill_numbers)}" for _ in range(n)]
    buildings = Building.all_objects.bulk_create(
        [Building(committee=org.a, road="定海路", lane="449", number=number, grid=grid) for number in numbers]
    )
    households = Household.all_objects.bulk_create(
        [
            Household(committee=org.a, building=building, room=str(100 + i), phone="021-65430000")
            for i, building in enumerate(buildings)
        ]
    )
    residents = Resident.all_objects.bulk_create(
        [
            Resident(committee=org.a, household=household, name=f"周{i}", phone="13800000000")
            for i, household in enumerate(households)
        ]
    )
    ensure_care_categories()
    category = dict(CareCategory.objects.values_list("code", "pk"))
    Resident.care_categories.through.objects.bulk_create(
        [
            Resident.care_categories.through(resident_id=resident.pk, carecategory_id=category[code])
            for i, resident in enumerate(residents)
            for code in (["elderly_alone", "dibao"] if i % 2 else ["very_old"])
        ]
    )
    reindex_residents([resident.pk for resident in residents])
    refdata.bump("places")


@pytest.mark.parametrize(
    ("url", "persona"),
    [
        ("/residents/", "worker_a"),
        ("/residents/?q=zhou", "worker_a"),
        ("/residents/?q=zhou&category=dibao&status=all", "officer"),
        ("/roster/", "worker_a"),
        ("/roster/?worker=me&overdue=1", "secretary_a"),
        ("/buildings/", "worker_a"),
    ],
)
def test_lists_run_a_fixed_number_of_queries(org, as_user, django_assert_max_num_queries, url, persona):
    """Guards against an N+1 over residents, their households, buildings, grids or categories."""
    client = as_user(getattr(org, persona))
    _fill(org, 3)
    # The session and the like, and the reference data the cache keeps (the resident list's
    # buildings and grids: common/refdata.py, which a new building renews), once: counted warm.
    client.get(url)
    with django_assert_max_num_queries(100) as few:
        assert client.get(url).status_code == 200
    counted = len(few.captured_queries)  # read now: a request clears the connection's query log
    _fill(org, 30)
    client.get(url)
    with django_assert_max_num_queries(counted):
        response = client.get(url)
    assert response.status_code == 200
    assert counted <= 14


@pytest.mark.parametrize(
    ("params", "htmx", "sizes"),
    [
        ({}, False, (3, 60)),
        ({"q": "周"}, False, (3, 60)),
        ({"q": "zhou"}, True, (3, 60)),
        ({"q": "8000", "category": "very_old", "status": "all"}, False, (3, 60)),
        ({"q": "周", "page": "2"}, False, (30, 60)),  # a second page, short then full
    ],
)
def test_the_resident_list_runs_six_queries_at_few_and_many_rows(
    org, as_user, django_assert_num_queries, params, htmx, sizes
):
    """The session, the user, their roles; the care categories; the page's ids with their count (one
    query); the page's rows with their categories. The building and grid filters come from the
    cache (warm), and as you type (htmx) the results alone are drawn. Was 9 (7 as you type)."""
    client = as_user(org.worker_a)
    headers = {"HX-Request": "true", "HX-Target": "results"} if htmx else {}
    for n in sizes:
        _fill(org, n)
        assert client.get(reverse("residents:list"), params, headers=headers).status_code == 200  # warm
        with django_assert_num_queries(6):
            response = client.get(reverse("residents:list"), params, headers=headers)
        assert response.status_code == 200


def test_a_new_cadence_set_in_the_admin_moves_the_roster_and_the_dashboard(org, as_user):
    """next_visit_due is derived: changing a category's cadence in the admin recomputes it."""
    from residents.indexing import reindex_residents
    from residents.models import CareCategory, Resident
    from tests.reports import helpers as h

    monthly = CareCategory.objects.create(
        code="t-monthly", name="每月", name_en="Monthly", visit_every_days=30
    )
    person = h.resident(org.a, "吴六", room="601")
    person.care_categories.add(monthly)
    ten_days_ago = timezone.now() - datetime.timedelta(days=10)
    Visit.all_objects.create(committee=org.a, resident=person, visited_at=ten_days_ago, visitor=org.worker_a)
    reindex_residents([person.pk])
    roster = as_user(org.secretary_a).get(reverse("residents:roster"), {"overdue": "1"})
    assert person.pk not in {r.pk for r in roster.context["page"].object_list}
    response = as_user(org.superuser).post(
        reverse("admin:residents_carecategory_change", args=[monthly.pk]),
        {"code": "t-monthly", "name": "每周", "name_en": "Weekly", "visit_every_days": "7", "order": "0"},
    )
    assert response.status_code == 302
    person = Resident.all_objects.get(pk=person.pk)
    assert person.next_visit_due == timezone.localdate(ten_days_ago) + datetime.timedelta(days=7)
    roster = as_user(org.secretary_a).get(reverse("residents:roster"), {"overdue": "1"})
    assert person.pk in {r.pk for r in roster.context["page"].object_list}
    dashboard = as_user(org.secretary_a).get(reverse("dashboard")).context["headline"].roster
    assert person.pk in {r.id for r in dashboard.overdue}


def test_the_roster_reads_grid_category_and_worker_filters(org, as_user, roster_people):
    client = as_user(org.worker_a)
    grid = roster_people[0].household.building.grid
    names = client.get(reverse("residents:roster") + f"?grid={grid.pk}").context["page"].object_list
    assert [r.name for r in names] == ["甲"]
    very_old = client.get(reverse("residents:roster") + "?category=very_old").context["page"].object_list
    assert [r.name for r in very_old] == ["乙"]
    by_id = client.get(reverse("residents:roster") + f"?worker={org.worker_a.pk}").context["page"].object_list
    assert [r.name for r in by_id] == ["甲"]


@pytest.mark.parametrize(
    "params",
    [
        "grid=abc",
        "grid=-1",
        "worker=x",
        "worker=0",
        "overdue=yes",
        "category=nonsense",
        "page=zz",
        "committee=abc",
        "committee=0",
        "committee=99999999",  # not one of theirs: no filter, as the case list's
    ],
)
def test_invalid_roster_parameters_are_ignored(org, as_user, roster_people, params):
    response = as_user(org.worker_a).get(reverse("residents:roster") + "?" + params)
    assert response.status_code == 200
    assert [r.name for r in response.context["page"].object_list] == ["甲", "乙", "丙"]


def test_the_resident_list_reads_its_filters(org, as_user, roster_people):
    client = as_user(org.worker_a)
    building = roster_people[1].household.building
    url = reverse("residents:list")
    in_building = client.get(url + f"?building={building.pk}").context["page"].object_list
    assert sorted(r.name for r in in_building) == ["丁", "丙", "乙"]
    roster_people[1].archived = "moved_out"
    roster_people[1].save()
    assert [r.name for r in client.get(url + "?status=archived").context["page"].object_list] == ["乙"]
    everyone = client.get(url + "?status=all&category=very_old").context["page"].object_list
    assert [r.name for r in everyone] == ["乙"]
    response = client.get(url + "?q=" + "甲" + "x" * 80)
    assert response.context["q"] == "甲" + "x" * 59


@pytest.mark.parametrize(
    "params", ["building=abc", "grid=1.5", "status=gone", "category=nonsense", "building=0", "page=-3"]
)
def test_invalid_resident_list_parameters_are_ignored(org, as_user, roster_people, params):
    response = as_user(org.worker_a).get(reverse("residents:list") + "?" + params)
    assert response.status_code == 200
    assert response.context["status"] == "active"
    assert sorted(r.name for r in response.context["page"].object_list) == ["丁", "丙", "乙", "甲"]


def test_a_buildings_page_counts_its_households_and_residents_under_one_label(org, as_user, roster_people):
    """住户 (who lives there), not a bare 户 beside "1 户": the label does not repeat the count's word."""
    building = roster_people[0].household.building
    page = as_user(org.worker_a).get(reverse("residents:building", args=[building.pk])).text
    assert "<dt>住户</dt><dd>1 户 · " in page


def test_the_building_list_counts_each_buildings_households_and_present_residents(org, as_user):
    """Counted for the page's buildings (residents.selectors.with_home_counts); a resident who moved
    out is not counted, a building with nobody yet counts nought."""
    full = make_building(org.a, "1", road="安庆路")
    make_building(org.a, "2", road="安庆路")
    upstairs, downstairs = make_household(full), make_household(full)
    make_resident(upstairs, "周一")
    make_resident(upstairs, "周二")
    moved = make_resident(downstairs, "周三")
    moved.archived = type(moved).Archived.MOVED_OUT
    moved.save()
    response = as_user(org.worker_a).get(reverse("residents:buildings"))
    counts = {b.number: (b.household_count, b.resident_count) for b in response.context["page"].object_list}
    assert counts == {"1": (2, 2), "2": (0, 0)}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
def test_the_resident_list_across_committees_reads_its_order_from_an_index(org, as_user):
    """A street officer's (or a district officer's) first page walks resident_sort_all in order; by
    the committee's index it sorted every resident of the street (a district's: 348 → 20 ms)."""
    _fill(org, 3)
    client = as_user(org.officer)
    client.get("/residents/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/residents/").status_code == 200
    ordered = 'ORDER BY "residents_resident"."sort_key"'
    page = next(q["sql"] for q in captured.captured_queries if ordered in q["sql"])
    with connection.cursor() as cursor:
        for setting in ("enable_seqscan", "enable_sort", "enable_bitmapscan"):
            cursor.execute(f"SET LOCAL {setting} = off")  # few rows: show which index can serve it
        cursor.execute("EXPLAIN " + page)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "resident_sort_all" in plan and "Sort" not in plan, plan


def test_a_visit_needing_follow_up_is_said_where_the_page_lands(org, as_user, roster_people):
    """The page jumps to its visits (the visit's "Log a case" is there): on a phone the message at the
    top of the page was off screen, and the hint about a number typed in the findings with it."""
    weekly_late = roster_people[0]
    response = as_user(org.worker_a).post(
        reverse("residents:visit_new", args=[weekly_late.pk]),
        {
            "method": "home",
            "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "findings": "漏水，家属电话 13812345678",
            "follow_up_needed": "on",
        },
        follow=True,
    )
    page = response.content.decode()
    top = page[page.index('id="page-messages"') : page.index("</ul>", page.index('id="page-messages"'))]
    visits = page[page.index('id="visits"') : page.index("</section>", page.index('id="visits"'))]
    assert "走访已保存" not in top and "looks like" not in top
    assert visits.index("走访已保存。此次走访需要跟进") < visits.index("看起来像身份证号或电话号码")
    assert visits.index("看起来像身份证号或电话号码") < visits.index("漏水")  # above the visits listed
    # Another visit, saved without follow-up, goes back where it came from: its message at the top.
    again = as_user(org.worker_a).post(
        reverse("residents:visit_new", args=[weekly_late.pk]),
        {"method": "phone", "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "findings": "好"},
        follow=True,
    )
    assert "已保存" in again.content.decode().split('id="page-messages"')[1].split("</ul>")[0]
