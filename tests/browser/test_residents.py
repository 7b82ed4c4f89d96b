"""A worker on a phone finds a resident by pinyin initials and logs a visit, from the resident page
and from the care roster."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from residents.models import Visit
from tests.browser.conftest import PHONE, login, screenshot, watch_console
from tests.factories import (
    make_building,
    make_grid,
    make_household,
    make_resident,
    make_visit,
    valid_id,
)

# The live server needs committed rows; the factories recreate the care categories a flush removed.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def lane(org):
    grid = make_grid(org.a, "第一网格", worker=org.worker_a)
    home = make_household(make_building(org.a, "12", grid=grid), "302")
    zhou = make_resident(
        home,
        "周勤",
        phone="13812345678",
        id_number=valid_id(datetime.date(1940, 2, 3), male=False),
        birth=datetime.date(1940, 2, 3),
        categories=["elderly_alone"],
    )
    make_visit(zhou, org.worker_a, timezone.now() - datetime.timedelta(days=12))
    neighbour = make_household(make_building(org.a, "14", grid=grid), "101")
    make_resident(neighbour, "王志强", phone="13900002222")
    make_resident(neighbour, "李秀英", categories=["very_old"])
    return zhou


def test_the_secretarys_search_by_a_whole_number_keeps_it_out_of_the_address(phone, org, lane):
    """Review 10, 3: the number typed at the shared desk stays out of the address bar, the history
    and every log; the list still finds her, and Back and a reload show the same search."""
    errors: list[str] = []
    watch_console(phone, errors)
    login(phone, "secretary_a")
    phone.goto("/residents/")
    phone.locator("#id_q").press_sequentially("138 1234 5678", delay=30)
    expect(phone.locator("#results")).not_to_contain_text("王志强")
    expect(phone.locator("#results")).to_contain_text("周勤")
    expect(phone).to_have_url(re.compile(r"[?&]s="))
    assert "5678" not in phone.url and "1234" not in phone.url, phone.url
    phone.reload()
    expect(phone.locator("#results")).to_contain_text("周勤")
    expect(phone.locator("#results")).not_to_contain_text("王志强")
    # Without JavaScript's help too: the form's own submit is a POST answered at the same kind of address.
    phone.locator("#id_q").fill(lane.id_number)
    phone.locator("#id_q").press("Enter")
    expect(phone.locator("#results")).to_contain_text("周勤")
    assert lane.id_number[-4:] not in phone.url and lane.id_number[:6] not in phone.url, phone.url
    assert errors == [], errors


def test_a_worker_finds_a_resident_by_initials_and_logs_a_visit_on_a_phone(phone, org, lane):
    errors: list[str] = []
    watch_console(phone, errors)
    login(phone, "worker_a")
    phone.goto("/residents/")
    expect(phone.locator("#results")).to_contain_text("王志强")
    phone.locator("#id_q").press_sequentially("zq", delay=60)
    # htmx replaces the results as one types, without a page load.
    expect(phone.locator("#results")).not_to_contain_text("王志强")
    expect(phone.locator("#results")).to_contain_text("周勤")
    assert "q=zq" in phone.url
    # Pushed without the filters' empty fields (grid=&category=…): the server's answer to the
    # form's POST (common/hidden_searches.py).
    assert sorted(phone.url.split("?", 1)[1].split("&")) == ["q=zq", "status=active"], phone.url
    screenshot(phone, "residents-search-zq-phone")

    phone.locator("#results").get_by_text("周勤").click()
    expect(phone.locator("h1")).to_contain_text("周勤")
    body = phone.content()
    assert "13812345678" not in body and "138****5678" in body
    screenshot(phone, "resident-detail-phone")

    phone.get_by_role("link", name="记录走访").click()
    phone.get_by_label("电话联系").check()
    phone.get_by_label("走访情况").fill("老人反映卫生间漏水，影响楼下。")
    phone.get_by_label("需要跟进").check()
    screenshot(phone, "visit-form-phone")
    phone.get_by_role("button", name="保存走访").click()
    # Said where the page lands (the visits, with the button to log a case), not at its top.
    expect(phone.locator("#visits .messages")).to_contain_text("需要跟进")
    expect(phone.locator("#visits")).to_contain_text("老人反映卫生间漏水")
    screenshot(phone, "visit-saved-phone")
    visit = Visit.all_objects.latest("pk")
    assert (visit.method, visit.follow_up_needed, visit.visitor) == ("phone", True, org.worker_a)
    assert errors == [], errors


def test_a_worker_logs_a_visit_from_the_roster_and_returns_to_it(phone, org, lane):
    login(phone, "worker_a")
    phone.goto("/roster/")
    first = phone.locator(".rows.roster > li").first
    expect(first).to_contain_text("周勤")
    expect(first.locator(".badge.overdue")).to_contain_text("逾期 5 天")
    screenshot(phone, "roster-phone")
    first.get_by_role("link", name="走访").click()
    phone.get_by_label("走访情况").fill("一切正常。")
    phone.get_by_role("button", name="保存走访").click()
    expect(phone.locator(".messages")).to_contain_text("已保存")
    assert phone.url.endswith("/roster/")
    # 周勤 is no longer overdue: the very old neighbour, never visited, leads now.
    expect(phone.locator(".rows.roster > li").first).to_contain_text("李秀英")
    screenshot(phone, "roster-after-visit-phone")


def test_the_search_works_without_javascript(browser, live_server, org, lane):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", java_script_enabled=False, **PHONE
    )
    page = context.new_page()
    login(page, "worker_a")
    page.goto("/residents/")
    page.locator("#id_q").fill("12号302")
    page.locator("#id_q").press("Enter")
    expect(page.locator("#results")).to_contain_text("周勤")
    expect(page.locator("#results")).not_to_contain_text("王志强")
    # Its address without the form's empty fields (grid=&category=): the list redirected to it.
    assert page.url.endswith("/residents/?q=12%E5%8F%B7302&status=active"), page.url
    # The roster's form too (its Apply button is shown without JavaScript).
    page.goto("/roster/")
    page.get_by_role("button", name="应用").click()
    assert page.url.endswith("/roster/"), page.url
    expect(page.locator(".rows.roster > li").first).to_contain_text("周勤")
    context.close()


def test_a_mistyped_id_number_gets_a_chinese_error_on_its_field_on_a_phone(phone, org, lane):
    login(phone, "worker_a")
    phone.goto(f"/households/{lane.household_id}/residents/new/")
    phone.get_by_label("姓名").fill("陆建华")
    phone.get_by_label("身份证号").fill("310110195003071230")
    phone.get_by_label("电话").fill("12345")
    phone.get_by_role("button", name="保存").click()
    expect(phone.locator(".field.has-error")).to_have_count(2)
    expect(phone.locator(".field.has-error").first).to_contain_text("校验位")
    expect(phone.locator(".field.has-error").nth(1)).to_contain_text("手机")
    screenshot(phone, "resident-form-errors-phone")
