"""What one person saved is not silently lost to another's save, nor half-written: a second reply
to a referral a colleague already answered is refused with the colleague's reply (replaced only
when the second person means to correct it); aid's notes stop at their limit, said with the length;
a note posted again after Back (a fresh one-time token, the same words) is saved once."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from cases import services
from cases.models import Aid, Case, CaseEvent, OutsideBody, Referral
from committee.access import Access
from common.lengths import NOTE_MAX
from tests.cases.test_repeated_submits import _form
from tests.factories import make_case


@pytest.fixture(autouse=True)
def _in_chinese():
    """The services' refusals are read here in Chinese, whatever language an earlier test in the
    same process left active (the PostgreSQL run read one in English)."""
    with translation.override("zh-hans"):
        yield


def _referral(org) -> tuple[Case, Referral]:
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    body = OutsideBody.objects.filter(active=True).first()
    return case, services.refer(access=Access(org.worker_a), case=case, body=body)


# --- A reply recorded twice -----------------------------------------------------------------------------


def test_a_second_reply_is_refused_with_the_colleagues_reply_and_nothing_changes(org):
    case, referral = _referral(org)
    services.record_reply(
        access=Access(org.worker_a), referral=referral, reply="物业已修好", outcome="已处理"
    )
    with pytest.raises(services.ReplyRecorded) as refused:
        services.record_reply(access=Access(org.secretary_a), referral=referral, reply="物业说下周修")
    said = " ".join(refused.value.messages)
    assert "李敏刚刚记录了答复：“物业已修好”" in said
    # The second person's words go back into their boxes (test_refused_in_its_form.py), over theirs:
    assert refused.value.newer == CaseEvent.all_objects.get(case=case, kind=CaseEvent.Kind.REPLY)
    referral.refresh_from_db()
    assert (referral.reply, referral.outcome) == ("物业已修好", "已处理")
    assert CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.REPLY).count() == 1


def test_a_reply_corrected_on_purpose_replaces_it_and_the_timeline_keeps_both(org):
    case, referral = _referral(org)
    services.record_reply(access=Access(org.worker_a), referral=referral, reply="物业已修好")
    first = CaseEvent.all_objects.get(case=case, kind=CaseEvent.Kind.REPLY)
    services.record_reply(
        access=Access(org.secretary_a),
        referral=referral,
        reply="物业已修好，并更换了水管",
        correct=True,
        corrects=first.pk,  # the reply it replaces (test_two_corrections.py: one corrected since)
    )
    referral.refresh_from_db()
    assert referral.reply == "物业已修好，并更换了水管"
    texts = CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.REPLY).values_list("text", flat=True)
    assert sorted(texts) == ["物业已修好", "物业已修好，并更换了水管"]


def test_the_second_replier_on_the_page_is_told_and_keeps_their_words(org, as_user):
    case, referral = _referral(org)
    page_url = reverse("cases:detail", args=[case.pk])
    url = reverse("cases:reply", args=[referral.pk])
    first, second = as_user(org.worker_a), as_user(org.secretary_a)
    data_first = _form(first.get(page_url).text, url) | {"reply": ["物业已修好"]}
    data_second = _form(second.get(page_url).text, url) | {"reply": ["物业说下周修"]}
    assert first.post(url, data_first).status_code == 302
    page = second.post(url, data_second).text  # drawn again at once, the refusal in the reply's panel
    assert "刚刚记录了答复：“物业已修好”" in page
    assert _form(page, url)["reply"] == ["物业说下周修"]  # in its box, as typed
    referral.refresh_from_db()
    assert referral.reply == "物业已修好"


def test_an_answered_referral_offers_its_correction_drawn_with_the_reply_as_recorded(org, as_user):
    case, referral = _referral(org)
    day = timezone.localdate()
    services.record_reply(
        access=Access(org.worker_a), referral=referral, reply="物业说下周修", outcome="待修", replied_on=day
    )
    page_url = reverse("cases:detail", args=[case.pk])
    url = reverse("cases:reply", args=[referral.pk])
    client = as_user(org.worker_a)
    page = client.get(page_url).text
    assert "更正答复" in page
    data = _form(page, url)
    assert data["reply"] == ["物业说下周修"] and data["outcome"] == ["待修"]
    assert data["replied_on"] == [day.isoformat()]
    assert data.get("token", [""])[0], "the correction form carries no one-time token"
    data |= {"reply": ["物业已修好"], "outcome": ["已处理"]}
    assert client.post(url, data).status_code == 302
    assert "答复已更正" in client.get(page_url).text
    referral.refresh_from_db()
    assert (referral.reply, referral.outcome) == ("物业已修好", "已处理")
    texts = CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.REPLY).values_list("text", flat=True)
    assert sorted(texts) == ["物业已修好", "物业说下周修"]  # the timeline keeps the words replaced


def test_a_correction_refused_for_its_day_is_drawn_again_as_typed_and_still_a_correction(org, as_user):
    case, referral = _referral(org)
    services.record_reply(access=Access(org.worker_a), referral=referral, reply="物业说下周修")
    url = reverse("cases:reply", args=[referral.pk])
    client = as_user(org.worker_a)
    data = _form(client.get(reverse("cases:detail", args=[case.pk])).text, url)
    before_sent = referral.sent_on - datetime.timedelta(days=3)
    data |= {"reply": ["物业已修好"], "replied_on": [before_sent.isoformat()]}
    page = client.post(url, data).text
    again = _form(page, url)
    assert again["reply"] == ["物业已修好"] and again["correct"] == ["True"]
    referral.refresh_from_db()
    assert referral.reply == "物业说下周修"


def test_the_correction_is_only_for_those_who_may_record_replies(org, as_user):
    case, referral = _referral(org)
    services.record_reply(access=Access(org.worker_a), referral=referral, reply="物业说下周修")
    assert "更正答复" not in as_user(org.viewer_a).get(reverse("cases:detail", args=[case.pk])).text
    url = reverse("cases:reply", args=[referral.pk])
    data = {"replied_on": timezone.localdate().isoformat(), "reply": "改了", "correct": "True"}
    assert as_user(org.viewer_a).post(url, data).status_code == 403
    assert as_user(org.worker_b).post(url, data).status_code == 404
    assert as_user(org.worker_a).get(url).status_code == 405
    referral.refresh_from_db()
    assert referral.reply == "物业说下周修"


# --- Aid's notes at their limit -------------------------------------------------------------------------


def test_an_aid_update_whose_notes_would_pass_the_limit_is_refused_with_the_length(org):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a, code="hardship")
    secretary = Access(org.secretary_a)
    aid = services.add_aid(access=secretary, case=case, kind=Aid.Kind.SUBSIDY, amount=500, notes="甲" * 1995)
    with pytest.raises(ValidationError) as refused:
        services.update_aid(access=secretary, aid=aid, status=Aid.Status.APPROVED, notes="核对过家庭收入")
    said = " ".join(refused.value.messages)
    assert str(NOTE_MAX) in said and str(1995 + 1 + 7) in said
    aid.refresh_from_db()
    assert (aid.status, aid.notes, aid.decided_on) == (Aid.Status.APPLIED, "甲" * 1995, None)
    assert CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.AID).count() == 1
    # Within the limit, the note is added to the others as before.
    services.update_aid(access=secretary, aid=aid, status=Aid.Status.APPROVED, notes="核对过")
    aid.refresh_from_db()
    assert aid.notes == "甲" * 1995 + "\n核对过" and aid.status == Aid.Status.APPROVED
    aid.full_clean()  # the admin saves it


def test_the_page_says_why_an_aid_update_was_refused(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a, code="hardship")
    aid = services.add_aid(
        access=Access(org.secretary_a), case=case, kind=Aid.Kind.SUBSIDY, amount=500, notes="甲" * 1995
    )
    client = as_user(org.secretary_a)
    url = reverse("cases:aid_update", args=[aid.pk])
    data = {"status": Aid.Status.APPROVED, "on": str(timezone.localdate()), "notes": "核对过家庭收入"}
    page = client.post(url, data).text  # drawn again at once, the refusal by the aid's row
    assert "2000" in page and "核对过家庭收入" in page
    assert Aid.all_objects.get(pk=aid.pk).status == Aid.Status.APPLIED


# --- A note posted again after Back ---------------------------------------------------------------------


def test_the_same_note_posted_again_after_back_is_saved_once(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    client = as_user(org.worker_a)
    page_url, url = reverse("cases:detail", args=[case.pk]), reverse("cases:act", args=[case.pk, "note"])
    first = _form(client.get(page_url).text, url) | {"text": ["上门查看，已联系物业"]}
    assert client.post(url, first).status_code == 302
    again = _form(client.get(page_url).text, url) | {"text": ["上门查看，已联系物业"]}  # Back: a fresh token
    assert again["token"] != first["token"]
    client.post(url, again)
    assert CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.NOTE).count() == 1
    assert "已保存" in client.get(page_url).text
    different = _form(client.get(page_url).text, url) | {"text": ["物业答应明天来修"]}
    client.post(url, different)
    assert CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.NOTE).count() == 2


def test_the_same_words_are_a_new_note_later_or_from_someone_else(org):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    now = timezone.now()
    services.add_note(access=Access(org.worker_a), case=case, text="已电话联系", at=now)
    with pytest.raises(services.Repeated):
        services.add_note(access=Access(org.worker_a), case=case, text=" 已电话联系 ", at=now)
    later = now + datetime.timedelta(minutes=30)
    services.add_note(access=Access(org.worker_a), case=case, text="已电话联系", at=later)
    services.add_note(access=Access(org.secretary_a), case=case, text="已电话联系", at=later)
    assert CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.NOTE).count() == 3
