"""Free text has a limit, said in words with the length typed: a case's title and description, a
progress note, a referral, a reply, a follow-up's comment, aid's notes. A text past it is refused on
its field (the form kept as typed), never cut and never saved empty; the admin holds the same limits.
"""

import pytest
from django.urls import reverse

from cases.duplicates import DuplicateForm
from cases.forms import AidForm, FollowUpForm, ReferralForm, ReplyForm
from cases.models import Case, CaseEvent
from committee.access import Access
from committee.scoping import committee_scope
from common.lengths import DESCRIPTION_MAX, NOTE_MAX
from tests.cases.page_text import field_of, text_of
from tests.factories import admin_form_data, intake_post, make_case


def _intake(org, **extra) -> dict:
    return intake_post(org.a, **{"title": "三楼楼道积水", "description": "下雨后楼道积水", **extra})


def test_the_limits_are_sensible():
    assert (DESCRIPTION_MAX, NOTE_MAX) == (5000, 2000)


@pytest.mark.parametrize("length", [DESCRIPTION_MAX + 1, 200_000])
def test_the_intake_refuses_a_description_past_its_limit_and_says_how_long_it_is(org, as_user, length):
    response = as_user(org.worker_a).post(reverse("cases:new"), _intake(org, description="水" * length))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"最多 {DESCRIPTION_MAX} 字，现有 {length} 字。" in text_of(field_of(page, "description"))
    assert not Case.all_objects.exists()
    # Kept as typed, and not cut by the browser either: the text area has no maxlength.
    assert "水" * length + "</textarea>" in page
    assert "maxlength" not in field_of(page, "description")


def test_the_intake_takes_a_description_of_exactly_the_limit(org, as_user):
    response = as_user(org.worker_a).post(
        reverse("cases:new"), _intake(org, description="水" * DESCRIPTION_MAX)
    )
    assert response.status_code == 302
    assert len(Case.all_objects.get().description) == DESCRIPTION_MAX


def test_a_title_too_long_reads_the_same_way_in_both_languages(org, as_user):
    client = as_user(org.worker_a)
    page = client.post(reverse("cases:new"), _intake(org, title="题" * 101)).content.decode()
    assert "最多 100 字，现有 101 字。" in text_of(field_of(page, "title"))
    english = client.post(
        reverse("cases:new"), _intake(org, title="题" * 101), headers={"accept-language": "en"}
    ).content.decode()
    # The app's words in English too, not Django's "Ensure this value has at most…" (review 4, N6).
    assert "At most 100 characters; this has 101." in text_of(field_of(english, "title"))
    assert "Ensure this value" not in english


def test_an_edit_with_a_description_past_its_limit_is_refused_on_its_field(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    form = {
        "title": case.title,
        "category": str(case.category_id),
        "priority": case.priority,
        "due_date": case.due_date.isoformat(),
        "place": case.place,
        "description": "水" * (DESCRIPTION_MAX + 1),
        "version": str(case.version),
    }
    response = as_user(org.worker_a).post(reverse("cases:edit", args=[case.pk]), form)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"最多 {DESCRIPTION_MAX} 字，现有 {DESCRIPTION_MAX + 1} 字。" in text_of(
        field_of(page, "description")
    )
    case.refresh_from_db()
    assert case.description == "" and case.version == 1


def test_a_note_past_its_limit_is_refused_and_not_saved_empty(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    client = as_user(org.worker_a)
    url = reverse("cases:act", args=[case.pk, "note"])
    response = client.post(url, {"text": "记" * (NOTE_MAX + 1)}, follow=True)
    page = response.content.decode()
    assert f"没有保存：最多 {NOTE_MAX} 字，现有 {NOTE_MAX + 1} 字。" in page and "备注已添加。" not in page
    assert not CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.NOTE).exists()
    # One of exactly the limit is a note.
    client.post(url, {"text": "记" * NOTE_MAX})
    assert CaseEvent.all_objects.get(case=case, kind=CaseEvent.Kind.NOTE).text == "记" * NOTE_MAX


@pytest.mark.parametrize(
    ("form_class", "field", "data"),
    [
        (ReferralForm, "text", {}),
        (ReplyForm, "reply", {"replied_on": "2026-12-01"}),
        (FollowUpForm, "comment", {"called_on": "2026-12-01", "satisfaction": "satisfied"}),
        (
            AidForm,
            "notes",
            {"kind": "subsidy", "amount": "100", "status": "applied", "applied_on": "2026-12-01"},
        ),
        (
            AidForm,
            "donors",
            {"kind": "subsidy", "amount": "100", "status": "applied", "applied_on": "2026-12-01"},
        ),
    ],
)
def test_each_note_of_a_case_has_the_same_limit(org, form_class, field, data):
    form = form_class({**data, field: "记" * (NOTE_MAX + 1)})
    assert not form.is_valid()
    assert form.errors[field] == [f"最多 {NOTE_MAX} 字，现有 {NOTE_MAX + 1} 字。"]
    assert "maxlength" not in str(form[field])


def test_a_duplicates_note_has_the_limit_too(org):
    case = make_case(org.worker_a, org.a)
    form = DuplicateForm(
        {"of": "2026-0001", "text": "记" * (NOTE_MAX + 1)}, case=case, access=Access(org.secretary_a)
    )
    with committee_scope([org.a.pk]):
        assert not form.is_valid()
    assert form.errors["text"] == [f"最多 {NOTE_MAX} 字，现有 {NOTE_MAX + 1} 字。"]


def test_the_admin_holds_the_same_limits(org, as_user):
    case = make_case(org.worker_a, org.a)
    client = as_user(org.superuser)
    url = reverse("admin:cases_case_change", args=[case.pk])
    data = admin_form_data(client.get(url).text)
    response = client.post(url, {**data, "description": ["水" * (DESCRIPTION_MAX + 1)]})
    assert response.status_code == 200
    assert f"最多 {DESCRIPTION_MAX} 字，现有 {DESCRIPTION_MAX + 1} 字。" in text_of(response.text)
    response = client.post(url, {**data, "resolution": ["办" * (NOTE_MAX + 1)]})
    assert f"最多 {NOTE_MAX} 字，现有 {NOTE_MAX + 1} 字。" in text_of(response.text)
    case.refresh_from_db()
    assert case.description == "" and case.resolution == "" and case.version == 1


@pytest.mark.parametrize(
    ("language", "too_long", "too_short"),
    [
        ("zh-hans", "最多 100 字，现有 150 字。", "至少 2 字，现有 1 字。"),
        ("en", "At most 100 characters; this has 150.", "At least 2 characters; this has 1."),
    ],
)
def test_every_limit_reads_in_the_apps_words_in_both_languages(language, too_long, too_short):
    """Django's own validators (any form's max_length and min_length, the admin's too) say the limit
    in the app's words: locale/zh_Hans and locale/en reword Django's msgids (review 4, N6)."""
    from django import forms
    from django.utils import translation

    class Form(forms.Form):
        long = forms.CharField(max_length=100)
        short = forms.CharField(min_length=2)
        one = forms.CharField(max_length=1)

    with translation.override(language):
        errors = Form({"long": "字" * 150, "short": "字", "one": "字字"}).errors
        assert errors["long"] == [too_long]
        assert errors["short"] == [too_short]
        if language == "en":
            assert errors["one"] == ["At most 1 character; this has 2."]
