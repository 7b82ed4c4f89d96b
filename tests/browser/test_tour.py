"""The secretary walks every main page on a phone and on a desktop: nothing runs off the side of the
screen, nothing trips the CSP, and each page is screenshotted (test-results/screenshots/tour-*.png)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot, watch_console
from tests.reports import helpers as h

pytestmark = pytest.mark.django_db(transaction=True)


def _a_small_committee(org) -> dict[str, str]:
    """A few cases, a household with a long address and a roster resident; returns the object pages."""
    today = timezone.localdate()
    drains = h.category("t-drains", "排水积水", "Drainage", 1)
    place = h.building(org.a, "12")
    person = h.resident(org.a, "赵秀英", room="1203")
    person.care_categories.add(h.care_category("t-weekly", 7))
    h.visit(person, on=today - dt.timedelta(days=20), by=org.worker_a)
    long_title = "楼道堆物严重影响消防通道通行居民多次反映要求尽快清理" * 2
    first = h.case(
        org.a, created_by=org.secretary_a, created=today - dt.timedelta(days=30), cat=drains, where=place,
        title=long_title, due=today - dt.timedelta(days=3), assignee=org.worker_a,
        status="in_progress",
    )  # fmt: skip
    h.party(first, person)
    for n in range(4):
        h.case(org.a, created_by=org.worker_a, created=today - dt.timedelta(days=n), cat=drains, where=place)
    return {
        "case": reverse("cases:detail", args=[first.pk]),
        "resident": reverse("residents:detail", args=[person.pk]),
        "household": reverse("residents:household", args=[person.household_id]),
        "building": reverse("residents:building", args=[place.pk]),
    }


PAGES = ["home", "cases", "case", "new", "residents", "resident", "household", "building", "roster",
         "dashboard", "reports", "import"]  # fmt: skip
FIXED = {
    "home": "home",
    "cases": "cases:list",
    "new": "cases:new",
    "residents": "residents:list",
    "roster": "residents:roster",
    "dashboard": "dashboard",
    "reports": "reports:index",
    "import": "imports:start",
}


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_the_secretary_walks_every_main_page(device, request, org):
    urls = {**{name: reverse(view) for name, view in FIXED.items()}, **_a_small_committee(org)}
    page = request.getfixturevalue(device)
    errors: list[str] = []
    watch_console(page, errors)
    login(page, "secretary_a")

    for name in PAGES:
        response = page.goto(urls[name])
        assert response.status == 200, f"{name}: {response.status}"
        expect(page.locator("main h1").first).to_be_visible()
        overflow = page.evaluate("document.scrollingElement.scrollWidth - innerWidth")
        assert overflow <= 0, f"{name} runs {overflow}px off the side of the {device}"
        screenshot(page, f"tour-{device}-{name}")

    # The navigation: five tabs on a phone (reports is reached from the dashboard), six in the rail.
    visible = page.locator("nav.mainnav a:visible")
    expect(visible).to_have_count(5 if device == "phone" else 6)
    if device == "phone":
        page.goto(urls["dashboard"])
        page.get_by_role("link", name="台账与小结").click()
        expect(page).to_have_url(re.compile(re.escape(reverse("reports:index"))))
        expect(page.locator("nav.mainnav a.phone-active")).to_have_text("工作台")

    assert errors == [], f"console errors (a CSP violation?): {errors}"
