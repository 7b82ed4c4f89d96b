"""The visit form's time is drawn as now (residents.forms.VisitForm). A visit note kept on the phone and
put back an hour later (static/js/drafts.js) brings back what the worker typed, never the time the
form was drawn with then: the time the page is drawn with now stays, and a time the worker did set is
put back. A 390 × 844 phone, in Chinese and in English."""

import datetime
import types
from unittest import mock

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from residents import forms as resident_forms
from residents.models import Visit
from tests.browser.conftest import PHONE, SCREENSHOTS, login, watch_console
from tests.factories import make_building, make_household, make_resident

pytestmark = pytest.mark.django_db(transaction=True)

FINDINGS = "老人说最近腿脚不便，楼梯扶手松动；冰箱里食物够吃三天，女儿周末来。"
WORDS = {
    "zh-CN": {
        "findings": "走访情况",
        "time": "走访时间",
        "save": "保存走访",
        "said": "之前在这里填写的内容已恢复。",
    },
    "en-US": {
        "findings": "What was found",
        "time": "Visited at",
        "save": "Save visit",
        "said": "What you typed here earlier is back.",
    },
}


@pytest.fixture(params=["zh-CN", "en-US"])
def phone(request, browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale=request.param,
        **{**PHONE, "viewport": {"width": 390, "height": 844}},
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.language = request.param
    yield page
    context.close()


@pytest.fixture
def lonely(org):
    home = make_household(make_building(org.a, "12"), "302")
    return make_resident(home, "周勤", birth=datetime.date(1940, 2, 3), categories=["elderly_alone"])


def _drawn_at(moment: datetime.datetime):
    """The visit form drawn as if it were `moment` (its time field's initial value: now)."""
    clock = types.SimpleNamespace(localtime=lambda *args: timezone.localtime(*args) if args else moment)
    return mock.patch.object(resident_forms, "timezone", clock)


def _kept(page, key: str) -> bool:
    for _ in range(50):
        if page.evaluate(f"window.sessionStorage.getItem('needle:draft:{key}')"):
            return True
        page.wait_for_timeout(100)
    return False


def _times():
    now = timezone.localtime().replace(second=0, microsecond=0)
    return now - datetime.timedelta(hours=2), now - datetime.timedelta(hours=1)


def _time(page, moment: datetime.datetime) -> None:
    expect(page.get_by_label(WORDS[page.language]["time"])).to_have_value(moment.strftime("%Y-%m-%dT%H:%M"))


def test_a_visit_note_put_back_later_keeps_the_time_drawn_now(phone, org, lonely):
    """Typed two hours ago, left; Back an hour later (Chrome fills the time the page held in, with no
    event); left, Back and reloaded 40 minutes after: the note is back each time, and the time is the
    one the page was drawn with then."""
    words = WORDS[phone.language]
    errors: list[str] = []
    watch_console(phone, errors)
    then, later = _times()
    latest = later + datetime.timedelta(minutes=40)
    login(phone, "worker_a")
    with _drawn_at(then):
        phone.goto(f"/residents/{lonely.pk}/visits/new/")
    _time(phone, then)
    phone.get_by_label(words["findings"]).fill(FINDINGS)
    assert _kept(phone, f"visit-{lonely.pk}")
    phone.goto(f"/residents/{lonely.pk}/")

    with _drawn_at(later):
        phone.go_back()
    expect(phone.get_by_label(words["findings"])).to_have_value(FINDINGS)
    _time(phone, later)
    phone.goto(f"/residents/{lonely.pk}/")

    with _drawn_at(latest):
        phone.go_back()
        phone.reload()
    expect(phone.locator(".draft-notice")).to_contain_text(words["said"])
    expect(phone.get_by_label(words["findings"])).to_have_value(FINDINGS)
    _time(phone, latest)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / f"drafts-visit-time-kept-{phone.language}.png"), scale="css")

    phone.get_by_role("button", name=words["save"]).tap()
    expect(phone.locator(".messages")).to_contain_text(lonely.name)
    visit = Visit.all_objects.get(resident=lonely)
    assert (visit.findings, timezone.localtime(visit.visited_at)) == (FINDINGS, latest)
    assert errors == [], f"console errors: {errors}"


def test_a_value_the_browser_put_in_is_not_kept_as_typed(phone, org, lonely):
    """A field's value changed with no input or change event (as a browser fills a form in by itself)
    is not the worker's: not put back later; the words typed are."""
    words = WORDS[phone.language]
    then, later = _times()
    login(phone, "worker_a")
    with _drawn_at(then):
        phone.goto(f"/residents/{lonely.pk}/visits/new/")
    phone.get_by_label(words["findings"]).fill(FINDINGS)
    earlier = (then - datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    phone.evaluate(f"document.getElementById('id_visited_at').value = '{earlier}'")
    assert _kept(phone, f"visit-{lonely.pk}")
    phone.goto(f"/residents/{lonely.pk}/")  # leaving the page keeps the latest state

    with _drawn_at(later):
        phone.goto(f"/residents/{lonely.pk}/visits/new/")
    expect(phone.locator(".draft-notice")).to_contain_text(words["said"])
    expect(phone.get_by_label(words["findings"])).to_have_value(FINDINGS)
    _time(phone, later)


def test_a_time_the_worker_set_is_put_back_with_the_note(phone, org, lonely):
    words = WORDS[phone.language]
    then, later = _times()
    set_to = then - datetime.timedelta(days=1, minutes=15)
    login(phone, "worker_a")
    with _drawn_at(then):
        phone.goto(f"/residents/{lonely.pk}/visits/new/")
    phone.get_by_label(words["time"]).fill(set_to.strftime("%Y-%m-%dT%H:%M"))
    phone.get_by_label(words["findings"]).fill(FINDINGS)
    assert _kept(phone, f"visit-{lonely.pk}")

    with _drawn_at(later):
        phone.reload()
    expect(phone.get_by_label(words["findings"])).to_have_value(FINDINGS)
    _time(phone, set_to)
