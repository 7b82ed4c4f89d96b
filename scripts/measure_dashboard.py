"""Measure the dashboard as a slow phone sees it: cold (empty cache) and warm, on a running Needle.

    make run                                   # in another terminal (the demo, served as deployed)
    .venv/bin/python scripts/measure_dashboard.py [http://127.0.0.1:8000] [--runs 3]

Debian's Chromium through Playwright with DevTools throttling (Playwright's CDP session): slow 4G
(1.6 Mbps down, 750 kbps up, 150 ms round trip) and a CPU four times slower; a 375 px phone. Logs
in as the demo's `secretary` and prints, per visit, when the page was ready (its load event), when
the four charts were drawn, and the bytes sent (HTML, script before ready). It prints figures; it
asserts nothing (times depend on the machine).
"""

import argparse
import statistics
import sys

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
SLOW_4G = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6 * 1024 * 1024 / 8,
    "uploadThroughput": 750 * 1024 / 8,
}
TIMING = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const res = performance.getEntriesByType("resource");
  const before = res.filter(r => r.startTime < nav.loadEventStart);
  const js = rs => rs.filter(r => r.name.endsWith(".js")).reduce((n, r) => n + r.transferSize, 0);
  return {ready: nav.loadEventEnd, first: nav.responseStart, html: nav.transferSize,
          scriptBefore: js(before), scriptAll: js(res)};
}"""


def visit(page) -> dict:
    page.goto("/dashboard/", wait_until="load")
    timing = page.evaluate(TIMING)
    page.locator(".chart.chart-drawn").nth(3).wait_for(timeout=60_000)
    timing["charts"] = page.evaluate("performance.now()")
    timing["scriptAll"] = page.evaluate(TIMING)["scriptAll"]
    return timing


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url", nargs="?", default="http://127.0.0.1:8000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, list[dict]] = {"cold": [], "warm": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        for _run in range(args.runs):
            context = browser.new_context(
                base_url=args.url,
                locale="zh-CN",
                viewport={"width": 375, "height": 812},
                device_scale_factor=2,
                is_mobile=True,
                has_touch=True,
            )
            page = context.new_page()
            page.goto("/accounts/login/")
            page.locator("#id_username").fill("secretary")
            page.locator("#id_password").fill("needle-demo")
            page.locator("button[type=submit].primary").click()
            page.wait_for_url(lambda url: "/accounts/login/" not in url)
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.clearBrowserCache")
            cdp.send("Network.emulateNetworkConditions", SLOW_4G)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
            results["cold"].append(visit(page))
            results["warm"].append(visit(page))
            context.close()
        browser.close()
    for name, runs in results.items():
        ready = statistics.median(r["ready"] for r in runs) / 1000
        charts = statistics.median(r["charts"] for r in runs) / 1000
        first = statistics.median(r["first"] for r in runs) / 1000
        last = runs[-1]
        print(
            f"{name}: first byte {first:.2f} s, ready {ready:.2f} s, charts drawn {charts:.2f} s "
            f"(median of {len(runs)}); "
            f"HTML {last['html'] / 1024:.1f} KB, script before ready {last['scriptBefore'] / 1024:.1f} KB, "
            f"all script {last['scriptAll'] / 1024:.1f} KB (bytes sent)"
        )


if __name__ == "__main__":
    sys.exit(main())
