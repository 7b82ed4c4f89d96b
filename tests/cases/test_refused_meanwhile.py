"""A form the case page offered, refused by the case's own rule because the case changed hands
meanwhile (the secretary gave it to someone else): the case page is drawn again with words that say
what changed, not "your role cannot", and what was typed shown to copy; with htmx in place (200),
without it the same page with 403. Before, htmx drew the 403 page in place of the whole case and the
typed words were gone from view (review 7, finding 3)."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cases import services
from cases.models import OutsideBody, Referral
from committee.access import Access
from committee.models import User
from committee.roles import Role
from tests.cases.page_text import text_of
from tests.factories import make_case, make_user

HTMX = {"hx-request": "true"}
TYPED = "请自来水公司派人查看三楼水管渗漏"


@pytest.fixture(autouse=True)
def _in_chinese():
    with translation.override("zh-hans"):
        yield


def test_a_referral_after_the_case_was_given_to_someone_else_says_who_has_it_and_keeps_the_text(org, as_user):
    wang = make_user("worker_a2", committee=org.a, role=Role.WORKER, full_name="王芳")
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    services.assign(access=Access(org.secretary_a), case=case, assignee=wang)
    body = OutsideBody.objects.filter(active=True).first()
    seen = case.version  # the case part as drawn before the secretary's change (its htmx sends' `seen`)
    case.refresh_from_db()
    assert case.version != seen
    data = {"body": body.pk, "sent_on": timezone.localdate().isoformat(), "text": TYPED, "seen": seen}
    response = as_user(org.worker_a).post(reverse("cases:refer", args=[case.pk]), data, headers=HTMX)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="case-main"' in page and "error-page" not in page
    said = text_of(page)
    changed = "此事项已改派给王芳，您不能再将此事项转办外部单位。"
    assert changed + "本次没有保存，您填写的内容显示在下面，可以复制。" in said
    assert "您的角色不能进行此操作" not in said
    at = page.index('class="card unsaved"')
    assert TYPED in page[at : page.index("</section>", at)]
    assert not Referral.all_objects.filter(case=case).exists()


@pytest.mark.parametrize("who", ["viewer_a", "worker_a2"])
def test_a_form_the_page_never_offered_is_still_the_403_page(org, as_user, who):
    """The case drawn at the version it still has: nothing changed meanwhile, the refusal is the
    reader's own (a viewer, a colleague on a case never theirs), said by the 403 page as before."""
    make_user("worker_a2", committee=org.a, role=Role.WORKER, full_name="王芳")
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    data = {"text": "办好了", "seen": case.version}
    response = as_user(getattr(org, who, None) or User.objects.get(username=who)).post(
        reverse("cases:act", args=[case.pk, "wait"]), data, headers=HTMX
    )
    assert response.status_code == 403
    assert "error-page" in response.content.decode()


@pytest.mark.parametrize("seen", ["²", "9" * 30, "-1", ""])
def test_a_seen_version_that_is_no_number_is_the_403_page_not_an_error(org, as_user, seen):
    """`seen` comes from the page; one not of its making ("²" is a digit to str.isdigit but not to
    int, a number past SQLite's integers) is no version: the refusal is the 403 page, never a 500."""
    wang = make_user("worker_a2", committee=org.a, role=Role.WORKER, full_name="王芳")
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    services.assign(access=Access(org.secretary_a), case=case, assignee=wang)
    data = {"text": TYPED, "seen": seen}
    response = as_user(org.worker_a).post(reverse("cases:act", args=[case.pk, "wait"]), data, headers=HTMX)
    assert response.status_code == 403
    assert "error-page" in response.content.decode()
