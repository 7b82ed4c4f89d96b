"""Their contact person (Referral.contact) given with the body's reply: committees mostly learn who
handles it when the reply comes in, and only the referral's form and a chase took it. The reply's
form (and its correction) has the box; typed, it replaces the contact given before, left empty that
contact stays (the box's help says so); shown on the referral and the printed sheet, in full. Who
may record the reply decides who may give it with the reply: the same URL and rules."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import OutsideBody, Referral
from committee.access import Access
from tests.cases.page_text import text_of
from tests.cases.test_repeated_submits import _form
from tests.factories import make_case

CONTACT = "王师傅 13912345678"
LANGUAGES = pytest.mark.parametrize("language", ["zh-hans", "en"])
SAID = {"zh-hans": "对方联系人：", "en": "Their contact: "}
HELP = {
    "zh-hans": "在这里填写会替换之前填的联系人；不填则保留原来的联系人。",
    "en": "Typed here, it replaces the contact given before; left empty, that contact stays.",
}


def _referral(org, **given) -> tuple:
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    body = OutsideBody.objects.get(name="物业公司")
    return case, services.refer(access=Access(org.worker_a), case=case, body=body, **given)


def _get(client, name: str, case, language: str) -> str:
    return client.get(reverse(name, args=[case.pk]), headers={"accept-language": language}).text


def _referral_text(page: str) -> str:
    return text_of(re.search(r'<ul class="plain referrals">.*?</ul>', page, re.S).group(0))


def _sheet_referrals(page: str, language: str) -> str:
    heading = "转办" if language == "zh-hans" else "Referrals"
    table = rf'<h2>{heading}</h2>\s*<table class="sheet-table">.*?</table>'
    return text_of(re.search(table, page, re.S).group(0))


@LANGUAGES
def test_a_contact_given_with_the_reply_is_shown_on_the_referral_and_the_sheet(org, as_user, language):
    case, referral = _referral(org)
    client = as_user(org.worker_a)
    url = reverse("cases:reply", args=[referral.pk])
    page = _get(client, "cases:detail", case, language)
    form = re.search(rf'<form method="post" action="{re.escape(url)}".*?</form>', page, re.S).group(0)
    assert 'name="contact"' in form and HELP[language] in text_of(form)
    data = _form(page, url) | {"reply": ["已派人疏通"], "contact": [f" {CONTACT} "]}
    assert client.post(url, data, headers={"accept-language": language}).status_code == 302
    assert Referral.all_objects.get(pk=referral.pk).contact == CONTACT
    said = SAID[language] + CONTACT
    for reader in (org.worker_a, org.viewer_a, org.secretary_a):  # in full, to whoever sees the case
        assert said in _referral_text(_get(as_user(reader), "cases:detail", case, language)), reader
    assert said in _sheet_referrals(_get(client, "cases:print", case, language), language)


@LANGUAGES
def test_a_reply_without_a_contact_keeps_the_one_given_and_a_correction_replaces_it(org, as_user, language):
    case, referral = _referral(org, contact="李经理 021-64001234")
    client = as_user(org.worker_a)
    url = reverse("cases:reply", args=[referral.pk])
    data = _form(_get(client, "cases:detail", case, language), url) | {"reply": ["下周来修"]}
    assert client.post(url, data, headers={"accept-language": language}).status_code == 302
    page = _get(client, "cases:detail", case, language)
    assert SAID[language] + "李经理 021-64001234" in _referral_text(page)
    # The correction of the reply has the box too, with the same words: a contact typed replaces it.
    form = re.search(rf'<form method="post" action="{re.escape(url)}".*?</form>', page, re.S).group(0)
    assert HELP[language] in text_of(form)
    data = _form(page, url) | {"reply": ["已派人疏通"], "contact": [CONTACT]}
    assert client.post(url, data, headers={"accept-language": language}).status_code == 302
    page = _get(client, "cases:detail", case, language)
    assert SAID[language] + CONTACT in _referral_text(page) and "李经理" not in _referral_text(page)


@pytest.mark.parametrize(
    ("who", "status"),
    [("viewer_a", 403), ("officer", 403), ("superuser", 403), ("worker_b", 404), (None, 302)],
)
def test_who_may_not_record_the_reply_may_not_give_the_contact_with_it(org, as_user, who, status):
    """As the reply itself (tests/url_rows/cases_rows.py): a viewer, a street officer and the
    superuser (who corrects in the admin) are refused, another committee's worker finds no such
    referral, and a visitor not logged in is sent to log in; the referral keeps no contact, no reply."""
    _case, referral = _referral(org)
    user = getattr(org, who) if who else None
    data = {"replied_on": timezone.localdate().isoformat(), "reply": "已派人疏通", "contact": CONTACT}
    response = as_user(user).post(reverse("cases:reply", args=[referral.pk]), data)
    assert response.status_code == status
    referral.refresh_from_db()
    assert (referral.contact, referral.reply, referral.replied_on) == ("", "", None)


def test_the_reply_is_still_taken_by_post_only(org, as_user):
    _case, referral = _referral(org)
    url = reverse("cases:reply", args=[referral.pk])
    assert as_user(org.worker_a).get(url, {"contact": CONTACT}).status_code == 405
    referral.refresh_from_db()
    assert referral.contact == ""
