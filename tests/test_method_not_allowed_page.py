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


def _row_actions(org):
    """A case with a referral, an aid record and a file: the addresses of its rows' actions."""
    from cases import services
    from cases.models import Aid, OutsideBody
    from committee.access import Access
    from tests.factories import jpeg_upload

    case = make_case(org.worker_a, org.a, title="困难家庭", code="hardship", assignee=org.worker_a)
    access = Access(org.worker_a)
    referral = services.refer(access=access, case=case, body=OutsideBody.objects.filter(active=True).first())
    aid = services.add_aid(
        access=access, case=case, kind=Aid.Kind.choices[0][0], amount=300, status="applied"
    )
    item = services.add_attachment(access=access, case=case, uploaded=jpeg_upload())
    urls = [
        reverse("cases:chase", args=[referral.pk]),
        reverse("cases:reply", args=[referral.pk]),
        reverse("cases:aid_update", args=[aid.pk]),
        reverse("cases:attachment_remove", args=[item.pk]),
    ]
    return case, urls


@pytest.mark.parametrize(("language", "said"), [("zh-hans", ZH), ("en", EN)])
def test_a_rows_action_links_to_its_case(org, as_user, language, said):
    """A referral's chase and reply, an aid's update, a file's removal name the row, not the case:
    reloaded after a refusal, their page linked home, and the worker had to find the case again."""
    case, urls = _row_actions(org)
    back = "返回事项" if language == "zh-hans" else "Back to the case"
    for url in urls:
        response = as_user(org.worker_a).get(url, headers={"accept-language": language})
        assert response.status_code == 405 and response["Allow"] == "POST", url
        page = response.content.decode()
        assert said in text_of(page)
        link = re.search(r'<a class="button primary" href="([^"]+)">([^<]+)</a>', page)
        assert link.groups() == (reverse("cases:detail", args=[case.pk]), back), url


def test_a_rows_action_of_a_case_the_reader_cannot_see_links_home(org, as_user):
    """Another committee's worker: no case of theirs to go back to, and none named."""
    case, urls = _row_actions(org)
    for url in urls:
        page = as_user(org.worker_b).get(url).content.decode()
        assert reverse("cases:detail", args=[case.pk]) not in page
        assert f'<a class="button primary" href="{reverse("home")}">' in page


def test_the_language_switch_on_a_refused_reply_returns_to_the_case(org, as_user):
    case, urls = _row_actions(org)
    reply = urls[1]
    # A reply dated after today, refused without htmx: drawn again at the reply's own address.
    response = as_user(org.worker_a).post(reply, {"reply": "已修", "replied_on": "2999-01-01"})
    assert response.status_code == 200
    switch = re.search(r'<form [^>]*class="language-switch">.*?</form>', response.text, re.S)
    assert f'name="next" value="{reverse("cases:detail", args=[case.pk])}"' in switch.group(0)
