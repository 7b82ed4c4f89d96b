"""The place a case is saved at does not depend on the order things are picked at the intake, and
the form shows it before saving. A building picked, then a reporter who lives there: the case kept
the building and dropped the reporter's room (302室, where her kitchen drain was); a reporter alone:
the form showed no place, and the case silently got her room (review 8, finding 9)."""

import re
from html.parser import HTMLParser

from django.urls import reverse

from cases.models import Case, CaseParty
from tests.cases.page_text import text_of
from tests.factories import intake_post, make_building, make_resident


def _world(org):
    building = make_building(org.a, lane="449", number="12")
    zhou = make_resident(org.a, name="周勤", building=building, room="302")
    elsewhere = make_resident(
        org.a, name="李强", building=make_building(org.a, lane="449", number="14"), room="101"
    )
    return building, zhou, elsewhere


def _saved(client, org, **fields) -> Case:
    response = client.post(reverse("cases:new"), intake_post(org.a, title="底楼厨房地漏返水", **fields))
    assert response.status_code == 302, response.content.decode()[:500]
    return Case.all_objects.get(pk=response.url.strip("/").split("/")[-1])


def test_a_reporter_who_lives_in_the_building_picked_gives_the_place_their_room(org, as_user):
    building, zhou, elsewhere = _world(org)
    client = as_user(org.worker_a)
    # The building and the reporter both picked (in either order, the form holds the same).
    case = _saved(client, org, building=building.pk, party=[zhou.pk])
    assert (case.building, case.household) == (building, zhou.household)
    # The reporter alone: her home, as before.
    case = _saved(client, org, token="t2", party=[zhou.pk])
    assert (case.building, case.household) == (building, zhou.household)
    # "The building only" ticked: the problem is not in her home.
    case = _saved(client, org, token="t3", building=building.pk, party=[zhou.pk], building_only="1")
    assert (case.building, case.household) == (building, None)
    # A reporter living elsewhere: the building picked, no room.
    case = _saved(client, org, token="t4", building=building.pk, party=[elsewhere.pk])
    assert (case.building, case.household) == (building, None)
    # A public place typed: the building picked and the words, no room.
    case = _saved(client, org, token="t5", building=building.pk, party=[zhou.pk], place="楼道")
    assert (case.building, case.household, case.place) == (building, None, "楼道")
    # The other party lives in the building, the reporter elsewhere: the reporter's room is the
    # one looked for first, then anyone's who lives there.
    case = _saved(
        client,
        org,
        token="t6",
        building=building.pk,
        party=[elsewhere.pk, zhou.pk],
        **{f"role_{zhou.pk}": CaseParty.Role.OTHER_PARTY},
    )
    assert (case.building, case.household) == (building, zhou.household)


def test_the_place_to_be_saved_is_shown_whichever_is_picked_first(org, as_user):
    building, zhou, elsewhere = _world(org)
    client = as_user(org.worker_a)
    # The building first, then the reporter: drawn again with her (static/js/intake.js).
    place = client.post(reverse("cases:place"), {"building": building.pk, "party": zhou.pk}).text
    assert "地点： 定海路449弄12号302室 周勤家" in text_of(place)
    assert f'name="building" value="{building.pk}"' in place and 'name="household"' not in place
    assert "不在周勤家里：只记楼栋" in text_of(place)
    # The reporter first, then the building: the pick answers with her room.
    picked = client.post(reverse("cases:pick_building"), {"pick": building.pk, "party": zhou.pk}).text
    assert "地点： 定海路449弄12号302室 周勤家" in text_of(picked)
    # The reporter alone: her home is shown, which is what is saved.
    alone = client.post(reverse("cases:place"), {"party": zhou.pk}).text
    assert "地点： 定海路449弄12号302室" in text_of(alone)
    # The building only, and a reporter who lives elsewhere: the building.
    only = client.post(
        reverse("cases:place"), {"building": building.pk, "party": zhou.pk, "building_only": "1"}
    ).text
    assert "地点： 定海路449弄12号 " in text_of(only) + " " and "302室" not in only
    assert 'name="building_only" value="1" checked' in only
    other = client.post(reverse("cases:place"), {"building": building.pk, "party": elsewhere.pk}).text
    assert "地点： 定海路449弄12号" in text_of(other) and "101室" not in other
    assert 'name="building_only"' not in other
    english = client.post(
        reverse("cases:place"), {"building": building.pk, "party": zhou.pk}, headers={"accept-language": "en"}
    ).text
    assert "Place: 定海路449弄12号302室 周勤's home" in text_of(english)
    assert "Not in 周勤's home: the building only" in text_of(english)


def test_the_form_drawn_again_shows_the_place_without_javascript(org, as_user):
    building, zhou, _elsewhere = _world(org)
    client = as_user(org.worker_a)
    # Without JavaScript: the building picked, then the reporter picked.
    form = intake_post(org.a, building=building.pk, _pick=f"resident:{zhou.pk}")
    page = client.post(reverse("cases:new"), form).text
    assert "地点： 定海路449弄12号302室 周勤家" in text_of(page)
    # The reporter first, then the building picked (which empties a household chosen before).
    form = intake_post(org.a, party=[zhou.pk], _pick=f"building:{building.pk}")
    page = client.post(reverse("cases:new"), form).text
    assert "地点： 定海路449弄12号302室 周勤家" in text_of(page)
    assert not Case.all_objects.exists()


class _HtmxCalls(HTMLParser):
    """The page's text boxes (their names) and its htmx GETs (the names each sends)."""

    def __init__(self) -> None:
        super().__init__()
        self.text_boxes: set[str] = set()
        self.gets: list[tuple[str, set[str]]] = []

    def handle_starttag(self, tag, attrs) -> None:
        a = dict(attrs)
        typed = tag == "textarea" or (tag == "input" and a.get("type", "text") in {"text", "search", "tel"})
        if typed and a.get("name"):
            self.text_boxes.add(a["name"])
        if "hx-get" in a:
            sent = set(re.findall(r"\[name\^?=([\w-]+)\]", a.get("hx-include", "")))
            sent |= {a["name"]} if a.get("name") else set()
            self.gets.append((a["hx-get"], sent))


def test_the_intakes_htmx_calls_carrying_typed_text_are_posts(org, as_user):
    """No text a worker types travels in an address: "门口，联系 13812345678" typed as the public
    place went in /cases/new/place/?place=… to the access logs and the browser's history."""
    building, zhou, _elsewhere = _world(org)
    client = as_user(org.worker_a)
    page = client.get(reverse("cases:new")).text
    picks = client.post(reverse("cases:pick_building"), {"building_q": "449弄12"}).text
    assert "定海路449弄12号" in picks
    calls = _HtmxCalls()
    calls.feed(page + picks)
    assert {"title", "place", "building_q", "resident_q", "work_order_number"} <= calls.text_boxes
    carrying = [(url, sent & calls.text_boxes) for url, sent in calls.gets if sent & calls.text_boxes]
    # The 12345 work order's number is no resident's: its check alone stays a GET.
    assert carrying == [(reverse("cases:work_order"), {"work_order_number"})]
    assert f'hx-post="{reverse("cases:place")}"' in page
    assert picks.count(f'hx-post="{reverse("cases:pick_building")}"') == 1
    # GET is refused: the place typed is never read from an address.
    typed = {"building": building.pk, "party": zhou.pk, "place": "门口，联系 13812345678"}
    assert client.get(reverse("cases:place"), typed).status_code == 405
    assert client.get(reverse("cases:pick_building"), {"pick": building.pk, **typed}).status_code == 405
