"""The printed case sheet on A4 (review 10, finding G): nothing drawn outside the page's 12 mm margins,
and a sheet of two pages names its case at the top of each. Chromium lays the printed sheet out at the
A4 content width (186 mm, 703 CSS px); the PDF it prints is in test-results/screenshots/: open it and look."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases import services
from committee.access import Access
from tests.browser.conftest import SCREENSHOTS, _context, login
from tests.factories import make_case

pytestmark = pytest.mark.django_db(transaction=True)

A4_CONTENT = {"viewport": {"width": 703, "height": 1000}}  # 210 mm less two 12 mm margins, at 96 px an inch

# The sheet's markers are ::before boxes left of each <li>, and a collapsed table border draws half its
# width outside the table's box: measure what is painted, not the boxes.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const markers = [...document.querySelectorAll('.sheet-timeline li')].map(li => {
    const box = li.getBoundingClientRect(), mark = getComputedStyle(li, '::before');
    return box.left + parseFloat(mark.left);
  });
  const tables = [...document.querySelectorAll('.sheet-table')].map(t => {
    const box = t.getBoundingClientRect();
    const border = parseFloat(getComputedStyle(t.querySelector('td')).borderRightWidth);
    return [box.left - border / 2, box.right + border / 2];
  });
  return {width, leftmostMarker: Math.min(...markers), leftmostTable: Math.min(...tables.map(t => t[0])),
          rightmostTable: Math.max(...tables.map(t => t[1]))};
}"""


def test_the_case_sheet_prints_inside_the_margins_with_its_number_on_every_page(browser, live_server, org):
    case = make_case(
        org.worker_a, org.a, title="雨季底楼居民家中进水", assignee=org.worker_a, description="积水。" * 40
    )
    start = timezone.now() - datetime.timedelta(days=60)
    for n in range(40):  # a case worked for two months: the timeline runs onto a second page
        at = start + datetime.timedelta(days=n)
        text = f"第{n + 1}次上门查看，仍有积水。"
        services.add_note(access=Access(org.worker_a), case=case, text=text, at=at)
    context = _context(browser, live_server, A4_CONTENT, "zh-CN")
    page = context.new_page()
    try:
        login(page, "secretary_a")
        page.goto(f"/cases/{case.pk}/print/")
        expect(page.locator("[data-running-head]")).to_be_hidden()  # on screen the sheet's own head says it
        page.emulate_media(media="print")
        drawn = page.evaluate(OVERFLOW)
        assert drawn["leftmostMarker"] >= 0, drawn
        assert drawn["leftmostTable"] >= 0 and drawn["rightmostTable"] <= drawn["width"], drawn
        head = page.locator("thead [data-running-head]")
        expect(head).to_be_visible()
        expect(head).to_contain_text(f"定海居民区 · 事项登记表 {case.number} · 雨季底楼居民家中进水")
        # What makes the head come back on each page: a table header group, which Chromium repeats.
        assert head.evaluate("td => getComputedStyle(td.closest('thead')).display") == "table-header-group"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        pdf = page.pdf(path=SCREENSHOTS / "case-sheet-a4.pdf", format="A4", print_background=True)
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 2  # the test's premise: two pages
    finally:
        context.close()
