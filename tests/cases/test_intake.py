"""Intake prefill, the pickers without JavaScript, the duplicates hint, edits with conflicts, and
the selectors other pages use."""

import datetime

from django.urls import reverse

from cases import selectors, services
from cases.models import Case, CaseEvent, CaseParty
from committee.access import acting_as
from committee.models import Membership
from committee.roles import Role
from residents.models import Visit
from tests.factories import make_building, make_case, make_resident


def _form(org, **extra):
    data = {
        "title": "楼道积水",
        "category": "drainage",
        "source": "walk_in",
        "priority": "normal",
        "committee": str(org.a.pk),
        "token": "t",
    }
    data.update(extra)
    return data


def test_prefill_from_resident_household_building_and_visit(org, as_user):
    building = make_building(org.a, number="12")
    resident = make_resident(org.a, name="王秀英", building=building, room="101")
    visit = Visit.all_objects.create(
        committee=org.a, resident=resident, visitor=org.worker_a, findings="家里漏水，墙面发霉"
    )
    client = as_user(org.worker_a)
    html = client.get(reverse("cases:new"), {"resident": resident.pk}).content.decode()
    assert "王秀英" in html and f'name="household" value="{resident.household_id}"' in html
    html = client.get(reverse("cases:new"), {"household": resident.household_id}).content.decode()
    assert "101室" in html
    html = client.get(reverse("cases:new"), {"building": building.pk}).content.decode()
    assert f'name="building" value="{building.pk}"' in html
    html = client.get(reverse("cases:new"), {"visit": visit.pk}).content.decode()
    assert "家里漏水，墙面发霉" in html and "王秀英" in html
    response = client.post(
        reverse("cases:new"),
        _form(org, visit=visit.pk, party=[resident.pk], household=resident.household_id, source="visit"),
    )
    case = Case.all_objects.get()
    assert response.status_code == 302
    assert case.visit == visit and case.household == resident.household and case.building == building


def test_prefill_ignores_another_committees_ids(org, as_user):
    other = make_resident(org.b, name="外区居民")
    html = as_user(org.worker_a).get(reverse("cases:new"), {"resident": other.pk}).content.decode()
    assert "外区居民" not in html


def test_pickers_work_without_javascript(org, as_user):
    building = make_building(org.a, number="12")
    resident = make_resident(org.a, name="李师傅", building=building)
    client = as_user(org.worker_a)
    found = client.post(reverse("cases:new"), _form(org, resident_q="李师傅", _find="resident"))
    assert found.status_code == 200 and f'value="resident:{resident.pk}"' in found.content.decode()
    picked = client.post(reverse("cases:new"), _form(org, _pick=f"resident:{resident.pk}"))
    assert f'name="party" value="{resident.pk}" checked' in picked.content.decode()
    placed = client.post(reverse("cases:new"), _form(org, _pick=f"building:{building.pk}"))
    assert f'name="building" value="{building.pk}"' in placed.content.decode()
    assert not Case.all_objects.exists()


def test_the_reporters_home_is_the_place_when_none_is_given(org, as_user):
    resident = make_resident(org.a)
    as_user(org.worker_a).post(reverse("cases:new"), _form(org, party=[resident.pk]))
    case = Case.all_objects.get()
    assert case.household == resident.household
    assert CaseParty.all_objects.get(case=case).resident == resident


def test_duplicates_hint_shows_open_cases_of_the_category_at_the_building(org, as_user):
    building = make_building(org.a)
    drain = make_case(org.worker_a, org.a, title="下水道堵了", building=building)
    make_case(org.worker_a, org.a, title="路灯坏了", code="roads", building=building)
    closed = make_case(org.worker_a, org.a, title="早就修好了", building=building)
    Case.all_objects.filter(pk=closed.pk).update(status=Case.Status.CLOSED)
    html = (
        as_user(org.worker_a)
        .get(reverse("cases:similar"), {"building": building.pk, "category": "drainage"})
        .content.decode()
    )
    assert drain.title in html and "路灯坏了" not in html and "早就修好了" not in html
    assert reverse("cases:join", args=[drain.pk]) in html


def test_worker_cannot_assign_to_others_at_intake(org, as_user):
    response = as_user(org.worker_a).post(reverse("cases:new"), _form(org, assignee=str(org.secretary_a.pk)))
    assert response.status_code == 200  # not a choice for a worker: the form again
    assert not Case.all_objects.exists()
    as_user(org.worker_a).post(reverse("cases:new"), _form(org, assignee="me", token="t2"))
    assert Case.all_objects.get().assignee == org.worker_a


def test_concurrent_edits_the_second_is_told(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    form = {
        "title": "新标题",
        "category": str(case.category_id),
        "priority": "urgent",
        "due_date": "2026-12-31",
        "place": "",
        "description": "",
        "version": str(case.version),
    }
    first = as_user(org.worker_a).post(reverse("cases:edit", args=[case.pk]), form)
    second = as_user(org.secretary_a).post(
        reverse("cases:edit", args=[case.pk]), {**form, "title": "另一个标题"}
    )
    assert first.status_code == 302 and second.status_code == 409
    assert "新标题" in second.content.decode()
    case.refresh_from_db()
    assert (
        case.title == "新标题" and case.priority == "urgent" and case.due_date == datetime.date(2026, 12, 31)
    )
    edits = CaseEvent.all_objects.filter(case=case, kind="edited")
    assert [e.data["edited"] for e in edits] == [["title", "priority", "due_date"]]


def test_selectors_for_resident_household_and_building(org):
    building = make_building(org.a)
    resident = make_resident(org.a, building=building)
    as_party = make_case(org.worker_a, org.a, parties=[services.NewParty(resident)])
    at_home = make_case(org.worker_a, org.a, household=resident.household)
    elsewhere = make_case(org.worker_a, org.a)
    secret = make_case(org.worker_a, org.a, building=building, sensitive=True)
    with acting_as(org.viewer_a) as viewer:
        assert list(selectors.cases_for_resident(resident, viewer)) == [as_party]
        assert set(selectors.cases_for_household(resident.household, viewer)) == {as_party, at_home}
        assert set(selectors.cases_for_building(building, viewer)) == {at_home}
    with acting_as(org.secretary_a) as secretary:
        assert secret in set(selectors.cases_for_building(building, secretary))
        assert elsewhere not in set(selectors.cases_for_building(building, secretary))


def test_a_case_needs_a_category_chosen_and_a_returned_form_asks_for_the_photos_again(org, as_user):
    from tests.factories import jpeg_upload

    client = as_user(org.worker_a)
    page = client.get(reverse("cases:new")).content.decode()
    select = page[page.index('<select name="category"') :]
    first = select[select.index("<option") : select.index("</option>")]
    assert first == '<option value="">请选择…'  # nothing preselected, and in Chinese
    response = client.post(reverse("cases:new"), _form(org, category="", photos=jpeg_upload()))
    assert response.status_code == 200 and not Case.all_objects.exists()
    body = response.content.decode()
    assert "请重新选择照片" in body


def test_what_the_service_refuses_comes_back_on_the_form(org, as_user):
    client = as_user(org.worker_a)
    hotline = client.post(reverse("cases:new"), _form(org, source="hotline"))
    assert hotline.status_code == 200 and "12345 工单须填写工单号。" in hotline.content.decode()
    # Someone who works in two committees picks a building of one and logs in the other.
    Membership.objects.create(user=org.worker_a, committee=org.b, role=Role.WORKER)
    elsewhere = client.post(reverse("cases:new"), _form(org, building=make_building(org.b).pk, token="t2"))
    assert elsewhere.status_code == 200 and "这属于其他居委会。" in elsewhere.content.decode()
    assert not Case.all_objects.exists()


def test_an_edit_without_its_version_is_refused_not_applied(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    form = {
        "title": "改了标题",
        "category": str(case.category_id),
        "priority": "normal",
        "due_date": "2026-12-31",
        "place": "",
        "description": "",
    }
    response = as_user(org.worker_a).post(reverse("cases:edit", args=[case.pk]), form, follow=True)
    assert "这张表单已过期" in response.content.decode()
    case.refresh_from_db()
    assert case.title != "改了标题"
