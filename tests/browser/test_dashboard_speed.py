"""The dashboard on a slow phone (issue 12 §7): ready before ECharts arrives, charts a moment later.

The profile: Chromium's DevTools throttling through Playwright's CDP session, slow 4G (1.6 Mbps
down, 750 kbps up, 150 ms round trip) and a CPU four times slower. The test prints the figures
(cold: empty cache; warm: the second visit); it asserts what a user notices (the figures readable
at "ready", the charts drawn, no console error), never a time. Its figures are the headless shell's
(tests/browser/conftest.py), lower than the full browser's: the README's come from
scripts/measure_dashboard.py, which drives /usr/bin/chromium.

    .venv/bin/python -m pytest tests/browser/test_dashboard_speed.py -q -s
"""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reports.figures import Period
from scripts.measure_dashboard import SLOW_4G  # the one profile, as the README states it
from tests.browser.conftest import login, screenshot, watch_console
from tests.browser.test_dashboard import _a_year_of_cases

pytestmark = pytest.mark.django_db(transaction=True)


TIMING = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const scripts = performance.getEntriesByType("resource").filter(r => r.initiatorType === "script"
    || r.name.endsWith(".js"));
  // Script fetched before the page's load event began (what "ready" waited for).
  const before = scripts.filter(r => r.startTime < nav.loadEventStart);
  return {
    ready: nav.loadEventEnd,
    dcl: nav.domContentLoadedEventEnd,
    html: nav.transferSize,
    scriptBeforeReady: before.reduce((n, r) => n + r.transferSize, 0),
    echartsBeforeReady: before.some(r => r.name.includes("echarts")),
  };
}"""


def _visit(page) -> dict:
    page.goto("/dashboard/", wait_until="load")
    timing = page.evaluate(TIMING)
    expect(page.locator("[data-figure=open] .figure")).to_be_visible()  # the figures, at "ready"
    expect(page.locator(".chart.chart-drawn")).to_have_count(4, timeout=30_000)
    timing["charts"] = page.evaluate("performance.now()")
    return timing


def test_the_dashboard_is_ready_before_echarts_on_slow_4g_with_a_slow_cpu(phone, org, capsys):
    _a_year_of_cases(org)
    errors: list[str] = []
    watch_console(phone, errors)
    login(phone, "secretary_a")
    cdp = phone.context.new_cdp_session(phone)
    cdp.send("Network.enable")
    cdp.send("Network.clearBrowserCache")
    cdp.send("Network.emulateNetworkConditions", SLOW_4G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    cold = _visit(phone)
    warm = _visit(phone)
    screenshot(phone, "dashboard-slow-4g-phone")
    with capsys.disabled():
        for name, t in (("cold", cold), ("warm", warm)):
            print(
                f"\ndashboard {name} (slow 4G, CPU 4x): ready {t['ready'] / 1000:.2f} s "
                f"(DOMContentLoaded {t['dcl'] / 1000:.2f} s), charts drawn {t['charts'] / 1000:.2f} s; "
                f"HTML {t['html'] / 1024:.1f} KB, script before ready {t['scriptBeforeReady'] / 1024:.1f} KB"
            )
    assert not cold["echartsBeforeReady"] and not warm["echartsBeforeReady"]
    assert errors == [], f"console errors (a CSP violation?): {errors}"


def test_a_committee_without_cases_says_so_instead_of_blank_charts(phone, org):
    """Committee B before its first case: every chart says in words that there is nothing yet, and
    ECharts is not even fetched."""
    requested: list[str] = []
    phone.on("request", lambda r: requested.append(r.url))
    login(phone, "worker_b")
    phone.goto("/dashboard/", wait_until="load")
    expect(phone.locator(".chart-empty")).to_have_count(4)
    since = f"{Period(timezone.localdate()).first_month:%Y-%m}"  # this month and the 11 before
    expect(phone.locator(".chart-empty").first).to_contain_text(f"{since} 至今没有登记事项")
    expect(phone.locator(".chart")).to_have_count(0)
    screenshot(phone, "dashboard-empty-phone")
    assert not any("echarts" in url for url in requested)
