"""与其他事项重复 with a wrong number keeps the number typed in its box and says which number was not
found, or that it is the case's own: the box came back empty under "本居委会没有这个编号的其他事项。",
and the secretary could not see what they had typed wrong (review 3, finding 2). A case closed as a
duplicate itself is refused, naming the case it is a duplicate of (review 4, N4)."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from cases import services
from cases.models import Case, CaseEvent
from committee.access import Access
from tests.cases.page_text import text_of
from tests.cases.test_refused_in_its_form import HEADERS, _panel_open
from tests.cases.test_repeated_submits import _form
from tests.factories import make_case

TOP = "没有保存，请修改下面标出的内容。"


@pytest.fixture(autouse=True)
def _in_chinese():
    with translation.override("zh-hans"):
        yield


def _refused(response, url: str, typed: str, said: str) -> None:
    """The page drawn again at once, the duplicate's panel open with `typed` in its box, focused,
    and `said` by it; only TOP at the top of the page."""
    assert response.status_code == 200
    page = response.content.decode()
    assert _panel_open(page, url)
    form = re.search(rf'<form method="post" action="{re.escape(url)}".*?</form>', page, re.S).group(0)
    assert said in text_of(form)
    assert _form(form, url)["of"] == [typed]
    assert re.search(rf'<input type="text" name="of" value="{re.escape(typed)}"[^>]* autofocus', form)
    assert page.count(" autofocus") == 1
    top = page[: page.index('class="case-head"')]
    assert TOP in text_of(top) and said not in text_of(top)


@HEADERS
def test_a_number_not_found_is_kept_and_named(org, as_user, headers):
    case = make_case(org.worker_a, org.a)
    url = reverse("cases:act", args=[case.pk, "duplicate"])
    number = f"{case.year}-9999"
    response = as_user(org.secretary_a).post(url, {"of": number, "version": "1"}, headers=headers)
    _refused(response, url, number, f"本居委会没有编号为 {number} 的其他事项。")
    assert Case.all_objects.get(pk=case.pk).status == Case.Status.NEW


@HEADERS
def test_the_cases_own_number_is_said_to_be_its_own(org, as_user, headers):
    case = make_case(org.worker_a, org.a)
    url = reverse("cases:act", args=[case.pk, "duplicate"])
    response = as_user(org.secretary_a).post(url, {"of": case.number, "version": "1"}, headers=headers)
    _refused(response, url, case.number, "不能与本事项自身重复")
    assert Case.all_objects.get(pk=case.pk).status == Case.Status.NEW


def test_another_committees_number_is_not_found_in_this_one(org, as_user):
    case = make_case(org.worker_a, org.a)
    theirs = [make_case(org.worker_b, org.b, title=f"另一个居委会的事项{n}") for n in range(3)][-1]
    assert not Case.all_objects.filter(committee=org.a, year=theirs.year, seq=theirs.seq).exists()
    url = reverse("cases:act", args=[case.pk, "duplicate"])
    response = as_user(org.secretary_a).post(url, {"of": theirs.number, "version": "1"})
    _refused(response, url, theirs.number, f"本居委会没有编号为 {theirs.number} 的其他事项。")


def test_what_is_no_number_says_how_to_write_one(org, as_user):
    case = make_case(org.worker_a, org.a)
    url = reverse("cases:act", args=[case.pk, "duplicate"])
    response = as_user(org.secretary_a).post(url, {"of": "楼上那件", "version": "1"})
    _refused(response, url, "楼上那件", "例如 2026-0042")


def test_a_number_typed_full_width_is_read(org, as_user):
    case = make_case(org.worker_a, org.a)
    other = make_case(org.worker_a, org.a, title="楼道积水（另一位居民）")
    url = reverse("cases:act", args=[case.pk, "duplicate"])
    wide = other.number.translate(str.maketrans("0123456789-", "０１２３４５６７８９－"))
    response = as_user(org.secretary_a).post(url, {"of": wide, "version": "1", "shown": other.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.closure, case.duplicate_of_id) == (Case.Status.CLOSED, "duplicate", other.pk)
    assert CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.DUPLICATE).count() == 1


def test_in_english_too(org, as_user):
    case = make_case(org.worker_a, org.a)
    url = reverse("cases:act", args=[case.pk, "duplicate"])
    number = f"{case.year}-9999"
    with translation.override("en"):
        response = as_user(org.secretary_a).post(
            url, {"of": number, "version": "1"}, headers={"accept-language": "en"}
        )
    assert f"This committee has no other case numbered {number}." in text_of(response.content.decode())


@HEADERS
def test_a_case_closed_as_a_duplicate_is_refused_naming_its_original(org, as_user, headers):
    """Review 4, N4: 2026-0436 could be closed as a duplicate of 2026-0438, itself a duplicate of
    2026-0437; the refusal names the case to type, the number typed kept in its box."""
    original = make_case(org.worker_a, org.a, title="楼道积水")
    copy = make_case(org.worker_a, org.a, title="楼道积水（邻居）")
    case = make_case(org.worker_a, org.a, title="楼道积水（楼上）")
    secretary = Access(org.secretary_a)
    services.mark_duplicate(access=secretary, case=copy, of=original)
    url = reverse("cases:act", args=[case.pk, "duplicate"])
    response = as_user(org.secretary_a).post(url, {"of": copy.number, "version": "1"}, headers=headers)
    said = f"{copy.number} 已作为 {original.number} 的重复件结案，请填写 {original.number}。"
    _refused(response, url, copy.number, said)
    assert Case.all_objects.get(pk=case.pk).status == Case.Status.NEW
    # Its original typed, it is closed as a duplicate of it.
    shown = {"of": original.number, "version": "1", "shown": original.pk}  # checked (cases/duplicates.py)
    assert as_user(org.secretary_a).post(url, shown).status_code == 302
    assert Case.all_objects.get(pk=case.pk).duplicate_of_id == original.pk


def test_a_chain_is_followed_to_its_end_and_a_loop_refused(org):
    original, first, second, case = (make_case(org.worker_a, org.a, title=f"积水{n}") for n in range(4))
    secretary = Access(org.secretary_a)
    services.mark_duplicate(access=secretary, case=first, of=original)
    # An older chain (written before the rule): second → first → original.
    Case.all_objects.filter(pk=second.pk).update(status="closed", closure="duplicate", duplicate_of=first)
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            services.mark_duplicate(access=secretary, case=case, of=Case.all_objects.get(pk=second.pk))
        assert refused.value.messages == [
            f"{second.number} is closed as a duplicate of {original.number}: type {original.number}."
        ]
    # The original closed as a duplicate of its own duplicate: said so, not "type its own number".
    with pytest.raises(ValidationError) as refused:
        services.mark_duplicate(access=secretary, case=original, of=Case.all_objects.get(pk=first.pk))
    assert refused.value.messages == [f"{first.number} 已作为本事项的重复件结案。"]
