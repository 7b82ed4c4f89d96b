"""An outside body's numbers (review 8, finding 7): the body's own phone (an organisation's number,
not personal data) is shown on its referral, and a referral keeps the body's contact person, name
and number, shown in full to whoever sees the case; it is not a resident's, and the words about a
number typed into a referral's text say where it goes, not "in the resident's record"."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import OutsideBody, Referral
from committee.access import Access
from tests.cases.page_text import text_of
from tests.factories import admin_form_data, make_case

CONTACT = "王师傅 13912345678"
LANGUAGES = pytest.mark.parametrize("language", ["zh-hans", "en"])


@pytest.fixture
def body():
    body = OutsideBody.objects.get(name="物业公司")
    body.phone = "021-64001234"
    body.save()
    return body


def _page(client, case, language: str) -> str:
    return client.get(reverse("cases:detail", args=[case.pk]), headers={"accept-language": language}).text


def _referral_text(page: str) -> str:
    return text_of(re.search(r'<ul class="plain referrals">.*?</ul>', page, re.S).group(0))


@LANGUAGES
def test_the_bodys_phone_and_contact_are_shown_in_full_to_whoever_sees_the_case(org, as_user, body, language):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    services.refer(access=Access(org.worker_a), case=case, body=body, contact=CONTACT)
    said = "对方联系人：王师傅 13912345678" if language == "zh-hans" else "Their contact: 王师傅 13912345678"
    for user in (org.worker_a, org.viewer_a, org.secretary_a):
        page = _page(as_user(user), case, language)
        shown = _referral_text(page)
        assert "021-64001234" in shown and said in shown, user
        assert 'href="tel:021-64001234"' in page


@LANGUAGES
def test_a_contact_is_given_when_referring_and_the_hint_says_it_is_not_a_residents(
    org, as_user, body, language
):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    client = as_user(org.worker_a)
    page = _page(client, case, language)
    form = re.search(r'<form method="post" action="[^"]*/referrals/".*?</form>', page, re.S).group(0)
    assert 'name="contact"' in form
    if language == "en":
        assert "One of their staff, not a resident: shown in full" in text_of(form)
    else:
        assert "这是对方单位的工作人员，不是居民" in text_of(form)
    assert "居民档案" not in text_of(form) and "resident's record" not in text_of(form)
    data = {"body": body.pk, "sent_on": timezone.localdate().isoformat(), "contact": f" {CONTACT} "}
    response = client.post(
        reverse("cases:refer", args=[case.pk]), data, headers={"accept-language": language}
    )
    assert response.status_code == 302
    assert Referral.all_objects.get(case=case).contact == CONTACT


@LANGUAGES
def test_a_contact_given_when_chased_is_kept(org, as_user, body, language):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    referral = services.refer(access=Access(org.worker_a), case=case, body=body)
    client = as_user(org.worker_a)
    url = reverse("cases:chase", args=[referral.pk])
    assert f'name="contact" id="chase-{referral.pk}-contact"' in _page(client, case, language)
    response = client.post(url, {"text": "在排期", "contact": CONTACT}, headers={"accept-language": language})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.contact == CONTACT
    # A chase that gives none keeps the contact.
    client.post(url, {"text": "还在排期"})
    referral.refresh_from_db()
    assert referral.contact == CONTACT


@LANGUAGES
def test_a_number_in_a_reply_is_said_to_belong_in_their_contact(org, as_user, body, language):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    referral = services.refer(access=Access(org.worker_a), case=case, body=body)
    client = as_user(org.worker_a)
    data = {"replied_on": timezone.localdate().isoformat(), "reply": f"已派人疏通，联系人{CONTACT}"}
    response = client.post(
        reverse("cases:reply", args=[referral.pk]), data, headers={"accept-language": language}
    )
    said = " ".join(str(m) for m in get_messages(response.wsgi_request))
    if language == "en":
        assert "goes in “Their contact”" in said and "resident's numbers" not in said
    else:
        assert "对方联系人的电话请填在“对方联系人”里" in said and "居民档案" not in said
    # A note's number is still told to go in the resident's record.
    response = client.post(
        reverse("cases:act", args=[case.pk, "note"]),
        {"text": "住户电话 13812345678"},
        headers={"accept-language": language},
    )
    said = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert ("居民档案" in said) if language == "zh-hans" else ("resident's numbers" in said)


def test_the_admin_edits_a_referrals_contact(org, as_user, body):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    services.refer(access=Access(org.worker_a), case=case, body=body)
    client = as_user(org.superuser)
    url = reverse("admin:cases_case_change", args=[case.pk])
    data = admin_form_data(client.get(url).text)
    assert "referrals-0-contact" in data
    data["referrals-0-contact"] = [CONTACT]
    assert client.post(url, data).status_code == 302
    assert Referral.all_objects.get(case=case).contact == CONTACT


@LANGUAGES
def test_the_printed_sheet_shows_the_bodys_phone_and_the_contact(org, as_user, body, language):
    """The case sheet for the paper file prints the referral as the case page shows it: the body's
    phone, and its contact person, in full."""
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    services.refer(access=Access(org.worker_a), case=case, body=body, contact=CONTACT)
    page = (
        as_user(org.worker_a)
        .get(reverse("cases:print", args=[case.pk]), headers={"accept-language": language})
        .text
    )
    heading = "转办" if language == "zh-hans" else "Referrals"
    table = rf'<h2>{heading}</h2>\s*<table class="sheet-table">.*?</table>'
    sent_to = text_of(re.search(table, page, re.S).group(0))
    said = "对方联系人：王师傅 13912345678" if language == "zh-hans" else "Their contact: 王师傅 13912345678"
    assert "021-64001234" in sent_to and said in sent_to
