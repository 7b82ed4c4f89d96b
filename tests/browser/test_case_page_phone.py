"""The case page on a phone with a long description and a refused action (review items 6 and 7):
the description folded to its first lines, 展开全文 opening it and 收起 folding it again, the next
steps within the first screens; an empty note or 办结 refused inside its panel, open, the box
focused and on screen. Screenshots in test-results/screenshots/: open them and look."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cases import services
from cases.models import CaseEvent, OutsideBody
from committee.access import Access
from committee.models import Membership
from committee.roles import Role
from common.lengths import DESCRIPTION_MAX
from tests.browser.conftest import PHONE, SCREENSHOTS, login, screenshot, watch_console
from tests.factories import jpeg_upload, make_case

pytestmark = pytest.mark.django_db(transaction=True)

LONG = ("厨房地漏返水，楼上下水管堵塞，每天晚上七点以后返水最严重，住户已自行疏通两次无效。" * 60)[
    :DESCRIPTION_MAX
]


def _top(locator) -> float:
    return locator.evaluate("e => e.getBoundingClientRect().top + window.scrollY")


def _on_screen(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["viewport"]["height"]


def _screen(page, name: str) -> None:
    """What the phone's screen shows now (not the whole page): the refusal must be in it."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), scale="css")


def test_a_long_description_is_folded_and_a_refusal_is_said_in_its_panel(phone, org):
    case = make_case(org.worker_a, org.a, title="厨房地漏返水", assignee=org.worker_a, description=LONG)
    errors: list[str] = []
    watch_console(phone, errors)
    login(phone, "worker_a")
    phone.goto(f"/cases/{case.pk}/")
    text = phone.locator(".case-description")
    toggle = phone.locator(".fold-toggle summary")
    expect(toggle).to_have_text("展开全文", use_inner_text=True)
    folded = text.bounding_box()["height"]
    assert folded < 200, f"the folded description is {folded} px tall"
    assert _top(phone.get_by_role("heading", name="下一步")) < 1000  # was ~4,000 px down
    screenshot(phone, "case-page-long-description-folded-phone")

    toggle.click()
    expect(toggle).to_have_text("收起", use_inner_text=True)
    assert text.bounding_box()["height"] > 1500  # the whole text
    toggle.click()
    expect(toggle).to_have_text("展开全文", use_inner_text=True)
    assert text.bounding_box()["height"] == folded

    # An empty note (the browser's own check bypassed, as an old browser or a slip would): refused
    # in the note's panel, which stays open, the box focused and on screen.
    phone.get_by_text("添加备注", exact=True).first.click()
    phone.evaluate("document.querySelectorAll('form').forEach(f => f.noValidate = true)")
    phone.locator("#note-text").fill("")
    phone.get_by_role("button", name="添加备注").click()
    note = phone.locator("#note-text")
    expect(note).to_have_attribute("aria-invalid", "true")
    expect(phone.locator("#note-text-error")).to_have_text("请填写内容。")
    expect(note).to_be_focused()
    assert _on_screen(phone, note), "the refused note's box is off screen"
    assert phone.locator("details.action:has(#note-text)").get_attribute("open") is not None
    _screen(phone, "case-page-note-refused-phone")

    # An empty 办结: the same, in its own panel.
    phone.get_by_text("办结", exact=True).first.click()
    phone.evaluate("document.querySelectorAll('form').forEach(f => f.noValidate = true)")
    phone.get_by_role("button", name="标记已办结").click()
    resolve = phone.locator("#resolve-text")
    expect(phone.locator("#resolve-text-error")).to_have_text("请说明处理情况。")
    expect(resolve).to_be_focused()
    assert _on_screen(phone, resolve), "the refused resolution's box is off screen"
    _screen(phone, "case-page-resolve-refused-phone")
    assert not CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.NOTE).exists()
    assert errors == [], f"console errors (a CSP violation?): {errors}"


@pytest.fixture
def phone_without_js(browser, live_server):
    """A phone's page in Chinese with JavaScript off: what a plain form post draws."""
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", java_script_enabled=False, **PHONE
    )
    yield context.new_page()
    context.close()


def test_the_fold_opens_without_javascript(phone_without_js, org):
    page = phone_without_js
    case = make_case(org.worker_a, org.a, title="厨房地漏返水", assignee=org.worker_a, description=LONG)
    login(page, "worker_a")
    page.goto(f"/cases/{case.pk}/")
    text = page.locator(".case-description")
    folded = text.bounding_box()["height"]
    assert folded < 200
    page.locator(".fold-toggle summary").click()
    assert text.bounding_box()["height"] > 1500
    expect(page.locator(".fold-toggle summary")).to_have_text("收起", use_inner_text=True)


def test_a_refusal_no_field_stands_by_is_focused_and_on_screen_without_javascript(phone_without_js, org):
    """A reply a colleague recorded first, on a phone without JavaScript: the words in the reply's
    panel, open, focused by the browser itself (`autofocus`) and on screen below a long description;
    only "nothing was saved" at the top."""
    page = phone_without_js
    case = make_case(org.worker_a, org.a, title="厨房地漏返水", assignee=org.worker_a, description=LONG)
    body = OutsideBody.objects.filter(active=True).first()
    referral = services.refer(access=Access(org.worker_a), case=case, body=body)
    login(page, "worker_a")
    page.goto(f"/cases/{case.pk}/")
    page.get_by_text("记录答复", exact=True).click()
    form = page.locator(f"form[action='{reverse('cases:reply', args=[referral.pk])}']")
    form.locator("textarea[name=reply]").fill("物业说下周修")
    services.record_reply(access=Access(org.secretary_a), referral=referral, reply="物业已修好")
    form.get_by_role("button", name="保存答复").click()
    words = page.locator(f"#reply-{referral.pk}-refused")
    expect(words).to_contain_text("刚刚记录了答复：“物业已修好”")
    expect(words).not_to_contain_text("物业说下周修")  # not quoted: back in the box where it was typed
    expect(form.locator("textarea[name=reply]")).to_have_value("物业说下周修")
    expect(words).to_be_focused()
    assert _on_screen(page, words), "the refusal is off screen"
    assert page.locator(f"details.action:has(#reply-{referral.pk}-refused)").get_attribute("open") is not None
    expect(page.locator(".messages .message.error")).to_have_text("没有保存，请修改下面标出的内容。")
    _screen(page, "case-page-reply-refused-phone-no-js")


def test_a_referral_refused_in_place_is_focused_in_its_form(phone, org):
    """The same with JavaScript (htmx swaps the page in place): a referral dated tomorrow, refused by
    its day's box, which is focused and on screen in the referral's panel, open."""
    case = make_case(org.worker_a, org.a, title="厨房地漏返水", assignee=org.worker_a, description=LONG)
    login(phone, "worker_a")
    phone.goto(f"/cases/{case.pk}/")
    phone.get_by_text("转办外部单位", exact=True).click()
    phone.evaluate("document.querySelectorAll('form').forEach(f => f.noValidate = true)")
    form = phone.locator(f"form[action='{reverse('cases:refer', args=[case.pk])}']")
    form.locator("select[name=body]").select_option(index=1)
    form.locator("input[name=sent_on]").fill((timezone.localdate() + datetime.timedelta(days=1)).isoformat())
    form.locator("input[name=their_reference]").fill("沪水2026-18")
    form.get_by_role("button", name="记录转办").click()
    day = phone.locator("#id_sent_on")
    expect(day).to_have_attribute("aria-invalid", "true")
    expect(day).to_be_focused()
    assert _on_screen(phone, day), "the refused day is off screen"
    expect(phone.locator("#id_their_reference")).to_have_value("沪水2026-18")
    _screen(phone, "case-page-referral-refused-phone")


def test_an_aid_update_refused_in_place_is_said_by_its_row_and_focused(phone, org):
    """The aid's status update (htmx): a day the service refuses (the page's hidden day, moved to
    tomorrow as a page left open past midnight would not, but a hand could): the words by the aid's
    row, focused and on screen below a long description, the status as chosen."""
    case = make_case(
        org.worker_a, org.a, title="困难家庭", code="hardship", assignee=org.worker_a, description=LONG
    )
    aid = services.add_aid(access=Access(org.secretary_a), case=case, kind="subsidy", amount=500)
    login(phone, "secretary_a")
    phone.goto(f"/cases/{case.pk}/")
    form = phone.locator(f"form[action='{reverse('cases:aid_update', args=[aid.pk])}']")
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    form.locator("input[name=on]").evaluate("(e, day) => e.value = day", tomorrow)
    form.locator("select[name=status]").select_option("paid")
    form.get_by_role("button", name="更新").click()
    words = phone.locator(f"#aid-update-{aid.pk}-refused")
    expect(words).to_contain_text("救助发放日期不能晚于今天")
    expect(words).to_be_focused()
    assert _on_screen(phone, words), "the refusal is off screen"
    expect(form.locator("select[name=status]")).to_have_value("paid")
    expect(phone.locator(".messages .message.error")).to_have_text("没有保存，请修改下面标出的内容。")
    _screen(phone, "case-page-aid-update-refused-phone")


def test_a_removal_refused_is_said_by_the_file_without_javascript(phone_without_js, org):
    """李敏's photo, her role changed to viewer while her page still offered 删除: the words beside
    the file, focused by the browser itself and on screen, the file still there."""
    page = phone_without_js
    case = make_case(org.worker_a, org.a, title="厨房地漏返水", assignee=org.worker_a, description=LONG)
    item = services.add_attachment(access=Access(org.worker_a), case=case, uploaded=jpeg_upload("门口.jpg"))
    login(page, "worker_a")
    page.goto(f"/cases/{case.pk}/")
    Membership.objects.filter(user=org.worker_a, committee=org.a).update(role=Role.VIEWER)
    form = page.locator(f"form[action='{reverse('cases:attachment_remove', args=[item.pk])}']")
    form.get_by_role("button", name="删除").click()
    words = page.locator(f"#remove-{item.pk}-refused")
    expect(words).to_contain_text("现在只有书记可以删除")
    expect(words).to_be_focused()
    assert _on_screen(page, words), "the refusal is off screen"
    expect(page.locator(".attachments li.refused img")).to_be_visible()
    _screen(page, "case-page-removal-refused-phone-no-js")
