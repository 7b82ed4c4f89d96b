"""A walk-in not in the registry, added to it from the intake and made the case's reporter (review 10
F-B): the registry's checks, nothing typed of the case lost, the phone on the resident's record (shown
masked, revealable by who may reveal), not in the case's text."""

from django.urls import reverse

from cases.models import Case, CaseParty
from residents.models import Household, Resident
from tests.factories import intake_post, make_building, make_resident, valid_id


def _post(client, org, **fields):
    return client.post(reverse("cases:new"), intake_post(org.a, **fields))


def _walk_in(building, **fields) -> dict:
    return {
        "_add_resident": "1",
        "new-name": "刘桂英",
        "new-phone": "13800001234",
        "new-building": str(building.pk),
        "new-room": "302",
        **fields,
    }


def test_the_empty_search_offers_to_add_the_walk_in(org, as_user):
    make_building(org.a, "1", road="枫林路", lane="100")
    client = as_user(org.worker_a)
    found = client.post(reverse("cases:new"), intake_post(org.a, resident_q="刘桂英", _find="resident"))
    assert "没有找到居民。" in found.text and "登记为新居民" in found.text
    assert '<details class="more walk-in" id="walk-in" open>' in found.text
    assert 'name="new-name" value="刘桂英"' in found.text  # the name searched for, filled in
    htmx = client.post(
        reverse("cases:pick_resident"), {"resident_q": "刘桂英"}
    )  # POST only (no number in a URL)
    assert "没有找到居民。" in htmx.text and 'href="#walk-in"' in htmx.text
    english = client.post(reverse("cases:pick_resident"), {"resident_q": "Liu"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Add them to the registry as a new resident" in english.text


def test_the_walk_in_is_added_and_becomes_the_reporter_with_nothing_typed_lost(org, as_user):
    building = make_building(org.a, "1", road="枫林路", lane="100")
    client = as_user(org.worker_a)
    typed = {"title": "楼上漏水", "description": "卫生间天花板滴水", "building": str(building.pk)}
    page = _post(client, org, **typed, **_walk_in(building, **{"new-room": "302室"}))
    assert page.status_code == 200 and not Case.all_objects.exists()  # the case is not saved yet
    resident = Resident.all_objects.get(name="刘桂英")
    assert resident.phone == "13800001234" and resident.household.room == "302"
    assert resident.household.building == building and resident.committee == org.a
    assert resident.relation_to_head == Resident.Relation.HEAD
    text = page.text
    assert "刘桂英 已登记到居民档案（枫林路100弄1号302室），并作为反映人。" in text
    assert '<details class="more walk-in" id="walk-in" open>' in text  # where it is said
    assert f'name="party" value="{resident.pk}" checked' in text
    assert "楼上漏水" in text and "卫生间天花板滴水" in text
    assert "13800001234" not in text  # the number is not drawn back into the page
    # Sent again (a double tap, Back): the same resident, not a second record.
    again = _post(client, org, **typed, **_walk_in(building))
    assert Resident.all_objects.filter(name="刘桂英").count() == 1
    assert "已在居民档案中（枫林路100弄1号302室）：已作为反映人。" in again.text
    saved = _post(client, org, **typed, party=[str(resident.pk)], token="t2")
    assert saved.status_code == 302
    case = Case.all_objects.get()
    parties = CaseParty.all_objects.filter(case=case).values_list("resident__name", "role")
    assert list(parties) == [("刘桂英", CaseParty.Role.REPORTER)]
    # Her page lists the case; her phone there is masked and revealable, as every resident's.
    secretary = as_user(org.secretary_a).get(reverse("residents:detail", args=[resident.pk])).text
    assert case.number in secretary and "138****1234" in secretary


def test_a_room_of_a_registered_household_adds_a_member(org, as_user):
    building = make_building(org.a, "1", road="枫林路", lane="100")
    head = make_resident(org.a, name="周勤", building=building, room="302")
    _post(as_user(org.worker_a), org, **_walk_in(building))
    resident = Resident.all_objects.get(name="刘桂英")
    assert resident.household == head.household and Household.all_objects.count() == 1
    assert resident.relation_to_head == Resident.Relation.OTHER


def test_bad_input_is_said_on_its_field_and_nothing_is_added(org, as_user):
    building = make_building(org.a, "1", road="枫林路", lane="100")
    taken = make_resident(org.a, name="王阿姨", building=building, room="101", id_number=valid_id())
    client = as_user(org.worker_a)
    typed = {"title": "楼上漏水", "description": "卫生间天花板滴水"}
    bad = _post(
        client,
        org,
        **typed,
        **_walk_in(
            building,
            **{"new-phone": "12345", "new-room": "", "new-name": "", "new-id_number": taken.id_number},
        ),
    )
    assert bad.status_code == 200 and not Resident.all_objects.filter(household__room="302").exists()
    text = bad.text
    assert "楼上漏水" in text and "卫生间天花板滴水" in text
    assert text.count('aria-invalid="true"') >= 3
    assert "该身份证号已登记在枫林路100弄1号101室的王阿姨名下。" in text and "手机号" in text
    english = client.post(
        reverse("cases:new"),
        intake_post(org.a, **_walk_in(building, **{"new-room": ""})),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "This field is required." in english.text and Resident.all_objects.count() == 1


def test_only_who_may_add_to_the_registry_and_only_its_own_buildings(org, as_user):
    other = make_building(org.b, "9", road="定海路", lane="449")
    page = _post(as_user(org.worker_a), org, **_walk_in(other))
    assert page.status_code == 200 and not Resident.all_objects.filter(name="刘桂英").exists()
    assert "选择一个有效的选项" in page.text
