"""A refused referral, reply, chase, follow-up call, aid record or file says why inside the form that
was used, that panel drawn open, the words typed kept, with and without htmx; the top of the case
says only that nothing was saved. A refusal no field stands by (a colleague's reply recorded first,
a correction a colleague corrected meanwhile, a file of the wrong kind, a referral answered while
it was chased) stood at the top of the case, above its title, and a plain POST was redirected with
what was typed lost. The refused box, or the words when no box stands for them, carries the page's
one `autofocus`: a browser without JavaScript focuses it and scrolls to it."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from cases import services
from cases.models import Aid, Attachment, Case, CaseEvent, FollowUp, OutsideBody, Referral
from cases.rules import Action
from committee.access import Access
from tests.cases.page_text import text_of
from tests.cases.test_repeated_submits import _form
from tests.factories import make_case

HTMX = {"hx-request": "true"}
TOP = "没有保存，请修改下面标出的内容。"
TOMORROW = timezone.localdate() + datetime.timedelta(days=1)
HEADERS = pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])


@pytest.fixture(autouse=True)
def _in_chinese():
    with translation.override("zh-hans"):
        yield


def _form_html(page: str, action: str) -> str:
    """The <form> of the page that posts to `action`, as drawn."""
    match = re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', page, re.S)
    assert match, f"no form posting to {action}"
    return match.group(0)


def _panel_open(page: str, action: str) -> bool:
    """Whether the action panel (<details>) that holds the form posting to `action` is drawn open."""
    at = page.index(f'action="{action}"')
    head = page[page.rindex("<details", 0, at) :]
    return " open" in head[: head.index(">")]


def _refused(response, action: str, said: str, panel: bool = True) -> str:
    """The page answered at once (not redirected to) with `said` inside the form posting to
    `action` (its panel open), not at the top, where only TOP stands; one `autofocus`, in that
    form. The form's HTML."""
    assert response.status_code == 200
    page = response.content.decode()
    form = _form_html(page, action)
    assert said in text_of(form)
    if panel:
        assert _panel_open(page, action)
    top = page[: page.index('class="case-head"')]
    assert TOP in text_of(top) and said not in text_of(top)
    assert page.count(" autofocus") == 1 and " autofocus" in form
    return form


def _referral(org) -> tuple[Case, Referral]:
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    body = OutsideBody.objects.filter(active=True).first()
    return case, services.refer(access=Access(org.worker_a), case=case, body=body)


# --- Refused by a field: said by it, focused ----------------------------------------------------------


@HEADERS
def test_a_referral_refused_is_said_in_its_form(org, as_user, headers):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    url = reverse("cases:refer", args=[case.pk])
    body = OutsideBody.objects.filter(active=True).first()
    data = {
        "body": body.pk,
        "sent_on": TOMORROW.isoformat(),
        "their_reference": "沪水2026-18",
        "text": "请派人",
    }
    response = as_user(org.worker_a).post(url, data, headers=headers)
    form = _refused(response, url, "不能晚于今天")
    assert re.search(r'<input type="date" name="sent_on"[^>]* autofocus', form)
    assert _form(form, url)["their_reference"] == ["沪水2026-18"]  # kept as typed
    assert not Referral.all_objects.filter(case=case).exists()


@HEADERS
def test_aid_refused_is_said_in_its_form(org, as_user, headers):
    case = make_case(org.worker_a, org.a, title="困难家庭", code="hardship", assignee=org.worker_a)
    url = reverse("cases:aid", args=[case.pk])
    data = {"kind": Aid.Kind.choices[0][0], "amount": "300", "status": "applied"}
    data |= {"applied_on": TOMORROW.isoformat(), "notes": "低保边缘户"}
    form = _refused(as_user(org.worker_a).post(url, data, headers=headers), url, "不能晚于今天")
    assert _form(form, url)["notes"] == ["低保边缘户"]
    assert not Aid.all_objects.filter(case=case).exists()


@HEADERS
def test_a_follow_up_call_refused_is_said_in_its_form(org, as_user, headers):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    services.transition(access=Access(org.worker_a), case=case, action=Action.RESOLVE, text="已疏通")
    url = reverse("cases:follow_up", args=[case.pk])
    data = {"called_on": TOMORROW.isoformat(), "satisfaction": "satisfied", "comment": "住户说好多了"}
    form = _refused(as_user(org.worker_a).post(url, data, headers=headers), url, "不能晚于今天")
    assert _form(form, url)["comment"] == ["住户说好多了"]
    assert not FollowUp.all_objects.filter(case=case).exists()


@HEADERS
def test_a_follow_up_calls_hidden_field_refused_is_said_at_the_forms_head(org, as_user, headers):
    """A version no field of the form shows (a page tampered with, or mangled by a proxy)."""
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    services.transition(access=Access(org.worker_a), case=case, action=Action.RESOLVE, text="已疏通")
    url = reverse("cases:follow_up", args=[case.pk])
    data = {"version": "x", "called_on": timezone.localdate().isoformat(), "satisfaction": "satisfied"}
    data["comment"] = "住户说好多了"
    response = as_user(org.worker_a).post(url, data, headers=headers)
    form = _refused(response, url, "输入整数")
    assert re.search(
        r'<div class="has-error form-refusal" id="follow-up-refused" tabindex="-1" autofocus>', form
    )
    assert _form(form, url)["comment"] == ["住户说好多了"]


# --- Refused as a whole: said at the form's head, focused ----------------------------------------------


@HEADERS
def test_a_reply_a_colleague_recorded_first_is_said_in_the_replys_panel(org, as_user, headers):
    case, referral = _referral(org)
    page_url = reverse("cases:detail", args=[case.pk])
    url = reverse("cases:reply", args=[referral.pk])
    second = as_user(org.secretary_a)
    data = _form(second.get(page_url).text, url) | {"reply": ["物业说下周修"]}
    services.record_reply(access=Access(org.worker_a), referral=referral, reply="物业已修好", outcome="已修")
    form = _refused(second.post(url, data, headers=headers), url, "刚刚记录了答复：“物业已修好”")
    words = text_of(form[: form.index("</ul>", form.index(f'id="reply-{referral.pk}-refused"'))])
    assert "物业说下周修" not in words  # said back in its box, not quoted in the refusal
    drawn = _form(form, url)
    assert drawn["reply"] == ["物业说下周修"]  # kept where it was typed
    assert drawn["outcome"] == ["已修"]  # left empty: theirs, so that saving again keeps it
    assert drawn["correct"] == ["True"]  # their reply's correction, not a second reply again
    assert "autofocus" in form[: form.index('name="reply"')]  # the words, focused
    assert Referral.all_objects.get(pk=referral.pk).reply == "物业已修好"


@HEADERS
def test_a_reply_refused_for_its_own_fields_after_a_colleague_answered_keeps_the_words(org, as_user, headers):
    """Refused for its day (after today) once a colleague had answered: drawn as the correction of
    theirs with the words typed kept, and said what happened; it gave way to their reply before,
    the words typed lost."""
    case, referral = _referral(org)
    page_url = reverse("cases:detail", args=[case.pk])
    url = reverse("cases:reply", args=[referral.pk])
    second = as_user(org.secretary_a)
    data = _form(second.get(page_url).text, url) | {
        "reply": ["物业说下周修"],
        "replied_on": [TOMORROW.isoformat()],
    }
    services.record_reply(access=Access(org.worker_a), referral=referral, reply="物业已修好", outcome="已修")
    form = _refused(second.post(url, data, headers=headers), url, "刚刚记录了答复：“物业已修好”")
    assert "不能晚于今天" in text_of(form)  # its own field's refusal, by the day
    drawn = _form(form, url)
    assert drawn["reply"] == ["物业说下周修"]  # kept where it was typed
    assert drawn["replied_on"] == [TOMORROW.isoformat()]
    assert drawn["outcome"] == ["已修"]  # left empty: theirs
    assert drawn["correct"] == ["True"]  # their reply's correction, not a second reply again
    assert Referral.all_objects.get(pk=referral.pk).reply == "物业已修好"
    with translation.override("en"):
        english = second.post(url, data, headers=headers | {"accept-language": "en"})
    words = text_of(_form_html(english.content.decode(), url))
    assert "recorded the reply meanwhile: “物业已修好”. Yours is not saved yet" in words
    assert _form(_form_html(english.content.decode(), url), url)["reply"] == ["物业说下周修"]


def test_a_reply_a_colleague_recorded_first_replaces_theirs_once_saved_again(org, as_user):
    """Saved again as drawn, the words typed replace the colleague's reply, as a correction: the
    timeline keeps both (更正了…的答复)."""
    case, referral = _referral(org)
    page_url = reverse("cases:detail", args=[case.pk])
    url = reverse("cases:reply", args=[referral.pk])
    second = as_user(org.secretary_a)
    data = _form(second.get(page_url).text, url) | {"reply": ["物业说下周修"]}
    services.record_reply(access=Access(org.worker_a), referral=referral, reply="物业已修好")
    again = _form(second.post(url, data).text, url)
    assert second.post(url, again).status_code == 302
    assert Referral.all_objects.get(pk=referral.pk).reply == "物业说下周修"
    replies = CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.REPLY).order_by("pk")
    assert [(e.text, e.data.get("correction", False)) for e in replies] == [
        ("物业已修好", False),
        ("物业说下周修", True),
    ]
    assert "更正了" in text_of(second.get(page_url).text)


@HEADERS
def test_a_correction_a_colleague_corrected_meanwhile_is_said_in_its_form(org, as_user, headers):
    case, referral = _referral(org)
    services.record_reply(access=Access(org.worker_a), referral=referral, reply="物业说下周修")
    page_url = reverse("cases:detail", args=[case.pk])
    url = reverse("cases:reply", args=[referral.pk])
    worker, secretary = as_user(org.worker_a), as_user(org.secretary_a)
    mine = _form(secretary.get(page_url).text, url) | {"reply": ["物业已换水管"]}
    theirs = _form(worker.get(page_url).text, url) | {"reply": ["物业已修好"]}
    assert worker.post(url, theirs).status_code == 302
    form = _refused(secretary.post(url, mine, headers=headers), url, "更正了这条答复")
    assert _form(form, url)["reply"] == ["物业已换水管"]


@HEADERS
def test_a_file_of_the_wrong_kind_is_said_in_the_files_form(org, as_user, headers):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    url = reverse("cases:attach", args=[case.pk])
    evil = SimpleUploadedFile("photo.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg")
    # Without htmx, redirected to the case's own address, the refusal carried (review 4, N1).
    posted = {"files": evil, "stage": "after"}
    response = as_user(org.worker_a).post(url, posted, headers=headers, follow=True)
    form = _refused(response, url, "photo.jpg", panel=False)  # the files' form is not folded
    assert 'id="attach-refused" tabindex="-1" autofocus' in form
    assert _form(form, url)["stage"] == ["after"]  # the stage as chosen (a browser never refills files)
    assert not Attachment.all_objects.exists()


@HEADERS
def test_a_chase_too_long_is_said_in_its_form_with_its_words(org, as_user, headers):
    case, referral = _referral(org)
    url = reverse("cases:chase", args=[referral.pk])
    typed = "说" * 501
    form = _refused(
        as_user(org.worker_a).post(url, {"text": typed}, headers=headers), url, "500", panel=False
    )
    assert f'value="{typed}" aria-invalid="true"' in form
    assert not CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.CHASE).exists()


@HEADERS
def test_a_chase_of_a_referral_answered_meanwhile_is_said_by_the_referral(org, as_user, headers):
    case, referral = _referral(org)
    url = reverse("cases:chase", args=[referral.pk])
    services.record_reply(access=Access(org.secretary_a), referral=referral, reply="物业已修好")
    response = as_user(org.worker_a).post(url, {"text": "打了电话"}, headers=headers)
    assert response.status_code == 200
    page = response.content.decode()
    at = page.index(f'id="chase-{referral.pk}-refused"')  # by the referral, where its chase was
    assert text_of(page[at : page.index("</ul>", at)]).endswith("此转办已有答复。")
    top = page[: page.index('class="case-head"')]
    assert TOP in text_of(top) and "此转办已有答复" not in text_of(top)
    assert page.count(" autofocus") == 1
    assert not CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.CHASE).exists()


def test_a_page_drawn_without_a_refusal_has_no_autofocus(org, as_user):
    case = _referral(org)[0]
    page = as_user(org.worker_a).get(reverse("cases:detail", args=[case.pk])).text
    assert " autofocus" not in page


@HEADERS
def test_a_refused_assignment_focuses_its_select_and_a_refused_note_its_box(org, as_user, headers):
    case = make_case(org.secretary_a, org.a)
    client = as_user(org.secretary_a)
    page = client.post(
        reverse("cases:act", args=[case.pk, "assign"]), {"assignee": "x"}, headers=headers
    ).text
    assert page.count(" autofocus") == 1
    assert re.search(r'<select name="assignee"[^>]* autofocus', page)
    page = client.post(reverse("cases:act", args=[case.pk, "note"]), {"text": ""}, headers=headers).text
    assert page.count(" autofocus") == 1
    assert re.search(r'<textarea name="text" id="note-text"[^>]* autofocus>', page)
