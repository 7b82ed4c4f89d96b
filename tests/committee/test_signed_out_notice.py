"""The login page says why the worker is on it (review 9, finding 17): after logging out, that they
did; after a session that ran out while idle, that it did, to protect residents' information, and
that what they were typing is kept on the device; after the 12-hour limit, that. It said nothing,
and a worker sent there from a visit form might think the visit was saved."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from committee.middleware import LOGIN_AT_KEY, SIGNED_IN_COOKIE
from tests.cases.page_text import text_of

PASSWORD = "correct horse battery"
SAID = {
    "zh-hans": {
        "logged_out": "您已退出登录。",
        "idle": "您已 30 分钟未操作，为保护居民信息，系统已自动退出登录。",
        "kept": "请重新登录后继续。您在本机填写的事项、新登记事项或走访内容已保留，登录后会放回原处。",
        "limit": "您已连续登录 12 小时，为保护居民信息，系统已自动退出登录。",
    },
    "en": {
        "logged_out": "You have logged out.",
        "idle": "You were logged out after 30 minutes without activity, to protect residents' information.",
        "kept": "Log in again to carry on. What you were typing in a case, a new case or a visit on this "
        "device is kept, and put back where it was.",
        "limit": "You were logged out after 12 hours signed in, to protect residents' information.",
    },
}
LANGUAGES = pytest.mark.parametrize("language", SAID)


def _logged_in(language: str) -> Client:
    client = Client(headers={"Accept-Language": language})
    response = client.post(reverse("login"), {"username": "worker_a", "password": PASSWORD})
    assert response.status_code == 302
    assert client.cookies[SIGNED_IN_COOKIE].value == "1"
    return client


def _text(response) -> str:
    return text_of(response.content.decode()).replace("&#x27;", "'")


@LANGUAGES
def test_after_logging_out_the_login_page_says_so(org, language):
    client = _logged_in(language)
    page = client.post(reverse("logout"), follow=True)
    assert page.redirect_chain[-1][0] == reverse("login")
    assert SAID[language]["logged_out"] in _text(page)
    assert SAID[language]["idle"] not in _text(page)
    # Then away from the site and back: the session did not run out, it was ended.
    assert client.cookies[SIGNED_IN_COOKIE].value == ""
    later = client.get("/cases/", follow=True)
    assert SAID[language]["idle"] not in _text(later)
    assert SAID[language]["logged_out"] not in _text(later)  # said once


@LANGUAGES
def test_after_an_idle_timeout_the_login_page_says_why_and_that_the_typing_is_kept(org, language):
    client = _logged_in(language)
    assert client.get("/cases/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))  # 30 idle minutes
    response = client.get("/cases/?status=open")
    assert response.status_code == 302
    assert response["Location"].endswith("&ended=idle")
    page = client.get(response["Location"])
    text = _text(page)
    assert SAID[language]["idle"] in text and SAID[language]["kept"] in text
    # Logged in again, back to the page, the mark set again for the next time.
    again = client.post(response["Location"], {"username": "worker_a", "password": PASSWORD})
    assert again["Location"] == "/cases/?status=open"
    assert client.cookies[SIGNED_IN_COOKIE].value == "1"


@LANGUAGES
def test_a_browser_that_never_logged_in_is_told_nothing_of_a_session(db, language):
    response = Client().get("/cases/", headers={"Accept-Language": language})
    assert "ended=" not in response["Location"]
    text = _text(Client().get(response["Location"], headers={"Accept-Language": language}))
    assert SAID[language]["idle"] not in text and SAID[language]["logged_out"] not in text


@LANGUAGES
def test_after_the_twelve_hour_limit_the_login_page_says_so(org, language):
    client = _logged_in(language)
    session = client.session
    session[LOGIN_AT_KEY] = (timezone.now() - timedelta(hours=12, minutes=1)).isoformat()
    session.save()
    response = client.get("/cases/")
    assert response["Location"].endswith("&ended=limit")
    text = _text(client.get(response["Location"]))
    assert SAID[language]["limit"] in text and SAID[language]["idle"] not in text


def test_an_htmx_request_that_meets_an_ended_session_carries_the_reason_to_the_login_page(org):
    """needle.js opens the address the htmx request was sent to (keeping its ?ended=)."""
    client = _logged_in("zh-hans")
    Session.objects.all().delete()
    response = client.get("/cases/", headers={"HX-Request": "true"})
    assert response.status_code == 302 and "ended=idle" in response["Location"]


def test_a_switched_off_account_is_not_told_its_session_ran_out(org):
    client = _logged_in("zh-hans")
    org.worker_a.is_active = False
    org.worker_a.save()
    response = client.get("/cases/")
    assert response.status_code == 302 and "ended=" not in response["Location"]
