"""The intake on a phone (390×844, as the review's): the place the case will be saved at is shown
before saving, and is the same whichever of the building and the reporter is picked first (review 8,
finding 9)."""

import pytest
from playwright.sync_api import expect

from cases.models import Case
from tests.browser.conftest import SCREENSHOTS, _context, login, screenshot, watch_console
from tests.factories import make_building, make_case, make_resident

pytestmark = pytest.mark.django_db(transaction=True)

PHONE_390 = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


@pytest.fixture
def phone390(browser, live_server):
    context = _context(browser, live_server, PHONE_390, "zh-CN")
    yield context.new_page()
    context.close()


def _pick_building(page, typed: str, address: str) -> None:
    page.locator("#building_q").fill(typed)
    page.locator("#building-results button.pick", has_text=address).tap()


def _pick_reporter(page, name: str) -> None:
    page.locator("#resident_q").fill(name)
    page.locator("#resident-results button.pick", has_text=name).tap()
    expect(page.locator("#parties")).to_contain_text(name)


def test_the_place_keeps_the_reporters_room_whichever_is_picked_first(phone390, org):
    page = phone390
    building = make_building(org.a, lane="449", number="12")
    zhou = make_resident(org.a, name="周勤", building=building, room="302")
    errors: list[str] = []
    watch_console(page, errors)
    asked: list[tuple[str, str]] = []  # every request's method and address: typed text never in one
    page.on("request", lambda request: asked.append((request.method, request.url)))
    login(page, "worker_a")

    # The building first, then the reporter who lives there: her room.
    page.goto("/cases/new/")
    page.locator("#id_title").fill("底楼厨房地漏返水")
    _pick_building(page, "449弄12", "定海路449弄12号")
    expect(page.locator("#picked-place")).to_contain_text("地点： 定海路449弄12号")
    _pick_reporter(page, "周勤")
    expect(page.locator("#picked-place")).to_contain_text("定海路449弄12号302室")
    expect(page.locator("#picked-place")).to_contain_text("周勤家")
    expect(page.locator("#resident_q")).to_be_focused()  # the place drawn again takes no focus
    screenshot(page, "intake-place-building-first-phone")
    page.get_by_role("button", name="登记事项").tap()
    expect(page.locator(".case-head h1")).to_have_text("底楼厨房地漏返水")
    first = Case.all_objects.get()
    assert (first.building, first.household) == (building, zhou.household)

    # The reporter first: her home is shown at once; then the building: still her room.
    page.goto("/cases/new/")
    page.locator("#id_title").fill("楼道灯不亮")
    page.locator("label.chip", has_text="道路设施").tap()
    _pick_reporter(page, "周勤")
    expect(page.locator("#picked-place")).to_contain_text("定海路449弄12号302室")
    _pick_building(page, "449弄12", "定海路449弄12号")
    expect(page.locator("#picked-place")).to_contain_text("定海路449弄12号302室")
    # Not in her home (the stairwell light): the building only.
    page.locator("#picked-place [name=building_only]").tap()
    expect(page.locator("#picked-place strong")).to_have_text("定海路449弄12号")
    expect(page.locator("#picked-place [name=building_only]")).to_be_checked()
    screenshot(page, "intake-place-building-only-phone")
    page.get_by_role("button", name="登记事项").tap()
    expect(page.locator(".case-head h1")).to_have_text("楼道灯不亮")
    second = Case.all_objects.exclude(pk=first.pk).get()
    assert (second.building, second.household) == (building, None)

    # A public place typed with a phone number in it: the place drawn again (the reporter's room
    # gives way to the place typed), posted, the number in no address.
    page.goto("/cases/new/")
    _pick_reporter(page, "周勤")
    expect(page.locator("#picked-place")).to_contain_text("周勤家")
    page.locator("#id_place").fill("小区门口，联系 13812345678")
    expect(page.locator("#picked-place")).not_to_contain_text("302室")
    assert ("POST", page.url.split("/cases/")[0] + "/cases/new/place/") in asked
    assert [url for _, url in asked if "13812345678" in url or "138%" in url] == []
    assert errors == [], f"console errors: {errors}"


def _covered(page, locator) -> str:
    """What covers the middle of an element, if anything: the fixed save bar, the navigation, or
    the edge of the screen ("" when the element itself is what is seen there)."""
    return page.evaluate(
        """(el) => {
            const r = el.getBoundingClientRect();
            const x = r.left + r.width / 2, y = r.top + r.height / 2;
            if (y < 0 || y > window.innerHeight) return "off the screen";
            const seen = document.elementFromPoint(x, y);
            if (seen && (seen === el || el.contains(seen))) return "";
            return seen ? (seen.className || seen.tagName) : "nothing";
        }""",
        locator.element_handle(),
    )


def test_the_building_pickers_first_results_are_not_under_the_save_bar(phone390, org):
    """On a phone the results opened under the sticky "登记事项" bar and the navigation: only the
    first of eight showed (review 8, finding 15). They are scrolled into view as they arrive."""
    page = phone390
    for number in range(1, 17):
        make_building(org.a, lane="449", number=str(number))
    login(page, "worker_a")
    page.goto("/cases/new/")
    search = page.locator("#building_q")
    # Scrolled as the worker does, the building box just above the save bar.
    page.evaluate(
        """() => {
            const box = document.getElementById("building_q").getBoundingClientRect();
            const bar = document.querySelector(".sticky-actions").getBoundingClientRect();
            window.scrollBy(0, box.bottom - bar.top + 8);
        }"""
    )
    search.tap()
    search.press_sequentially("449")
    results = page.locator("#building-results button.pick")
    expect(results).to_have_count(8)
    expect(page.locator("#building-results")).to_contain_text("还有 8 个楼栋符合")
    page.wait_for_timeout(400)  # a smooth scroll, if any, has ended
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "intake-building-results-390.png"), scale="css")  # the screen
    for i in range(3):
        assert _covered(page, results.nth(i)) == "", (
            f"result {i + 1} is covered: {_covered(page, results.nth(i))}"
        )
    expect(search).to_be_focused()  # still typing


def test_a_work_order_already_logged_is_said_as_it_is_typed(phone390, org):
    """Review 8, finding 5: the same 12345 order logged twice with nothing said."""
    page = phone390
    first = make_case(
        org.worker_a,
        org.a,
        title="12345工单：楼上噪音扰民",
        code="dispute",
        source="hotline",
        work_order_number="SH20261208000123",
    )
    login(page, "secretary_a")
    page.goto("/cases/new/")
    page.locator("#id_title").fill("楼上噪音")
    page.locator("label.chip", has_text="邻里纠纷").tap()
    page.locator("#id_source").select_option("hotline")
    page.locator("#id_work_order_number").tap()
    page.locator("#id_work_order_number").press_sequentially("SH20261208000123")
    hint = page.locator("#work-order-hint")
    expect(hint).to_contain_text(f"工单 SH20261208000123 已登记为 {first.number}")
    expect(hint.get_by_role("link", name=first.number, exact=True)).to_have_attribute(
        "href", f"/cases/{first.pk}/"
    )
    screenshot(page, "intake-work-order-again-390")
    page.get_by_role("button", name="登记事项").tap()  # not ticked: said on the field, nothing saved
    expect(page.locator("#intake")).to_contain_text("勾选“仍登记为新事项”后再保存")
    assert Case.all_objects.count() == 1
    page.locator("#work-order-hint [name=work_order_again]").tap()
    page.get_by_role("button", name="登记事项").tap()
    expect(page.locator(".case-head h1")).to_have_text("楼上噪音")
    assert Case.all_objects.filter(work_order_number="SH20261208000123").count() == 2
