"""Keyboard and screen reader: axe-core (tests/browser/vendor/axe.min.js, from the npm registry) on
every main page as a worker on a phone and the secretary at the desk finds no serious or critical
violation; and the intake form is used by keyboard alone."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from cases import services
from cases.models import Case, CaseParty
from committee.access import Access
from tests.browser.conftest import DESKTOP, PHONE, login, screenshot
from tests.browser.test_dashboard import _a_year_of_cases
from tests.factories import make_building, make_resident

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
# Serious and critical only (the bar); the rules axe runs by default (WCAG 2.x A and AA and
# its best practices).
RUN_AXE = """async () => {
  // What hides behind a disclosure (the charts' tables, "more" sections, the account menu) too.
  document.querySelectorAll("details:not([open])").forEach(d => { d.open = true; });
  await new Promise(resolve => setTimeout(resolve, 100));
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")}`);
}"""


def _world(org) -> dict:
    building = make_building(org.a, lane="449", number="12")
    resident = make_resident(
        org.a, name="王秀英", building=building, room="101", categories=["elderly_alone"]
    )
    _a_year_of_cases(org)  # the dashboard's charts and tables drawn, not empty states
    case = Case.all_objects.filter(status__in=Case.OPEN_STATUSES, sensitive=False).first()
    services.add_reporters(access=Access(org.worker_a), case=case, residents=[resident])
    services.assign(access=Access(org.secretary_a), case=case, assignee=org.worker_a)
    return {"resident": resident, "case": case}


def _pages(world: dict, secretary: bool) -> list[str]:
    pages = [
        "/",
        "/cases/",
        f"/cases/{world['case'].pk}/",
        f"/cases/new/?resident={world['resident'].pk}",
        "/residents/",
        f"/residents/{world['resident'].pk}/",
        "/roster/",
        "/dashboard/",
        "/notifications/",
    ]
    return pages + (["/access-log/"] if secretary else [])


# Each persona on the device they mostly use, so both layouts and both personas' pages are checked
# (the secretary's pages hold every part of the worker's and more); each run is ~10 pages of axe.
@pytest.mark.parametrize(("username", "device"), [("worker_a", "phone"), ("secretary_a", "desktop")])
def test_axe_finds_nothing_serious_on_the_main_pages(browser, live_server, org, username, device):
    world = _world(org)
    settings = PHONE if device == "phone" else DESKTOP
    # axe is added as a script the page's CSP would refuse: this context alone bypasses it.
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", bypass_csp=True, **settings)
    context.set_default_timeout(15_000)
    # axe-core in every page the context opens, before the page's own scripts: read from the file
    # once, not sent again and inserted as a tag after each page's load (~0.25 s a page).
    context.add_init_script(path=AXE)
    page = context.new_page()
    try:
        login(page, username)
        found = {}
        for url in _pages(world, secretary=username == "secretary_a"):
            page.goto(url)
            page.wait_for_load_state("load")
            violations = page.evaluate(RUN_AXE)
            if violations:
                found[url] = violations
        assert found == {}, f"{username} on a {device}: {found}"
    finally:
        context.close()


def test_the_intake_form_by_keyboard_alone(desktop, org):
    building = make_building(org.a, lane="449", number="12")
    make_resident(org.a, name="王秀英", building=building, room="101")
    page = desktop
    login(page, "worker_a")
    page.goto("/cases/new/")
    page.locator("#id_title").focus()  # where a Tab from the top would arrive after the navigation
    page.keyboard.type("地漏返水")
    # The category was suggested from the words; Tab reaches its chips, arrows would change it.
    page.keyboard.press("Tab")
    expect(page.locator("input[name=category][value=drainage]")).to_be_focused()
    expect(page.locator("input[name=category][value=drainage]")).to_be_checked()
    # On to the resident search: Enter searches (it does not submit the form), results are announced.
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "resident_q":
            break
    expect(page.locator("#resident_q")).to_be_focused()
    page.keyboard.type("王秀英")
    page.keyboard.press("Enter")
    expect(page.locator("#resident-results button.pick")).to_have_count(1)
    expect(page.locator("#intake-live")).to_contain_text("找到 1 项")
    assert not Case.all_objects.exists()
    # Tab to the result, Enter picks it; focus goes back to the search box, the pick is announced.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator("#resident-results button.pick")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#parties")).to_contain_text("王秀英")
    expect(page.locator("#resident_q")).to_be_focused()
    expect(page.locator("#intake-live")).to_contain_text("已添加：王秀英")
    # The focused field is never under the sticky save bar.
    bar = page.locator(".sticky-actions").bounding_box()
    field = page.locator("#resident_q").bounding_box()
    assert field["y"] + field["height"] <= bar["y"], "the focused field is under the save bar"
    screenshot(page, "intake-keyboard-desktop")
    # Saving from the keyboard: focus the save button, Enter.
    page.locator(".sticky-actions button").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".case-head h1")).to_have_text("地漏返水")
    case = Case.all_objects.get()
    assert case.category.code == "drainage"
    assert CaseParty.all_objects.filter(case=case).count() == 1
