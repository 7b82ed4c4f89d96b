"""The district officer: reads every committee of the district's streets, read-only, masked.

The world: 杨浦区 holds the org's street (committees A and B) and a second street with committee D;
committee C's street is in another district (虹口区), which the district officer must not see.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from committee.access import Access
from committee.models import DistrictOfficer, User
from committee.roles import Perm, Role
from tests.factories import (
    make_building,
    make_case,
    make_committee,
    make_district,
    make_household,
    make_resident,
    make_street,
    make_user,
    valid_id,
)

PHONE = "13812345678"
QUERIES_DISTRICT = 7


@pytest.fixture
def district(org):
    yangpu = make_district("杨浦区")
    hongkou = make_district("虹口区")
    org.street.district = yangpu
    org.street.save()
    org.other_street.district = hongkou
    org.other_street.save()
    d = make_committee(make_street("延吉新村街道", district=yangpu), "延吉居民区")
    officer = make_user("district", district=yangpu, full_name="吴志明")
    building = make_building(org.a, "12")
    resident = make_resident(
        make_household(building, "302"),
        "周勤",
        phone=PHONE,
        id_number=valid_id(datetime.date(1948, 5, 1)),
        categories=["elderly_alone", "dibao"],
    )
    secretary_d = make_user("secretary_d", committee=d, role=Role.SECRETARY)
    worker_c = make_user("worker_c", committee=org.c, role=Role.WORKER)
    c_building = make_building(org.c, "7")
    return SimpleNamespace(
        yangpu=yangpu,
        d=d,
        officer=officer,
        building=building,
        resident=resident,
        case_a=make_case(org.worker_a, org.a, building=building, assignee=org.worker_a),
        case_d=make_case(secretary_d, d, title="路灯不亮", code="roads"),
        sensitive_a=make_case(org.secretary_a, org.a, title="家庭困难", code="hardship", sensitive=True),
        case_c=make_case(worker_c, org.c, title="平凉的事"),
        resident_c=make_resident(make_household(c_building, "101"), "王芳"),
    )


def test_a_district_officer_reads_every_committee_of_the_districts_streets_and_no_other(org, district):
    access = Access(district.officer)
    assert access.committee_ids == {org.a.pk, org.b.pk, district.d.pk}
    assert access.role(org.a) == Role.DISTRICT_OFFICER
    assert access.can(Perm.VIEW, district.d) and access.can(Perm.VIEW_REPORTS, org.b)
    for perm in (Perm.VIEW_SENSITIVE, Perm.REVEAL, Perm.LOG_CASE, Perm.EDIT_REGISTRY, Perm.MANAGE_CASES):
        assert not access.can(perm, org.a)


def test_a_committee_role_or_a_street_post_wins_over_a_district_post(org, district):
    DistrictOfficer.objects.create(user=org.secretary_a, district=district.yangpu)
    DistrictOfficer.objects.create(user=org.officer, district=district.yangpu)
    secretary, officer = Access(org.secretary_a), Access(org.officer)
    assert secretary.role(org.a) == Role.SECRETARY
    assert secretary.role(district.d) == Role.DISTRICT_OFFICER
    assert officer.role(org.b) == Role.STREET_OFFICER
    assert officer.role(district.d) == Role.DISTRICT_OFFICER


def test_the_district_officer_reads_the_districts_pages(org, district, as_user):
    client = as_user(district.officer)
    for url in (
        reverse("cases:list"),
        reverse("cases:list") + "?status=",
        reverse("cases:detail", args=[district.case_a.pk]),
        reverse("cases:detail", args=[district.case_d.pk]),
        reverse("residents:list"),
        reverse("residents:detail", args=[district.resident.pk]),
        reverse("residents:building", args=[district.building.pk]),
        reverse("dashboard"),
        reverse("dashboard_committee", args=[district.d.pk]),
        reverse("reports:index"),
    ):
        assert client.get(url).status_code == 200, url
    listed = client.get(reverse("cases:list") + "?status=").text
    assert district.case_a.title in listed and district.case_d.title in listed
    assert district.case_c.title not in listed


def test_the_dashboard_sets_the_districts_committees_side_by_side(org, district, as_user):
    response = as_user(district.officer).get(reverse("dashboard"))
    assert response.templates[0].name == "reports/overview.html"
    assert {row["committee"] for row in response.context["rows"]} == {org.a, org.b, district.d}
    assert response.context["total"].open == 2  # A's and D's open cases; the sensitive one is not theirs
    assert "data-leaves-out-sensitive" in response.text
    district_page = as_user(district.officer).get(reverse("dashboard_district")).text
    assert "此处不含敏感类别" in district_page
    committee_page = as_user(district.officer).get(reverse("dashboard_committee", args=[org.a.pk]))
    assert committee_page.context["from_street"] is True  # read-only, as the street officer sees it


def test_another_districts_objects_are_404(org, district, as_user):
    client = as_user(district.officer)
    for url in (
        reverse("cases:detail", args=[district.case_c.pk]),
        reverse("residents:detail", args=[district.resident_c.pk]),
        reverse("dashboard_committee", args=[org.c.pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_writes_are_403(org, district, as_user):
    client = as_user(district.officer)
    assert client.get(reverse("cases:new")).status_code == 403
    new_case = {"title": "楼道积水", "category": "drainage", "source": "walk_in", "priority": "normal"}
    assert client.post(reverse("cases:new"), {**new_case, "committee": str(org.a.pk)}).status_code == 403
    case = district.case_a
    status, version = case.status, case.version
    assert client.post(reverse("cases:act", args=[case.pk, "resolve"]), {"text": "好"}).status_code == 403
    resident = district.resident
    assert client.get(reverse("residents:edit", args=[resident.pk])).status_code == 403
    visit = {
        "method": "home",
        "visited_at": (timezone.localtime() - datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "findings": "好",
    }
    assert client.post(reverse("residents:visit_new", args=[resident.pk]), visit).status_code == 403
    case.refresh_from_db()
    assert (case.status, case.version) == (status, version)


def test_the_district_officer_sees_no_full_number_and_no_sensitive_category(org, district, as_user):
    client = as_user(district.officer)
    resident = district.resident
    for url in (
        reverse("residents:list") + "?q=zq",
        reverse("residents:detail", args=[resident.pk]),
        reverse("residents:household", args=[resident.household_id]),
        reverse("cases:detail", args=[district.case_a.pk]),
    ):
        body = client.get(url).text
        assert PHONE not in body and resident.id_number not in body, url
        assert "低保" not in body, url
    assert "138****5678" in client.get(reverse("residents:detail", args=[resident.pk])).text
    # Sensitive cases are for the committee's secretary, the assignee and who logged them.
    assert district.sensitive_a.title not in client.get(reverse("cases:list") + "?status=").text
    assert client.get(reverse("cases:detail", args=[district.sensitive_a.pk])).status_code == 404


def test_the_demo_has_a_district_account(db):
    from demo.organisation import DEMO_PASSWORD, seed_organisation

    demo = seed_organisation()
    user = User.objects.get(username="district")
    assert user.check_password(DEMO_PASSWORD)
    assert DistrictOfficer.objects.filter(user=user, district__name="杨浦区").exists()
    assert demo.street.district == demo.district
    assert Access(user).committee_ids == {demo.committee_a.pk, demo.committee_b.pk}


def test_the_district_overview_sets_the_streets_side_by_side(org, district, as_user, settings):
    settings.REPORTS_CACHE_SECONDS = 0
    client = as_user(district.officer)
    assert reverse("dashboard_district") in client.get(reverse("dashboard")).text  # the way there
    response = client.get(reverse("dashboard_district"), headers={"Accept-Language": "zh-hans"})
    assert response.status_code == 200
    streets = {s["street"].name: s for s in response.context["streets"]}
    assert list(streets) == ["定海路街道", "延吉新村街道"]
    assert (streets["定海路街道"]["committees"], streets["延吉新村街道"]["committees"]) == (2, 1)
    assert (streets["定海路街道"]["figures"].open, streets["延吉新村街道"]["figures"].open) == (1, 1)
    assert response.context["total"].open == 2  # the sensitive case is not the district officer's to count
    assert response.context["committees"] == 3
    assert "全区总览" in response.text and "延吉新村街道" in response.text
    # A street's row, not its committees: they are a click away.
    assert "延吉居民区" not in response.text and "data-committee" not in response.text
    assert f'href="{reverse("dashboard")}?street={district.d.street_id}"' in response.text
    assert org.c.name not in response.text and org.other_street.name not in response.text
    english = client.get(reverse("dashboard_district"), headers={"Accept-Language": "en"})
    assert "District overview" in english.text and "Streets side by side" in english.text


STREET_FIGURES = ("open", "overdue", "new_this_month", "resolved_this_month", "late_referrals")


def test_each_streets_figure_opens_its_committees_sorted_by_it_with_the_same_total(
    org, district, as_user, settings
):
    settings.REPORTS_CACHE_SECONDS = 0
    client = as_user(district.officer)
    streets = client.get(reverse("dashboard_district")).context["streets"]
    for street in streets:
        page = client.get(street["url"])
        assert {r["committee"].street_id for r in page.context["rows"]} == {street["street"].pk}
        assert len(page.context["rows"]) == street["committees"]
        for name in STREET_FIGURES:
            url = street["links"][name]
            assert f'href="{url.replace("&", "&amp;")}"' in client.get(reverse("dashboard_district")).text
            sorted_page = client.get(url)
            assert sorted_page.context["sort"] == name
            assert getattr(sorted_page.context["total"], name) == getattr(street["figures"], name), url
            shown = [getattr(r["figures"], name) for r in sorted_page.context["rows"]]
            assert shown == sorted(shown, reverse=True), url


def test_each_committee_row_links_its_counts_to_the_case_list_and_its_dashboard(
    org, district, as_user, settings
):
    settings.REPORTS_CACHE_SECONDS = 0
    client = as_user(district.officer)
    page = client.get(f"{reverse('dashboard')}?street={org.street.pk}").text
    row = page.split(f'<tr data-committee="{org.a.pk}">')[1].split("</tr>")[0]
    cases = reverse("cases:list")
    assert f'<a href="{reverse("dashboard_committee", args=[org.a.pk])}">{org.a.name}</a>' in row
    # One open case of A is the district officer's to count (the sensitive one is not), not overdue.
    assert f'<a href="{cases}?committee={org.a.pk}&amp;status=open">1</a>' in row
    assert f'<a href="{cases}?committee={org.a.pk}&amp;overdue=1">0</a>' in row
    assert f'<a href="{reverse("reports:late_referrals", args=[org.a.pk])}">0</a>' in row
    opened = client.get(f"{cases}?committee={org.a.pk}&status=open")
    assert district.case_a.title in opened.text and district.sensitive_a.title not in opened.text


def test_the_district_overview_is_for_district_officers_and_superusers(org, district, as_user):
    assert as_user(org.officer).get(reverse("dashboard_district")).status_code == 403
    assert as_user(org.secretary_a).get(reverse("dashboard_district")).status_code == 403
    response = as_user(org.superuser).get(reverse("dashboard_district"))
    assert {s["street"] for s in response.context["streets"]} == {
        org.street,
        org.other_street,
        district.d.street,
    }


def test_the_district_overview_runs_a_fixed_number_of_queries(
    org, district, as_user, settings, django_assert_num_queries
):
    """Guards against a query per street or per committee."""
    settings.REPORTS_CACHE_SECONDS = 0
    client = as_user(district.officer)
    client.get(reverse("dashboard_district"))
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("dashboard_district"))
    few = len(captured.captured_queries)  # now: each request empties the connection's query log
    # session, user, districts, roles, committees, the rollup's months brought up to date, and one
    # UNION ALL of every figure grouped by street (reports/overviews.py street_headlines)
    assert few == QUERIES_DISTRICT
    for s in range(3):
        street = make_street(f"长白新村街道{s}", district=district.yangpu)
        for n in range(3):
            committee = make_committee(street)
            worker = make_user(committee=committee, role=Role.WORKER)
            make_case(worker, committee, title=f"事项{n}")
    client.get(reverse("dashboard_district"))
    with django_assert_num_queries(few):
        response = client.get(reverse("dashboard_district"))
    assert len(response.context["streets"]) == 5 and response.context["total"].open == 11
    assert response.context["committees"] == 12
