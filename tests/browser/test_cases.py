"""A case's life on a phone: the worker logs it with a photo, the secretary assigns it, the worker
resolves it and records the follow-up call, the secretary closes it. Screenshots at each step."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Attachment, Case, CaseEvent
from tests.browser.conftest import PHONE, login, screenshot, watch_console
from tests.factories import jpeg_bytes, make_building, make_resident

# The categories a flush removes come back with tests/conftest.py's reference data.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def secretary_phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", **PHONE)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def _fits(page) -> bool:
    """Nothing sticks out sideways on a 375 px screen."""
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def test_case_life_on_a_phone(phone, secretary_phone, org, tmp_path):
    building = make_building(org.a, lane="449", number="12")
    make_resident(org.a, name="王秀英", building=building, room="101")
    photo = tmp_path / "drain.jpg"
    photo.write_bytes(jpeg_bytes((64, 48)))
    errors: list[str] = []
    watch_console(phone, errors)

    # The worker logs the case on one screen, picking the building and the reporter by typing.
    login(phone, "worker_a")
    phone.goto("/cases/new/")
    phone.locator("#id_title").fill("雨后底楼积水倒灌")
    phone.locator("label.chip", has_text="排水积水").click()
    phone.locator("#building_q").fill("449弄12")
    phone.locator("#building-results button.pick").first.click()
    expect(phone.locator("#picked-place")).to_contain_text("定海路449弄12号")
    phone.locator("#resident_q").fill("王秀英")
    phone.locator("#resident-results button.pick").first.click()
    expect(phone.locator("#parties")).to_contain_text("王秀英")
    phone.locator("#id_photos").set_input_files(str(photo))
    screenshot(phone, "cases-intake-phone")
    assert _fits(phone), "the intake form is wider than the phone"
    phone.get_by_role("button", name="登记事项").click()
    expect(phone.locator(".case-head h1")).to_have_text("雨后底楼积水倒灌")
    case = Case.all_objects.get()
    assert case.assignee is None and case.building == building
    assert Attachment.all_objects.filter(case=case).count() == 1
    expect(phone.locator(".attachments img")).to_be_visible()
    screenshot(phone, "cases-logged-phone")

    # The secretary assigns it to the worker; the page updates in place.
    login(secretary_phone, "secretary_a")
    secretary_phone.goto(f"/cases/{case.pk}/")
    secretary_phone.locator("summary", has_text="分派").click()
    secretary_phone.locator("#id_assignee").select_option(str(org.worker_a.pk))
    secretary_phone.get_by_role("button", name="保存").click()
    expect(secretary_phone.locator(".facts")).to_contain_text("李敏")
    # Somebody is on it now: in progress, said in the assignment's one line of the timeline.
    expect(secretary_phone.locator(".case-head")).to_contain_text("办理中")
    expect(secretary_phone.locator(".timeline")).to_contain_text("分派给李敏，转为办理中。")
    screenshot(secretary_phone, "cases-assigned-phone")

    # The worker resolves it…
    phone.goto(f"/cases/{case.pk}/")
    phone.locator("summary", has_text="办结").click()
    phone.locator("#resolve-text").fill("联系物业疏通下水管道，已不再积水。")
    phone.get_by_role("button", name="标记已办结").click()
    expect(phone.locator(".case-head")).to_contain_text("已办结")
    # …and records the follow-up call. A day not yet come is refused on its field, with what
    # was typed kept; corrected, it saves.
    today = timezone.localdate()
    phone.locator(".chips-row label", has_text="满意").first.click()
    phone.locator("#id_comment").fill("居民说很满意")
    phone.locator("#id_called_on").fill(f"{today + datetime.timedelta(days=1):%Y-%m-%d}")
    phone.get_by_role("button", name="保存回访").click()
    expect(phone.locator("body")).to_contain_text(f"回访日期不能晚于今天（{today:%Y-%m-%d}）")
    expect(phone.locator("#id_comment")).to_have_value("居民说很满意")
    screenshot(phone, "cases-follow-up-refused-phone")
    assert not CaseEvent.all_objects.filter(case=case, kind="follow_up").exists()
    phone.locator("#id_called_on").fill(f"{today:%Y-%m-%d}")
    phone.get_by_role("button", name="保存回访").click()
    expect(phone.locator(".facts")).to_contain_text("满意")
    screenshot(phone, "cases-followed-up-phone")
    assert _fits(phone), "the case page is wider than the phone"

    # The secretary closes it.
    secretary_phone.goto(f"/cases/{case.pk}/")
    secretary_phone.get_by_role("button", name="结案").click()
    expect(secretary_phone.locator(".case-head")).to_contain_text("已结案")
    screenshot(secretary_phone, "cases-closed-phone")

    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.closure == Case.Closure.FOLLOWED_UP
    kinds = list(CaseEvent.all_objects.filter(case=case).order_by("pk").values_list("kind", flat=True))
    assert kinds == ["created", "photo_added", "assigned", "status", "follow_up", "status"]
    assert errors == [], f"console errors (a CSP violation?): {errors}"


def test_a_photo_taken_by_mistake_is_removed_on_a_phone(phone, org, tmp_path):
    from cases import services
    from committee.access import Access
    from tests.factories import jpeg_upload, make_case

    case = make_case(org.worker_a, org.a, title="楼道积水", assignee=org.worker_a)
    services.add_attachment(access=Access(org.worker_a), case=case, uploaded=jpeg_upload("门口.jpg"))
    wrong = tmp_path / "王阿姨的身份证.jpg"
    wrong.write_bytes(jpeg_bytes((64, 48)))
    errors: list[str] = []
    watch_console(phone, errors)
    login(phone, "worker_a")
    phone.goto(f"/cases/{case.pk}/")
    # The worker adds a photo from the case page: the page comes back saying so…
    phone.locator("#id_files").set_input_files(str(wrong))
    phone.get_by_role("button", name="添加", exact=True).click()
    expect(phone.locator("#page-messages")).to_contain_text("文件已添加")
    expect(phone.locator(".attachments li")).to_have_count(2)
    # (No screenshot before the click: a full-page screenshot leaves style="" on some inputs,
    # which htmx's settle would then copy, a CSP report no user gets.)
    questions: list[str] = []

    def answer(dialog):
        questions.append(dialog.message)
        dialog.accept()

    phone.on("dialog", answer)
    phone.locator(".attachments li").nth(1).get_by_role("button", name="删除").click()
    expect(phone.locator(".attachments li")).to_have_count(1)
    expect(phone.locator(".timeline")).to_contain_text("删除了文件：王阿姨的身份证.jpg")
    # …and the removal's message replaces it: no stale "file added" left at the top.
    expect(phone.locator("#case-main .messages")).to_contain_text("文件已删除：王阿姨的身份证.jpg")
    expect(phone.locator("#page-messages")).to_be_empty()
    assert questions and "王阿姨的身份证.jpg" in questions[0]
    assert [a.original_name for a in Attachment.all_objects.filter(case=case)] == ["门口.jpg"]
    screenshot(phone, "cases-photo-removed-phone")
    assert _fits(phone), "the case page is wider than the phone"
    assert errors == [], f"console errors (a CSP violation?): {errors}"


def test_case_list_filters_on_a_phone(phone, org):
    from tests.factories import make_case

    make_case(org.worker_a, org.a, title="路面坑洼", code="roads")
    make_case(org.worker_a, org.a, title="楼道积水")
    login(phone, "worker_a")
    phone.goto("/cases/")
    expect(phone.locator(".case-rows")).to_contain_text("路面坑洼")
    phone.locator("summary", has_text="更多筛选").click()
    phone.locator("#id_category").select_option("roads")
    expect(phone.locator(".case-rows")).not_to_contain_text("楼道积水")
    assert "category=roads" in phone.url  # bookmarkable
    screenshot(phone, "cases-list-phone")
    assert _fits(phone), "the filtered list is wider than the phone"


def test_a_case_open_again_and_a_photo_added_later_on_a_phone(phone, org, tmp_path):
    """Not satisfied at the call: the card shows last time's resolution as 上次处理结果 beside 办理中.
    The worker then adds the photo of the drain as it is now with the intake's buttons (拍照 / 选择
    文件), not the browser's "Choose Files"."""
    from cases import services
    from committee.access import Access
    from tests.factories import make_case

    worker = Access(org.worker_a)
    case = make_case(org.worker_a, org.a, title="地漏返水", assignee=org.worker_a)
    services.transition(access=worker, case=case, action=services.Action.RESOLVE, text="已疏通下水管")
    photo = tmp_path / "地漏.jpg"
    photo.write_bytes(jpeg_bytes((64, 48)))
    errors: list[str] = []
    watch_console(phone, errors)
    login(phone, "worker_a")
    phone.goto(f"/cases/{case.pk}/")
    phone.locator(".chips-row label", has_text="不满意").click()
    phone.locator("#id_comment").fill("还在返水")
    phone.get_by_role("button", name="保存回访").click()
    expect(phone.locator(".case-head")).to_contain_text("办理中")
    expect(phone.locator("[data-resolution]")).to_contain_text("上次处理结果")
    expect(phone.locator("[data-resolution]")).to_contain_text("已疏通下水管")

    # The photo field: two buttons in the page's language, no file input of the browser's own.
    attach = phone.locator(".attach-form")
    expect(attach.locator("label.button", has_text="拍照")).to_be_visible()
    expect(attach.locator("label.button", has_text="选择文件")).to_be_visible()
    # (The inputs are there, under the buttons, for the keyboard; clipped away, as on the intake.)
    clips = attach.locator("input[type=file]").evaluate_all(
        "inputs => inputs.map(i => getComputedStyle(i).clip)"
    )
    assert clips == ["rect(0px, 0px, 0px, 0px)"] * 2, clips
    phone.locator("#id_files_files").set_input_files(str(photo))
    expect(phone.locator("#files-chosen")).to_have_text("已选照片 1 张")
    screenshot(phone, "cases-open-again-photo-chosen-phone")
    assert _fits(phone), "the case page is wider than the phone"
    attach.get_by_role("button", name="添加", exact=True).click()
    expect(phone.locator("#page-messages")).to_contain_text("文件已添加")
    expect(phone.locator(".attachments li")).to_have_count(1)
    assert [a.original_name for a in Attachment.all_objects.filter(case=case)] == ["地漏.jpg"]
    assert errors == [], f"console errors (a CSP violation?): {errors}"
