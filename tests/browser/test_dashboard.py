"""The dashboard draws its charts under the CSP, on a phone and on a desktop, in Chinese and English."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case
from reports.figures import add_months
from tests.browser.conftest import DESKTOP, _context, login, screenshot, watch_console
from tests.reports import helpers as h

pytestmark = pytest.mark.django_db(transaction=True)


def _a_year_of_cases(org) -> None:
    today = timezone.localdate()
    categories = [
        h.category("t-drains", "排水积水", "Drainage", 1),
        h.category("t-dispute", "邻里纠纷", "Neighbour dispute", 2),
        h.category("t-env", "环境卫生", "Environment", 3),
        h.category("t-aid", "困难帮扶", "Hardship aid", 4),
    ]
    buildings = [h.building(org.a, str(n)) for n in (12, 14, 16, 18)]
    sources = list(Case.Source)
    staff = [org.secretary_a, org.worker_a]
    n = 0
    for back in range(12):
        month = add_months(today.replace(day=1), -back)
        for i in range(3 + (back * 7) % 5):
            n += 1
            created = min(month + dt.timedelta(days=i * 3), today)
            resolved = created + dt.timedelta(days=2 + n % 9) if back else None
            h.case(
                org.a,
                created_by=org.secretary_a,
                created=created,
                cat=categories[n % 4],
                where=buildings[n % 3 if n % 5 else 0],
                source=sources[n % len(sources)],
                assignee=staff[n % 2] if n % 7 else None,
                status=Case.Status.RESOLVED if resolved and resolved <= today else Case.Status.IN_PROGRESS,
                resolved=resolved if resolved and resolved <= today else None,
                due=created + dt.timedelta(days=10),
                satisfaction="satisfied" if n % 3 else "mostly",
            )
    weekly = h.care_category("t-weekly", 7)
    for i, name in enumerate(["赵秀英", "钱国平", "孙桂兰"]):
        person = h.resident(org.a, name, room=f"{i + 1}01")
        person.care_categories.add(weekly)
        if i:
            h.visit(person, on=today - dt.timedelta(days=4 * i), by=org.worker_a)


# The texts a drawn chart shows (each line of each label, as ECharts wrote it on the canvas).
DRAWN_TEXTS = """el => echarts.getInstanceByDom(el).getZr().storage.getDisplayList()
    .filter(shape => shape.type === "tspan").map(shape => shape.style.text)"""


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_the_dashboard_draws_its_charts(device, request, org):
    _a_year_of_cases(org)
    # Open cases of every status, waiting the most (as in the demo, whose 等待中 was cut to "等..."
    # on a phone: review 3, finding 13).
    today = timezone.localdate()
    for status, n in ((Case.Status.NEW, 3), (Case.Status.WAITING, 12)):
        for _ in range(n):
            h.case(org.a, created_by=org.secretary_a, created=today, status=status, assignee=org.worker_a)
    page = request.getfixturevalue(device)
    errors: list[str] = []
    watch_console(page, errors)
    login(page, "secretary_a")
    page.goto("/dashboard/")
    expect(page.locator("h1")).to_contain_text("工作台")
    charts = page.locator(".chart.chart-drawn")
    expect(charts).to_have_count(4)
    for i in range(4):
        expect(charts.nth(i).locator("canvas").first).to_be_visible()
        box = charts.nth(i).bounding_box()
        assert box["width"] > 200 and box["height"] > 200
    if device == "phone":  # nothing wider than the phone: the page does not scroll sideways
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, width
    # The donut's labels whole, none cut short ("等..."), each status on a line of its own.
    drawn = page.locator("[data-chart=chart-by-status]").evaluate(DRAWN_TEXTS)
    assert {"新登记", "办理中", "等待中"} <= set(drawn), drawn
    assert not any("..." in text or "…" in text for text in drawn), drawn
    screenshot(page, f"dashboard-{device}")
    page.goto("/dashboard/", wait_until="load")
    assert errors == [], f"console errors (a CSP violation?): {errors}"


def test_the_dashboard_in_english_and_the_street_overview(desktop, org):
    _a_year_of_cases(org)
    login(desktop, "officer")
    # Home: one line for the street (not one a committee), leading to its overview.
    desktop.goto("/")
    expect(desktop.locator("[data-post]")).to_have_count(1)
    screenshot(desktop, "home-officer-desktop")
    desktop.locator("[data-post=street]").get_by_role("link", name="街道总览").click()
    expect(desktop.locator("h1")).to_contain_text("街道总览")
    expect(desktop.locator(".chart.chart-drawn canvas").first).to_be_visible()
    screenshot(desktop, "street-overview-desktop")
    desktop.locator("details.usermenu summary").click()
    desktop.get_by_role("button", name="English").click()
    desktop.get_by_role("link", name="定海居民区").first.click()
    expect(desktop.locator("h1")).to_contain_text("Dashboard")
    expect(desktop.locator(".chart.chart-drawn")).to_have_count(4)
    screenshot(desktop, "dashboard-desktop-en")


def test_the_monthly_summary_prints_on_a_phone(phone, org):
    _a_year_of_cases(org)
    login(phone, "secretary_a")
    phone.goto(f"/reports/summary/?month={timezone.localdate():%Y-%m}")
    expect(phone.locator("h1")).to_contain_text("月度工作小结")
    expect(phone.get_by_role("button", name="打印")).to_be_visible()
    screenshot(phone, "summary-phone")
    phone.goto("/reports/")
    expect(phone.get_by_role("link", name="台账（.xlsx）")).to_be_visible()
    screenshot(phone, "reports-phone")


# Each series of a drawn chart and the colour ECharts filled it with.
SERIES_COLOURS = """el => echarts.getInstanceByDom(el).getModel().getSeries()
    .map(series => [series.name, series.getData().getVisual("style").fill])"""


@pytest.mark.parametrize(("language", "names"), [("zh-CN", ("在办", "逾期")), ("en-US", ("Open", "Overdue"))])
def test_the_committees_chart_draws_overdue_in_the_pages_red_and_open_in_grey(
    language, names, browser, live_server, org
):
    """Review 8, finding 14: the chart coloured its series by their order, so Open (first) took the
    palette's red and Overdue blue, beside figures and chips that say overdue in red."""
    _a_year_of_cases(org)
    today = timezone.localdate()
    h.case(org.b, created_by=org.secretary_a, created=today, status=Case.Status.NEW)
    for committee in (org.a, org.b, org.b):  # overdue: due five days ago
        ago = today - dt.timedelta(days=20)
        h.case(
            committee,
            created_by=org.secretary_a,
            created=ago,
            status=Case.Status.NEW,
            due=ago + dt.timedelta(days=15),
        )
    context = _context(browser, live_server, DESKTOP, language)
    page = context.new_page()
    try:
        login(page, "officer")
        page.goto("/dashboard/")
        chart = page.locator("[data-chart=chart-committees].chart-drawn")
        expect(chart.locator("canvas").first).to_be_visible()
        red, grey = page.evaluate(
            """() => ["--red", "--muted"].map(name =>
                getComputedStyle(document.documentElement).getPropertyValue(name).trim())"""
        )
        assert red == "#9f2b2b" and grey == "#5f6670"
        assert chart.evaluate(SERIES_COLOURS) == [[names[0], grey], [names[1], red]]
        # The red says overdue only: no other chart on the committee's dashboard fills a series with it.
        screenshot(page, f"committees-chart-{language}")
        page.goto(f"/dashboard/{org.a.pk}/")
        expect(page.locator(".chart.chart-drawn")).to_have_count(4)
        for other in page.locator(".chart.chart-drawn").all():
            fills = [fill for _name, fill in other.evaluate(SERIES_COLOURS)]
            assert red not in fills, fills
    finally:
        context.close()
