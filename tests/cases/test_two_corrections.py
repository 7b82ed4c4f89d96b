"""Two people correcting the same referral's reply at once (更正答复, from pages drawn before either
saved): the later save silently replaced the earlier. Now a correction carries the reply it
corrects (the reply's event on the timeline), and one drawn over a reply a colleague corrected
since is refused as a second reply is: nothing is overwritten, the colleague's correction is shown
and said, the second person's words are in the box again, and saving again replaces it on purpose."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from cases import services
from cases.models import Case, CaseEvent, OutsideBody, Referral
from committee.access import Access
from tests.cases.page_text import field_of, text_of
from tests.cases.test_repeated_submits import _form
from tests.factories import make_case


@pytest.fixture(autouse=True)
def _in_chinese():
    """The services' refusals are read in Chinese here, whatever an earlier test left active."""
    with translation.override("zh-hans"):
        yield


def _answered(org) -> tuple[Case, Referral]:
    """A case of 李敏's referred to an outside body, whose reply 李敏 recorded."""
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    body = OutsideBody.objects.filter(active=True).first()
    referral = services.refer(access=Access(org.worker_a), case=case, body=body)
    services.record_reply(
        access=Access(org.worker_a), referral=referral, reply="物业说下周修", outcome="待修"
    )
    return case, Referral.all_objects.get(pk=referral.pk)


def _replies(case) -> list[str]:
    return list(
        CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.REPLY)
        .order_by("pk")
        .values_list("text", flat=True)
    )


def _both_forms(org, as_user, case, referral):
    """The correction's form as 李敏 (the assignee) and 周勤 (the secretary) each drew it, from the
    same page, before either saved."""
    page_url = reverse("cases:detail", args=[case.pk])
    url = reverse("cases:reply", args=[referral.pk])
    worker, secretary = as_user(org.worker_a), as_user(org.secretary_a)
    return (
        url,
        (worker, _form(worker.get(page_url).text, url)),
        (secretary, _form(secretary.get(page_url).text, url)),
    )


def test_the_second_correction_is_refused_with_the_colleagues_and_its_words_kept_in_the_box(org, as_user):
    case, referral = _answered(org)
    url, (worker, mine), (secretary, theirs) = _both_forms(org, as_user, case, referral)
    assert mine["correct"] == theirs["correct"] == ["True"]
    assert mine["corrects"] == theirs["corrects"] != [""]  # which reply they correct: the same one

    first = worker.post(url, mine | {"reply": ["物业已修好，并更换了水管"], "outcome": ["已处理"]})
    assert first.status_code == 302
    refused = secretary.post(url, theirs | {"reply": ["物业说周五来修"]})

    # Nothing overwritten: 李敏's correction stands, and the timeline has no third reply.
    referral.refresh_from_db()
    assert (referral.reply, referral.outcome) == ("物业已修好，并更换了水管", "已处理")
    assert _replies(case) == ["物业说下周修", "物业已修好，并更换了水管"]
    # The page is drawn again at once, saying so, with the colleague's correction.
    assert refused.status_code == 200
    page = refused.text
    words = text_of(page)
    assert "李敏刚刚更正了这条答复：“物业已修好，并更换了水管”。您的更正还没有保存" in words
    # 周勤's words are in the box again, still a correction, now of 李敏's; the outcome they left
    # alone is 李敏's (saving again must not undo it), each change of 李敏's said by its field.
    again = _form(page, url)
    assert again["reply"] == ["物业说周五来修"] and again["correct"] == ["True"]
    assert again["outcome"] == ["已处理"]
    newest = CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.REPLY).latest("pk")
    assert again["corrects"] == [str(newest.pk)]
    assert "其他人刚改为“物业已修好，并更换了水管”；这里保留的是您填写的内容。" in text_of(
        field_of(page, "reply")
    )
    assert "其他人刚改为“已处理”。" in text_of(field_of(page, "outcome"))
    assert "<summary>更正答复</summary>" in page and '<details class="action" open><summary>更正答复' in page

    # Saved again, it replaces 李敏's on purpose; the timeline keeps all three.
    assert secretary.post(url, again).status_code == 302
    referral.refresh_from_db()
    assert (referral.reply, referral.outcome) == ("物业说周五来修", "已处理")
    assert _replies(case) == ["物业说下周修", "物业已修好，并更换了水管", "物业说周五来修"]


def test_the_refusal_reads_in_english(org, as_user):
    case, referral = _answered(org)
    url, (worker, mine), (secretary, theirs) = _both_forms(org, as_user, case, referral)
    worker.post(url, mine | {"reply": ["Fixed, pipe replaced"]})
    page = secretary.post(url, theirs | {"reply": ["Coming on Friday"]}, HTTP_ACCEPT_LANGUAGE="en").text
    assert (
        "李敏 corrected this reply meanwhile: “Fixed, pipe replaced”. Your correction is not saved yet, and "
        "what you typed is kept in the form below: check it and save again to replace theirs."
    ) in text_of(page)
    assert _form(page, url)["reply"] == ["Coming on Friday"]


def test_in_the_page_htmx_draws_the_same(org, as_user):
    case, referral = _answered(org)
    url, (worker, mine), (secretary, theirs) = _both_forms(org, as_user, case, referral)
    worker.post(url, mine | {"reply": ["物业已修好"]})
    refused = secretary.post(url, theirs | {"reply": ["物业说周五来修"]}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 200
    assert "李敏刚刚更正了这条答复" in text_of(refused.text)
    assert _form(refused.text, url)["reply"] == ["物业说周五来修"]
    assert Referral.all_objects.get(pk=referral.pk).reply == "物业已修好"


def test_the_same_correction_sent_twice_is_saved_once_not_refused_as_a_colleagues(org, as_user):
    case, referral = _answered(org)
    url, (worker, mine), _secretary = _both_forms(org, as_user, case, referral)
    data = mine | {"reply": ["物业已修好"]}
    assert worker.post(url, data).status_code == 302
    assert worker.post(url, data).status_code == 302  # a double tap: its one-time token
    assert "已保存：这张表单提交了两次，只保存了一次。" in text_of(
        worker.get(reverse("cases:detail", args=[case.pk])).text
    )
    assert _replies(case) == ["物业说下周修", "物业已修好"]


def test_one_person_correcting_twice_from_the_new_page_is_not_refused(org, as_user):
    case, referral = _answered(org)
    url, (worker, mine), _secretary = _both_forms(org, as_user, case, referral)
    assert worker.post(url, mine | {"reply": ["物业已修好"]}).status_code == 302
    fresh = _form(worker.get(reverse("cases:detail", args=[case.pk])).text, url)
    assert worker.post(url, fresh | {"reply": ["物业已修好，并更换了水管"]}).status_code == 302
    assert Referral.all_objects.get(pk=referral.pk).reply == "物业已修好，并更换了水管"


def test_the_service_refuses_a_correction_of_a_reply_corrected_since(org):
    case, referral = _answered(org)
    drawn = CaseEvent.all_objects.get(case=case, kind=CaseEvent.Kind.REPLY).pk
    services.record_reply(
        access=Access(org.worker_a), referral=referral, reply="物业已修好", correct=True, corrects=drawn
    )
    for corrects in (drawn, None):  # drawn over the first reply; or not saying which (a page from before)
        with pytest.raises(ValidationError) as refused:
            services.record_reply(
                access=Access(org.secretary_a),
                referral=referral,
                reply="物业说周五来修",
                correct=True,
                corrects=corrects,
            )
        assert "李敏刚刚更正了这条答复：“物业已修好”" in " ".join(refused.value.messages)
    assert Referral.all_objects.get(pk=referral.pk).reply == "物业已修好"
    assert _replies(case) == ["物业说下周修", "物业已修好"]


def test_a_correction_names_only_its_own_referrals_reply(org, as_user):
    """Two referrals of one case, both answered: each correction carries its own referral's reply,
    and correcting one does not refuse the other's."""
    case, first = _answered(org)
    body = OutsideBody.objects.filter(active=True).exclude(pk=first.body_id).first()
    second = services.refer(access=Access(org.worker_a), case=case, body=body)
    services.record_reply(access=Access(org.worker_a), referral=second, reply="街道说已安排")
    page = as_user(org.secretary_a).get(reverse("cases:detail", args=[case.pk])).text
    url_first, url_second = (reverse("cases:reply", args=[r.pk]) for r in (first, second))
    form_first, form_second = _form(page, url_first), _form(page, url_second)
    assert form_first["corrects"] != form_second["corrects"]
    client = as_user(org.secretary_a)
    assert client.post(url_first, form_first | {"reply": ["物业已修好"]}).status_code == 302
    assert client.post(url_second, form_second | {"reply": ["街道说下周安排"]}).status_code == 302
    assert Referral.all_objects.get(pk=first.pk).reply == "物业已修好"
    assert Referral.all_objects.get(pk=second.pk).reply == "街道说下周安排"
