"""Nothing a worker typed is lost, on a phone in Chinese: a save refused because a colleague changed
the case meanwhile comes back as typed; the intake's copy kept on the device is forgotten once the
case is saved and said to be back only when something came back; a refused phone number is where
the worker looks."""

import pytest
from playwright.sync_api import expect

from cases import services
from cases.models import Case
from committee.access import Access
from tests.browser.conftest import login, screenshot, watch_console
from tests.factories import make_building, make_case, make_resident

pytestmark = pytest.mark.django_db(transaction=True)

DRAFT = "needle:draft:intake"


def _draft(page):
    return page.evaluate(f"window.sessionStorage.getItem('{DRAFT}')")


def test_an_edit_refused_as_out_of_date_comes_back_as_typed(phone, org):
    case = make_case(org.worker_a, org.a, title="楼道积水", assignee=org.worker_a)
    errors: list[str] = []
    watch_console(phone, errors)
    login(phone, "secretary_a")
    phone.goto(f"/cases/{case.pk}/")
    phone.locator("summary", has_text="修改事项").tap()
    phone.locator("#id_title").fill("地下室积水，水泵坏了")
    phone.locator("#id_description").fill("物业说周五来修")
    # Meanwhile the worker renames the case and makes it urgent.
    services.edit(
        access=Access(org.worker_a), case=case, changes={"title": "3号楼地下室积水", "priority": "urgent"}
    )
    phone.get_by_role("button", name="保存修改").tap()

    expect(phone.locator("#case-main .messages")).to_contain_text("您填写的内容都保留在下面的表单里")
    # Said where the worker looks: the page shrank as the form closed, and the phone was left at the
    # foot of the timeline, the message out of sight above.
    expect(phone.locator("#case-main .messages")).to_be_in_viewport()
    expect(phone.locator(".case-head h1")).to_have_text("3号楼地下室积水")  # the colleague's change
    expect(phone.locator("#id_title")).to_have_value("地下室积水，水泵坏了")
    expect(phone.locator("#id_title")).to_be_visible()  # its form open
    expect(phone.locator("#id_description")).to_have_value("物业说周五来修")
    expect(phone.locator("#id_priority")).to_have_value("urgent")
    expect(phone.locator("#case-main")).to_contain_text("其他人刚改为“3号楼地下室积水”")
    screenshot(phone, "edit-refused-kept-phone")
    phone.get_by_role("button", name="保存修改").tap()
    expect(phone.locator(".case-head h1")).to_have_text("地下室积水，水泵坏了")
    case.refresh_from_db()
    assert (case.description, case.priority) == ("物业说周五来修", "urgent")
    assert errors == [], f"console errors: {errors}"


def test_a_saved_case_leaves_no_copy_on_the_device_and_no_notice_of_nothing(phone, org):
    resident = make_resident(org.a, name="王秀英", building=make_building(org.a, number="12"), room="101")
    intake = f"/cases/new/?resident={resident.pk}"
    login(phone, "worker_a")
    phone.goto(intake)
    phone.locator("#id_title").fill("楼道灯不亮")
    phone.locator("label.chip", has_text="道路设施").tap()
    phone.get_by_role("button", name="登记事项").tap()
    expect(phone.locator(".case-head h1")).to_have_text("楼道灯不亮")
    case = Case.all_objects.get()
    assert _draft(phone) is None  # forgotten once saved

    # The next case for the same resident starts empty, with nothing said to be back.
    phone.goto(intake)
    expect(phone.locator("#id_title")).to_have_value("")
    phone.wait_for_load_state("networkidle")
    expect(phone.locator("#intake-notice")).to_have_text("")

    # Back to the form that was saved: it says which case it made.
    phone.go_back()
    phone.go_back()
    expect(phone.locator("#intake-notice")).to_contain_text(f"这张表已经保存过，登记为事项 {case.number}")

    # Something typed and erased again, the form left and opened again: nothing is said to be back.
    phone.goto(intake)
    phone.locator("#id_title").fill("楼道")
    phone.locator("#id_title").fill("")
    phone.goto("/cases/")
    assert _draft(phone) is not None
    phone.goto(intake)
    phone.wait_for_load_state("networkidle")
    expect(phone.locator("#intake-notice")).to_have_text("")
    assert _draft(phone) is None

    # Something typed, the form left and opened again: back, and said so.
    phone.locator("#id_description").fill("三楼到五楼都不亮")
    phone.goto("/cases/")
    phone.goto(intake)
    expect(phone.locator("#intake-notice")).to_contain_text("之前在这里填写的内容已恢复")
    expect(phone.locator("#id_description")).to_have_value("三楼到五楼都不亮")
    screenshot(phone, "intake-back-earlier-phone")
    assert Case.all_objects.count() == 1


def test_a_phone_number_refused_is_where_the_worker_looks(browser, live_server, org):
    """On a small phone the refused number's field is focused and scrolled to, not left below the
    summary at the top of the page."""
    from tests.browser.conftest import PHONE

    resident = make_resident(org.a, name="周勤", phone="13812345678")
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", **{**PHONE, "viewport": {"width": 375, "height": 560}}
    )
    page = context.new_page()
    try:
        login(page, "secretary_a")
        page.goto(f"/residents/{resident.pk}/edit/")
        page.locator("#id_phone").fill("1381234")
        page.locator("#id_notes").fill("女儿每周来一次")
        page.get_by_role("button", name="保存").tap()
        expect(page.locator(".form-errors")).to_be_attached()
        phone_field = page.locator("#id_phone")
        expect(phone_field).to_be_focused()
        expect(phone_field).to_be_in_viewport()
        expect(page.locator("#id_notes")).to_have_value("女儿每周来一次")
        screenshot(page, "resident-phone-refused-phone")
    finally:
        context.close()


def test_a_date_refused_on_the_case_page_is_where_the_worker_looks(phone, org):
    """The case page's forms answer in place (htmx): the field refused is focused there too."""
    case = make_case(org.worker_a, org.a, title="楼道积水", assignee=org.worker_a)
    login(phone, "worker_a")
    phone.goto(f"/cases/{case.pk}/")
    phone.locator("summary", has_text="修改事项").tap()
    phone.locator("#id_due_date").fill("2099-01-01")
    phone.get_by_role("button", name="保存修改").tap()
    expect(phone.locator("#case-main .messages")).to_contain_text("没有保存")
    expect(phone.locator("#id_due_date")).to_be_focused()
    expect(phone.locator("#id_due_date")).to_be_in_viewport()


def test_a_note_refused_as_too_long_is_said_where_the_worker_looks(phone, org):
    """A note past its limit: the refusal is said in the note's panel, open, by the box, which is
    focused and in view, the note kept (the words stood at the top of the case, out of sight)."""
    case = make_case(org.worker_a, org.a, title="楼道积水", assignee=org.worker_a)
    login(phone, "worker_a")
    phone.goto(f"/cases/{case.pk}/")
    phone.locator("summary", has_text="添加备注").tap()
    phone.locator("#note-text").fill("物业说周五来修。" * 300)
    phone.locator("form[action$='/do/note/']").get_by_role("button", name="添加备注").tap()
    message = phone.locator("#note-text-error")
    expect(message).to_contain_text("没有保存：最多 2000 字")
    expect(message).to_be_in_viewport()
    expect(phone.locator("#note-text")).to_be_focused()
    expect(phone.locator("#note-text")).to_have_value("物业说周五来修。" * 300)
    screenshot(phone, "note-too-long-phone")
