"""The same form posted twice (a double tap on a slow line, Back and save again) is saved once: each
form of the case page carries a one-time token, and the event its first submit wrote is found by
it. The intake form's token does the same for a new case (tests/cases/test_services.py)."""

import re

import pytest
from django.urls import reverse

from cases import services
from cases.models import Aid, Case, CaseEvent, Referral
from cases.rules import Action
from committee.access import Access
from tests.factories import admin_form_data, make_case


def _form(page: str, action: str) -> dict[str, list[str]]:
    """What a browser posts of the form of the page that posts to `action`, as drawn."""
    match = re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', page, re.S)
    assert match, f"no form posting to {action}"
    return admin_form_data(match.group(0))


def _events(case: Case, kind: str) -> int:
    return CaseEvent.all_objects.filter(case=case, kind=kind).count()


def _twice(client, url: str, data: dict) -> tuple:
    return client.post(url, data), client.post(url, data)


def test_a_note_posted_twice_is_added_once(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    client = as_user(org.worker_a)
    url = reverse("cases:act", args=[case.pk, "note"])
    data = _form(client.get(reverse("cases:detail", args=[case.pk])).text, url)
    assert data.get("token", [""])[0], "the note form carries no one-time token"
    data["text"] = ["上门查看，已联系物业"]
    first, second = _twice(client, url, data)
    assert first.status_code == second.status_code == 302
    assert _events(case, CaseEvent.Kind.NOTE) == 1
    page = client.get(reverse("cases:detail", args=[case.pk])).text
    assert "已保存" in page and "只保存了一次" in page  # the second tap is told it was saved once


def test_a_resolution_posted_twice_is_saved_once_without_a_false_conflict(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    client = as_user(org.worker_a)
    url = reverse("cases:act", args=[case.pk, "resolve"])
    data = _form(client.get(reverse("cases:detail", args=[case.pk])).text, url)
    data["text"] = ["疏通了下水道"]
    first, second = _twice(client, url, data)
    # Not a 409 "someone else changed this case … your change was not saved": it was saved.
    assert first.status_code == second.status_code == 302
    assert _events(case, CaseEvent.Kind.STATUS) == 1
    assert Case.all_objects.get(pk=case.pk).status == Case.Status.RESOLVED
    page = client.get(reverse("cases:detail", args=[case.pk])).text
    assert "其他人" not in page


def test_a_referral_posted_twice_is_sent_once(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    client = as_user(org.worker_a)
    url = reverse("cases:refer", args=[case.pk])
    data = _form(client.get(reverse("cases:detail", args=[case.pk])).text, url)
    data["body"] = [str(_body().pk)]
    _twice(client, url, data)
    assert Referral.all_objects.filter(case=case).count() == 1
    assert _events(case, CaseEvent.Kind.REFERRAL_SENT) == 1


def test_aid_posted_twice_is_recorded_once(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a, code="hardship")
    client = as_user(org.secretary_a)
    url = reverse("cases:aid", args=[case.pk])
    data = _form(client.get(reverse("cases:detail", args=[case.pk])).text, url)
    data |= {"kind": [Aid.Kind.SUBSIDY], "amount": ["500"], "status": [Aid.Status.APPLIED]}
    _twice(client, url, data)
    assert Aid.all_objects.filter(case=case).count() == 1


def test_a_follow_up_call_posted_twice_is_recorded_once(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    services.transition(access=Access(org.worker_a), case=case, action=Action.RESOLVE, text="已修")
    client = as_user(org.worker_a)
    url = reverse("cases:follow_up", args=[case.pk])
    data = _form(client.get(reverse("cases:detail", args=[case.pk])).text, url)
    data["satisfaction"] = [Case.Satisfaction.SATISFIED]
    first, second = _twice(client, url, data)
    assert first.status_code == second.status_code == 302
    assert _events(case, CaseEvent.Kind.FOLLOW_UP) == 1


def test_two_forms_drawn_apart_are_two_notes(org, as_user):
    """Two notes typed one after the other are two notes: each form drawn has its own token."""
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    client = as_user(org.worker_a)
    url = reverse("cases:act", args=[case.pk, "note"])
    for text in ("第一次上门", "第二次上门"):
        data = _form(client.get(reverse("cases:detail", args=[case.pk])).text, url)
        client.post(url, {**data, "text": [text]})
    assert _events(case, CaseEvent.Kind.NOTE) == 2


def test_the_service_finds_the_first_submit_by_its_token_and_its_author(org):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    worker = Access(org.worker_a)
    first = services.add_note(access=worker, case=case, text="已联系", token="form-1")
    with pytest.raises(services.Repeated) as repeated:
        services.add_note(access=worker, case=case, text="已联系", token="form-1")
    assert repeated.value.event == first
    # Someone else's form with the same token is theirs: a note of their own.
    services.add_note(access=Access(org.secretary_a), case=case, text="已阅", token="form-1")
    assert _events(case, CaseEvent.Kind.NOTE) == 2
    # Without a token (the demo, a script), every call writes.
    services.add_note(access=worker, case=case, text="又联系")
    assert _events(case, CaseEvent.Kind.NOTE) == 3


def _body():
    from cases.models import OutsideBody

    return OutsideBody.objects.first()
