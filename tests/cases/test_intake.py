"""Intake prefill, the pickers without JavaScript, the duplicates hint, edits with conflicts, and
the selectors other pages use."""

import datetime

from django.urls import reverse
from django.utils import timezone

from cases import selectors, services
from cases.models import Case, CaseEvent, CaseParty
from cases.rules import Action
from committee.access import Access, acting_as
from committee.models import Membership
from committee.roles import Role
from residents.models import Visit
from tests.factories import intake_post, jpeg_upload, make_building, make_case, make_resident


def _form(org, **extra) -> dict:
    return intake_post(org.a, **extra)


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


def test_the_households_hint_offers_only_open_cases_this_kind_first(org, as_user):
    """Logging a 邻里纠纷 from a resident's page offered 2026-0402 老人走失后找回 (为老服务, 已办结) as
    "the same problem? add the reporter to it": a finished case takes no more reporters. The
    household's open cases are offered, those of the category chosen first."""
    building = make_building(org.a, number="12")
    resident = make_resident(org.a, name="王秀英", building=building, room="101")
    home = {"household": resident.household, "building": building}
    found = make_case(org.worker_a, org.a, title="老人走失后找回", code="elderly", **home)
    services.transition(
        access=Access(org.secretary_a), case=found, action=Action.RESOLVE, text="已找回，送回家中"
    )
    withdrawn = make_case(org.worker_a, org.a, title="楼上噪音已协商", code="dispute", **home)
    services.transition(access=Access(org.secretary_a), case=withdrawn, action=Action.WITHDRAW)
    care = make_case(org.worker_a, org.a, title="独居老人助餐", code="elderly", **home)
    leak = make_case(org.worker_a, org.a, title="楼上漏水到我家", code="dispute", **home)
    Case.all_objects.filter(pk=leak.pk).update(created_at=leak.created_at - datetime.timedelta(days=3))
    client = as_user(org.worker_a)
    for html in (
        client.get(reverse("cases:new"), {"resident": resident.pk}).content.decode(),
        client.get(reverse("cases:similar"), {"party": resident.pk}).content.decode(),
    ):
        assert "老人走失后找回" not in html and "楼上噪音已协商" not in html
        assert "这户近 30 天仍在办理的事项" in html
        assert html.index("独居老人助餐") < html.index("楼上漏水到我家")  # newest first, no kind yet
    # A 邻里纠纷 being logged: the dispute at this building first, then the household's other open case.
    html = client.get(
        reverse("cases:similar"), {"party": resident.pk, "category": "dispute"}
    ).content.decode()
    assert "老人走失后找回" not in html and html.index("楼上漏水到我家") < html.index("独居老人助餐")
    assert (
        reverse("cases:join", args=[care.pk]) in html and reverse("cases:join", args=[found.pk]) not in html
    )
    # The household's hint alone (no building known): the same kind first there too.
    with acting_as(org.worker_a) as worker:
        recent = selectors.recent_at_household(worker, household=resident.household, category=leak.category)
        assert [case.title for case in recent] == ["楼上漏水到我家", "独居老人助餐"]


def test_a_finished_case_takes_no_more_reporters(org, as_user):
    """Joining a case resolved or closed meanwhile (a hint drawn before, a form sent again) is refused
    in words on the case's page; nothing is added."""
    neighbour = make_resident(org.a, name="李师傅")
    case = make_case(org.worker_a, org.a, title="老人走失后找回", code="elderly", assignee=org.worker_a)
    services.transition(access=Access(org.worker_a), case=case, action=Action.RESOLVE, text="已找回")
    client = as_user(org.worker_a)
    response = client.post(reverse("cases:join", args=[case.pk]), {"party": [neighbour.pk]}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and f"事项 {case.number} 已不在办理中" in page
    assert not CaseParty.all_objects.filter(case=case, resident=neighbour).exists()
    assert not CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.REPORTERS_ADDED).exists()
    # A viewer, who may add reporters to no case, is refused outright.
    assert as_user(org.viewer_a).post(reverse("cases:join", args=[case.pk]), {"party": []}).status_code == 403


def test_worker_cannot_assign_to_others_at_intake(org, as_user):
    response = as_user(org.worker_a).post(reverse("cases:new"), _form(org, assignee=str(org.secretary_a.pk)))
    assert response.status_code == 200  # not a choice for a worker: the form again
    assert not Case.all_objects.exists()
    as_user(org.worker_a).post(reverse("cases:new"), _form(org, assignee="me", token="t2"))
    assert Case.all_objects.get().assignee == org.worker_a


def test_concurrent_edits_the_second_is_told(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    due = timezone.localdate() + datetime.timedelta(days=30)  # a date the rule lets one set by hand
    form = {
        "title": "新标题",
        "category": str(case.category_id),
        "priority": "urgent",
        "due_date": due.isoformat(),
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
    assert case.title == "新标题" and case.priority == "urgent" and case.due_date == due
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
    start = page.index('id="category-chips"')
    chips = page[start : page.index("</fieldset>", start)]
    assert "类别 <span" in chips and 'value="drainage"' in chips and "排水积水" in chips  # marked required
    assert " checked" not in chips  # nothing preselected
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
        "due_date": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        "place": "",
        "description": "",
    }
    response = as_user(org.worker_a).post(reverse("cases:edit", args=[case.pk]), form, follow=True)
    assert "这张表单已过期" in response.content.decode()
    case.refresh_from_db()
    assert case.title != "改了标题"


def test_without_a_title_the_case_is_named_by_its_details_or_category(org, as_user):
    client = as_user(org.worker_a)
    client.post(reverse("cases:new"), _form(org, title="", description="厨房地漏返水\n昨晚开始"))
    # A category and a photo (a category alone is refused: tests/cases/test_case_says_what_happened.py).
    client.post(reverse("cases:new"), _form(org, title="", token="t2", photos=[jpeg_upload()]))
    assert sorted(Case.all_objects.values_list("title", flat=True)) == ["厨房地漏返水", "排水积水"]


def test_a_form_saved_already_opens_its_case_and_never_makes_another(org, as_user):
    building = make_building(org.a, number="12")
    resident = make_resident(org.a, name="王秀英", building=building, room="101")
    client = as_user(org.worker_a)
    first = client.post(reverse("cases:new"), _form(org, party=[resident.pk]))
    case = Case.all_objects.get()
    # Back, the form emptied, then saved again: the case it made, and the page says so.
    again = client.post(reverse("cases:new"), _form(org, title="", party=[]), follow=True)
    assert first.status_code == 302 and Case.all_objects.count() == 1
    assert again.redirect_chain[-1][0] == reverse("cases:detail", args=[case.pk])
    assert f"这条事项已登记为 {case.number}" in again.content.decode()
    # The device's copy of that form, sent back to be refilled, is told which case it made.
    restored = client.post(reverse("cases:new"), {**_form(org), "_restore": "1"})
    assert restored["X-Intake-Logged"] == "1" and case.number in restored.content.decode()


def test_a_kept_form_is_refilled_without_saving_and_asks_for_the_photos(org, as_user):
    resident = make_resident(org.a, name="王秀英", room="101")
    client = as_user(org.worker_a)
    data = _form(org, title="地漏返水", token="kept", party=[resident.pk], _restore="1", _photos="1")
    html = client.post(reverse("cases:new"), data).content.decode()
    assert not Case.all_objects.exists()
    assert 'value="地漏返水"' in html and "王秀英" in html and 'value="kept"' in html
    assert 'value="drainage" required data-words' in html and "checked>排水积水" in html
    assert "照片无法保留" in html


def test_hints_come_from_the_reporters_household_and_its_last_30_days(org, as_user):
    building = make_building(org.a, number="12")
    resident = make_resident(org.a, name="王秀英", building=building, room="101")
    neighbour = make_resident(org.a, name="李四", building=building, room="202")
    same_kind = make_case(org.worker_a, org.a, title="楼道积水", building=building)
    other_kind = make_case(
        org.worker_a, org.a, title="邻居吵架", code="dispute", household=resident.household, building=building
    )
    old = make_case(org.worker_a, org.a, title="去年的事", code="dispute", household=resident.household)
    Case.all_objects.filter(pk=old.pk).update(created_at=old.created_at - datetime.timedelta(days=31))
    client = as_user(org.worker_a)
    # The fast path: a reporter picked, no building.
    similar = reverse("cases:similar")
    html = client.get(similar, {"party": resident.pk, "category": "drainage"}).content.decode()
    assert "楼道积水" in html and "邻居吵架" in html and "去年的事" not in html
    # The form opened from the resident knows the place before anything is typed.
    html = client.get(reverse("cases:new"), {"resident": resident.pk}).content.decode()
    assert "邻居吵架" in html and "近 30 天" in html
    html = client.get(similar, {"party": neighbour.pk, "category": "drainage"}).content.decode()
    assert "楼道积水" in html and "邻居吵架" not in html  # the building's, of this kind only
    assert same_kind.pk and other_kind.pk


def test_a_title_made_from_the_details_never_cuts_a_number_nor_ends_on_one(org, as_user):
    """The title is the details' first 40 characters: a number across the 40th was kept whole, so that
    the title's mask hid it as the details' does (cut in two, its first digits matched no mask); a
    title no longer ends on a contact number at all (cases/titles.py), nor on its naming words."""
    details = "一二三四五六七八九十" * 3 + "来电人电话13812345678请回电"
    client = as_user(org.worker_a)
    client.post(reverse("cases:new"), _form(org, title="", description=details))
    case = Case.all_objects.get()
    assert case.title == "一二三四五六七八九十" * 3 + "来电人"
    for persona in ("worker_a", "viewer_a"):
        page = as_user(getattr(org, persona)).get(reverse("cases:list") + "?status=").text
        assert case.title in page and "1381234" not in page and "138****5678" not in page


def test_a_title_cut_after_a_comma_leaves_the_comma_out(org, as_user):
    """The 40th character was the comma: "…楼下邻居也说渗水，" read as a title left unfinished."""
    client = as_user(org.worker_a)
    details = "13812345678张阿姨来电，家里厨房地漏返水已经三天了，楼下邻居也说渗水，请尽快派人看看"
    client.post(reverse("cases:new"), _form(org, title="", description=details))
    # A first line short enough is the title as typed, a comma at its end too.
    client.post(reverse("cases:new"), _form(org, title="", token="t2", description="楼道灯不亮，"))
    assert set(Case.all_objects.values_list("title", flat=True)) == {
        "13812345678张阿姨来电，家里厨房地漏返水已经三天了，楼下邻居也说渗水",
        "楼道灯不亮，",
    }
