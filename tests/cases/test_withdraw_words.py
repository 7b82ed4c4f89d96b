"""A case the resident withdrew says so, not that a closing was undone: the button read "撤回结案" and
the message "事项已撤回结案。" ("the closing was withdrawn"), and the status "已结案 · 撤回" (review 3,
finding 9). Now 居民撤回，结案 / 居民已撤回，事项已结案。 / 已结案 · 居民撤回."""

from django.urls import reverse

from cases.models import Case
from tests.cases.page_text import text_of
from tests.factories import make_case

ZH = {"accept-language": "zh-hans"}
EN = {"accept-language": "en"}


def _head(page: str) -> str:
    return text_of(page[page.index('class="case-head"') : page.index("</h1>")])


def test_withdrawn_by_the_resident_in_its_words(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    client = as_user(org.secretary_a)
    page = reverse("cases:detail", args=[case.pk])
    before = text_of(client.get(page, headers=ZH).text)
    assert "居民撤回，结案" in before and "撤回结案" not in before
    url = reverse("cases:act", args=[case.pk, "withdraw"])
    response = client.post(url, {"text": "居民说自己修好了"}, headers=ZH, follow=True)
    done = response.content.decode()
    assert "居民已撤回，事项已结案。" in text_of(done) and "撤回结案" not in text_of(done)
    assert "已结案 · 居民撤回" in _head(done)
    assert "结案：居民撤回。" in text_of(done[done.index("case-timeline") :])
    case.refresh_from_db()
    assert (case.status, case.closure) == (Case.Status.CLOSED, Case.Closure.WITHDRAWN)


def test_in_english_too(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    client = as_user(org.secretary_a)
    page = client.get(reverse("cases:detail", args=[case.pk]), headers=EN).text
    assert "Close: withdrawn by the resident" in page
    url = reverse("cases:act", args=[case.pk, "withdraw"])
    response = client.post(url, {"text": ""}, headers=EN, follow=True)
    assert "The resident withdrew it: the case is closed." in text_of(response.content.decode())
    assert "Closed · Withdrawn" in _head(response.content.decode())
