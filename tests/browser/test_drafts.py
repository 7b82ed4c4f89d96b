"""What a worker types on the case page and the visit form is kept on the phone until the server has
accepted it (static/js/drafts.js): through a session that ran out and a reload, said when it is put
back, forgotten once saved; a note sent with no connection, or answered by a server in trouble, says
so by its button and keeps its text (static/js/needle.js). A 390 × 844 phone in Chinese."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import CaseEvent
from residents.models import Visit
from tests.browser.conftest import PHONE, SCREENSHOTS, login, screenshot, watch_console
from tests.factories import make_building, make_case, make_household, make_resident

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = (
    "物业经理电话里说，周五上午派人来疏通下水管，疏通后请住户试一下厨房地漏，晚上七点以后再看一次是否返水。"
)
FINDINGS = (
    "老人说最近腿脚不便，楼梯扶手松动；冰箱里食物够吃三天，女儿周末来。血压药还剩一周的量，已提醒社区医生。"
)


@pytest.fixture
def phone(browser, live_server):
    """A 390 × 844 phone in Chinese (the review's)."""
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", **{**PHONE, "viewport": {"width": 390, "height": 844}}
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def _screen(page, name: str) -> None:
    """What the phone's screen shows now (not the whole page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), scale="css")


def _draft(page, key: str):
    return page.evaluate(f"window.sessionStorage.getItem('needle:draft:{key}')")


def _forgotten(page, key: str) -> bool:
    """The copy is gone, once the page's script has read the answer (a moment after it shows)."""
    for _ in range(50):
        if _draft(page, key) is None:
            return True
        page.wait_for_timeout(100)
    return False


def _session_ends() -> None:
    """The phone lay idle past its session: the stored session has expired."""
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))


def _sign_in_again(page) -> None:
    page.locator("#id_username").fill("worker_a")
    page.locator("#id_password").fill("correct horse battery")
    page.locator("button[type=submit].primary").tap()


def _note_form(page):
    return page.locator("form[action$='/do/note/']")


@override_settings(SESSION_COOKIE_AGE=60, SESSION_IDLE_MINUTES=1, SESSION_RENEW_MINUTES=0)
def test_a_note_typed_when_the_session_ran_out_is_back_after_signing_in(phone, org):
    case = make_case(org.worker_a, org.a, title="厨房地漏返水", assignee=org.worker_a)
    errors: list[str] = []
    watch_console(phone, errors)
    login(phone, "worker_a")
    phone.goto(f"/cases/{case.pk}/")
    phone.locator("summary", has_text="添加备注").tap()
    phone.locator("#note-text").fill(NOTE)
    _session_ends()
    _note_form(phone).get_by_role("button", name="添加备注").tap()

    phone.wait_for_url("**/accounts/login/**")
    assert f"next=%2Fcases%2F{case.pk}%2F" in phone.url
    _sign_in_again(phone)
    phone.wait_for_url(f"**/cases/{case.pk}/")

    # Back in its box, its panel open, and said so by the form, in view.
    notice = _note_form(phone).locator(".draft-notice")
    expect(notice).to_contain_text("重新登录前填写的内容已恢复")
    expect(notice).to_be_in_viewport()
    expect(phone.locator("#note-text")).to_have_value(NOTE)
    expect(phone.locator("#note-text")).to_be_visible()
    _screen(phone, "drafts-note-back-after-login-phone")
    assert not CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.NOTE).exists()

    # Saved: in the timeline, the copy on the phone forgotten, a reload brings nothing back.
    _note_form(phone).get_by_role("button", name="添加备注").tap()
    expect(phone.locator(".timeline")).to_contain_text(NOTE[:20])
    expect(phone.locator("#case-main .messages")).to_contain_text("备注已添加")
    assert _forgotten(phone, f"case-{case.pk}-note")
    phone.reload()
    expect(phone.locator("#note-text")).to_have_value("")
    expect(phone.locator(".draft-notice")).to_have_count(0)
    assert CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.NOTE).count() == 1
    assert errors == [], f"console errors: {errors}"


def test_a_note_sent_with_no_connection_says_so_and_keeps_its_text(phone, org):
    case = make_case(org.worker_a, org.a, title="厨房地漏返水", assignee=org.worker_a)
    login(phone, "worker_a")
    phone.goto(f"/cases/{case.pk}/")
    phone.locator("summary", has_text="添加备注").tap()
    phone.locator("#note-text").fill(NOTE)

    # The connection drops: the request never reaches the server.
    phone.route("**/do/note/", lambda route: route.abort("internetdisconnected"))
    button = _note_form(phone).get_by_role("button", name="添加备注")
    button.tap()
    alert = _note_form(phone).locator(".form-alert")
    expect(alert).to_have_text("网络未连接，内容尚未保存，已保留在本机，请稍后再点一次。")
    expect(alert).to_be_in_viewport()
    expect(phone.locator("#note-text")).to_have_value(NOTE)
    expect(button).to_be_enabled()
    assert _draft(phone, f"case-{case.pk}-note") is not None
    _screen(phone, "drafts-note-no-connection-phone")

    # The server answers with an error (a 503 while it restarts): said too, the text still there.
    phone.unroute("**/do/note/")
    phone.route("**/do/note/", lambda route: route.fulfill(status=503, body="Service Unavailable"))
    button.tap()
    expect(alert).to_have_text("服务器出了问题，内容尚未保存，已保留在本机，请稍后再点一次。")
    expect(phone.locator("#note-text")).to_have_value(NOTE)

    # A reload (the phone's browser reopened): the note is back, and said so.
    phone.unroute("**/do/note/")
    phone.reload()
    expect(_note_form(phone).locator(".draft-notice")).to_contain_text("之前在这里填写的内容已恢复")
    expect(phone.locator("#note-text")).to_have_value(NOTE)

    # The connection is back: one more tap saves it once; the word and the copy go.
    _note_form(phone).get_by_role("button", name="添加备注").tap()
    expect(phone.locator(".timeline")).to_contain_text(NOTE[:20])
    expect(phone.locator(".form-alert")).to_have_count(0)
    assert _forgotten(phone, f"case-{case.pk}-note")
    assert CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.NOTE).count() == 1


def test_words_typed_in_one_form_stay_when_another_is_saved_and_start_afresh_clears_them(phone, org):
    case = make_case(org.worker_a, org.a, title="厨房地漏返水", assignee=org.worker_a)
    login(phone, "worker_a")
    phone.goto(f"/cases/{case.pk}/")
    phone.locator("summary", has_text="办结").tap()
    phone.locator("#resolve-text").fill("已疏通下水管，住户确认不再返水。")
    phone.locator("summary", has_text="添加备注").tap()
    phone.locator("#note-text").fill("先记一笔：物业已派人。")
    _note_form(phone).get_by_role("button", name="添加备注").tap()
    expect(phone.locator("#case-main .messages")).to_contain_text("备注已添加")
    # The case's part was drawn again in place: the resolution not yet sent is still in its box.
    expect(phone.locator("#resolve-text")).to_have_value("已疏通下水管，住户确认不再返水。")
    expect(phone.locator("#resolve-text")).to_be_visible()
    expect(phone.locator("#note-text")).to_have_value("")

    phone.reload()
    resolve = phone.locator(f"form[data-keep-draft='case-{case.pk}-resolve']")
    expect(resolve.locator(".draft-notice")).to_contain_text("之前在这里填写的内容已恢复")
    expect(resolve.locator(".draft-notice")).to_be_in_viewport()
    expect(phone.locator("#resolve-text")).to_have_value("已疏通下水管，住户确认不再返水。")
    _screen(phone, "drafts-resolution-back-after-reload-phone")
    resolve.get_by_role("button", name="清空重填").tap()
    expect(phone.locator("#resolve-text")).to_have_value("")
    expect(resolve.locator(".draft-notice")).to_have_count(0)
    assert _forgotten(phone, f"case-{case.pk}-resolve")
    phone.reload()
    expect(phone.locator(".draft-notice")).to_have_count(0)


@pytest.fixture
def lonely(org):
    home = make_household(make_building(org.a, "12"), "302")
    return make_resident(home, "周勤", birth=datetime.date(1940, 2, 3), categories=["elderly_alone"])


@override_settings(SESSION_COOKIE_AGE=60, SESSION_IDLE_MINUTES=1, SESSION_RENEW_MINUTES=0)
def test_visit_findings_typed_when_the_session_ran_out_are_back_after_signing_in(phone, org, lonely):
    errors: list[str] = []
    watch_console(phone, errors)
    login(phone, "worker_a")
    phone.goto(f"/residents/{lonely.pk}/visits/new/?next=/roster/")
    phone.get_by_label("上门走访").check()
    phone.get_by_label("走访情况").fill(FINDINGS)
    phone.get_by_label("需要跟进").check()
    _session_ends()
    phone.get_by_role("button", name="保存走访").tap()

    phone.wait_for_url("**/accounts/login/**")
    _sign_in_again(phone)
    phone.wait_for_url(f"**/residents/{lonely.pk}/visits/new/**")
    expect(phone.locator(".draft-notice")).to_contain_text("重新登录前填写的内容已恢复")
    expect(phone.get_by_label("走访情况")).to_have_value(FINDINGS)
    expect(phone.get_by_label("上门走访")).to_be_checked()
    expect(phone.get_by_label("需要跟进")).to_be_checked()
    screenshot(phone, "drafts-visit-back-after-login-phone")
    assert not Visit.all_objects.filter(resident=lonely).exists()

    phone.get_by_role("button", name="保存走访").tap()
    expect(phone.locator("#visits .messages")).to_contain_text("需要跟进")
    assert _forgotten(phone, f"visit-{lonely.pk}")
    visit = Visit.all_objects.get(resident=lonely)
    assert (visit.findings, visit.method, visit.follow_up_needed) == (FINDINGS, "home", True)
    assert errors == [], f"console errors: {errors}"


def test_visit_findings_sent_with_no_connection_are_back_when_the_form_is_opened_again(phone, org, lonely):
    login(phone, "worker_a")
    form_url = f"/residents/{lonely.pk}/visits/new/?next=/roster/"
    phone.goto(form_url)
    phone.get_by_label("走访情况").fill(FINDINGS)
    phone.route(
        f"**/residents/{lonely.pk}/visits/new/**",
        lambda route: (
            route.abort("internetdisconnected") if route.request.method == "POST" else route.continue_()
        ),
    )
    phone.get_by_role("button", name="保存走访").tap()
    phone.wait_for_timeout(500)  # the browser's own "no connection" page
    phone.unroute(f"**/residents/{lonely.pk}/visits/new/**")
    phone.goto(form_url)
    expect(phone.locator(".draft-notice")).to_contain_text("之前在这里填写的内容已恢复")
    expect(phone.get_by_label("走访情况")).to_have_value(FINDINGS)
    phone.get_by_role("button", name="保存走访").tap()
    expect(phone.locator(".messages")).to_contain_text("已保存")
    assert phone.url.endswith("/roster/")
    assert _forgotten(phone, f"visit-{lonely.pk}")
    phone.goto(form_url)
    expect(phone.get_by_label("走访情况")).to_have_value("")
    expect(phone.locator(".draft-notice")).to_have_count(0)
