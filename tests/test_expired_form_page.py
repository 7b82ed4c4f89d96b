"""The page of a form refused as expired (the CSRF check: the page was open long, or its user signed
in again elsewhere), sent without htmx: it says this send was not saved; for a form whose words
static/js/drafts.js keeps on the device (data-keep-draft, which posts its key as _draft), that they
are put back when the page is opened again, and for any other form, how not to lose them; and it
links back to the page the form was on when the Referer is a path of this site, never elsewhere
(else home). It said "nothing was saved", offered only home, and said nothing of the words."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.cases.page_text import text_of
from tests.factories import make_case

SAID = {
    "zh-hans": {
        "not_saved": "页面打开时间过长，或期间您已退出登录：刚才提交的内容没有保存。",
        "kept": "如果您在本机输入过内容，在这个窗口重新打开该页面时会自动放回，请核对后再提交。",
        "not_kept": "您输入的内容没有另外保留：如还需要，请先用浏览器的“返回”回到该页面，"
        "把内容复制下来，再重新打开页面提交。",
        "again": "重新打开该页面",
        "home": "返回首页",
    },
    "en": {
        "not_saved": "The page was open too long, or you were signed out in the meantime: "
        "what you just sent was not saved.",
        "kept": "If you typed anything into it on this device, it is put back when you open the page "
        "again in this window: check it and send it again.",
        "not_kept": "What you typed was not kept anywhere else: if you still need it, use the browser's Back "
        "button to return to the page and copy it, then open the page again and send it.",
        "again": "Open the page again",
        "home": "Back to home",
    },
}
LANGUAGES = pytest.mark.parametrize("language", SAID)


def _expired(org, language: str, data: dict, referer: str | None) -> tuple[str, str, dict[str, str]]:
    """A note sent with no valid CSRF token: the page's text, its links (words → address)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.worker_a)
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    headers = {"Accept-Language": language} | ({"Referer": referer} if referer else {})
    response = client.post(reverse("cases:act", args=[case.pk, "note"]), data, headers=headers)
    assert response.status_code == 403
    page = response.content.decode()
    assert "data-stale-form" in page  # needle.js tells an htmx send refused so by it
    body = page[page.index('class="error-page"') :]
    anchors = re.findall(r'<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>', body)
    links = {text_of(words): href for href, words in anchors}
    return text_of(body), page, links


@LANGUAGES
def test_a_kept_form_is_said_not_saved_its_words_put_back_on_the_page_linked(org, language):
    said = SAID[language]
    text, _page, links = _expired(
        org, language, {"text": "物业说周五来修", "_draft": "case-1-note"}, "http://testserver/cases/1/?tab=x"
    )
    assert said["not_saved"] in text
    assert said["kept"] in text and said["not_kept"] not in text
    assert links == {said["again"]: "/cases/1/?tab=x", said["home"]: "/"}


@LANGUAGES
def test_a_form_not_kept_says_how_not_to_lose_the_words(org, language):
    """No _draft posted (a form not marked, or the phone runs no JavaScript): nothing is promised."""
    said = SAID[language]
    text, _page, links = _expired(org, language, {"text": "物业说周五来修"}, "http://testserver/cases/1/")
    assert said["not_saved"] in text
    assert said["not_kept"] in text and said["kept"] not in text
    assert links == {said["again"]: "/cases/1/", said["home"]: "/"}


@pytest.mark.parametrize(
    "referer",
    [
        None,
        "https://evil.example/cases/1/",
        "http://evil.example/cases/1/",
        "http://testserver//evil.example/cases/1/",
        "http://testserver/\\evil.example/",
        "javascript:alert(1)",
        "//evil.example/cases/1/",
        "http://testserver@evil.example/cases/1/",
        "not a url",
    ],
)
def test_a_referer_not_of_this_site_is_never_linked_home_is(org, referer):
    said = SAID["zh-hans"]
    _text, page, links = _expired(org, "zh-hans", {"text": "x", "_draft": "case-1-note"}, referer)
    assert links == {said["home"]: "/"}
    assert "evil" not in page and "javascript:" not in page
