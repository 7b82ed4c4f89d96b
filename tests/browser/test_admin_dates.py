"""An administrator on a PC whose clock is not Shanghai's reads the admin's date and time fields'
note in Chinese: Django 6.1's own zh_Hans catalogue leaves its new wording in English ("Note: Enter
times in the Asia/Shanghai timezone. (You are 8 hours behind.)"); Needle's djangojs catalogue
(locale/zh_Hans/LC_MESSAGES/djangojs.po) gives it, through the admin's /admin/jsi18n/."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, login, watch_console
from tests.factories import make_case

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_pc_eight_hours_behind_is_told_in_chinese(browser, live_server, org):
    case = make_case(org.worker_a, org.a, title="楼道积水")
    # UTC has no summer time and Shanghai none either: always eight hours behind.
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="UTC", **DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    watch_console(page, errors)
    try:
        login(page, "superuser")
        page.goto(f"/admin/cases/case/{case.pk}/change/")
        note = page.locator("#id_due_date_timezone_warning_helptext")
        expect(note).to_have_text("注意：请按 Asia/Shanghai 时区输入时间（您的电脑时间比它慢 8 小时）。")
        # The calendar's own labels too (new in Django 6.1): "Today (…)" was English.
        today = page.locator(".datetimeshortcuts a", has_text="今天").first
        assert today.get_attribute("aria-label").startswith("今天（")
        assert errors == [], errors
    finally:
        context.close()
