"""An aid record's status update and a file's removal refused are said by their row, in the form that
was used, as the other actions' refusals are said in their panel (test_refused_in_its_form.py): the
aid's status as chosen, the words focused (`autofocus`), "nothing saved" alone at the top, with and
without htmx. They stood at the top of the case, above its title, and a plain POST was redirected
to the page with the chosen status lost; a file's uploader who may no longer remove it got a bare
403 page."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cases import services
from cases.models import Aid, Attachment, CaseEvent
from committee.access import Access
from committee.models import Membership
from committee.roles import Role
from tests.cases.page_text import text_of
from tests.cases.test_refused_in_its_form import HEADERS, TOP, _form_html
from tests.factories import jpeg_upload, make_case

DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _in_chinese():
    with translation.override("zh-hans"):
        yield


def _only_here(response, where: str, said: str) -> None:
    """The page answered at once (not redirected to), `said` in `where` (a row's markup) and not at
    the top, where only TOP stands; the page's one `autofocus` on the words, in `where`."""
    assert response.status_code == 200
    page = response.content.decode()
    assert said in text_of(where)
    top = page[: page.index('class="case-head"')]
    assert TOP in text_of(top) and said not in text_of(top)
    assert page.count(" autofocus") == 1
    words = r'<div class="has-error form-refusal" id="[a-z-]+-\d+-refused" tabindex="-1" autofocus>'
    assert re.search(words, where)


# --- An aid record's status update ----------------------------------------------------------------------


def _aid(org, **kwargs) -> Aid:
    case = make_case(org.worker_a, org.a, title="困难家庭", code="hardship", assignee=org.worker_a)
    return services.add_aid(
        access=Access(org.secretary_a), case=case, kind=Aid.Kind.SUBSIDY, amount=500, **kwargs
    )


@HEADERS
def test_an_aid_decision_for_tomorrow_is_said_by_its_row_the_status_as_chosen(org, as_user, headers):
    """A day posted by hand (the page posts today as a hidden day): the service's refusal of it."""
    aid = _aid(org)
    url = reverse("cases:aid_update", args=[aid.pk])
    tomorrow = timezone.localdate() + DAY
    data = {"status": Aid.Status.PAID, "on": tomorrow.isoformat()}
    response = as_user(org.secretary_a).post(url, data, headers=headers)
    form = _form_html(response.content.decode(), url)
    _only_here(response, form, f"救助发放日期不能晚于今天（{timezone.localdate()}）。")
    assert f'id="aid-update-{aid.pk}-refused"' in form
    assert re.search(r'<option value="paid" selected>', form)  # as chosen, not as stored (applied)
    assert 'aria-invalid="true"' in form
    aid.refresh_from_db()
    assert (aid.status, aid.paid_on) == (Aid.Status.APPLIED, None)


@HEADERS
def test_an_aid_update_whose_notes_would_pass_the_limit_is_said_by_its_row(org, as_user, headers):
    aid = _aid(org, notes="甲" * 1995)
    url = reverse("cases:aid_update", args=[aid.pk])
    data = {"status": Aid.Status.APPROVED, "on": str(timezone.localdate()), "notes": "核对过家庭收入"}
    response = as_user(org.secretary_a).post(url, data, headers=headers)
    form = _form_html(response.content.decode(), url)
    _only_here(response, form, "2000")
    assert re.search(r'<option value="approved" selected>', form)
    assert Aid.all_objects.get(pk=aid.pk).status == Aid.Status.APPLIED
    assert CaseEvent.all_objects.filter(case_id=aid.case_id, kind=CaseEvent.Kind.AID).count() == 1


def test_an_aid_update_refused_in_english_too(org, as_user):
    aid = _aid(org)
    url = reverse("cases:aid_update", args=[aid.pk])
    data = {"status": Aid.Status.PAID, "on": (timezone.localdate() + DAY).isoformat()}
    response = as_user(org.secretary_a).post(url, data, headers={"accept-language": "en"})
    assert "Nothing was saved: correct the marked fields below." in response.text
    assert "later than today" in text_of(_form_html(response.text, url))


def test_an_aid_update_done_is_still_answered_with_a_redirect(org, as_user):
    aid = _aid(org)
    url = reverse("cases:aid_update", args=[aid.pk])
    data = {"status": Aid.Status.APPROVED, "on": str(timezone.localdate())}
    assert as_user(org.secretary_a).post(url, data).status_code == 302
    assert Aid.all_objects.get(pk=aid.pk).status == Aid.Status.APPROVED


# --- A file's removal -------------------------------------------------------------------------------------


def _file_row(page: str, item: Attachment) -> str:
    """The file's tile (<li>) on the case page, as drawn."""
    at = page.index(f'{reverse("cases:attachment", args=[item.pk])}"')
    start = page.rindex("<li", 0, at)
    return page[start : page.index("\n      </li>", at)]  # the tile's own end, not its words' <li>


@HEADERS
def test_a_removal_by_an_uploader_who_no_longer_works_cases_is_said_by_the_file(org, as_user, headers):
    """李敏 added the photo, then became a viewer of the committee (a page drawn before still offered
    her the button): told why by the file, which stays, not a 403 page."""
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    item = services.add_attachment(access=Access(org.worker_a), case=case, uploaded=jpeg_upload("门口.jpg"))
    Membership.objects.filter(user=org.worker_a, committee=org.a).update(role=Role.VIEWER)
    response = as_user(org.worker_a).post(reverse("cases:attachment_remove", args=[item.pk]), headers=headers)
    row = _file_row(response.content.decode(), item)
    _only_here(response, row, "只有书记可以删除")
    assert row.startswith('<li class="refused">')
    assert f'id="remove-{item.pk}-refused"' in row
    assert reverse("cases:attachment_remove", args=[item.pk]) not in row  # no longer offered
    assert Attachment.all_objects.filter(pk=item.pk).exists()
    assert not CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.PHOTO_REMOVED).exists()


def test_a_removal_refused_in_english_too(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    item = services.add_attachment(access=Access(org.worker_a), case=case, uploaded=jpeg_upload())
    Membership.objects.filter(user=org.worker_a, committee=org.a).update(role=Role.VIEWER)
    url = reverse("cases:attachment_remove", args=[item.pk])
    response = as_user(org.worker_a).post(url, headers={"accept-language": "en"})
    assert "only the secretary can remove it now" in text_of(_file_row(response.text, item))


def test_a_removal_by_someone_never_offered_it_is_still_forbidden(org, as_user):
    """Another worker of the committee was never offered the button: 403, as before."""
    from tests.factories import make_user

    colleague = make_user("worker_a5", committee=org.a)
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    item = services.add_attachment(access=Access(org.worker_a), case=case, uploaded=jpeg_upload())
    assert as_user(colleague).post(reverse("cases:attachment_remove", args=[item.pk])).status_code == 403
    assert Attachment.all_objects.filter(pk=item.pk).exists()
