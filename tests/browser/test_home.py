"""The worker's home page on a phone: what is new first, marked, then the queue (issue 12 §4)."""

import pytest
from playwright.sync_api import expect

from cases import services
from cases.models import CaseEvent
from committee.access import Access
from notifications.services import notify_for_event
from tests.browser.conftest import login, screenshot
from tests.factories import make_case

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_newly_assigned_case_is_first_and_opening_it_clears_the_mark(phone, org):
    for i in range(3):
        make_case(org.worker_a, org.a, title=f"楼道堆物{i}", assignee=org.worker_a)
    fresh = make_case(org.secretary_a, org.a, title="电梯困人")
    services.assign(access=Access(org.secretary_a), case=fresh, assignee=org.worker_a)
    notify_for_event(CaseEvent.all_objects.filter(case=fresh).order_by("-pk").first())
    login(phone, "worker_a")
    phone.goto("/")
    news = phone.locator("section.news")
    expect(news.locator(".new-mark")).to_have_text("新")
    expect(news).to_contain_text("电梯困人")
    expect(phone.locator("[data-figure=my_count]")).to_have_text("4")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, width
    screenshot(phone, "home-news-phone")
    news.get_by_role("button", name="电梯困人").click()
    expect(phone.locator("h1")).to_contain_text("电梯困人")
    phone.goto("/")
    expect(phone.locator("section.news")).to_have_count(0)
