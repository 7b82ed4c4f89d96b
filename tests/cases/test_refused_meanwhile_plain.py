"""A form of the case page sent without JavaScript (a plain form post, no HX-Request) after the case
changed hands: the case page again, status 403, saying what changed and who has the case now, the
typed words in a read-only box to copy and a link back to the case's own address. Before, only
htmx's sends carried the version the page was drawn at (`seen`, hx-vals on #case-main), so a plain
send could not be told from a form the page never offered and got the bare 403 page, the words
typed out of sight."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import OutsideBody, Referral
from committee.access import Access
from committee.roles import Role
from tests.cases.page_text import text_of
from tests.cases.test_repeated_submits import _form
from tests.factories import make_case, make_user

TYPED = "请自来水公司派人查看三楼水管渗漏，住户白天在家。"

SAID = {
    "zh-hans": (
        "此事项已改派给王芳，您不能再将此事项转办外部单位。本次没有保存，您填写的内容显示在下面，可以复制。",
        "返回事项",
    ),
    "en": (
        "This case was given to 王芳 meanwhile, so you can no longer refer this case to an outside body. "
        "Nothing was saved: what you typed is shown below to copy.",
        "Back to the case",
    ),
}


def _unsaved(page: str) -> str:
    at = page.index('class="card unsaved"')
    return page[at : page.index("</section>", at)]


@pytest.mark.parametrize("language", SAID)
def test_a_plain_referral_after_the_case_went_to_someone_else_is_the_case_page_with_the_words(
    org, as_user, language
):
    wang = make_user("worker_a2", committee=org.a, role=Role.WORKER, full_name="王芳")
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    client = as_user(org.worker_a)
    headers = {"Accept-Language": language}
    url = reverse("cases:refer", args=[case.pk])
    # What the browser posts: the form as the page drew it (its hidden fields), filled in.
    data = _form(client.get(reverse("cases:detail", args=[case.pk]), headers=headers).text, url)
    body = OutsideBody.objects.filter(active=True).first()
    data |= {"body": [body.pk], "sent_on": [timezone.localdate().isoformat()], "text": [TYPED]}
    # Meanwhile the secretary gives the case to 王芳.
    services.assign(access=Access(org.secretary_a), case=case, assignee=wang)

    response = client.post(url, data, headers=headers)

    assert response.status_code == 403
    page = response.content.decode()
    assert 'id="case-main"' in page and "error-page" not in page
    changed, back = SAID[language]
    assert changed in text_of(page)
    unsaved = _unsaved(page)
    box = re.search(r"<textarea[^>]*>(.*?)</textarea>", unsaved, re.S)
    assert box, "the typed words are not in a box to copy"
    assert " readonly" in box.group(0) and box.group(1).strip() == TYPED
    link = re.search(rf'<a [^>]*href="{reverse("cases:detail", args=[case.pk])}"[^>]*>(.*?)</a>', unsaved)
    assert link and text_of(link.group(1)) == back
    assert not Referral.all_objects.filter(case=case).exists()


def test_every_form_of_the_case_part_carries_the_version_it_was_drawn_at(org, as_user):
    """A send says which version of the case its page showed, with htmx or without: a hidden field."""
    case = make_case(org.worker_a, org.a, assignee=org.worker_a, code="hardship")
    page = as_user(org.secretary_a).get(reverse("cases:detail", args=[case.pk])).text
    part = page[page.index('id="case-main"') :]
    forms = re.findall(r'<form method="post" action="[^"]+".*?</form>', part, re.S)
    assert len(forms) >= 10
    for form in forms:
        assert f'<input type="hidden" name="seen" value="{case.version}">' in form, form[:120]


@pytest.mark.parametrize("who", ["viewer_a", "worker_a2"])
def test_a_plain_form_the_page_never_offered_is_still_the_403_page(org, as_user, who):
    """Nothing changed since the page was drawn: the refusal is the reader's own, the 403 page's."""
    wang = make_user("worker_a2", committee=org.a, role=Role.WORKER, full_name="王芳")
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    user = getattr(org, who, None) or wang
    data = {"text": "办好了", "seen": case.version}
    response = as_user(user).post(reverse("cases:act", args=[case.pk, "wait"]), data)
    assert response.status_code == 403
    assert "error-page" in response.content.decode()
