"""The secretary manages the committee's grids in the app (review 10, finding M): names a grid, gives
it a grid worker among the staff who work the committee's cases, and says which buildings are in it.
Before, no page did, and the app told the secretary to "tell the administrator"."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cases.services.departure import hand_back
from committee.access import Access
from committee.roles import Role
from committee.scoping import unscoped
from notifications.models import Notification
from residents.grids import save_grid
from residents.models import Building, Grid
from tests.conftest import client_for
from tests.factories import make_building, make_resident, make_user

ZH = {"Accept-Language": "zh-hans"}
EN = {"Accept-Language": "en"}


def test_the_secretary_makes_a_grid_gives_it_a_worker_and_buildings(org):
    first = Grid.all_objects.create(committee=org.a, name="第一网格", worker=org.worker_a)
    moved = make_building(org.a, "1", road="枫林路", lane="100", grid=first)
    loose = make_building(org.a, "88", road="枫林路", lane="")
    qian = make_user("qian", committee=org.a, role=Role.WORKER, full_name="钱二")
    client = client_for(org.secretary_a)

    # The buildings page leads there; the grids page says what is in no grid.
    assert "网格" in client.get(reverse("residents:buildings"), headers=ZH).text
    page = client.get(reverse("residents:grids"), headers=ZH).text
    assert "第一网格" in page and "李敏" in page and "1 栋楼" in page
    assert "1 栋楼不在任何网格中" in page

    form = client.get(reverse("residents:grid_new"), headers=ZH).text
    assert "钱二" in form and "李敏" in form and "张伟" not in form and "陈晓燕" not in form
    assert "枫林路100弄1号（现属第一网格）" in form
    saved = client.post(
        reverse("residents:grid_new"),
        {"name": " 第二网格 ", "worker": qian.pk, "buildings": [moved.pk, loose.pk]},
        headers=ZH,
    )
    assert saved.status_code == 302 and saved.url == reverse("residents:grids")
    with unscoped():
        second = Grid.objects.get(committee=org.a, name="第二网格")
        assert second.worker_id == qian.pk
        assert set(Building.objects.filter(grid=second).values_list("pk", flat=True)) == {moved.pk, loose.pk}
        assert Building.objects.get(pk=moved.pk).version == moved.version + 1  # an open edit form is stale
    listed = client.get(reverse("residents:grids"), headers=ZH).text
    assert "已添加网格 第二网格。" in listed and "钱二" in listed and "不在任何网格中" not in listed
    assert "没有网格员" not in listed

    # Renamed, its worker taken off, a building left out: in no grid again.
    client.post(
        reverse("residents:grid_edit", args=[second.pk]), {"name": "第三网格", "buildings": [moved.pk]}
    )
    with unscoped():
        second.refresh_from_db()
        assert (second.name, second.worker_id) == ("第三网格", None)
        assert Building.objects.get(pk=loose.pk).grid_id is None
    english = client.get(reverse("residents:grids"), headers=EN).text
    assert "No grid worker" in english and "1 building is in no grid" in english


def test_a_grid_worker_must_work_cases_at_the_committee(org):
    """As the admin's grid form (F-H): another committee's worker, a viewer, an officer, the superuser
    are refused, by the form and by the service itself."""
    client = client_for(org.secretary_a)
    for other in (org.worker_b, org.viewer_a, org.officer, org.superuser):
        refused = client.post(
            reverse("residents:grid_new"), {"name": "第二网格", "worker": other.pk}, headers=ZH
        )
        assert refused.status_code == 200
        assert "请选择在本居委会承办事项的工作人员。" in refused.text
    with pytest.raises(ValidationError) as said, translation.override("zh-hans"):
        save_grid(
            access=Access(org.secretary_a),
            committee=org.a,
            name="第二网格",
            worker=org.worker_b,
            buildings=[],
        )
    assert said.value.message_dict["worker"] == ["张伟不在定海居民区承办事项，不能担任该居委会的网格员。"]
    with pytest.raises(ValidationError) as said, translation.override("en"):
        theirs = make_building(org.b, "5")
        save_grid(
            access=Access(org.secretary_a), committee=org.a, name="第二网格", worker=None, buildings=[theirs]
        )
    assert said.value.message_dict["buildings"] == ["This building belongs to another committee."]
    with pytest.raises(PermissionDenied):
        save_grid(
            access=Access(org.worker_a), committee=org.a, name="我的网格", worker=org.worker_a, buildings=[]
        )
    with unscoped():
        assert not Grid.objects.exists()


def test_a_grid_name_taken_is_refused_in_words_with_what_was_typed_kept(org):
    Grid.all_objects.create(committee=org.a, name="第一网格")
    Grid.all_objects.create(committee=org.b, name="第二网格")  # another committee's: no clash
    client = client_for(org.secretary_a)
    refused = client.post(
        reverse("residents:grid_new"), {"name": "第一网格", "worker": org.worker_a.pk}, headers=ZH
    )
    assert refused.status_code == 200
    assert "定海居民区已有名为 第一网格 的网格。" in refused.text
    english = client.post(reverse("residents:grid_new"), {"name": "", "worker": org.worker_a.pk}, headers=EN)
    assert "This field is required." in english.text or "Give the grid a name" in english.text
    assert client.post(reverse("residents:grid_new"), {"name": "第二网格"}).status_code == 302


def test_the_grids_page_is_a_few_queries_however_many_grids(org):
    client = client_for(org.secretary_a)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("residents:grids")).status_code == 200
        return len(queries)

    grid = Grid.all_objects.create(committee=org.a, name="网格1", worker=org.worker_a)
    make_building(org.a, "1", grid=grid)
    make_building(org.a, "2")
    client.get(reverse("residents:grids"))
    few = count()
    for n in range(2, 30):
        grid = Grid.all_objects.create(
            committee=org.a, name=f"网格{n}", worker=org.worker_a if n % 2 else None
        )
        make_building(org.a, str(n * 10), grid=grid)
        make_building(org.a, str(n * 10 + 1))
    assert count() == few


def test_a_worker_who_leaves_their_grid_the_secretary_is_sent_to_the_grids_page(org):
    """The admin hands back a worker's work (cases/services/departure.py): a grid left without its
    worker is the secretary's to give again, on the grids page, no longer "tell the administrator"."""
    resident = make_resident(org.a, "王阿姨", categories=["elderly_alone"])
    with unscoped():
        grid = Grid.objects.create(committee=org.a, name="第2网格", worker=org.worker_a)
        Building.objects.filter(pk=resident.household.building_id).update(grid=grid)
    hand_back(user=org.worker_a, committee_ids=[org.a.pk], by=org.superuser)
    told = Notification.objects.get(recipient=org.secretary_a, kind=Notification.Kind.STAFF_LEFT)
    assert told.url == reverse("residents:grids")
    with translation.override("zh-hans"):
        assert (
            "第2网格现在没有网格员（关爱名册上 1 位居民）：请在“楼栋 → 网格”中选定接手的人。" in told.sentence
        )
        assert "管理员" not in told.sentence
    with translation.override("en"):
        assert "choose who takes it over under Buildings → Grids." in told.sentence
