"""Chasing an outside body may record the new date it promises a reply by (review 6, finding 5): the
referral's reply is then expected by it, the timeline says so in both languages (with the date it
replaced), and a date in the past is refused, by the service and in the chase's form."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from cases import events, services
from cases.models import CaseEvent, OutsideBody, Referral
from committee.access import Access
from tests.cases.page_text import text_of
from tests.factories import make_case

DAY = datetime.timedelta(days=1)


def _late_referral(org) -> Referral:
    """worker_a's case referred twelve days ago, its reply expected five days ago (so late)."""
    sent = timezone.now() - 12 * DAY
    case = make_case(org.worker_a, org.a, assignee=org.worker_a, at=sent)
    body = OutsideBody.objects.get(name="物业公司")
    today = timezone.localdate()
    return services.refer(
        access=Access(org.worker_a), case=case, body=body, at=sent, reply_expected_by=today - 5 * DAY
    )


def _chases(referral: Referral) -> list[CaseEvent]:
    return list(CaseEvent.all_objects.filter(case_id=referral.case_id, kind=CaseEvent.Kind.CHASE))


def _reads(event: CaseEvent, language: str) -> str:
    with translation.override(language):
        return str(events.sentence(event, ()))


def test_a_new_promised_date_moves_the_reply_due_and_the_timeline_says_so(org):
    referral = _late_referral(org)
    was = referral.reply_expected_by
    promised = timezone.localdate() + 7 * DAY
    assert referral.is_late
    worker = Access(org.worker_a)
    services.chase(access=worker, referral=referral, text="物业说下周来修", promised_by=promised)
    referral.refresh_from_db()
    assert referral.reply_expected_by == promised and not referral.is_late
    [event] = _chases(referral)
    # Written through the event's typed definition (cases/events.py Chased), read back by it.
    assert event.data["promised"] == promised.isoformat() and event.data["was"] == was.isoformat()
    assert events.payload(event) == events.Chased(
        referral=referral.pk,
        body="物业公司",
        body_en="Property company",
        days=12,
        promised=promised.isoformat(),
        was=was.isoformat(),
    )
    said = f"Chased Property company (12 days since referral); new reply date {promised} (was {was})."
    assert _reads(event, "en") == said
    said = f"催办物业公司（转办已 12 天），对方改为 {promised} 前答复（原为 {was}）。"
    assert _reads(event, "zh-hans") == said


def test_a_chase_without_a_date_keeps_the_date_and_the_data_it_always_had(org):
    referral = _late_referral(org)
    was = referral.reply_expected_by
    services.chase(access=Access(org.worker_a), referral=referral, text="打了电话")
    referral.refresh_from_db()
    assert referral.reply_expected_by == was
    [event] = _chases(referral)
    assert "promised" not in event.data and "was" not in event.data
    assert _reads(event, "en") == "Chased Property company (12 days since referral)."


def test_a_first_promised_date_on_a_referral_that_had_none_reads_without_was(org):
    sent = timezone.now() - 3 * DAY
    case = make_case(org.worker_a, org.a, assignee=org.worker_a, at=sent)
    body = OutsideBody.objects.get(name="物业公司")
    referral = services.refer(access=Access(org.worker_a), case=case, body=body, at=sent)
    promised = timezone.localdate()  # today is not the past
    services.chase(access=Access(org.worker_a), referral=referral, promised_by=promised)
    [event] = _chases(referral)
    said = f"Chased Property company (3 days since referral); they promise a reply by {promised}."
    assert _reads(event, "en") == said
    assert _reads(event, "zh-hans") == f"催办物业公司（转办已 3 天），对方承诺 {promised} 前答复。"


def test_a_promised_date_in_the_past_is_refused_and_nothing_is_written(org):
    referral = _late_referral(org)
    was = referral.reply_expected_by
    with pytest.raises(ValidationError) as refused:
        services.chase(access=Access(org.worker_a), referral=referral, promised_by=timezone.localdate() - DAY)
    assert "promised_by" in refused.value.message_dict
    referral.refresh_from_db()
    assert referral.reply_expected_by == was and not _chases(referral)


@pytest.mark.parametrize("headers", [{}, {"hx-request": "true"}], ids=["plain", "htmx"])
def test_the_chase_form_refuses_a_past_date_in_its_own_row_keeping_what_was_typed(org, as_user, headers):
    referral = _late_referral(org)
    url = reverse("cases:chase", args=[referral.pk])
    yesterday = (timezone.localdate() - DAY).isoformat()
    with translation.override("zh-hans"):
        response = as_user(org.worker_a).post(
            url, {"text": "说下周", "promised_by": yesterday}, headers=headers
        )
    assert response.status_code == 200
    page = response.content.decode()
    at = page.index(f'id="chase-{referral.pk}-refused"')  # by the referral, where its chase was
    assert "不能早于今天" in text_of(page[at : page.index("</ul>", at)])
    assert f'value="{yesterday}"' in page and 'value="说下周"' in page
    assert not _chases(referral)


def test_the_chase_form_records_the_promised_date(org, as_user):
    referral = _late_referral(org)
    promised = timezone.localdate() + 10 * DAY
    url = reverse("cases:chase", args=[referral.pk])
    response = as_user(org.worker_a).post(url, {"text": "", "promised_by": promised.isoformat()})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.reply_expected_by == promised
    page = as_user(org.worker_a).get(reverse("cases:detail", args=[referral.case_id])).content.decode()
    assert f'id="chase-{referral.pk}-promised"' in page
