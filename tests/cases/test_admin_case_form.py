"""The case's change form in the admin offers the case's own committee in words, and its corrections
reach the timeline: the assignee is chosen among the committee's staff who work cases (by name; the
raw-id popup listed every user of every committee), anyone else is refused in the app's words; a
change of assignee, status or what the case is about is written on the case's timeline, marked as
a correction in the admin, and the new assignee is told. Buildings, households and parties are
searched within the committee and listed by name and address."""

import json

import pytest
from django.urls import reverse

from cases.models import Case, CaseEvent
from committee.roles import Role
from notifications.models import Notification
from notifications.services import notify_for_event
from tests.cases.page_text import text_of
from tests.factories import (
    admin_form_data,
    make_building,
    make_case,
    make_household,
    make_resident,
    make_user,
)

REFUSED = "此人不在本居委会承办事项。"


@pytest.fixture
def case(org):
    return make_case(org.secretary_a, org.a, title="楼道积水")


def _url(case) -> str:
    return reverse("admin:cases_case_change", args=[case.pk])


def _post(client, case, **changes):
    data = admin_form_data(client.get(_url(case)).text)
    return client.post(_url(case), {**data, **changes})


def _options(page, name: str) -> dict[str, str]:
    """A select's options in a page: value → label (the empty one left out)."""
    field = page.context["adminform"].form.fields[name]
    return {str(value): str(label) for value, label in field.choices if value}


def _timeline(client, case) -> str:
    return text_of(client.get(reverse("cases:detail", args=[case.pk])).text)


def test_the_assignee_is_chosen_among_the_committees_case_workers_by_name(org, case, as_user):
    gone = make_user("left_a", committee=org.a, role=Role.WORKER, full_name="赵离职")
    gone.is_active = False
    gone.save()
    page = as_user(org.superuser).get(_url(case))
    offered = _options(page, "assignee")
    assert offered == {str(org.secretary_a.pk): "周勤", str(org.worker_a.pk): "李敏"}
    # Who logged it: the same staff, a deactivated member too (their name stays on what they did).
    assert set(_options(page, "created_by").values()) == {"周勤", "李敏", "赵离职"}
    assert 'name="assignee"' in page.text and "vForeignKeyRawIdAdminField" not in page.text


def test_an_assignee_of_another_committee_or_from_above_is_refused(org, case, as_user):
    client = as_user(org.superuser)
    for someone in (org.worker_b, org.officer, org.superuser, org.viewer_a):
        response = _post(client, case, assignee=str(someone.pk))
        assert response.status_code == 200, someone
        assert response.context["adminform"].form.errors["assignee"] == [REFUSED], someone
    fresh = Case.all_objects.get(pk=case.pk)
    assert (fresh.assignee_id, fresh.version) == (None, case.version)
    assert not CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.ASSIGNED).exists()


def test_an_assignee_corrected_in_the_admin_is_on_the_timeline_and_told(org, case, as_user):
    client = as_user(org.superuser)
    assert _post(client, case, assignee=str(org.worker_a.pk)).status_code == 302
    assert Case.all_objects.get(pk=case.pk).assignee_id == org.worker_a.pk
    event = CaseEvent.all_objects.filter(case=case).latest("pk")
    assert (event.kind, event.actor_id) == (CaseEvent.Kind.ASSIGNED, org.superuser.pk)
    secretary = as_user(org.secretary_a)
    assert "在管理后台更正：分派给李敏。" in _timeline(secretary, case)
    notify_for_event(event)
    (told,) = Notification.objects.filter(recipient=org.worker_a)
    assert told.kind == Notification.Kind.ASSIGNED
    # Taken off again: the timeline says so, and the one it was taken from is told.
    assert _post(client, case, assignee="").status_code == 302
    event = CaseEvent.all_objects.filter(case=case).latest("pk")
    assert "在管理后台更正：取消分派。" in _timeline(secretary, case)
    notify_for_event(event)
    assert Notification.objects.filter(recipient=org.worker_a, kind=Notification.Kind.TAKEN_FROM).exists()


def test_a_status_or_title_corrected_in_the_admin_is_on_the_timeline(org, case, as_user):
    client = as_user(org.superuser)
    before = CaseEvent.all_objects.filter(case=case).count()
    assert _post(client, case, status="in_progress", title="楼道积水（二楼）").status_code == 302
    kinds = list(
        CaseEvent.all_objects.filter(case=case).order_by("pk").values_list("kind", flat=True)[before:]
    )
    assert kinds == [CaseEvent.Kind.EDITED, CaseEvent.Kind.STATUS]
    timeline = _timeline(as_user(org.secretary_a), case)
    assert (
        "在管理后台更正了事项：标题 楼道积水 → 楼道积水（二楼）。" in timeline
        and "在管理后台更正状态：新登记 → 办理中。" in timeline
    )
    # A save that changes none of them writes nothing on the timeline.
    assert _post(client, case, source="phone").status_code == 302
    assert CaseEvent.all_objects.filter(case=case).count() == before + 2


def test_who_called_back_or_sent_a_referral_is_chosen_among_the_committees_staff(org, case, as_user):
    page = as_user(org.superuser).get(_url(case))
    for formset in page.context["inline_admin_formsets"]:
        form = formset.formset.empty_form
        for name in ("called_by", "created_by"):
            if name in form.fields:
                labels = {str(label) for value, label in form.fields[name].choices if value}
                assert labels == {"周勤", "李敏"}, (formset.formset.prefix, name)


def test_places_and_parties_are_searched_in_the_cases_committee_by_address(org, case, as_user):
    home = make_household(make_building(org.a, "12", lane="449"), "302")
    ours = make_resident(home, "王芳")
    make_resident(org.a, "王芳", building=make_building(org.a, "7", lane="511"), room="101")
    make_resident(org.b, "王芳")  # another committee's namesake
    client = as_user(org.superuser)
    page = client.get(_url(case)).text
    search = f"{reverse('admin:autocomplete')}?committee={org.a.pk}"
    for name in ("building", "household", "parties-__prefix__-resident"):
        start = page.rindex("<select", 0, page.index(f'name="{name}"'))
        assert f'data-ajax--url="{search}"' in page[start : page.index(">", start)], name

    def found(model, field, term, committee=org.a.pk):
        params = {"term": term, "app_label": "cases", "model_name": model, "field_name": field}
        if committee:
            params["committee"] = committee
        return [
            r["text"]
            for r in json.loads(client.get(reverse("admin:autocomplete"), params).content)["results"]
        ]

    # Ours only, each with their home: two namesakes told apart (the list is by name, then first registered).
    assert found("caseparty", "resident", "王芳") == [
        "王芳 · 定海路449弄12号302室",
        "王芳 · 定海路511弄7号101室",
    ]
    assert len(found("caseparty", "resident", "王芳", committee=None)) == 3  # the admin's own search: all
    assert found("case", "household", "449弄12号302") == ["定海路449弄12号302室"]
    assert found("case", "building", "449弄12号") == ["定海路449弄12号"]
    # What the form shows for a party already chosen: the same words.
    assert (
        _post(
            client,
            case,
            **{
                "parties-TOTAL_FORMS": "1",
                "parties-0-case": str(case.pk),
                "parties-0-role": "reporter",
                "parties-0-resident": str(ours.pk),
            },
        ).status_code
        == 302
    )
    assert "王芳 · 定海路449弄12号302室" in client.get(_url(case)).text


def test_a_case_is_found_by_its_number(org, case, as_user):
    second = make_case(org.worker_a, org.a, title="路灯不亮")
    theirs = make_case(org.worker_b, org.b, title="垃圾房异味")  # 波阳's first: the same number as ours
    client = as_user(org.superuser)

    def listed(term: str) -> set[int]:
        page = client.get(reverse("admin:cases_case_changelist"), {"q": term})
        assert page.status_code == 200
        return {row.pk for row in page.context["cl"].result_list}

    assert listed(second.number) == {second.pk}
    assert listed(case.number) == {case.pk, theirs.pk}  # each committee numbers its own
    assert listed(f"{case.year}-1") == {case.pk, theirs.pk}  # as typed, without the zeros
    assert listed("路灯") == {second.pk}  # words still search the title
    # A duplicate is picked by number too, among the case's own committee's cases.
    params = {"term": case.number, "app_label": "cases", "model_name": "case", "field_name": "duplicate_of"}
    found = json.loads(client.get(reverse("admin:autocomplete"), {**params, "committee": org.a.pk}).content)
    assert [r["text"] for r in found["results"]] == [f"{case.number} 楼道积水"]
