"""A due date counted over a year whose holidays are not entered, on a phone (review 6, item 6): the
case page's 期限 row says under the date that it may move, within the screen's width; and the
admin's box for the notice's lines beside the year (item 7). Screenshots in
test-results/screenshots/: open them and look. The year is 2099, which no calendar release knows."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, login, screenshot
from tests.factories import logged_on, make_case

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_provisional_due_date_is_said_under_it_on_a_phone(phone, org):
    case = make_case(org.worker_a, org.a, at=logged_on(datetime.date(2099, 12, 24)), assignee=org.worker_a)
    login(phone, "worker_a")
    phone.goto(f"/cases/{case.pk}/")
    note = phone.locator("[data-provisional]")
    expect(note).to_have_text("（2100 年放假安排未录入，日期可能调整）", use_inner_text=True)
    box = note.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["viewport"]["width"]
    screenshot(phone, "case-page-provisional-due-phone")
    phone.goto("/")
    expect(phone.locator(".case-rows").first).to_contain_text(f"{case.due_date} 到期（暂定）")


def test_the_notice_lines_box_in_the_admin(desktop, org):
    login(desktop, "superuser")
    desktop.goto("/admin/holidays/holidayyear/add/?year=2027")
    box = desktop.locator("textarea[name=notice_lines]")
    expect(box).to_be_visible()
    expect(desktop.locator("input[name=year]")).to_have_value("2027")
    screenshot(desktop, "admin-holiday-year-notice-lines")
