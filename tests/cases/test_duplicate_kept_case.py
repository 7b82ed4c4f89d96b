"""Closing a case as a duplicate (review 8, finding 6): the case kept says so on its timeline and
lists its duplicates; before closing, the case typed is shown (number, title, place, status) with a
word when its place or category is not this case's; and a case its reader may not see is never
found or listed (the case list's selector)."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from cases import events, services
from cases.duplicates import DuplicateForm
from cases.models import Case, CaseEvent, CaseParty
from committee.access import Access
from committee.scoping import committee_scope
from tests.cases.page_text import text_of
from tests.factories import make_building, make_case, make_resident


def _last(case: Case) -> CaseEvent:
    return CaseEvent.all_objects.filter(case=case).order_by("-pk").first()


def _says(event: CaseEvent, english: str, chinese: str) -> None:
    for language, expected in (("en", english), ("zh-hans", chinese)):
        with translation.override(language):
            assert str(events.sentence(event)) == expected, language


def _form(page: str, url: str) -> str:
    return re.search(rf'<form method="post" action="{re.escape(url)}".*?</form>', page, re.S).group(0)


def test_the_case_kept_says_which_case_was_folded_in_and_who_joined(org):
    building = make_building(org.a)
    reporter = make_resident(org.a, name="李师傅")
    kept = make_case(org.worker_a, org.a, assignee=org.worker_a, building=building)
    closed = make_case(
        org.worker_a, org.a, building=building, parties=[services.NewParty(reporter, CaseParty.Role.REPORTER)]
    )
    services.mark_duplicate(access=Access(org.secretary_a), case=closed, of=kept)
    event = _last(kept)
    assert event.kind == CaseEvent.Kind.DUPLICATE_JOINED and event.actor == org.secretary_a
    _says(
        event,
        f"{closed.number} was closed as a duplicate of this case; 李师傅 joined this case from it.",
        f"{closed.number} 已作为重复件并入本事项，李师傅随之加入本事项。",
    )
    # A duplicate with nobody new to bring: the case named only.
    again = make_case(org.worker_a, org.a, building=building)
    services.mark_duplicate(access=Access(org.secretary_a), case=again, of=kept)
    _says(
        _last(kept),
        f"{again.number} was closed as a duplicate of this case.",
        f"{again.number} 已作为重复件并入本事项。",
    )


def test_the_case_kept_lists_its_duplicates_to_those_who_may_see_them(org, as_user):
    kept = make_case(org.worker_a, org.a, title="楼道积水")
    seen = make_case(org.worker_a, org.a, title="楼道又积水")
    # Sensitive and logged by the secretary: worker_a may not see it, nor find its number listed.
    hidden = make_case(org.secretary_a, org.a, title="家里的事", sensitive=True)
    secretary = Access(org.secretary_a)
    services.mark_duplicate(access=secretary, case=seen, of=kept)
    services.mark_duplicate(access=secretary, case=hidden, of=kept)
    url = reverse("cases:detail", args=[kept.pk])
    page = as_user(org.secretary_a).get(url, headers={"accept-language": "zh-hans"}).text
    listed = re.search(r"<dd data-duplicates>.*?</dd>", page, re.S).group(0)
    assert "重复件" in text_of(page) and seen.number in listed and hidden.number in listed
    page = as_user(org.worker_a).get(url, headers={"accept-language": "en"}).text
    listed = re.search(r"<dd data-duplicates>.*?</dd>", page, re.S).group(0)
    assert "<dt>Duplicates</dt>" in page and seen.number in listed and "楼道又积水" in listed
    assert hidden.number not in listed and "家里的事" not in page


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_case_typed_is_shown_before_closing(org, as_user, language):
    here = make_building(org.a, "11")
    there = make_building(org.a, "6", lane="365")
    case = make_case(org.worker_a, org.a, title="电线老化", code="safety", building=here)
    other = make_case(org.worker_a, org.a, title="楼道灯不亮", code="roads", building=there)
    url = reverse("cases:act", args=[case.pk, "duplicate"])
    client = as_user(org.secretary_a)
    headers = {"accept-language": language}
    response = client.post(url, {"of": f" {other.number} ", "version": "1"}, headers=headers)
    # Nothing closed: the form is drawn again with the case typed in it, to check.
    assert response.status_code == 200
    assert Case.all_objects.get(pk=case.pk).status == Case.Status.NEW
    form = _form(response.text, url)
    shown = text_of(form)
    assert other.number in shown and "楼道灯不亮" in shown and "定海路365弄6号" in shown
    assert f'<input type="hidden" name="shown" value="{other.pk}">' in form
    if language == "en":
        assert "Is this the case? Check it below" in shown and "New" in shown
        assert "Another place: this case is at 定海路449弄11号." in shown
        assert "Another category: this case is Safety." in shown
    else:
        assert "是这件事项吗？" in shown and "新登记" in shown
        assert "地点不同：本事项在定海路449弄11号。" in shown
        assert "类别不同：本事项为安全隐患。" in shown
    # Pressed again, with the case it showed: closed, and the case kept says so.
    response = client.post(url, {"of": other.number, "version": "1", "shown": other.pk}, headers=headers)
    assert response.status_code == 302
    assert Case.all_objects.get(pk=case.pk).duplicate_of_id == other.pk
    assert _last(other).kind == CaseEvent.Kind.DUPLICATE_JOINED


def test_the_same_place_and_category_say_no_word_and_a_changed_number_is_shown_anew(org, as_user):
    building = make_building(org.a)
    case = make_case(org.worker_a, org.a, building=building)
    first = make_case(org.worker_a, org.a, title="积水一", building=building)
    second = make_case(org.worker_a, org.a, title="积水二", building=building)
    url = reverse("cases:act", args=[case.pk, "duplicate"])
    client = as_user(org.secretary_a)
    # The form showed `first`, then the number was changed to `second`: `second` is shown, not closed.
    response = client.post(url, {"of": second.number, "version": "1", "shown": first.pk})
    assert response.status_code == 200 and Case.all_objects.get(pk=case.pk).is_open
    form = _form(response.text, url)
    assert "积水二" in text_of(form) and "data-differs" not in form


def test_a_case_its_reader_may_not_see_is_not_found(org):
    """The form finds the number among the cases its reader may see (selectors.case_rows, as the
    case list): a sensitive case not theirs reads as no case of that number."""
    case = make_case(org.worker_a, org.a)
    hidden = make_case(org.secretary_a, org.a, title="家里的事", sensitive=True)
    data = {"of": hidden.number, "version": "1", "shown": str(hidden.pk)}
    with translation.override("en"), committee_scope([org.a.pk]):
        form = DuplicateForm(data, case=case, access=Access(org.worker_a))
        assert not form.is_valid() and form.target is None
        assert form.errors["of"] == [f"This committee has no other case numbered {hidden.number}."]
        assert DuplicateForm(data, case=case, access=Access(org.secretary_a)).is_valid()


def test_a_case_closed_as_a_duplicate_in_the_admin_says_so_on_the_case_kept(org, as_user):
    """The admin sets duplicate_of too (an administrator's correction): its reporters join the case
    kept, which says so on its timeline as when the secretary closes it on the case page, and its
    assignee is told."""
    from notifications.models import Notification
    from notifications.services import notify_for_event
    from tests.factories import admin_form_data

    reporter = make_resident(org.a, name="李师傅")
    kept = make_case(org.worker_a, org.a, title="楼道积水", assignee=org.worker_a)
    closed = make_case(org.secretary_a, org.a, parties=[services.NewParty(reporter, CaseParty.Role.REPORTER)])
    client = as_user(org.superuser)
    url = reverse("admin:cases_case_change", args=[closed.pk])
    changes = {"status": ["closed"], "closure": ["duplicate"], "duplicate_of": [str(kept.pk)]}
    response = client.post(url, {**admin_form_data(client.get(url).text), **changes})
    assert response.status_code == 302
    closed.refresh_from_db()
    assert (closed.status, closed.duplicate_of) == (Case.Status.CLOSED, kept)
    event = _last(kept)
    assert event.kind == CaseEvent.Kind.DUPLICATE_JOINED and event.actor == org.superuser
    _says(
        event,
        f"Corrected in the admin: {closed.number} was closed as a duplicate of this case; 李师傅 joined "
        "this case from it.",
        f"在管理后台更正：{closed.number} 已作为重复件并入本事项，李师傅随之加入本事项。",
    )
    with committee_scope([org.a.pk]):
        assert kept.parties.filter(resident=reporter).exists()
    (told,) = notify_for_event(event)
    assert (told.recipient, told.kind) == (org.worker_a, Notification.Kind.DUPLICATE_JOINED)


def test_the_admin_refuses_a_duplicate_of_a_case_closed_as_a_duplicate_itself(org, as_user):
    """As the case page does (services.refuse_a_duplicate): the case to type is named, nothing is
    saved, and no one joins the closed case."""
    from tests.factories import admin_form_data

    reporter = make_resident(org.a, name="李师傅")
    original = make_case(org.worker_a, org.a, title="楼道积水")
    folded = make_case(org.worker_a, org.a, title="楼道又积水")
    services.mark_duplicate(access=Access(org.secretary_a), case=folded, of=original)
    closed = make_case(org.secretary_a, org.a, parties=[services.NewParty(reporter, CaseParty.Role.REPORTER)])
    client = as_user(org.superuser)
    url = reverse("admin:cases_case_change", args=[closed.pk])
    changes = {"status": ["closed"], "closure": ["duplicate"], "duplicate_of": [str(folded.pk)]}
    for language, words in (("en", "is closed as a duplicate of"), ("zh-hans", "已作为")):
        with translation.override(language):
            response = client.post(
                url,
                {**admin_form_data(client.get(url).text), **changes},
                headers={"accept-language": language},
            )
        assert response.status_code == 200
        assert original.number in response.text and words in response.text, language
    closed.refresh_from_db()
    assert closed.status != Case.Status.CLOSED and closed.duplicate_of is None
    with committee_scope([org.a.pk]):
        assert not folded.parties.filter(resident=reporter).exists()
