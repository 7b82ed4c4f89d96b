"""A date in a refusal or a message stays on one line on a phone: a browser breaks a line at a
date's hyphens, and "…不能早于已记录的最近一次走访（2026-11-" on one line with "27）。" on the
next is a date nobody reads right (common/escaping.py dates_kept_whole)."""

import datetime

import pytest
from django.utils import timezone

from tests.browser.conftest import login, screenshot
from tests.factories import make_building, make_household, make_resident, make_visit

pytestmark = pytest.mark.django_db(transaction=True)

# Each date in the text of the elements `selector` finds, and on how many lines it is drawn.
DATES_AND_LINES = r"""(selector) => {
  const found = [];
  for (const element of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/\d{4}-\d{2}-\d{2}/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
        found.push([match[0], tops.size]);
      }
    }
  }
  return found;
}"""
MESSAGES = ".messages, .form-errors, .errorlist"
# Phones people hold: the narrowest still sold (320 px) to the large ones (430 px).
WIDTHS = range(320, 431, 4)


def _dates_broken_across_lines(page) -> dict[int, list[str]]:
    """{width: the dates drawn on more than one line} over WIDTHS, the page's height kept."""
    broken = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 812})
        found = page.evaluate(DATES_AND_LINES, MESSAGES)
        assert found, "no date in the page's messages"
        if bad := [day for day, lines in found if lines > 1]:
            broken[width] = bad
    page.set_viewport_size({"width": 375, "height": 812})
    return broken


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_a_refusals_and_a_messages_date_is_never_broken_across_lines_on_a_phone(
    browser, live_server, org, language
):
    from tests.browser.conftest import PHONE, _context

    context = _context(browser, live_server, PHONE, language)
    phone = context.new_page()
    resident = make_resident(make_household(make_building(org.a, "12"), "302"), "周勤")
    visited = timezone.localtime() - datetime.timedelta(days=9)
    make_visit(resident, org.worker_a, visited)
    login(phone, "worker_a")
    phone.goto(f"/residents/{resident.pk}/archive/")
    phone.locator("input[name=archived]").last.check()
    phone.locator("#id_archived_on").fill((visited.date() - datetime.timedelta(days=1)).isoformat())
    phone.locator("button[type=submit].primary").click()
    assert visited.date().isoformat() in phone.locator(".errorlist").inner_text()
    screenshot(phone, f"archive-refused-phone-{language}")
    assert _dates_broken_across_lines(phone) == {}
    # The day of the visit itself is taken: the message saying so keeps its date whole too.
    phone.locator("#id_archived_on").fill(visited.date().isoformat())
    phone.locator("button[type=submit].primary").click()
    assert visited.date().isoformat() in phone.locator(".messages").inner_text()
    screenshot(phone, f"archive-saved-phone-{language}")
    assert _dates_broken_across_lines(phone) == {}
    context.close()
