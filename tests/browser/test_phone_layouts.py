"""Tables and filters on a 390 px phone, in Chinese: the district's and the street's committees side
by side (headings that broke one character a line), and the access log's filters (a "从" that hung
alone at the right edge). Screenshots in test-results/screenshots/phone-390-*.png."""

import pytest
from playwright.sync_api import expect

from audit import services
from audit.models import AccessRecord
from tests.browser.conftest import PHONE, _context, login, screenshot
from tests.browser.test_district import yangpu  # noqa: F401 (a fixture: the district and its streets)
from tests.factories import make_building, make_case, make_household, make_resident

pytestmark = pytest.mark.django_db(transaction=True)

PHONE_390 = {**PHONE, "viewport": {"width": 390, "height": 844}}  # the review's phone
# One line of a heading at .85rem is about 20 px, with the cell's padding 37 px; two lines are 58.
ONE_LINE = 44


@pytest.fixture
def phone_390(browser, live_server):
    context = _context(browser, live_server, PHONE_390, "zh-CN")
    yield context.new_page()
    context.close()


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways: {width} px"


def _headings_are_short(page) -> None:
    """Every heading of the table on one line (用时中位数（工作日） took six), its note the unit."""
    table = page.locator(".street-table").first
    heights = [round(th.bounding_box()["height"]) for th in table.locator("thead th").all()]
    assert max(heights) <= ONE_LINE, heights
    expect(table.locator("thead")).to_contain_text("用时中位数")
    expect(page.locator(".table-note").first).to_contain_text("工作日")


def test_the_district_and_street_tables_keep_their_headings_whole_on_a_phone(phone_390, yangpu):  # noqa: F811
    page = phone_390
    login(page, "district")
    page.goto("/dashboard/district/")
    expect(page.locator("tr[data-street]")).to_have_count(2)
    _headings_are_short(page)
    _fits(page)
    screenshot(page, "phone-390-district")
    wrap = page.locator(".street-table").first.locator("xpath=..")
    wrap.scroll_into_view_if_needed()
    wrap.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    screenshot(page, "phone-390-district-scrolled")
    # A street's committees side by side: the same table.
    page.get_by_role("link", name="延吉新村街道").click()
    expect(page.locator("tr[data-committee]")).to_have_count(1)
    _headings_are_short(page)
    _fits(page)
    screenshot(page, "phone-390-street")


def test_the_access_log_filters_keep_each_day_beside_its_word_on_a_phone(phone_390, org):
    wang = make_resident(make_household(make_building(org.a, "12"), "302"), "王芳")
    case = make_case(org.worker_a, org.a, title="地漏返水")
    for _ in range(4):
        services.record(user=org.worker_a, kind=AccessRecord.Kind.CASE, committee_id=org.a.pk, case=case)
    services.record(user=org.worker_a, kind=AccessRecord.Kind.RESIDENT, committee_id=org.a.pk, resident=wang)
    services.record_export(
        user=org.secretary_a,
        committee_ids=[org.a.pk],
        exported={"list": "cases", "filters": [["status", "open"], ["created_from", "2026-11-01"]]},
        rows=75,
    )
    page = phone_390
    login(page, "secretary_a")
    page.goto("/access-log/")
    for word, day in (("从", "#id_date_from"), ("至", "#id_date_to")):
        label = page.locator(f".filter-dates label[for={day[1:]}]")
        expect(label).to_have_text(word)
        words, box = label.bounding_box(), page.locator(day).bounding_box()
        # The word just before its day, on the same line (not hanging at the right edge above it).
        assert box["y"] <= words["y"] + words["height"] / 2 <= box["y"] + box["height"], (word, words, box)
        assert words["x"] + words["width"] <= box["x"] + 1, (word, words, box)
        assert box["x"] + box["width"] <= 390, (word, box)
    expect(page.locator(".access-detail").first).to_have_text(
        "导出事项清单（状态：未结；登记起：2026-11-01）"
    )
    expect(page.locator(".row-title", has_text="事项页面")).to_have_count(1)
    expect(page.locator(".row-title", has_text="事项页面")).to_contain_text("查阅 4 次")
    _fits(page)
    screenshot(page, "phone-390-access-log")
