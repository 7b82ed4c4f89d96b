"""The links between the areas: import from the residents list, export from the case list, roster names."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_building, make_household, make_resident
from tests.reports import helpers as h

pytestmark = pytest.mark.django_db


def test_residents_list_links_to_import_for_those_who_may_import(org, as_user):
    start = reverse("imports:start")
    assert start in as_user(org.secretary_a).get(reverse("residents:list")).content.decode()
    assert start not in as_user(org.worker_a).get(reverse("residents:list")).content.decode()


def test_case_list_export_link_keeps_the_filters(org, as_user):
    export = reverse("reports:cases_xlsx")
    client = as_user(org.worker_a)
    page = client.get(reverse("cases:list"), {"status": "waiting", "overdue": "1"}).content.decode()
    assert f'href="{export}?status=waiting&amp;overdue=1"' in page
    # The bare list shows open cases, and so does its export.
    assert f'href="{export}?status=open"' in as_user(org.worker_a).get(reverse("cases:list")).content.decode()
    # A viewer has no reports.
    assert export not in as_user(org.viewer_a).get(reverse("cases:list")).content.decode()


def test_htmx_results_carry_the_export_link_of_the_new_filters(org, as_user):
    page = as_user(org.worker_a).get(
        reverse("cases:list"), {"status": "new"}, headers={"HX-Request": "true", "HX-Target": "case-results"}
    )
    assert f'href="{reverse("reports:cases_xlsx")}?status=new"' in page.content.decode()


def test_dashboard_overdue_roster_names_open_the_resident(org, as_user, settings):
    settings.REPORTS_CACHE_SECONDS = 0  # the figures of this request, not another test's cached ones
    household = make_household(make_building(org.a))
    # Registered ten days ago and never visited: overdue by the roster's rule (due from registration).
    registered = timezone.now() - dt.timedelta(days=10)
    resident = make_resident(household, "孙阿婆", categories=["elderly_alone"], created_at=registered)
    page = as_user(org.secretary_a).get(reverse("dashboard_committee", args=[org.a.pk])).content.decode()
    assert reverse("residents:detail", args=[resident.pk]) in page


def test_phone_navigation_folds_reports_into_the_dashboard(org, as_user):
    page = as_user(org.secretary_a).get(reverse("reports:index")).content.decode()
    assert f'href="{reverse("reports:index")}" aria-current="page" class="active desktop-only"' in page
    assert f'href="{reverse("dashboard")}" class="phone-active"' in page


def test_log_a_case_from_the_registry_only_for_those_who_may(org, as_user):
    resident = make_resident(make_household(make_building(org.a)), "孙阿婆")
    url = reverse("residents:detail", args=[resident.pk])
    new = f"{reverse('cases:new')}?resident={resident.pk}"
    assert new in as_user(org.worker_a).get(url).content.decode()
    assert new not in as_user(org.viewer_a).get(url).content.decode()


def test_a_visit_needing_follow_up_offers_a_case_then_links_to_it(org, as_user):
    person = h.resident(org.a, "赵秀英")
    visit = h.visit(person, on=timezone.localdate() - dt.timedelta(days=1), by=org.worker_a)
    visit.follow_up_needed = True
    visit.save()
    url = reverse("residents:detail", args=[person.pk])
    client = as_user(org.worker_a)
    assert f"{reverse('cases:new')}?visit={visit.pk}" in client.get(url).content.decode()
    # The new-case form comes prefilled from the visit.
    form = client.get(reverse("cases:new"), {"visit": visit.pk}).content.decode()
    assert f'name="visit" value="{visit.pk}"' in form and "身体尚可" in form

    case = h.case(org.a, created_by=org.worker_a, created=timezone.localdate())
    case.visit = visit
    case.save()
    page = client.get(url).content.decode()
    assert f"{reverse('cases:new')}?visit={visit.pk}" not in page
    assert reverse("cases:detail", args=[case.pk]) in page


def test_a_case_page_links_to_its_people_and_place(org, as_user):
    person = h.resident(org.a, "赵秀英")
    building = person.household.building
    case = h.case(org.a, created_by=org.worker_a, created=timezone.localdate(), where=building)
    h.party(case, person)
    page = as_user(org.worker_a).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("residents:detail", args=[person.pk]) in page
    assert reverse("residents:building", args=[person.household.building_id]) in page


def test_the_import_pages_light_up_residents(org, as_user):
    page = as_user(org.secretary_a).get(reverse("imports:start")).content.decode()
    assert f'href="{reverse("residents:list")}" aria-current="page" class="active"' in page
