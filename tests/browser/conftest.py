"""Real Chromium (Debian's build) driven by Playwright for Python.

`playwright install` cannot download here, so Playwright launches the system browser: Debian's
chromium-headless-shell when it is installed, else /usr/bin/chromium (CHROMIUM_PATH overrides).
Screenshots go to test-results/screenshots/ (ignored by git): open them and look.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

# The headless shell is the same Chromium (same Debian version, Blink, V8 and CSP) without the
# desktop browser around it, and what Playwright itself runs headless tests on. The full browser
# in --headless mode cost ~0.25 s of its CPU for each new page and half as much CPU again for the same
# pages: 63–67 s of user+sys for tests/browser against 43–46 s (README, "Tests and checks").
HEADLESS_SHELL = "/usr/bin/chromium-headless-shell"
CHROMIUM = os.environ.get(
    "CHROMIUM_PATH", HEADLESS_SHELL if Path(HEADLESS_SHELL).exists() else "/usr/bin/chromium"
)
SCREENSHOTS = Path(settings.BASE_DIR) / "test-results" / "screenshots"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {
    "viewport": {"width": 375, "height": 812},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1280, "height": 860}}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-system-packages (make test does).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


def _context(browser, live_server, device: dict, language: str):
    context = browser.new_context(base_url=live_server.url, locale=language, **device)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def phone(browser, live_server):
    """A page on a 375 px phone, in Chinese."""
    context = _context(browser, live_server, PHONE, "zh-CN")
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(browser, live_server):
    """A page on a desktop screen, in Chinese."""
    context = _context(browser, live_server, DESKTOP, "zh-CN")
    yield context.new_page()
    context.close()


def login(page, username: str, password: str = "correct horse battery") -> None:
    """Log the page's browser context in through the login view, without drawing the login page.

    The same GET (for the CSRF token) and POST a person's browser sends, through the page's own
    request context, which keeps the session cookie for the page: the login view, its form and
    django-axes all run. The page stays where it was (about:blank for a new one); go to a page next.
    Drawing the form, typing and following the redirect to the home page took about half a second
    to a second per test (36 logins in the browser tests); the tests of the login form itself use
    login_through_the_form.
    """
    form = page.request.get("/accounts/login/")
    assert form.ok, form.status
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text())
    assert token, "the login page has no CSRF token"
    response = page.request.post(
        "/accounts/login/",
        form={"csrfmiddlewaretoken": token.group(1), "username": username, "password": password},
        headers={"Referer": form.url},
        max_redirects=0,
    )
    assert response.status == 302, f"logging in as {username}: {response.status} (wrong password?)"


def login_through_the_form(page, username: str, password: str = "correct horse battery") -> None:
    """Type into the login form and submit it, as a person does; ends on the page it leads to."""
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("button[type=submit].primary").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # One image pixel per CSS pixel: a phone's 2× device pixels made each full-page shot about three
    # times slower to take and encode, and the picture reads as well.
    page.screenshot(path=str(path), full_page=True, scale="css")
    return path


@pytest.fixture
def console_errors():
    """Collects console errors (a CSP violation shows up here) so a test can assert there are none."""
    return []


def watch_console(page, errors: list) -> None:
    # With the URL it is about: a "Failed to load resource" names no resource in its text.
    page.on(
        "console",
        lambda msg: (
            errors.append(f"{msg.text} ({msg.location.get('url', '')})") if msg.type == "error" else None
        ),
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
