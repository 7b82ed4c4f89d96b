"""The registry's rules as a person meets them: a worker ticking 高龄老人 for a resident under 80 is
told why by the boxes, in their language; an administrator typing a room as people write it
(３０２, "3-302" in 3号) gets the room the registry's form would store, or the same refusal; a mobile
typed masked in groups finds the resident and the case; the access log's export reads in English for
a reader of English."""

import datetime
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from audit import services as audit
from audit.models import AccessRecord
from cases import services
from residents.models import Household
from tests.browser.conftest import DESKTOP, PHONE, _context, login, screenshot, watch_console
from tests.factories import make_building, make_case, make_household, make_resident

pytestmark = pytest.mark.django_db(transaction=True)


def _born_aged(years: int) -> datetime.date:
    return datetime.date(timezone.localdate().year - years, 1, 1)


@pytest.mark.parametrize(
    ("language", "device", "said"),
    [
        (
            "zh-CN",
            PHONE,
            "“高龄老人”指80岁及以上的居民，按出生日期该居民为79岁：请取消勾选，或更正出生日期。",
        ),
        (
            "en-US",
            DESKTOP,
            "“Very old (80+)” is for residents aged 80 and over; by the birth date this resident is 79: "
            "untick it or correct the birth date.",
        ),
    ],
)
def test_very_old_for_a_resident_under_80_is_refused_by_the_boxes(
    browser, live_server, org, language, device, said
):
    home = make_household(make_building(org.a, "12"), "302")
    make_resident(home, "周勤", categories=["elderly_alone"])  # the categories exist
    context = _context(browser, live_server, device, language)
    page = context.new_page()
    errors: list[str] = []
    watch_console(page, errors)
    try:
        login(page, "worker_a")
        page.goto(f"/households/{home.pk}/residents/new/")
        page.locator("#id_name").fill("陆建华")
        page.locator("#id_birth_date").fill(_born_aged(79).isoformat())
        very_old = "高龄老人" if language == "zh-CN" else "Very old (80+)"
        page.get_by_label(very_old).check()
        page.locator("button[type=submit].primary").click()
        field = page.locator(".field.has-error", has=page.get_by_label(very_old))
        expect(field.locator(".errorlist")).to_have_text(said)
        expect(page.get_by_label(very_old)).to_be_checked()  # what was typed kept, to untick
        expect(page.get_by_label(very_old)).to_be_focused()  # the box refused, not the group's first
        screenshot(page, f"resident-form-very-old-refused-{language}")
        page.get_by_label(very_old).uncheck()
        page.locator("button[type=submit].primary").click()
        expect(page.locator("h1")).to_contain_text("陆建华")
        assert errors == [], errors
    finally:
        context.close()


def test_an_administrator_types_a_room_as_people_write_it(desktop, org):
    three = make_building(org.a, "3")
    make_household(three, "302")
    home = make_household(three, "101")
    errors: list[str] = []
    watch_console(desktop, errors)
    login(desktop, "superuser")
    desktop.goto(f"/admin/residents/household/{home.pk}/change/")
    desktop.locator("#id_room").fill("3-302")
    desktop.locator("input[name=_continue]").click()
    expect(desktop.locator(".field-room .errorlist")).to_have_text("该楼栋已有302室的住户。")
    screenshot(desktop, "admin-household-room-taken")
    desktop.locator("#id_room").fill("３０４ 室")
    desktop.locator("input[name=_continue]").click()
    expect(desktop.locator(".messagelist")).to_be_visible()
    expect(desktop.locator("#id_room")).to_have_value("304")
    screenshot(desktop, "admin-household-room-read")
    assert Household.all_objects.get(pk=home.pk).room == "304"
    assert errors == [], errors


def test_a_mobile_typed_masked_in_groups_finds_the_resident_and_the_case(phone, org):
    home = make_household(make_building(org.a, "12"), "302")
    zhou = make_resident(home, "周勤", phone="13812345678")
    make_resident(home, "王志强", phone="13900002222")
    make_case(org.worker_a, org.a, title="楼道堆物", parties=[services.NewParty(zhou)])
    make_case(org.worker_a, org.a, title="路面不平")
    errors: list[str] = []
    watch_console(phone, errors)
    login(phone, "worker_a")
    phone.goto("/residents/")
    expect(phone.locator("#results")).to_contain_text("王志强")
    phone.locator("#id_q").press_sequentially("138 **** 5678", delay=30)
    expect(phone.locator("#results")).not_to_contain_text("王志强")
    expect(phone.locator("#results")).to_contain_text("周勤")
    screenshot(phone, "residents-search-masked-mobile-in-groups-phone")
    phone.goto("/cases/?status=")
    expect(phone.locator("main")).to_contain_text("路面不平")
    search = phone.locator("input[name=q]").first
    search.fill("138-****-5678")
    search.press("Enter")
    expect(phone.locator("main")).not_to_contain_text("路面不平")
    expect(phone.locator("main")).to_contain_text("楼道堆物")
    expect(phone.locator(".case-results.htmx-request")).to_have_count(0)  # the last answer drawn
    screenshot(phone, "cases-search-masked-mobile-in-groups-phone")
    assert errors == [], errors


def test_the_access_log_export_reads_in_english_for_a_reader_of_english(browser, live_server, org):
    from openpyxl import load_workbook

    wang = make_resident(make_household(make_building(org.a, "12"), "302"), "王芳")
    audit.record(user=org.worker_a, kind=AccessRecord.Kind.RESIDENT, committee_id=org.a.pk, resident=wang)
    context = _context(browser, live_server, DESKTOP, "en-US")
    page = context.new_page()
    try:
        login(page, "secretary_a")
        page.goto("/access-log/")
        expect(page.locator("h1")).to_have_text("Access log")
        screenshot(page, "access-log-en")
        with page.expect_download() as download:
            page.get_by_role("link", name="Export (.xlsx)").click()
        assert download.value.suggested_filename.startswith("access-log-")
        book = load_workbook(io.BytesIO(download.value.path().read_bytes()), read_only=True)
        rows = [tuple(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        assert book.sheetnames == ["Access log"]
        # Two rows say what the file holds (its filters, who exported it when), then the header.
        assert rows[0][0] == "Access log export"
        assert rows[2][:5] == ("When", "Who", "Account", "What", "Looked at")
        assert [(r[3], r[4]) for r in rows[3:]] == [("Resident page", "王芳")]
    finally:
        context.close()
