"""An ID number, a mobile and a landline typed into free text are masked wherever the text is shown or
exported, for every persona; only the edit form shows the text as typed (to those who may edit)."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cases import services
from cases.models import OutsideBody
from committee.access import acting_as
from tests.factories import make_building, make_case, make_household, make_resident, make_visit

ID, MOBILE, LANDLINE = "310109195003050017", "13812345678", "021-65431234"
TYPED = f"手机{MOBILE}，身份证{ID}，家里电话{LANDLINE}"
FULL = (ID, MOBILE, "65431234")


@pytest.fixture
def typed(org):
    building = make_building(org.a, "12")
    resident = make_resident(make_household(building, "302"), "王芳")
    make_visit(
        resident, org.worker_a, datetime.datetime(2026, 11, 2, 10, tzinfo=datetime.UTC), findings=TYPED
    )
    case = make_case(
        org.worker_a,
        org.a,
        title=f"来电{MOBILE}",
        description=TYPED,
        place=TYPED[:100],
        assignee=org.worker_a,
    )
    with acting_as(org.worker_a) as access:
        services.add_note(access=access, case=case, text=TYPED)
        referral = services.refer(access=access, case=case, body=OutsideBody.objects.first(), text=TYPED)
        services.record_reply(access=access, referral=referral, reply=TYPED, outcome=TYPED[:100])
    return case, resident


def _pages(case, resident) -> list[str]:
    return [
        reverse("cases:list") + "?status=",
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:print", args=[case.pk]),
        reverse("residents:detail", args=[resident.pk]),
        reverse("home"),
    ]


EDITORS = {"secretary_a", "worker_a"}


def _outside_edit_forms(html: str) -> str:
    """The page without what its edit forms hold as typed (input values, text areas)."""
    html = re.sub(r"<textarea[^>]*>.*?</textarea>", "", html, flags=re.S)
    return re.sub(r'value="[^"]*"', "", html)


def _xlsx_text(response) -> str:
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return " ".join(str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c)


@pytest.mark.parametrize("persona", ["secretary_a", "worker_a", "viewer_a", "officer"])
def test_no_full_number_on_any_page_or_export(org, typed, as_user, persona):
    case, resident = typed
    client = as_user(getattr(org, persona))
    for path in _pages(case, resident):
        response = client.get(path)
        if response.status_code != 200:
            continue  # a page this persona may not open shows nothing at all
        # Those who may not edit see no full number anywhere, forms included.
        text = _outside_edit_forms(response.text) if persona in EDITORS else response.text
        for number in FULL:
            assert number not in text, (persona, path, number)
    for path in (
        reverse("reports:cases_xlsx") + "?status=",
        reverse("reports:ledger") + f"?month={datetime.date.today():%Y-%m}",
    ):
        response = client.get(path)
        if response.status_code == 200 and response.streaming:
            text = _xlsx_text(response)
            assert not [n for n in FULL if n in text], (persona, path)


def test_the_masked_text_still_reads(org, typed, as_user):
    case, _resident = typed
    page = as_user(org.viewer_a).get(reverse("cases:detail", args=[case.pk])).text
    assert "138****5678" in page and "3101**********0017" in page


def test_the_edit_form_shows_the_text_as_typed_to_who_may_edit(org, typed, as_user):
    case, _resident = typed
    page = as_user(org.worker_a).get(reverse("cases:detail", args=[case.pk])).text
    assert f"来电{MOBILE}" in page  # the edit form's title field, as typed
    assert f"来电{MOBILE}" not in as_user(org.viewer_a).get(reverse("cases:detail", args=[case.pk])).text


def test_staff_who_type_a_number_into_a_case_are_told_where_it_belongs(org, as_user):
    from cases.models import CaseCategory

    client = as_user(org.worker_a)
    response = client.post(
        reverse("cases:new"),
        {
            "committee": org.a.pk,
            "title": "楼道积水",
            "category": CaseCategory.objects.get(code="drainage").code,
            "description": f"居民电话{MOBILE}",
            "source": "walk_in",
            "priority": "normal",
        },
        follow=True,
    )
    assert "看起来像身份证号或电话号码" in response.text


def test_the_admin_shows_no_full_number_outside_its_edit_forms(org, typed, as_user):
    """The superuser's admin: list columns, change-list search results, titles and the case's own
    change form (an edit form: its inputs may hold the text as typed, nothing else may)."""
    case, _resident = typed
    client = as_user(org.superuser)
    pages = [
        reverse("admin:cases_case_changelist"),
        reverse("admin:cases_case_changelist") + f"?q={MOBILE}",
        reverse("admin:cases_caseevent_changelist"),
        reverse("admin:cases_case_change", args=[case.pk]),
        reverse("admin:cases_case_history", args=[case.pk]),
        reverse("admin:index"),
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        # The search term the superuser typed comes back in the page's own links (not a stored number).
        text = _outside_edit_forms(response.text).replace(f"q%3D{MOBILE}", "").replace(f"q={MOBILE}", "")
        for number in FULL:
            assert number not in text, (path, number)
    assert "138****5678" in client.get(reverse("admin:cases_case_changelist")).text


def test_the_same_word_after_a_note_on_a_case_and_a_visit(org, as_user):
    resident = make_resident(make_household(make_building(org.a, "12"), "302"), "王芳")
    case = make_case(org.worker_a, org.a)
    client = as_user(org.secretary_a)
    said = "看起来像身份证号或电话号码"
    note = client.post(reverse("cases:act", args=[case.pk, "note"]), {"text": f"打{MOBILE}找她"}, follow=True)
    assert said in note.text
    plain = client.post(reverse("cases:act", args=[case.pk, "note"]), {"text": "已上门查看"}, follow=True)
    assert said not in plain.text
    visit = client.post(
        reverse("residents:visit_new", args=[resident.pk]),
        {
            "method": "home",
            "visited_at": (timezone.localtime() - datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "findings": f"女儿电话{MOBILE}",
        },
        follow=True,
    )
    assert visit.status_code == 200 and said in visit.text


def test_an_edit_is_told_only_of_a_number_it_typed(org, as_user):
    """A number already in the saved text was told of when it was typed: an edit of another word,
    or of the same number written otherwise, says nothing; a new number does."""
    said = "看起来像身份证号或电话号码"
    case = make_case(
        org.worker_a, org.a, title="楼道积水", description=f"居民电话{MOBILE}", assignee=org.worker_a
    )
    client = as_user(org.worker_a)

    def edit(**changes) -> str:
        case.refresh_from_db()
        form = {
            "title": case.title,
            "category": str(case.category_id),
            "priority": case.priority,
            "due_date": case.due_date.isoformat(),
            "place": case.place,
            "description": case.description,
            "version": str(case.version),
            **changes,
        }
        response = client.post(reverse("cases:edit", args=[case.pk]), form, follow=True)
        assert response.status_code == 200
        return response.text

    assert said not in edit(title="楼道积水严重")
    assert said not in edit(description="居民电话 138 1234 5678，已上门")
    assert said in edit(description=f"居民电话{MOBILE}，女儿13900001111")
    assert said in edit(place=ID)


def test_a_registry_edit_is_told_only_of_a_number_it_typed(org, as_user):
    said = "看起来像身份证号或电话号码"
    resident = make_resident(make_household(make_building(org.a, "12"), "302"), "王芳", notes=f"女儿{MOBILE}")
    client = as_user(org.secretary_a)
    form = client.get(reverse("residents:edit", args=[resident.pk])).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["care_categories"] = []

    def edit(notes: str) -> str:
        resident.refresh_from_db()
        posted = {**data, "notes": notes, "version": resident.version}
        response = client.post(reverse("residents:edit", args=[resident.pk]), posted, follow=True)
        assert response.status_code == 200 and "王芳" in response.text
        return response.text

    assert said not in edit(f"女儿{MOBILE}，住浦东")
    assert said in edit(f"女儿{MOBILE}，儿子13900001111")


# The walkthrough's details: full-width brackets round the area code, a landline in two groups, a
# mobile split by full-width hyphens. Typed as staff type them on a Chinese input method.
WALKTHROUGH = "联系电话（021）6543 2100，女儿手机 138－1660－5678"
TYPED_OTHERWISE = {
    "two groups": ("6543 2100", "****2100", "65432100"),
    "full-width digits": ("１３８１６６０５６７８", "１３８****５６７８", "13816605678"),
    "ideographic space": ("138\u30001660\u30005678", "138****5678", "13816605678"),
    "full-width hyphen": ("138\uff0d1660\uff0d5678", "138****5678", "13816605678"),
    "en dash": ("138\u20131660\u20135678", "138****5678", "13816605678"),
    "em dash": ("138\u20141660\u20145678", "138****5678", "13816605678"),
    "uneven groups": ("1381 660 5678", "138****5678", "13816605678"),
}


def _digits(html: str) -> str:
    """The page's digits, full-width ones read as digits and the spaces and dashes between them taken
    out: what a reader could put together."""
    html = html.translate({0xFF10 + i: str(i) for i in range(10)})
    return re.sub(r"(?<=\d)[\s\-\u2010-\u2015\uff0d\u3000]+(?=\d)", "", html)


def test_the_walkthroughs_numbers_are_masked_for_the_viewer(org, as_user):
    from cases.models import Case, CaseCategory

    response = as_user(org.worker_a).post(
        reverse("cases:new"),
        {
            "committee": org.a.pk,
            "title": "独居老人家中漏水",
            "category": CaseCategory.objects.get(code="drainage").code,
            "description": WALKTHROUGH,
            "source": "walk_in",
            "priority": "normal",
        },
        follow=True,
    )
    assert "看起来像身份证号或电话号码" in response.text  # the worker is told where numbers belong
    case = Case.all_objects.get(title="独居老人家中漏水")
    assert case.description == WALKTHROUGH  # kept as typed
    page = as_user(org.viewer_a).get(reverse("cases:detail", args=[case.pk])).text
    assert "联系电话（021）****2100，女儿手机 138****5678" in page
    for hidden in ("65432100", "13816605678", "1660", "6543"):
        assert hidden not in _digits(page), hidden


@pytest.mark.parametrize("form", TYPED_OTHERWISE)
def test_a_number_typed_otherwise_is_masked_for_every_reader(org, as_user, form):
    typed, masked, full = TYPED_OTHERWISE[form]
    case = make_case(org.worker_a, org.a, title="来电反映漏水", description=f"来电人{typed}，请回电")
    for persona in ("viewer_a", "worker_a", "officer"):
        page = as_user(getattr(org, persona)).get(reverse("cases:detail", args=[case.pk])).text
        if persona in EDITORS:
            page = _outside_edit_forms(page)
        assert f"来电人{masked}，请回电" in page, persona
        assert full not in _digits(page), persona


def test_ordinary_numbers_staff_write_are_shown_and_need_no_hint(org, as_user):
    ordinary = "2026-12-07 14:30上门，补助1,200元，12号301室，同2026-0453，共3户"
    case = make_case(org.worker_a, org.a, title="楼道积水", assignee=org.worker_a)
    client = as_user(org.worker_a)
    response = client.post(reverse("cases:act", args=[case.pk, "note"]), {"text": ordinary}, follow=True)
    assert ordinary in re.sub(r"<[^>]+>", "", response.text)  # a date is kept on one line: a span
    assert "看起来像身份证号或电话号码" not in response.text


@pytest.mark.parametrize("form", TYPED_OTHERWISE)
def test_a_note_with_a_number_typed_otherwise_is_told_where_it_belongs(org, as_user, form):
    typed, masked, _full = TYPED_OTHERWISE[form]
    case = make_case(org.worker_a, org.a, title="楼道积水", assignee=org.worker_a)
    client = as_user(org.worker_a)
    response = client.post(reverse("cases:act", args=[case.pk, "note"]), {"text": f"打{typed}"}, follow=True)
    assert "看起来像身份证号或电话号码" in response.text
    assert f"打{masked}" in re.sub(r"<[^>]+>", "", response.text)
