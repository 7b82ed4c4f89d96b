"""What a worker typed on the case page or the visit form, met by a refusal or a change made by someone
else (review 7, findings 3-6), on a 390 × 844 phone in Chinese: a send refused because the case went
to someone else says who has it, by the case, with the text shown to copy; a stale form says so by its
button and keeps the page; a draft whose form is gone is shown, never dropped without a word; the
visit form saved, Back and saved again, records one visit."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases import services
from cases.models import CaseEvent, OutsideBody, Referral
from cases.rules import Action
from committee.access import Access
from committee.roles import Role
from residents.models import Visit
from tests.browser.conftest import PHONE, SCREENSHOTS, login, screenshot, watch_console
from tests.factories import make_building, make_case, make_household, make_resident, make_user

pytestmark = pytest.mark.django_db(transaction=True)

REFERRAL = "请自来水公司派人查看三楼水管渗漏，住户白天在家。"
NOTE = "物业经理电话里说，周五上午派人来疏通下水管。"
RESOLUTION = "李敏写的办结情况：已疏通下水管，住户确认不再返水。"


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", **{**PHONE, "viewport": {"width": 390, "height": 844}}
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone_without_js(browser, live_server):
    """The same phone with JavaScript off: the case page's forms are plain form posts."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        java_script_enabled=False,
        **{**PHONE, "viewport": {"width": 390, "height": 844}},
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def _kept(page) -> list[str]:
    return page.evaluate(
        "Object.keys(window.sessionStorage).filter(function (k) { return k.indexOf('needle:draft:') === 0; })"
    )


def test_a_referral_sent_after_the_case_went_to_someone_else_says_who_has_it_and_keeps_the_text(phone, org):
    wang = make_user("worker_a2", committee=org.a, role=Role.WORKER, full_name="王芳")
    case = make_case(org.worker_a, org.a, title="楼上渗水", assignee=org.worker_a)
    errors: list[str] = []
    watch_console(phone, errors)
    login(phone, "worker_a")
    phone.goto(f"/cases/{case.pk}/")
    phone.locator("summary", has_text="转办外部单位").tap()
    form = phone.locator("form[action$='/referrals/']")
    body = OutsideBody.objects.filter(active=True).first()
    form.locator("select[name=body]").select_option(str(body.pk))
    form.locator("textarea[name=text]").fill(REFERRAL)
    # Meanwhile the secretary gives the case to 王芳.
    services.assign(access=Access(org.secretary_a), case=case, assignee=wang)
    form.get_by_role("button", name="记录转办").tap()

    messages = phone.locator("#case-main .messages")
    expect(messages).to_contain_text("此事项已改派给王芳，您不能再将此事项转办外部单位。")
    expect(messages).to_contain_text("您填写的内容显示在下面，可以复制")
    expect(phone.locator("#case-main .unsaved")).to_contain_text(REFERRAL)
    expect(phone.locator(".error-page")).to_have_count(0)
    expect(phone.locator("#case-main .case-head")).to_be_visible()
    screenshot(phone, "drafts-referral-refused-case-reassigned-phone")
    assert not Referral.all_objects.filter(case=case).exists()

    # Reloaded, the referral's form is no longer drawn: the text is shown, not dropped without a word.
    phone.reload()
    orphan = phone.locator(".draft-orphan")
    expect(orphan).to_contain_text("无法放回")
    expect(orphan.locator("textarea")).to_have_value(REFERRAL)
    assert errors == [], f"console errors: {errors}"


def test_a_referral_sent_without_javascript_after_the_case_went_to_someone_else_shows_the_text(
    phone_without_js, org
):
    """A plain form post (no htmx): the case page again with 403, who has the case now, the text in
    a read-only box to copy on the first screen, and the way back to the case's own address."""
    page = phone_without_js
    wang = make_user("worker_a2", committee=org.a, role=Role.WORKER, full_name="王芳")
    case = make_case(org.worker_a, org.a, title="楼上渗水", assignee=org.worker_a)
    login(page, "worker_a")
    page.goto(f"/cases/{case.pk}/")
    page.locator("summary", has_text="转办外部单位").tap()
    form = page.locator("form[action$='/referrals/']")
    body = OutsideBody.objects.filter(active=True).first()
    form.locator("select[name=body]").select_option(str(body.pk))
    form.locator("textarea[name=text]").fill(REFERRAL)
    # Meanwhile the secretary gives the case to 王芳.
    services.assign(access=Access(org.secretary_a), case=case, assignee=wang)
    with page.expect_response(lambda response: response.request.method == "POST") as sent:
        form.get_by_role("button", name="记录转办").tap()
    assert sent.value.status == 403

    expect(page.locator(".error-page")).to_have_count(0)
    messages = page.locator("#page-messages")
    expect(messages).to_contain_text(
        "此事项已改派给王芳，您不能再将此事项转办外部单位。本次没有保存，您填写的内容显示在下面，可以复制。"
    )
    box = page.locator(".unsaved textarea")
    expect(box).to_have_value(REFERRAL)
    expect(box).not_to_be_editable()
    expect(page.get_by_label("转办事项")).to_have_value(REFERRAL)
    expect(box).to_be_in_viewport()
    back = page.locator(".unsaved").get_by_role("link", name="返回事项")
    expect(back).to_be_visible()
    expect(page.locator(".case-head")).to_contain_text("楼上渗水")
    # The first screen as the phone shows it, and the whole page.
    page.screenshot(path=str(SCREENSHOTS / "drafts-referral-refused-no-js-phone.png"), scale="css")
    screenshot(page, "drafts-referral-refused-no-js-phone-whole")
    assert not Referral.all_objects.filter(case=case).exists()

    back.tap()
    page.wait_for_url(f"**/cases/{case.pk}/")
    expect(page.locator(".facts")).to_contain_text("王芳")


def test_a_note_sent_from_a_stale_form_says_so_by_its_button_and_keeps_the_page(phone, org):
    case = make_case(org.worker_a, org.a, title="厨房地漏返水", assignee=org.worker_a)
    login(phone, "worker_a")
    phone.goto(f"/cases/{case.pk}/")
    phone.locator("summary", has_text="添加备注").tap()
    phone.locator("#note-text").fill(NOTE)
    # Signed in again in another tab: the browser's CSRF secret changed, this page's token is stale.
    cookie = next(c for c in phone.context.cookies() if c["name"] == "csrftoken")
    phone.context.add_cookies([{**cookie, "value": "x" * 32}])
    button = phone.locator("form[action$='/do/note/']").get_by_role("button", name="添加备注")
    button.tap()

    alert = phone.locator("form[action$='/do/note/'] .form-alert")
    expect(alert).to_have_text(
        "此表单已过期（页面打开太久或已重新登录），内容尚未保存，已保留在本机：请刷新页面后再点一次。"
    )
    expect(phone.locator(".error-page")).to_have_count(0)
    expect(phone.locator("#note-text")).to_have_value(NOTE)
    expect(phone.locator("#case-main .case-head")).to_be_visible()
    screenshot(phone, "drafts-note-stale-form-phone")

    # As the words say: reload, the note is back, and one tap saves it.
    phone.reload()
    expect(phone.locator("#note-text")).to_have_value(NOTE)
    phone.locator("form[action$='/do/note/']").get_by_role("button", name="添加备注").tap()
    expect(phone.locator(".timeline")).to_contain_text(NOTE[:15])
    assert CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.NOTE).count() == 1


def test_a_visit_sent_from_a_stale_form_is_said_not_saved_and_back_on_its_page_when_opened_again(phone, org):
    """The visit form is a plain form post: its stale token draws the expired form's page, which
    says the words are kept on the phone and links back to the form, where they are put back."""
    lonely = make_resident(
        make_household(make_building(org.a, "12"), "302"),
        "严凤",
        birth=datetime.date(1940, 2, 3),
        categories=["elderly_alone"],
    )
    login(phone, "worker_a")
    phone.goto(f"/residents/{lonely.pk}/visits/new/")
    phone.get_by_label("走访情况").fill(NOTE)
    cookie = next(c for c in phone.context.cookies() if c["name"] == "csrftoken")
    phone.context.add_cookies([{**cookie, "value": "x" * 32}])
    phone.get_by_role("button", name="保存走访").tap()

    page = phone.locator(".error-page")
    expect(page).to_contain_text("刚才提交的内容没有保存")
    expect(page).to_contain_text("如果您在本机输入过内容，在这个窗口重新打开该页面时会自动放回")
    # Not also shown as a copy whose form is gone: the page stands at the form's own address.
    expect(phone.locator(".draft-orphan")).to_have_count(0)
    screenshot(phone, "drafts-visit-expired-form-phone")
    page.get_by_role("link", name="重新打开该页面").tap()
    phone.wait_for_url(f"**/residents/{lonely.pk}/visits/new/")
    expect(phone.get_by_label("走访情况")).to_have_value(NOTE)
    expect(phone.locator(".draft-notice")).to_be_visible()
    phone.get_by_role("button", name="保存走访").tap()
    expect(phone.locator(".messages")).to_contain_text("对严凤的走访已保存")
    assert Visit.all_objects.filter(resident=lonely).count() == 1


def test_a_resolution_typed_when_someone_else_resolved_the_case_is_shown_after_a_reload(phone, org):
    case = make_case(org.worker_a, org.a, title="厨房地漏返水", assignee=org.worker_a)
    login(phone, "worker_a")
    phone.goto(f"/cases/{case.pk}/")
    phone.locator("summary", has_text="办结").tap()
    phone.locator("#resolve-text").fill(RESOLUTION)
    phone.wait_for_timeout(400)  # kept (the 200 ms timer)
    case.refresh_from_db()
    services.transition(access=Access(org.secretary_a), case=case, action=Action.RESOLVE, text="周勤办结")

    phone.reload()
    expect(phone.locator("#resolve-text")).to_have_count(0)
    orphan = phone.locator(".draft-orphan")
    expect(orphan).to_contain_text("您之前在这里填写但未保存的内容无法放回")
    expect(orphan.locator("textarea")).to_have_value(RESOLUTION)
    expect(orphan).to_be_in_viewport()
    screenshot(phone, "drafts-orphan-resolution-phone")
    orphan.get_by_role("button", name="复制").tap()
    expect(orphan.get_by_role("button", name="已复制")).to_be_visible()
    assert phone.evaluate("navigator.clipboard.readText()") == RESOLUTION

    # Let go of it: gone from the page and the phone, and a reload shows nothing.
    orphan.get_by_role("button", name="不需要了").tap()
    expect(phone.locator(".draft-orphan")).to_have_count(0)
    assert _kept(phone) == []
    phone.reload()
    expect(phone.locator(".draft-orphan")).to_have_count(0)


def test_the_visit_form_saved_then_back_and_saved_again_records_one_visit(phone, org):
    lonely = make_resident(
        make_household(make_building(org.a, "12"), "302"),
        "严凤",
        birth=datetime.date(1940, 2, 3),
        categories=["elderly_alone"],
    )
    login(phone, "worker_a")
    phone.goto(f"/residents/{lonely.pk}/visits/new/")
    phone.get_by_label("走访情况").fill("第二次走访测试")
    phone.get_by_role("button", name="保存走访").tap()
    expect(phone.locator(".messages")).to_contain_text("对严凤的走访已保存")
    phone.go_back()
    phone.wait_for_url(f"**/residents/{lonely.pk}/visits/new/")
    phone.get_by_label("走访情况").fill("第二次走访测试")  # as the browser or the draft left it
    phone.get_by_role("button", name="保存走访").tap()
    expect(phone.locator(".messages")).to_contain_text("已保存：这张表单提交了两次，只保存了一次。")
    assert Visit.all_objects.filter(resident=lonely).count() == 1
    assert timezone.now()
