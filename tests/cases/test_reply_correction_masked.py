"""The correction of a referral's reply (更正答复) shows the reply as every page shows it, its numbers
masked, to who may not reveal numbers (the worker); the secretary reads it as recorded. Saved from
the masked form, a number left as shown keeps its hidden digits (put back by the service), a number
changed or removed is saved as typed, and the reply it replaces stays on the timeline."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from cases import services
from cases.models import Case, CaseEvent, OutsideBody, Referral
from cases.services import work
from committee.access import Access
from tests.cases.page_text import shows_digits, text_of
from tests.cases.test_repeated_submits import _form
from tests.factories import make_case

REPLY = "物业王经理电话138 1234 5678，座机6543-2100，明日上门"
SHOWN = "物业王经理电话138****5678，座机****2100，明日上门"
OUTCOME = "约定由138 1234 5678联系居民"
HINT_ZH = (
    "号码以遮蔽形式显示。保持原样的号码会保留完整号码；如需更改，请输入完整的新号码；如需删除，直接删去即可。"
)
HINT_EN = (
    "Numbers are shown masked. One left as shown keeps its full number; to change it, "
    "type the whole new number; to remove it, delete it."
)


@pytest.fixture(autouse=True)
def _in_chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def answered(org) -> tuple[Case, Referral]:
    case = make_case(org.worker_a, org.a, title="楼道积水", assignee=org.worker_a)
    body = OutsideBody.objects.filter(active=True).first()
    referral = services.refer(access=Access(org.worker_a), case=case, body=body)
    services.record_reply(access=Access(org.worker_a), referral=referral, reply=REPLY, outcome=OUTCOME)
    referral.refresh_from_db()
    return case, referral


def _urls(case, referral) -> tuple[str, str]:
    return reverse("cases:detail", args=[case.pk]), reverse("cases:reply", args=[referral.pk])


def _reply_texts(case) -> list[str]:
    return list(
        CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.REPLY)
        .order_by("pk")
        .values_list("text", flat=True)
    )


def test_the_workers_correction_shows_the_reply_masked_and_the_page_no_hidden_digit(org, answered, as_user):
    case, referral = answered
    page_url, url = _urls(case, referral)
    page = as_user(org.worker_a).get(page_url)
    assert page.status_code == 200
    data = _form(page.text, url)
    assert data["reply"] == [SHOWN] and data["outcome"] == ["约定由138****5678联系居民"]
    assert data["correct"] == ["True"]
    assert HINT_ZH in text_of(page.text)
    for hidden in ["1234", "6543"]:
        assert hidden not in page.text, hidden


def test_the_worker_reads_the_hint_in_english_too(org, answered, as_user):
    case, referral = answered
    page = as_user(org.worker_a).get(_urls(case, referral)[0], headers={"accept-language": "en"}).text
    assert "Correct the reply" in page and HINT_EN in text_of(page)


def test_the_secretarys_correction_shows_the_reply_as_recorded(org, answered, as_user):
    case, referral = answered
    page_url, url = _urls(case, referral)
    page = as_user(org.secretary_a).get(page_url).text
    data = _form(page, url)
    assert data["reply"] == [REPLY] and data["outcome"] == [OUTCOME]
    assert HINT_ZH not in text_of(page)


def test_a_correction_saved_from_the_masked_form_keeps_the_numbers_left_as_shown(org, answered, as_user):
    case, referral = answered
    page_url, url = _urls(case, referral)
    client = as_user(org.worker_a)
    data = _form(client.get(page_url).text, url)
    data["reply"] = [SHOWN.replace("明日上门", "明日上午九点上门")]
    assert client.post(url, data).status_code == 302
    referral.refresh_from_db()
    corrected = REPLY.replace("明日上门", "明日上午九点上门")
    assert (referral.reply, referral.outcome) == (corrected, OUTCOME)
    # The timeline keeps both replies, each whole; the page shows them masked.
    assert _reply_texts(case) == [REPLY, corrected]
    page = client.get(page_url).text
    assert "答复已更正" in page
    assert not shows_digits(page, "1234") and not shows_digits(page, "6543")
    assert page.count("138****5678") >= 3  # the referral's reply and the two replies on the timeline
    # The secretary's next correction starts from the reply with its numbers whole.
    assert _form(as_user(org.secretary_a).get(page_url).text, url)["reply"] == [corrected]


def test_a_correction_saved_unchanged_from_the_masked_form_loses_no_digit(org, answered, as_user):
    case, referral = answered
    page_url, url = _urls(case, referral)
    client = as_user(org.worker_a)
    assert client.post(url, _form(client.get(page_url).text, url)).status_code == 302
    referral.refresh_from_db()
    assert (referral.reply, referral.outcome) == (REPLY, OUTCOME)
    assert _reply_texts(case) == [REPLY, REPLY]


def test_a_number_changed_or_removed_is_saved_as_typed_and_the_old_reply_stays_on_the_timeline(
    org, answered, as_user
):
    case, referral = answered
    page_url, url = _urls(case, referral)
    client = as_user(org.worker_a)
    data = _form(client.get(page_url).text, url)
    data["reply"] = ["物业王经理电话138****5679，明日上门"]  # a digit changed, the landline removed
    data["outcome"] = ["物业已联系居民"]
    assert client.post(url, data).status_code == 302
    referral.refresh_from_db()
    assert (referral.reply, referral.outcome) == ("物业王经理电话138****5679，明日上门", "物业已联系居民")
    assert _reply_texts(case) == [REPLY, "物业王经理电话138****5679，明日上门"]


def test_the_secretarys_masked_form_typed_on_purpose_is_kept_as_typed(org, answered):
    """Who reads the numbers whole and types one masked means to keep it masked."""
    case, referral = answered
    services.record_reply(
        access=Access(org.secretary_a),
        referral=referral,
        reply=SHOWN,
        outcome=OUTCOME,
        correct=True,
        corrects=work.last_reply(referral).pk,
    )
    referral.refresh_from_db()
    assert referral.reply == SHOWN
    assert _reply_texts(case) == [REPLY, SHOWN]


def test_a_correction_too_long_with_its_digits_put_back_is_refused_and_nothing_changes(org, answered):
    case, referral = answered
    outcome = "约定由138****5678联系居民".ljust(200, "。")  # 200 typed; 202 with the digits back
    with pytest.raises(ValidationError) as refused:
        services.record_reply(
            access=Access(org.worker_a),
            referral=referral,
            reply=SHOWN,
            outcome=outcome,
            correct=True,
            corrects=work.last_reply(referral).pk,
        )
    assert "outcome" in refused.value.message_dict
    assert "200" in " ".join(refused.value.message_dict["outcome"])
    referral.refresh_from_db()
    assert (referral.reply, referral.outcome) == (REPLY, OUTCOME)
    assert _reply_texts(case) == [REPLY]


def test_a_correction_refused_over_a_colleagues_shows_theirs_masked_to_the_worker(org, answered, as_user):
    """Drawn again over the secretary's correction saved meanwhile, the worker's form takes the
    secretary's words for what the worker left alone: masked, as the worker's form was drawn."""
    case, referral = answered
    page_url, url = _urls(case, referral)
    client = as_user(org.worker_a)
    data = _form(client.get(page_url).text, url)
    theirs = "物业李经理电话139 8765 4321，明日上门"
    services.record_reply(
        access=Access(org.secretary_a),
        referral=referral,
        reply=theirs,
        outcome=OUTCOME,
        correct=True,
        corrects=work.last_reply(referral).pk,
    )
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.text
    assert "刚刚更正了这条答复" in page
    assert "139****4321" in page
    assert not shows_digits(page, "8765") and not shows_digits(page, "1234")
    referral.refresh_from_db()
    assert referral.reply == theirs
