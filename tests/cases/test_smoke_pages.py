from django.urls import reverse

from tests.factories import jpeg_upload, make_building, make_case, make_resident


def test_pages_render(org, as_user):
    building = make_building(org.a)
    resident = make_resident(org.a, building=building)
    case = make_case(org.worker_a, org.a, building=building, assignee=org.worker_a)
    client = as_user(org.secretary_a)
    for url in [
        reverse("cases:list"),
        reverse("cases:list") + "?status=open&overdue=1&q=积水",
        reverse("cases:new"),
        reverse("cases:new") + f"?resident={resident.pk}",
        reverse("cases:new") + f"?building={building.pk}",
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:print", args=[case.pk]),
        reverse("cases:pick_resident") + "?resident_q=王",
        reverse("cases:pick_resident") + f"?add={resident.pk}",
        reverse("cases:similar") + f"?building={building.pk}&category=drainage",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    for data in ({"building_q": "449"}, {"pick": building.pk}):  # posted: the place typed comes along
        assert client.post(reverse("cases:pick_building"), data).status_code == 200, data
    response = client.post(
        reverse("cases:new"),
        {
            "title": "下水道堵塞",
            "category": "drainage",
            "source": "walk_in",
            "priority": "normal",
            "committee": str(org.a.pk),
            "building": str(building.pk),
            "party": [str(resident.pk)],
            f"role_{resident.pk}": "reporter",
            "token": "abc",
            "photos": [jpeg_upload()],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]


def test_the_intakes_building_search_takes_the_home_typed_with_its_room(org, as_user):
    """A worker types the home they stand at: "449弄8号203" found no building (the room was read as
    a number to match)."""
    make_building(org.a, "8")
    make_building(org.a, "18")
    client = as_user(org.worker_a)
    for typed in ("449弄8号203", "449弄8号203室", "449弄8号", "449 8"):
        found = client.post(reverse("cases:pick_building"), {"building_q": typed}).context["building_results"]
        assert [b.number for b in found] == ["8"], typed
