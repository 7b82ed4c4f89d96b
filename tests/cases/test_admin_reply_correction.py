"""A referral's reply changed in the admin's referral rows is written on the case's timeline as the
case page's correction writes it, the words it replaced kept on the reply before, or, for a referral
that had none, as its reply; a recorded reply is corrected there, not emptied. The admin saved the
row and wrote nothing: the timeline went on saying the first reply while the referral held another.
Each is marked as the administrator's (在管理后台更正：物业公司的答复。), as the admin's reopening is:
it read as a colleague's (review 4, N7)."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cases import events, services
from cases.models import Case, CaseEvent, OutsideBody, Referral
from cases.rules import Action
from committee.access import Access
from tests.cases.page_text import text_of
from tests.factories import admin_form_data, make_case

S = Case.Status


@pytest.fixture(autouse=True)
def _in_chinese():
    with translation.override("zh-hans"):
        yield


def _referral(org, body_name: str = "物业公司") -> tuple[Case, Referral]:
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    body = OutsideBody.objects.get(name=body_name)
    return case, services.refer(access=Access(org.worker_a), case=case, body=body)


def _post(client, case, **row):
    """The case's change form as the admin draws it, its first referral row posted with `row`."""
    url = reverse("admin:cases_case_change", args=[case.pk])
    data = admin_form_data(client.get(url).text)
    return client.post(url, {**data, **{f"referrals-0-{k}": [v] for k, v in row.items()}})


def _replies(case) -> list[CaseEvent]:
    return list(CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.REPLY).order_by("pk"))


def test_a_reply_corrected_in_the_admin_is_a_correction_on_the_timeline(org, as_user):
    case, referral = _referral(org)
    worker = Access(org.worker_a)
    services.record_reply(access=worker, referral=referral, reply="物业说下周修", outcome="待修")
    response = _post(as_user(org.superuser), case, reply="物业已换水管", outcome="已处理")
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.reply, referral.outcome) == ("物业已换水管", "已处理")
    first, corrected = _replies(case)
    assert first.text == "物业说下周修"  # the words replaced, kept on the reply before
    assert (corrected.text, corrected.actor_id) == ("物业已换水管", org.superuser.pk)
    assert corrected.data["correction"] is True and corrected.data["referral"] == referral.pk
    assert corrected.data["corrected"] is True
    assert str(events.sentence(corrected)) == "在管理后台更正：物业公司的答复。已处理"
    with translation.override("en"):
        said = str(events.sentence(corrected))
        assert said == "Corrected in the admin: the reply from Property company. 已处理"
    # On the case page, as the assignee reads it.
    page = text_of(as_user(org.worker_a).get(reverse("cases:detail", args=[case.pk])).text)
    assert "在管理后台更正：物业公司的答复。" in page and "物业已换水管" in page
    # The case page's own correction is not marked.
    assert "corrected" not in _replies(case)[0].data


def test_a_reply_corrected_in_a_closed_case(org, as_user):
    """Outside the case's life, as the admin's other corrections: the case page offers no correction
    of a closed case's reply."""
    case, referral = _referral(org)
    services.record_reply(access=Access(org.worker_a), referral=referral, reply="物业说下周修")
    services.transition(access=Access(org.worker_a), case=case, action=Action.RESOLVE, text="已疏通")
    Case.all_objects.filter(pk=case.pk).update(status=S.CLOSED, closure=Case.Closure.WITHDRAWN)
    assert _post(as_user(org.superuser), case, reply="物业已修好").status_code == 302
    assert [e.text for e in _replies(case)] == ["物业说下周修", "物业已修好"]
    assert Case.all_objects.get(pk=case.pk).status == S.CLOSED


def test_a_first_reply_recorded_in_the_admin_is_its_reply_on_the_timeline(org, as_user):
    case, referral = _referral(org)
    today = timezone.localdate().isoformat()
    assert _post(as_user(org.superuser), case, replied_on=today, reply="物业已修好").status_code == 302
    assert Referral.all_objects.get(pk=referral.pk).reply == "物业已修好"
    (reply,) = _replies(case)
    assert reply.text == "物业已修好" and "correction" not in reply.data
    # As the case page's reply says it, marked as the administrator's.
    assert str(events.sentence(reply)) == "在管理后台更正：物业公司当天答复。"
    with translation.override("en"):
        said = str(events.sentence(reply))
        assert said == "Corrected in the admin: reply from Property company the same day."
    # The status is the admin's to correct, in the same form: a reply moves nothing here.
    assert Case.all_objects.get(pk=case.pk).status == S.WAITING


def test_a_recorded_reply_is_not_emptied_in_the_admin(org, as_user):
    case, referral = _referral(org)
    services.record_reply(access=Access(org.worker_a), referral=referral, reply="物业说下周修")
    response = _post(as_user(org.superuser), case, replied_on="", reply="", outcome="")
    assert response.status_code == 200
    assert "已记录的答复会留在事项的时间线上" in text_of(response.content.decode())
    referral.refresh_from_db()
    assert referral.reply == "物业说下周修" and referral.replied_on is not None
    assert len(_replies(case)) == 1


def test_a_reply_day_without_its_words_is_refused_as_on_the_case_page(org, as_user):
    case, referral = _referral(org)
    response = _post(as_user(org.superuser), case, replied_on=timezone.localdate().isoformat(), reply=" ")
    assert response.status_code == 200
    assert Referral.all_objects.get(pk=referral.pk).replied_on is None
    assert not _replies(case)


def test_a_save_that_leaves_the_reply_alone_writes_no_reply(org, as_user):
    case, referral = _referral(org)
    services.record_reply(access=Access(org.worker_a), referral=referral, reply="物业说下周修")
    assert _post(as_user(org.superuser), case, their_reference="沪物2026-7").status_code == 302
    assert Referral.all_objects.get(pk=referral.pk).their_reference == "沪物2026-7"
    assert len(_replies(case)) == 1


def _add_referral(client, to, **row):
    """The case's change form as the admin draws it, with one referral row added (`row`)."""
    url = reverse("admin:cases_case_change", args=[to.pk])
    data = admin_form_data(client.get(url).text)
    data["referrals-TOTAL_FORMS"] = ["1"]
    return client.post(url, {**data, **{f"referrals-0-{k}": [v] for k, v in row.items()}})


def test_a_referral_added_in_the_admin_is_on_the_timeline_with_its_reply(org, as_user):
    """The register and the timeline tell the same: a referral the staff sent but never recorded,
    added here, reads as the case page's (转办给物业公司), and its reply, if the row holds one."""
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    body = OutsideBody.objects.get(name="物业公司")
    today = timezone.localdate().isoformat()
    row = {"body": body.pk, "sent_on": today, "created_by": org.worker_a.pk, "case": case.pk}
    assert _add_referral(as_user(org.superuser), case, **row).status_code == 302
    (sent,) = CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.REFERRAL_SENT)
    assert sent.actor_id == org.superuser.pk
    assert sent.data["referral"] == Referral.all_objects.get(case=case).pk
    assert str(events.sentence(sent)) == "在管理后台更正：转办物业公司。"
    with translation.override("en"):
        assert str(events.sentence(sent)) == "Corrected in the admin: referred to Property company."
    assert not _replies(case)
    other = make_case(org.worker_a, org.a, assignee=org.worker_a)
    row = {**row, "case": other.pk, "replied_on": today, "reply": "物业已修好"}
    assert _add_referral(as_user(org.superuser), other, **row).status_code == 302
    (reply,) = _replies(other)
    assert reply.text == "物业已修好" and str(events.sentence(reply)) == "在管理后台更正：物业公司当天答复。"
    assert Case.all_objects.get(pk=other.pk).status == case.status  # the admin's to correct
