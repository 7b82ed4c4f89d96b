"""The district officer in a real browser: the overview of the district's streets and committees,
a committee's cases and a resident, read-only and masked, in Chinese and English, desktop and phone."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from cases import filters
from committee.roles import Role
from tests.browser.conftest import DESKTOP, PHONE, _context, login, screenshot, watch_console
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

pytestmark = pytest.mark.django_db(transaction=True)

PHONE_NUMBER = "13812345678"
WORDS = {
    "zh-CN": {
        "overview": "全区总览",
        "streets": "各街道对比",
        "street_total": "街道合计",
        "cases": "事项",
        "sensitive": "低保",
    },
    "en-US": {
        "overview": "District overview",
        "streets": "Streets side by side",
        "street_total": "Street total",
        "cases": "Cases",
        "sensitive": "Minimum allowance",
    },
}


@pytest.fixture
def yangpu(org):
    """杨浦区: the org's street (committees A and B) and 延吉新村街道 (committee D), one officer."""
    district = make_district("杨浦区")
    org.street.district = district
    org.street.save()
    d = make_committee(make_street("延吉新村街道", district=district), "延吉居民区")
    make_user("district", district=district, full_name="吴志明")
    building = make_building(org.a, "12")
    resident = make_resident(
        make_household(building, "302"),
        "周勤",
        phone=PHONE_NUMBER,
        id_number=valid_id(datetime.date(1948, 5, 1)),
        categories=["elderly_alone", "dibao"],
    )
    make_case(org.worker_a, org.a, building=building, assignee=org.worker_a)
    make_case(org.worker_b, org.b, title="路灯不亮", code="roads")
    secretary_d = make_user("secretary_d", committee=d, role=Role.SECRETARY, full_name="孙丽")
    make_case(secretary_d, d, title="绿化带占用", code="roads")
    make_case(org.secretary_a, org.a, title="家庭困难", code="hardship", sensitive=True)
    return resident


def _fits(page, device: str) -> None:
    """On a phone tables scroll in their own box; the page does not scroll sideways."""
    if device == "phone":
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, width


@pytest.mark.parametrize("language", ["zh-CN", "en-US"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_district_officer_reads_the_district(device, language, browser, live_server, yangpu, monkeypatch):
    # The district's four staff count as too many for one select: the case list's assignee filter
    # lists a committee's once one is chosen (cases/filters.py).
    monkeypatch.setattr(filters, "MAX_ASSIGNEE_OPTIONS", 3)
    words = WORDS[language]
    context = _context(browser, live_server, DESKTOP if device == "desktop" else PHONE, language)
    page = context.new_page()
    errors: list[str] = []
    watch_console(page, errors)
    try:
        login(page, "district")
        page.goto("/")
        # Home: the district's one line, which leads to its overview, as the navigation's dashboard does.
        expect(page.locator("[data-post]")).to_have_count(1)
        expect(page.locator("[data-post=district]")).to_contain_text("杨浦区")
        expect(page.locator("nav.mainnav a[href='/dashboard/district/']")).to_have_count(1)
        screenshot(page, f"district-{device}-{language[:2]}-home")
        _fits(page, device)
        # The district's figures on the home page, each opening what it counts: its open cases, the
        # sensitive one left out.
        open_cases = page.locator(".area-figures a.tile[data-figure=open]")
        expect(open_cases.locator(".figure")).to_have_text("3")
        open_cases.click()
        expect(page.locator(".result-count")).to_contain_text("3")
        page.goto("/dashboard/")
        page.get_by_role("link", name=words["overview"]).click()
        expect(page.locator("h1")).to_contain_text(words["overview"])
        expect(page.locator("h1")).to_contain_text("杨浦区")
        expect(page.get_by_role("heading", name=words["streets"])).to_be_visible()
        streets = page.locator("tr[data-street]")
        expect(streets).to_have_count(2)
        expect(page.locator("tr[data-committee]")).to_have_count(0)  # the committees are a click away
        assert "平凉" not in page.content()  # another district's street
        tag = f"district-{device}-{language[:2]}"
        screenshot(page, tag)
        _fits(page, device)
        # Every street's figure in one row: no column behind a sideways scroll on a desktop; on a
        # phone the figures scroll in their box and the streets' names stay beside them.
        wrap = page.locator(".street-table").first.locator("xpath=..")
        if device == "desktop":
            assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth"), "the street table scrolls"
        else:
            wrap.scroll_into_view_if_needed()
            wrap.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
            name, box = page.locator("tr[data-street] th").first.bounding_box(), wrap.bounding_box()
            assert box["x"] <= name["x"] <= box["x"] + 2, (name, box)
            expect(page.locator("tr[data-street] td").last).to_be_in_viewport()
            screenshot(page, f"{tag}-scrolled")
            wrap.evaluate("e => { e.scrollLeft = 0; }")
        # A headline figure opens the list it counts: the district's open cases.
        page.locator("a.tile[data-figure=open]").click()
        expect(page.locator(".result-count")).to_contain_text("3")
        page.go_back()

        # A street opens its committees side by side, with the street's total and the filter.
        page.get_by_role("link", name="延吉新村街道").click()
        expect(page.locator("h1")).to_contain_text("延吉新村街道")
        expect(page.locator("tr[data-committee]")).to_have_count(1)
        expect(page.get_by_role("rowheader", name=words["street_total"])).to_have_count(1)
        expect(page.locator("#overview-street option:checked")).to_have_text("延吉新村街道")
        screenshot(page, f"{tag}-street")
        _fits(page, device)
        # All streets, the most overdue first: the filter's form.
        page.locator("#overview-street").select_option("")
        page.locator("#overview-sort").select_option("overdue")
        page.locator("form[data-overview-filters] button").click()
        expect(page.locator("tr[data-committee]")).to_have_count(3)
        expect(page.locator("#overview-sort")).to_have_value("overdue")
        screenshot(page, f"{tag}-committees")
        _fits(page, device)

        # A committee's dashboard, read-only, and its cases: no way to log or work one.
        page.get_by_role("link", name="延吉居民区").first.click()  # its dashboard, read-only
        expect(page.locator("h1")).to_contain_text("延吉居民区")
        page.goto("/cases/?status=")
        expect(page.get_by_text("绿化带占用")).to_be_visible()
        expect(page.get_by_text("路灯不亮")).to_be_visible()
        assert "家庭困难" not in page.content()  # sensitive: the secretary's, not the district's
        expect(page.locator("a[href='/cases/new/']")).to_have_count(0)
        screenshot(page, f"{tag}-cases")
        # The assignee's select lists a committee's staff once the committee is chosen.
        page.locator("details.filter-panel summary").click()
        expect(page.locator("#id_assignee option")).to_have_count(2)  # anyone, unassigned
        page.locator("#id_committee").select_option(label="延吉居民区")
        expect(page.locator("#id_assignee")).to_contain_text("孙丽")
        expect(page.locator("#id_assignee option")).to_have_count(3)
        expect(page.get_by_text("路灯不亮")).to_have_count(0)
        expect(page.get_by_text("绿化带占用")).to_be_visible()
        assert "committee=" in page.url
        expect(page.locator("#case-results")).not_to_have_class(re.compile("htmx-request"))
        # The results fade back in (a 0.2 s transition) before the screenshot.
        expect(page.locator("#case-results")).to_have_css("opacity", "1")
        screenshot(page, f"{tag}-cases-committee")

        # A resident: the phone masked, the sensitive care category withheld, no reveal.
        page.goto(f"/residents/{yangpu.pk}/")
        expect(page.get_by_text("138****5678").first).to_be_visible()
        body = page.content()
        assert PHONE_NUMBER not in body and yangpu.id_number not in body
        assert words["sensitive"] not in body
        expect(page.locator(f"a[href*='/residents/{yangpu.pk}/reveal']")).to_have_count(0)
        screenshot(page, f"{tag}-resident")
        page.goto("/dashboard/district/", wait_until="load")
        assert errors == [], f"console errors (a CSP violation?): {errors}"
    finally:
        context.close()
