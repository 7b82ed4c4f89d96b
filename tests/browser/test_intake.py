"""The worker's minute on a 375 px phone in Chinese: a case logged for a resident with one photo in
at most six interactions, counted; and never losing or doubling what was typed (a session that ran
out, Back after saving), with the hint against a duplicate on the fast path."""

import datetime
import time

import pytest
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

from cases import services
from cases.models import Attachment, Case, CaseParty
from cases.rules import Action
from committee.access import Access
from tests.browser.conftest import login, screenshot, watch_console
from tests.factories import jpeg_bytes, make_building, make_case, make_resident

pytestmark = pytest.mark.django_db(transaction=True)


class Interactions:
    """Counts what a worker does: each tap, each field typed into, each picker choice is one."""

    def __init__(self, page) -> None:
        self.page = page
        self.count = 0
        self.steps: list[str] = []

    def tap(self, locator, what: str) -> None:
        self.count += 1
        self.steps.append(f"tap {what}")
        locator.tap()

    def type(self, locator, text: str, what: str) -> None:
        self.count += 1
        self.steps.append(f"type {what}")
        locator.tap()
        locator.press_sequentially(text)

    def photo(self, button, path, what: str) -> None:
        """A tap on the camera button, then the photo chosen: two."""
        self.count += 2
        self.steps += [f"tap {what}", "choose the photo"]
        with self.page.expect_file_chooser() as chooser:
            button.tap()
        chooser.value.set_files(str(path))


def test_the_workers_minute_a_case_with_a_photo_in_six_interactions(phone, org, tmp_path):
    building = make_building(org.a, lane="449", number="12")
    resident = make_resident(org.a, name="王秀英", building=building, room="101")
    photo = tmp_path / "drain.jpg"
    photo.write_bytes(jpeg_bytes((640, 480)))
    errors: list[str] = []
    watch_console(phone, errors)
    login(phone, "worker_a")
    phone.goto(f"/residents/{resident.pk}/")

    did = Interactions(phone)
    started = time.perf_counter()
    did.tap(phone.get_by_role("link", name="登记事项"), "登记事项 on the resident's page")
    expect(phone.locator("#parties")).to_contain_text("王秀英")  # the reporter, already known
    expect(phone.locator("#picked-place")).to_contain_text("449弄12号101室")  # and the place
    did.type(phone.locator("#id_title"), "厨房地漏返水", "the title")
    # The category is suggested from the words typed: 地漏, 返水 → 排水积水.
    expect(phone.locator("input[name=category][value=drainage]")).to_be_checked()
    expect(phone.locator("#category-suggested")).to_contain_text("排水积水")
    did.photo(phone.locator("label.camera"), photo, "拍照")
    expect(phone.locator("#photos-chosen")).to_contain_text("1")
    screenshot(phone, "intake-minute-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375, "wider than the phone"
    did.tap(phone.get_by_role("button", name="登记事项"), "登记事项 (save)")
    expect(phone.locator(".case-head h1")).to_have_text("厨房地漏返水")
    elapsed = time.perf_counter() - started
    screenshot(phone, "intake-minute-logged-phone")

    assert did.count <= 6, f"{did.count} interactions: {did.steps}"
    case = Case.all_objects.get()
    assert case.category.code == "drainage" and case.household == resident.household
    assert case.building == building
    assert list(CaseParty.all_objects.filter(case=case).values_list("resident", "role")) == [
        (resident.pk, CaseParty.Role.REPORTER)
    ]
    assert Attachment.all_objects.filter(case=case).count() == 1
    assert errors == [], f"console errors: {errors}"
    print(f"\nthe worker's minute: {did.count} interactions, {elapsed:.2f} s of machine time")


def test_back_after_saving_then_saving_again_opens_the_case_it_made(phone, org):
    resident = make_resident(org.a, name="王秀英", room="101")
    login(phone, "worker_a")
    phone.goto(f"/cases/new/?resident={resident.pk}")
    phone.locator("#id_title").fill("楼道灯不亮")
    phone.locator("label.chip", has_text="道路设施").tap()
    phone.get_by_role("button", name="登记事项").tap()
    expect(phone.locator(".case-head h1")).to_have_text("楼道灯不亮")
    case = Case.all_objects.get()

    phone.go_back()
    expect(phone.locator("#intake")).to_be_visible()
    phone.get_by_role("button", name="登记事项").tap()
    expect(phone.locator(".case-head h1")).to_have_text("楼道灯不亮")
    expect(phone.locator("#page-messages")).to_contain_text(f"这条事项已登记为 {case.number}")
    screenshot(phone, "intake-saved-twice-phone")
    assert Case.all_objects.count() == 1
    assert CaseParty.all_objects.filter(case=case).count() == 1


def test_the_duplicate_hint_on_the_fast_path_and_for_the_household(phone, org):
    building = make_building(org.a, lane="449", number="12")
    resident = make_resident(org.a, name="王秀英", building=building, room="101")
    neighbour = make_resident(org.a, name="赵国庆", building=building, room="302")
    make_case(org.worker_a, org.a, title="楼里下水道堵了", building=building)
    make_case(org.worker_a, org.a, title="和楼上吵架", code="dispute", household=resident.household)
    # Finished last week: no more reporters join it, so it is not offered as "the same problem".
    found = make_case(
        org.worker_a, org.a, title="老人走失后找回", code="elderly", household=resident.household
    )
    services.transition(access=Access(org.secretary_a), case=found, action=Action.RESOLVE, text="已找回")
    login(phone, "worker_a")

    # Opened from the resident: the household's open case of last week shows before anything is
    # typed, and the building's open drainage case as soon as the category is known.
    phone.goto(f"/cases/new/?resident={resident.pk}")
    expect(phone.locator("#similar")).to_contain_text("和楼上吵架")
    expect(phone.locator("#similar")).not_to_contain_text("老人走失后找回")
    phone.locator("#id_title").fill("地漏返水")
    expect(phone.locator("#similar")).to_contain_text("楼里下水道堵了")
    screenshot(phone, "intake-hint-household-phone")

    # The fast path by hand: a reporter picked, no building picked; the place is their home.
    phone.goto("/cases/new/")
    phone.locator("label.chip", has_text="排水积水").tap()
    phone.locator("#resident_q").fill("赵国庆")
    phone.locator("#resident-results button.pick", has_text="赵国庆").tap()
    expect(phone.locator("#parties")).to_contain_text("赵国庆")
    expect(phone.locator("#similar")).to_contain_text("楼里下水道堵了")
    expect(phone.locator("#similar")).not_to_contain_text("和楼上吵架")
    screenshot(phone, "intake-hint-fast-path-phone")
    assert neighbour.pk


@override_settings(SESSION_COOKIE_AGE=60, SESSION_IDLE_MINUTES=1, SESSION_RENEW_MINUTES=0)
def test_a_session_that_ran_out_keeps_what_was_typed(phone, org, tmp_path):
    building = make_building(org.a, lane="449", number="12")
    make_resident(org.a, name="王秀英", building=building, room="101")
    photo = tmp_path / "drain.jpg"
    photo.write_bytes(jpeg_bytes((64, 48)))
    login(phone, "worker_a")
    phone.goto("/cases/new/")
    phone.locator("#id_title").fill("地漏返水")
    phone.locator("#id_description").fill("昨晚开始，厨房地漏往上冒水")
    phone.locator("#id_photos").set_input_files(str(photo))
    phone.locator("#resident_q").fill("王秀英")
    phone.locator("#resident-results button.pick", has_text="王秀英").tap()
    expect(phone.locator("#parties")).to_contain_text("王秀英")

    # The phone lies idle past its one-minute session: the stored session has expired.
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    phone.locator("#resident_q").fill("李")
    phone.wait_for_url("**/accounts/login/**")
    assert "next=%2Fcases%2Fnew%2F" in phone.url  # signing in comes back to the form
    expect(phone.locator("#intake")).to_have_count(0)
    screenshot(phone, "intake-session-ended-phone")
    phone.locator("#id_username").fill("worker_a")
    phone.locator("#id_password").fill("correct horse battery")
    phone.locator("button[type=submit].primary").tap()
    phone.wait_for_url("**/cases/new/")

    expect(phone.locator("#intake-notice")).to_contain_text("重新登录前填写的内容已恢复")
    expect(phone.locator("#intake-notice")).to_contain_text("照片无法保留，请重新选择")
    expect(phone.locator("#id_title")).to_have_value("地漏返水")
    expect(phone.locator("#id_description")).to_have_value("昨晚开始，厨房地漏往上冒水")
    expect(phone.locator("input[name=category][value=drainage]")).to_be_checked()
    expect(phone.locator("#parties")).to_contain_text("王秀英")
    screenshot(phone, "intake-restored-phone")
    assert not Case.all_objects.exists()
    phone.locator("#id_photos").set_input_files(str(photo))
    phone.get_by_role("button", name="登记事项").tap()
    expect(phone.locator(".case-head h1")).to_have_text("地漏返水")
    case = Case.all_objects.get()
    assert CaseParty.all_objects.filter(case=case).count() == 1
    assert Attachment.all_objects.filter(case=case).count() == 1
