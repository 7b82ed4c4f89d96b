"""A count tapped on a phone opens its cases, not a screen of filters (review 3, finding 4): the
secretary's 逾期 on the dashboard and 重新打开申请 on the home page, on a 390×844 phone in Chinese,
show the first case within the first screen, above the bottom bar, with the filter as a chip that
widens the list."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases import services
from cases.models import Case
from cases.rules import Action
from committee.access import Access
from tests.browser.conftest import PHONE, login, screenshot
from tests.factories import make_case

pytestmark = pytest.mark.django_db(transaction=True)

PHONE_390 = {**PHONE, "viewport": {"width": 390, "height": 844}}
BOTTOM_BAR = 60  # --nav-h: the phone's navigation at the foot of the screen covers this much


@pytest.fixture
def phone_390(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", **PHONE_390)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def _first_row_on_the_first_screen(page) -> None:
    first = page.locator(".case-rows > li").first
    expect(first).to_be_in_viewport(ratio=1)
    box = first.bounding_box()
    bottom = box["y"] + box["height"]
    assert bottom <= 844 - BOTTOM_BAR, f"the first case ends {bottom} px down, under the bottom bar"
    expect(page.locator("details.filter-panel")).not_to_have_attribute("open", "")


def test_the_overdue_count_opens_its_cases_on_the_first_screen(phone_390, org):
    page = phone_390
    long_ago = timezone.localdate() - datetime.timedelta(days=60)
    for n in range(6):
        late = make_case(org.worker_a, org.a, title=f"逾期事项{n}", assignee=org.worker_a)
        Case.all_objects.filter(pk=late.pk).update(due_date=long_ago)
    make_case(org.worker_a, org.a, title="按期事项")
    login(page, "secretary_a")
    page.goto("/dashboard/")
    page.locator("a.tile[data-figure=overdue]").click()
    page.wait_for_url("**overdue=1**")
    expect(page.locator(".result-count")).to_contain_text("6 件")
    _first_row_on_the_first_screen(page)
    chip = page.get_by_role("link", name="取消筛选：仅看逾期")
    expect(chip).to_be_in_viewport(ratio=1)
    screenshot(page, "cases-overdue-phone-390")
    chip.click()
    expect(page.locator(".case-rows")).to_contain_text("按期事项")
    expect(page.locator(".filter-chips")).to_have_count(0)


def test_the_reopen_requests_count_opens_its_cases_on_the_first_screen(phone_390, org):
    page = phone_390
    case = make_case(org.worker_a, org.a, title="又漏水了", assignee=org.worker_a)
    services.transition(access=Access(org.worker_a), case=case, action=Action.RESOLVE, text="已疏通")
    services.ask_reopen(access=Access(org.worker_a), case=case, text="居民说又漏水了")
    login(page, "secretary_a")
    page.goto("/")
    page.locator("a.tile[data-figure=reopen_asked]").click()
    page.wait_for_url("**reopen=asked**")
    _first_row_on_the_first_screen(page)
    expect(page.get_by_role("link", name="取消筛选：重新打开申请：待书记处理")).to_be_visible()
    screenshot(page, "cases-reopen-asked-phone-390")


@pytest.mark.parametrize(
    ("query", "shot"),
    [
        ("created_from=abc&created_to=2026-02-30", "cases-bad-date-phone-390"),
        ("overdue=1&category=999", "cases-overdue-bad-category-phone-390"),
        ("sort=zzz&assignee=99999", "cases-bad-sort-assignee-phone-390"),
    ],
)
def test_a_filter_from_a_link_that_cannot_be_used_leaves_the_cases_on_the_first_screen(
    phone_390, org, query, shot
):
    """Review 4, N2: an old bookmark's bad date opened the whole panel, and its "未按此筛选" notice
    and the cases began below the first screen."""
    page = phone_390
    long_ago = timezone.localdate() - datetime.timedelta(days=60)
    for n in range(3):
        late = make_case(org.worker_a, org.a, title=f"逾期事项{n}", assignee=org.worker_a)
        Case.all_objects.filter(pk=late.pk).update(due_date=long_ago)
    login(page, "secretary_a")
    page.goto(f"/cases/?{query}")
    expect(page.locator(".not-applied")).to_contain_text("未按此筛选")
    expect(page.locator(".not-applied")).to_be_in_viewport(ratio=1)
    _first_row_on_the_first_screen(page)
    if "overdue" in query:
        expect(page.get_by_role("link", name="取消筛选：仅看逾期")).to_be_in_viewport(ratio=1)
    screenshot(page, shot)
    # The reader who opens the panel finds the field to correct marked there.
    page.locator("details.filter-panel > summary").click()
    expect(page.locator("details.filter-panel [aria-invalid=true]").first).to_be_visible()


def test_removing_the_overdue_chip_goes_back_to_the_open_cases(phone_390, org):
    """Review 4, N3: × on 仅看逾期 showed every case, the closed ones too."""
    page = phone_390
    late = make_case(org.worker_a, org.a, title="逾期事项", assignee=org.worker_a)
    Case.all_objects.filter(pk=late.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=9))
    make_case(org.worker_a, org.a, title="按期事项")
    done = make_case(org.worker_a, org.a, title="已办结事项", assignee=org.worker_a)
    services.transition(access=Access(org.worker_a), case=done, action=Action.RESOLVE, text="已处理")
    login(page, "secretary_a")
    page.goto(f"/cases/?committee={org.a.pk}&overdue=1")
    page.get_by_role("link", name="取消筛选：仅看逾期").click()
    expect(page.locator(".result-count")).to_contain_text("2 件")
    expect(page.locator(".case-rows")).not_to_contain_text("已办结事项")
    expect(page.locator("label.chip.selected")).to_have_text("未结")
