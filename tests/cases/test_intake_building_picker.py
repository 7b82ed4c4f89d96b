"""The intake's building picker (cases:pick_building): a building is found from its address however a
worker types it (as the app shows it, the road and lane alone, 449-12, full-width digits), listed in
natural order, and when more match than it shows, it says how many more."""

import pytest
from django.urls import reverse

from tests.factories import make_building


def _found(client, typed: str) -> list[str]:
    response = client.post(reverse("cases:pick_building"), {"building_q": typed})
    assert response.status_code == 200
    return [b.address for b in response.context["building_results"]]


@pytest.mark.parametrize(
    "typed",
    [
        "定海路449弄12号",  # as the app shows it
        "定海路449弄12号302室",  # the home, with its room
        "449弄12号",
        "449弄12",
        "449 12",
        "449-12",
        "449/12",
        "449－12",  # a full-width hyphen
        "４４９弄１２号",  # full-width digits from a Chinese keyboard
        "定海路 449 12",
        "449-12-302",
    ],
)
def test_the_building_is_found_however_its_address_is_typed(org, as_user, typed):
    make_building(org.a, "12", lane="449")
    make_building(org.a, "2", lane="449")
    make_building(org.a, "12", lane="451")
    assert _found(as_user(org.worker_a), typed) == ["定海路449弄12号"]


@pytest.mark.parametrize("typed", ["定海路449弄", "定海路449", "449弄", "４４９弄", "449"])
def test_the_road_and_lane_alone_list_the_lanes_buildings(org, as_user, typed):
    for number in ("1", "2", "12"):
        make_building(org.a, number, lane="449")
    make_building(org.a, "1", lane="451")
    make_building(org.a, "1", lane="1449")
    assert _found(as_user(org.worker_a), typed) == ["定海路449弄1号", "定海路449弄2号", "定海路449弄12号"]


def test_a_lone_number_finds_that_number_in_every_lane(org, as_user):
    make_building(org.a, "12", lane="449")
    make_building(org.a, "12", lane="451")
    make_building(org.a, "12", lane="", road="定海路")
    make_building(org.a, "13", lane="449")
    found = _found(as_user(org.worker_a), "12")
    assert found == ["定海路12号", "定海路449弄12号", "定海路451弄12号"]


def test_suffixes_and_branch_lanes(org, as_user):
    make_building(org.a, "12", lane="449")
    make_building(org.a, "12甲", lane="449")
    make_building(org.a, "5", lane="449弄3支")
    client = as_user(org.worker_a)
    assert _found(client, "449弄12") == ["定海路449弄12号", "定海路449弄12甲号"]
    assert _found(client, "449弄12甲号") == ["定海路449弄12甲号"]
    assert _found(client, "449弄3支弄5号") == ["定海路449弄3支弄5号"]
    assert _found(client, "449弄") == ["定海路449弄12号", "定海路449弄12甲号", "定海路449弄3支弄5号"]


def test_the_list_is_in_natural_order_and_says_how_many_more_matched(org, as_user):
    for number in range(16, 0, -1):
        make_building(org.a, str(number), lane="449")
    response = as_user(org.worker_a).post(reverse("cases:pick_building"), {"building_q": "449"})
    shown = [b.number for b in response.context["building_results"]]
    assert shown == ["1", "2", "3", "4", "5", "6", "7", "8"]
    assert "还有 8 个楼栋符合：请输入更多地址。" in response.text
    narrowed = as_user(org.worker_a).post(reverse("cases:pick_building"), {"building_q": "449弄1"})
    assert "还有" not in narrowed.text


def test_the_more_hint_in_english(org, as_user):
    for number in range(1, 10):
        make_building(org.a, str(number), lane="449")
    response = as_user(org.worker_a).post(
        reverse("cases:pick_building"), {"building_q": "449"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "1 more building matches: type more of the address." in response.text


def test_nothing_found_says_how_to_type_it_and_other_committees_stay_out(org, as_user):
    make_building(org.b, "12", lane="449")
    response = as_user(org.worker_a).post(reverse("cases:pick_building"), {"building_q": "449弄12号"})
    assert response.context["building_results"] == []
    assert "没有找到楼栋。请输入路名、弄号和门牌号" in response.text
    assert _found(as_user(org.worker_a), "abc") == []


def test_the_building_box_example_is_one_of_the_committees_own_buildings(org, as_user):
    """Review 10 F-D: the demo's "449弄12" was every committee's example; a worker of a committee on
    枫林路 typed 449 and found nothing."""
    make_building(org.b, "12", lane="449")  # another committee's: never the example
    client = as_user(org.worker_a)
    empty = client.get(reverse("cases:new"))
    assert 'placeholder="如：12弄3号"' in empty.text and "449" not in empty.text
    assert 'placeholder="e.g. 12弄3号"' in client.get(reverse("cases:new"), HTTP_ACCEPT_LANGUAGE="en").text
    make_building(org.a, "2", road="枫林路", lane="100")
    make_building(org.a, "1", road="枫林路", lane="100")
    assert 'placeholder="如：枫林路100弄1号"' in client.get(reverse("cases:new")).text
    none = client.post(reverse("cases:pick_building"), {"building_q": "449弄12号"})
    assert "例如“枫林路100弄1号”" in none.text and "定海路449" not in none.text
    english = client.post(reverse("cases:pick_building"), {"building_q": "9弄9"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "No building found. Type the road, lane and number, e.g. 枫林路100弄1号." in english.text
