"""Seen as a user sees them (h-lists): a case's own rule refused on the 403 page, saying what and
whom to ask; the case list's "not applied" notice's link to the filter it could not read, with
JavaScript and without; the 405 page of a referral's reply reloaded, back to the case; a reply refused
for its own day after a colleague answered, the words kept; the reveal log's filters.
Screenshots in test-results/screenshots/: open them and look."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from audit import exported
from audit import services as audit
from cases import services
from cases.models import OutsideBody
from committee.access import Access
from tests.browser.conftest import PHONE, login, screenshot, watch_console
from tests.factories import make_building, make_case, make_household, make_resident

pytestmark = pytest.mark.django_db(transaction=True)

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


@pytest.fixture
def phone_without_js(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", java_script_enabled=False, **PHONE
    )
    yield context.new_page()
    context.close()


def _post_from_page(page, action: str, fields: dict) -> None:
    """Post a form to `action` from the page, as a page drawn before a change would (the CSRF token
    from the page's own language switch)."""
    page.evaluate(
        """([action, fields]) => {
            const form = document.createElement("form");
            form.method = "post";
            form.action = action;
            const token = document.querySelector("input[name=csrfmiddlewaretoken]").cloneNode();
            form.appendChild(token);
            for (const [name, value] of Object.entries(fields)) {
                const input = document.createElement("input");
                input.name = name;
                input.value = value;
                form.appendChild(input);
            }
            document.body.appendChild(form);
            form.submit();
        }""",
        [action, fields],
    )
    page.wait_for_load_state()


def test_a_viewer_refused_resolving_reads_what_and_whom_to_ask(phone, org):
    case = make_case(org.worker_a, org.a, title="楼道积水", assignee=org.worker_a)
    login(phone, "viewer_a")
    phone.goto(f"/cases/{case.pk}/")
    _post_from_page(phone, reverse("cases:act", args=[case.pk, "resolve"]), {"text": "好了"})
    page = phone.locator(".error-page")
    expect(page).to_contain_text("只有此事项的承办人或书记可以办结此事项。")
    expect(page).to_contain_text("如有需要，请联系书记或此事项的承办人。")
    screenshot(phone, "refusal-case-rule-viewer-phone")
    page.get_by_role("link", name="返回事项").click()
    expect(phone).to_have_url(f"{phone.url.split('/cases/')[0]}/cases/{case.pk}/")


def test_a_worker_refused_a_case_in_english(browser, live_server, org):
    from tests.factories import make_user

    case = make_case(org.worker_a, org.a, title="楼道积水", assignee=org.worker_a)
    make_user("worker_a9", committee=org.a)
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 860}
    )
    colleague_page = context.new_page()
    login(colleague_page, "worker_a9")
    colleague_page.goto(f"/cases/{case.pk}/")
    _post_from_page(colleague_page, reverse("cases:act", args=[case.pk, "wait"]), {"text": "等物业"})
    expect(colleague_page.locator(".error-page")).to_contain_text(
        "Ask the secretary to assign the case to you, or ask its assignee."
    )
    screenshot(colleague_page, "refusal-case-rule-worker-desktop-en")
    context.close()


def test_the_not_applied_notice_opens_the_panel_at_the_filter_with_javascript(phone, org):
    make_case(org.worker_a, org.a, title="楼道积水")
    errors: list = []
    watch_console(phone, errors)
    login(phone, "secretary_a")
    phone.goto("/cases/?overdue=1&created_from=2026-99-01")
    notice = phone.locator(".not-applied")
    expect(notice).to_contain_text("未按此筛选")
    panel = phone.locator("details.filter-panel")
    assert panel.get_attribute("open") is None  # closed: the notice says it
    screenshot(phone, "list-not-applied-phone")
    url = phone.url
    notice.get_by_role("link", name="修改筛选条件").click()
    assert panel.get_attribute("open") is not None
    expect(phone.locator("#id_created_from")).to_be_focused()
    assert phone.url == url  # opened in place, nothing reloaded
    screenshot(phone, "list-not-applied-opened-phone")
    assert errors == [], errors


def test_a_filter_corrected_in_place_loses_its_error_and_the_address_its_empty_fields(phone, org):
    """Review 7, item 9: after 修改筛选条件 and a good date, "输入一个有效的日期。" stayed under the field
    (htmx redraws the results, not the panel), and the address pushed held every empty field."""
    make_case(org.worker_a, org.a, title="楼道积水")
    errors: list = []
    watch_console(phone, errors)
    login(phone, "secretary_a")
    phone.goto("/cases/?status=open&due_from=2026-99-01")
    expect(phone.locator("#id_due_from_error")).to_contain_text("输入一个有效的日期")
    phone.locator(".not-applied").get_by_role("link", name="修改筛选条件").click()
    phone.locator("#id_due_from").fill("2026-12-01")
    chip = phone.locator(".filter-chips .chip", has_text="到期起：2026-12-01")
    expect(chip).to_be_visible()
    expect(phone.locator(".not-applied")).to_have_count(0)
    expect(phone.locator("#id_due_from_error")).to_have_count(0)
    assert phone.locator("#id_due_from").get_attribute("aria-invalid") is None
    screenshot(phone, "list-filter-corrected-phone")
    query = phone.url.split("?", 1)[1]
    assert sorted(query.split("&")) == ["due_from=2026-12-01", "sort=due", "status=open"], phone.url
    # A date refused again keeps its error: only the fields the results no longer refuse lose theirs.
    phone.goto("/cases/?status=&due_from=2026-12-31&due_to=2026-12-01")
    expect(phone.locator("#id_due_from_error")).to_contain_text("晚于“到期止”")
    phone.locator(".not-applied").get_by_role("link", name="修改筛选条件").click()
    phone.locator("#id_due_to").fill("2026-12-15")
    expect(phone.locator(".not-applied")).to_contain_text("晚于“到期止”（2026-12-15）")
    expect(phone.locator("#id_due_from_error")).to_be_visible()
    assert "status=&" in phone.url or phone.url.endswith("status=")  # any status, kept
    assert errors == [], errors


def test_the_not_applied_notice_opens_the_panel_without_javascript(phone_without_js, org):
    page = phone_without_js
    make_case(org.worker_a, org.a, title="楼道积水")
    login(page, "secretary_a")
    page.goto("/cases/?created_from=2026-99-01")
    page.locator(".not-applied").get_by_role("link", name="修改筛选条件").click()
    page.wait_for_load_state()
    assert "panel=open" in page.url and page.url.endswith("#id_created_from")
    assert page.locator("details.filter-panel").get_attribute("open") is not None
    expect(page.locator("#id_created_from")).to_be_in_viewport()
    screenshot(page, "list-not-applied-opened-phone-no-js")


def test_the_filters_sent_without_javascript_leave_their_empty_fields_out(phone_without_js, org):
    """The form's GET sends every field, the empty ones too: the list answers at the same query
    without them (common/querystrings.py), as htmx sends it with JavaScript."""
    page = phone_without_js
    make_case(org.worker_a, org.a, title="楼道积水")
    login(page, "secretary_a")
    page.goto("/cases/")
    page.locator("#id_q").fill("积水")
    page.locator("#id_q").press("Enter")
    page.wait_for_load_state()
    assert page.url.endswith("/cases/?q=%E7%A7%AF%E6%B0%B4&status=open&sort=due"), page.url
    expect(page.locator("#case-results")).to_contain_text("楼道积水")
    # "Any status" chosen: status= kept, the closed cases too.
    page.locator("label.chip", has_text="全部状态").click()
    page.locator(".searchbar button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith("/cases/?q=%E7%A7%AF%E6%B0%B4&status=&sort=due"), page.url
    screenshot(page, "list-no-js-clean-address-phone")


def test_a_reply_reloaded_after_its_refusal_leads_back_to_the_case(phone_without_js, org):
    """Without JavaScript a refused reply is drawn at the reply's own address; reloaded, the 405
    page leads back to the case. The reply was refused for its day, a colleague having answered:
    the words typed are in the box, and what happened is said."""
    page = phone_without_js
    case = make_case(org.worker_a, org.a, title="厨房地漏返水", assignee=org.worker_a)
    referral = services.refer(
        access=Access(org.worker_a), case=case, body=OutsideBody.objects.filter(active=True).first()
    )
    login(page, "worker_a")
    page.goto(f"/cases/{case.pk}/")
    page.get_by_text("记录答复", exact=True).click()
    form = page.locator(f"form[action='{reverse('cases:reply', args=[referral.pk])}']")
    form.locator("textarea[name=reply]").fill("物业说下周修")
    form.locator("input[name=replied_on]").fill(TOMORROW.isoformat())
    services.record_reply(access=Access(org.secretary_a), referral=referral, reply="物业已修好")
    form.get_by_role("button", name="保存答复").click()
    page.wait_for_load_state()
    words = page.locator(f"#reply-{referral.pk}-refused")
    expect(words).to_contain_text("刚刚记录了答复：“物业已修好”")
    kept = page.locator(f"form[action='{reverse('cases:reply', args=[referral.pk])}']")
    expect(kept.locator("textarea[name=reply]")).to_have_value("物业说下周修")
    expect(kept).to_contain_text("不能晚于今天")
    screenshot(page, "reply-refused-own-field-after-colleague-phone-no-js")
    page.goto(page.url)  # the address asked again with a GET, as a restored tab does
    expect(page.locator(".error-page")).to_contain_text("这个地址用于提交表单，不能直接打开。")
    screenshot(page, "reply-405-back-to-case-phone-no-js")
    page.get_by_role("link", name="返回事项").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/cases/{case.pk}/")


def test_the_reveal_log_filters(desktop, org):
    home = make_household(make_building(org.a), "302")
    wang = make_resident(home, "王芳", phone="13812345678")
    login(desktop, "secretary_a")
    from residents import services as resident_services

    resident_services.reveal_number(resident=wang, field="phone", reason="联系女儿", by=org.secretary_a)
    audit.record_export(
        user=org.secretary_a,
        committee_ids=[org.a.pk],
        exported=exported.registry(org.a.name, timezone.localdate(), numbers=2, reason="年度人口核对"),
        rows=1,
        full_numbers=True,
    )
    desktop.goto("/reveals/")
    expect(desktop.locator(".row-title")).to_have_count(2)
    desktop.locator("#id_kind").select_option("reveals")
    desktop.locator("form.filters button[type=submit]").click()
    desktop.wait_for_load_state()
    expect(desktop.locator(".row-title")).to_have_count(1)
    expect(desktop.locator(".rows")).to_contain_text("联系女儿")
    screenshot(desktop, "reveal-log-filtered-desktop")
    # Exported as filtered (residents/reveals.py reveal_log_export), named in the reader's language.
    with desktop.expect_download() as download:
        desktop.get_by_role("link", name="导出（.xlsx）").click()
    assert download.value.suggested_filename == f"号码查看记录-{timezone.localdate()}.xlsx"
    desktop.goto("/reveals/?date_from=2026-99-01")
    expect(desktop.locator(".not-applied")).to_contain_text("未按此筛选")
    expect(desktop.get_by_role("link", name="导出（.xlsx）")).to_have_count(0)
    expect(desktop.locator(".page-head")).to_contain_text("修改筛选条件后才能导出。")
    screenshot(desktop, "reveal-log-not-applied-desktop")


def test_a_refusal_of_an_action_sent_in_place_is_shown(phone, org):
    """With htmx the case page's forms answer in place, and htmx swaps no 403: a worker made a viewer
    while their page was open pressed 办结 and nothing happened. The refusal is drawn in place now."""
    from committee.models import Membership
    from committee.roles import Role

    case = make_case(org.worker_a, org.a, title="楼道积水", assignee=org.worker_a)
    login(phone, "worker_a")
    phone.goto(f"/cases/{case.pk}/")
    Membership.objects.filter(user=org.worker_a, committee=org.a).update(role=Role.VIEWER)
    phone.get_by_text("办结", exact=True).click()
    panel = phone.locator(f"form[action='{reverse('cases:act', args=[case.pk, 'resolve'])}']")
    panel.locator("textarea").fill("已疏通")
    panel.get_by_role("button").click()
    refusal = phone.locator(".error-page")
    expect(refusal).to_contain_text("只有此事项的承办人或书记可以办结此事项。")
    expect(refusal).to_contain_text("如有需要，请联系书记或此事项的承办人。")
    screenshot(phone, "refusal-case-rule-htmx-phone")
    refusal.get_by_role("link", name="返回事项").click()
    expect(phone.locator(".case-head")).to_contain_text("楼道积水")
