"""A form's address opened on its own (a reload of a refused form's page, a phone restoring the tab,
the language switch) is refused with 405 and its Allow header as before, but with a page in the
reader's language and a link back, not an empty body that Chromium shows as a blank "HTTP ERROR
405"; the language switch drawn on such a page returns to the case's own address (review 4, N1)."""

import re

import pytest
from django.urls import reverse

from tests.cases.page_text import text_of
from tests.factories import make_case

ZH = "这个地址用于提交表单，不能直接打开。"
EN = "This address is for sending a form; it can't be opened on its own."


@pytest.mark.parametrize(
    ("name", "args"),
    [("cases:attach", []), ("cases:edit", []), ("cases:refer", []), ("cases:act", ["note"])],
)
@pytest.mark.parametrize(("language", "said"), [("zh-hans", ZH), ("en", EN)])
def test_a_case_actions_address_says_so_and_links_to_the_case(org, as_user, name, args, language, said):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    response = as_user(org.worker_a).get(
        reverse(name, args=[case.pk, *args]), headers={"accept-language": language}
    )
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    page = response.content.decode()
    assert said in text_of(page)
    assert f'href="{reverse("cases:detail", args=[case.pk])}"' in page


def test_another_form_address_links_home(org, as_user):
    response = as_user(org.worker_a).get(reverse("logout"), headers={"accept-language": "zh-hans"})
    assert response.status_code == 405
    assert ZH in text_of(response.content.decode())
    assert f'href="{reverse("home")}"' in response.content.decode()


def test_head_is_refused_the_same(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    response = as_user(org.worker_a).head(reverse("cases:attach", args=[case.pk]))
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_a_wrong_method_other_than_get_is_left_as_it_was(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    response = as_user(org.worker_a).put(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 405
    assert response.content == b""


def test_the_language_switch_on_a_refused_forms_page_returns_to_the_case(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    # A refused edit without htmx is drawn at /cases/<id>/edit/ (its words kept in the form).
    response = as_user(org.worker_a).post(
        reverse("cases:edit", args=[case.pk]), {"title": "x" * 150}, headers={"accept-language": "zh-hans"}
    )
    assert response.status_code in {200, 409}
    switch = re.search(r'<form [^>]*class="language-switch">.*?</form>', response.text, re.S)
    assert switch
    assert f'name="next" value="{reverse("cases:detail", args=[case.pk])}"' in switch.group(0)


def test_the_language_switch_elsewhere_returns_to_the_page_as_asked(org, as_user):
    url = reverse("cases:detail", args=[make_case(org.worker_a, org.a, assignee=org.worker_a).pk]) + "?x=1"
    page = as_user(org.worker_a).get(url).text
    assert f'name="next" value="{url}"' in page
