"""添加 on the case page's photos with nothing chosen is refused in the files' form, saying to take a
photo or choose a file, with no success message: it said "文件已添加。" and saved nothing, and a worker
who thought the photo was sent left without it (review 3, finding 1)."""

import pytest
from django.urls import reverse
from django.utils import translation

from cases.models import Attachment, CaseEvent
from tests.cases.page_text import text_of
from tests.cases.test_refused_in_its_form import HEADERS, _refused
from tests.cases.test_repeated_submits import _form
from tests.factories import make_case

SAID = "请先拍照或选择文件。"


@pytest.fixture(autouse=True)
def _in_chinese():
    with translation.override("zh-hans"):
        yield


@HEADERS
@pytest.mark.parametrize("posted", [{}, {"files": ""}], ids=["no file part", "an empty file box"])
def test_adding_nothing_is_refused_in_the_files_form(org, as_user, headers, posted):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    url = reverse("cases:attach", args=[case.pk])
    response = as_user(org.worker_a).post(url, {"stage": "after", **posted}, headers=headers, follow=True)
    # Without htmx, at the case's own address (not /files/, which only takes a form: review 4, N1).
    assert response.redirect_chain == ([] if headers else [(reverse("cases:detail", args=[case.pk]), 302)])
    form = _refused(response, url, SAID, panel=False)  # the files' form is not folded
    assert 'id="attach-refused" tabindex="-1" autofocus' in form
    assert _form(form, url)["stage"] == ["after"]  # the stage as chosen
    page = text_of(response.content.decode())
    assert "文件已添加" not in page
    assert not Attachment.all_objects.filter(case=case).exists()
    assert not CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.PHOTO_ADDED).exists()


def test_the_refusal_is_drawn_once(org, as_user):
    """Carried to the case's page once: opened again, the page is as usual."""
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    client = as_user(org.worker_a)
    client.post(reverse("cases:attach", args=[case.pk]), {"stage": "after"})
    page = reverse("cases:detail", args=[case.pk])
    assert SAID in text_of(client.get(page).content.decode())
    assert SAID not in text_of(client.get(page).content.decode())


def test_in_english_too(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    url = reverse("cases:attach", args=[case.pk])
    with translation.override("en"):
        response = as_user(org.worker_a).post(
            url, {"stage": "before"}, headers={"accept-language": "en"}, follow=True
        )
    assert "Take a photo or choose a file first." in text_of(response.content.decode())
    assert "Files added." not in response.content.decode()
