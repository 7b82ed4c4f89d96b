"""A form that carries the case's version (resolve, wait, reopen, …) sent after the case changed
hands is refused as stale (409) before any rule is asked. Its page said nothing was saved and showed
the words to copy, but not who has the case now, which the 403 refusal of a case that changed hands
says (case_page.refused_meanwhile_message): now it says it, in the same words."""

import re

import pytest
from django.urls import reverse

from cases import services
from cases.models import Case
from committee.access import Access
from committee.roles import Role
from tests.cases.page_text import text_of
from tests.cases.test_repeated_submits import _form
from tests.factories import make_case, make_user

TYPED = "已联系物业修好三楼水管，住户确认不再渗漏。"

GONE = {
    "zh-hans": "此事项已改派给王芳，您不能再办结此事项。本次没有保存，您填写的内容显示在下面，可以复制。",
    "en": (
        "This case was given to 王芳 meanwhile, so you can no longer resolve this case. "
        "Nothing was saved: what you typed is shown below to copy."
    ),
}


def _drawn_then_reassigned(org, client, language, action, to):
    case = Case.all_objects.get(pk=make_case(org.worker_a, org.a, assignee=org.worker_a).pk)
    url = reverse("cases:act", args=[case.pk, action])
    page = client.get(reverse("cases:detail", args=[case.pk]), headers={"Accept-Language": language}).text
    data = _form(page, url)
    services.assign(access=Access(org.secretary_a), case=case, assignee=to)
    return case, url, data


@pytest.mark.parametrize("language", GONE)
def test_a_stale_resolve_after_the_case_went_to_someone_else_says_who_has_it(org, as_user, language):
    wang = make_user("worker_a2", committee=org.a, role=Role.WORKER, full_name="王芳")
    client = as_user(org.worker_a)
    case, url, data = _drawn_then_reassigned(org, client, language, "resolve", wang)
    data["text"] = [TYPED]

    response = client.post(url, data, headers={"Accept-Language": language})

    assert response.status_code == 409
    page = response.content.decode()
    assert GONE[language] in text_of(page)
    box = re.search(r"<textarea[^>]*>(.*?)</textarea>", page[page.index('class="card unsaved"') :], re.S)
    assert box and box.group(1).strip() == TYPED
    assert Case.all_objects.get(pk=case.pk).status != Case.Status.RESOLVED


STILL = {
    "zh-hans": "此事项已改派给王芳。",
    "en": "This case was given to 王芳 meanwhile.",
}


@pytest.mark.parametrize("language", STILL)
def test_the_secretary_is_told_who_has_it_and_keeps_the_form(org, as_user, language):
    """The secretary may still resolve it: who has it now is said, the words stay in their form."""
    wang = make_user("worker_a2", committee=org.a, role=Role.WORKER, full_name="王芳")
    client = as_user(org.secretary_a)
    _case, url, data = _drawn_then_reassigned(org, client, language, "resolve", wang)
    data["text"] = [TYPED]

    response = client.post(url, data, headers={"Accept-Language": language})

    assert response.status_code == 409
    said = text_of(response.content.decode())
    assert STILL[language] in said
    assert GONE[language] not in said


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_stale_send_with_the_same_assignee_names_nobody(org, as_user, language):
    """Changed meanwhile (given again to the same worker), still the reader's: nothing said of hands."""
    client = as_user(org.worker_a)
    _case, url, data = _drawn_then_reassigned(org, client, language, "wait", org.worker_a)
    data["text"] = ["等住户回来"]
    response = client.post(url, data, headers={"Accept-Language": language})
    assert response.status_code == 409
    said = text_of(response.content.decode())
    assert "王芳" not in said and "given to" not in said and "改派" not in said


def test_a_form_drawn_without_an_assignee_said_it_was_given_to_you(org, as_user):
    client = as_user(org.worker_a)
    case = Case.all_objects.get(pk=make_case(org.worker_a, org.a).pk)
    url = reverse("cases:act", args=[case.pk, "take"])
    data = _form(client.get(reverse("cases:detail", args=[case.pk])).text, url)
    services.assign(access=Access(org.secretary_a), case=case, assignee=org.worker_a)
    response = client.post(url, data, headers={"Accept-Language": "en"})
    assert response.status_code == 409
    assert "This case was given to you meanwhile." in text_of(response.content.decode())
