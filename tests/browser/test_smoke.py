"""The secretary logs in on a phone and on a desktop and sees the Chinese home page."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login_through_the_form, screenshot, watch_console

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_secretary_logs_in_and_sees_the_chinese_home_page(device, request, org):
    page = request.getfixturevalue(device)
    errors: list[str] = []
    watch_console(page, errors)

    page.goto("/")
    expect(page.locator("h1")).to_have_text("绣花针")
    screenshot(page, f"login-{device}")

    login_through_the_form(page, "secretary_a")
    expect(page.locator("h1")).to_contain_text("周勤，您好")
    expect(page.get_by_text("定海居民区")).to_be_visible()
    nav = page.locator("nav.mainnav")
    expect(nav).to_be_visible()
    expect(nav.get_by_role("link", name="首页")).to_be_visible()
    screenshot(page, f"home-{device}")

    # The account menu opens, offers English, and the page switches language.
    page.locator("details.usermenu summary").click()
    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_contain_text("Hello, 周勤")
    screenshot(page, f"home-{device}-en")

    assert errors == [], f"console errors (a CSP violation?): {errors}"


def test_logging_out_returns_to_the_login_page(phone, org):
    login_through_the_form(phone, "worker_a")
    phone.locator("details.usermenu summary").click()
    phone.get_by_role("button", name="退出登录").click()
    expect(phone.locator("#id_username")).to_be_visible()
