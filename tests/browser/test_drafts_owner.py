"""A kept draft (static/js/drafts.js) is its user's: on a phone shared by the committee's staff, logging
out forgets every copy, and someone else signing in after a session ran out gets a fresh form, never
the earlier user's words (review 7, findings 1 and 2). A 390 × 844 phone in Chinese."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import CaseEvent
from tests.browser.conftest import PHONE, login, watch_console
from tests.factories import make_case

pytestmark = pytest.mark.django_db(transaction=True)

PRIVATE = "李敏草稿：住户说儿子欠债，别告诉楼组长。"


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", **{**PHONE, "viewport": {"width": 390, "height": 844}}
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def _kept(page) -> list[str]:
    return page.evaluate(
        "Object.keys(window.sessionStorage).filter(function (k) { return k.indexOf('needle:draft:') === 0; })"
    )


def _note_form(page):
    return page.locator("form[action$='/do/note/']")


def _type_a_note(page, case) -> None:
    page.goto(f"/cases/{case.pk}/")
    page.locator("summary", has_text="添加备注").tap()
    page.locator("#note-text").fill(PRIVATE)
    page.wait_for_timeout(400)  # kept (the 200 ms timer), as after a pause in typing
    assert _kept(page) == [f"needle:draft:case-{case.pk}-note"]


def _sign_in(page, username: str) -> None:
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("correct horse battery")
    page.locator("button[type=submit].primary").tap()


def test_logging_out_forgets_the_drafts_and_the_next_person_gets_a_fresh_form(phone, org):
    case = make_case(org.worker_a, org.a, title="厨房地漏返水", assignee=org.worker_a)
    errors: list[str] = []
    watch_console(phone, errors)
    login(phone, "worker_a")
    _type_a_note(phone, case)

    phone.locator("details.usermenu summary").tap()
    phone.get_by_role("button", name="退出登录").tap()
    phone.wait_for_url("**/accounts/login/**")
    # Nothing typed is left on the phone: pagehide kept nothing back.
    assert _kept(phone) == []

    _sign_in(phone, "secretary_a")
    phone.wait_for_url(lambda url: "/accounts/login/" not in url)
    phone.goto(f"/cases/{case.pk}/")
    expect(phone.locator("#note-text")).to_have_value("")
    expect(phone.locator(".draft-notice")).to_have_count(0)
    expect(phone.locator(".draft-orphan")).to_have_count(0)
    assert _kept(phone) == []
    assert errors == [], f"console errors: {errors}"


@override_settings(SESSION_COOKIE_AGE=60, SESSION_IDLE_MINUTES=1, SESSION_RENEW_MINUTES=0)
def test_someone_else_signing_in_after_a_session_ran_out_never_gets_the_earlier_users_draft(phone, org):
    case = make_case(org.worker_a, org.a, title="厨房地漏返水", assignee=org.worker_a)
    login(phone, "worker_a")
    _type_a_note(phone, case)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    _note_form(phone).get_by_role("button", name="添加备注").tap()
    phone.wait_for_url("**/accounts/login/**")

    # The secretary picks up the phone and signs in on that page: back to the case, a fresh form.
    _sign_in(phone, "secretary_a")
    phone.wait_for_url(f"**/cases/{case.pk}/")
    expect(phone.locator("#note-text")).to_have_value("")
    expect(phone.locator(".draft-notice")).to_have_count(0)
    expect(phone.locator(".draft-orphan")).to_have_count(0)
    assert _kept(phone) == []  # not theirs: dropped from the phone
    assert not CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.NOTE).exists()


def test_a_draft_typed_by_one_user_is_dropped_by_a_page_another_user_opens(phone, org):
    """A logout in another tab (sessionStorage is the tab's): the copy left in this tab is not theirs."""
    case = make_case(org.worker_a, org.a, title="厨房地漏返水", assignee=org.worker_a)
    login(phone, "worker_a")
    _type_a_note(phone, case)
    phone.context.clear_cookies()
    login(phone, "secretary_a")
    phone.goto("/cases/")
    assert _kept(phone) == []
    phone.goto(f"/cases/{case.pk}/")
    expect(phone.locator("#note-text")).to_have_value("")
