"""A walk-in not in the registry on a 375 px phone in Chinese (review 10 F-B): the search finds nobody,
the worker adds her from there (the name searched for already filled in), and the case is logged with
her as the reporter, the title typed before still there."""

import pytest
from playwright.sync_api import expect

from cases.models import Case, CaseParty
from residents.models import Resident
from tests.browser.conftest import login, screenshot, watch_console
from tests.factories import make_building

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_walk_in_is_added_from_the_empty_search_and_logged_as_reporter(phone, org):
    make_building(org.a, "1", road="枫林路", lane="100")
    errors: list[str] = []
    watch_console(phone, errors)
    login(phone, "worker_a")
    phone.goto("/cases/new/")
    phone.locator("#id_title").fill("楼上漏水")
    phone.locator("#resident_q").press_sequentially("刘桂英")
    results = phone.locator("#resident-results")
    expect(results).to_contain_text("没有找到居民。")
    results.get_by_role("link", name="登记为新居民").tap()
    walk_in = phone.locator("#walk-in")
    expect(walk_in).to_have_attribute("open", "")
    expect(phone.locator("#id_new-name")).to_have_value("刘桂英")
    phone.locator("#id_new-phone").fill("13800001234")
    phone.locator("#id_new-building").select_option(label="枫林路100弄1号")
    phone.locator("#id_new-room").fill("302")
    screenshot(phone, "intake-walk-in-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375, "wider than the phone"
    phone.get_by_role("button", name="登记并作为反映人").tap()
    expect(phone.locator("#walk-in")).to_contain_text(
        "刘桂英 已登记到居民档案（枫林路100弄1号302室），并作为反映人。"
    )
    expect(phone.locator("#walk-in")).to_have_attribute("open", "")  # the words where the worker looks
    expect(phone.locator("#parties")).to_contain_text("刘桂英")
    expect(phone.locator("#id_title")).to_have_value("楼上漏水")
    phone.locator("#category-chips label.chip", has_text="其他").tap()
    phone.get_by_role("button", name="登记事项").tap()
    expect(phone.locator(".case-head h1")).to_have_text("楼上漏水")
    resident = Resident.all_objects.get(name="刘桂英")
    case = Case.all_objects.get()
    assert CaseParty.all_objects.filter(case=case, resident=resident, role=CaseParty.Role.REPORTER).exists()
    assert not errors, errors
