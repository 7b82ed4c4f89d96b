"""The registry's change forms in the admin offer the row's own committee, in words: a resident's
household, a household's building and a building's leader are searched within the committee (an
address, a name and home), not typed as raw ids; a building's grid and a grid's worker are chosen
from the committee's own, not from every committee's (each has its 一网格)."""

import html
import json

from django.urls import reverse

from residents.models import Building
from tests.factories import make_building, make_grid, make_household, make_resident


def _select(page: str, name: str) -> str:
    start = page.rindex("<select", 0, page.index(f'name="{name}"'))
    return page[start : page.index("</select>", start)]


def test_homes_and_leaders_are_searched_in_the_rows_committee(org, as_user):
    home = make_household(make_building(org.a, "12", lane="449"), "302")
    wang = make_resident(home, "王芳")
    make_resident(org.b, "王芳")
    client = as_user(org.superuser)
    search = f'data-ajax--url="{reverse("admin:autocomplete")}?committee={org.a.pk}"'
    resident = client.get(reverse("admin:residents_resident_change", args=[wang.pk])).text
    household = _select(resident, "household")
    assert search in household and "定海路449弄12号302室" in household  # the home in words, not its id
    page = client.get(reverse("admin:residents_household_change", args=[home.pk])).text
    assert search in _select(page, "building") and "定海路449弄12号" in _select(page, "building")
    building = Building.all_objects.get(pk=home.building_id)
    Building.all_objects.filter(pk=building.pk).update(leader=wang)
    page = client.get(reverse("admin:residents_building_change", args=[building.pk])).text
    assert search in _select(page, "leader") and "王芳 · 定海路449弄12号302室" in _select(page, "leader")
    params = {"term": "王", "app_label": "residents", "model_name": "building", "field_name": "leader"}
    results = json.loads(client.get(reverse("admin:autocomplete"), {**params, "committee": org.a.pk}).content)
    assert [r["text"] for r in results["results"]] == ["王芳 · 定海路449弄12号302室"]


def test_grids_and_grid_workers_are_the_committees_own(org, as_user):
    ours = make_grid(org.a, "一网格")
    make_grid(org.b, "一网格")
    building = make_building(org.a, "12")
    client = as_user(org.superuser)
    page = client.get(reverse("admin:residents_building_change", args=[building.pk]))
    grids = _select(page.text, "grid")
    assert grids.count("<option") == 2 and f'value="{ours.pk}"' in grids  # none, or ours
    page = client.get(reverse("admin:residents_grid_change", args=[ours.pk]))
    workers = {
        str(label) for value, label in page.context["adminform"].form.fields["worker"].choices if value
    }
    assert workers == {"周勤", "李敏"}  # not 张伟 of 波阳, nor the street officer or the administrator


def _add_grid(client, committee, worker, language="en"):
    data = {"committee": str(committee.pk), "name": "测试网格", "worker": str(worker.pk)}
    return client.post(reverse("admin:residents_grid_add"), data, headers={"Accept-Language": language})


def test_the_add_grid_form_offers_and_takes_only_the_committees_case_workers(org, as_user):
    """Review 10, 4: "Add grid" listed every user and took another committee's worker, an officer
    or the superuser as the grid's worker. It offers staff who work cases, each with their committee,
    and refuses one not of the grid's committee, in the reader's language; a right one is saved."""
    from residents.models import Grid

    client = as_user(org.superuser)
    page = client.get(reverse("admin:residents_grid_add"), headers={"Accept-Language": "en"})
    workers = {
        str(label) for value, label in page.context["adminform"].form.fields["worker"].choices if value
    }
    assert workers == {"周勤 · 定海居民区", "李敏 · 定海居民区", "张伟 · 波阳居民区"}
    refusals = {
        "en": "张伟 does not work cases in 定海居民区: a grid's worker must be one of its own staff",
        "zh-hans": "张伟不在定海居民区办理事项：网格员须是本居民区办理事项的工作人员",
    }
    for language, words in refusals.items():
        response = _add_grid(client, org.a, org.worker_b, language)
        assert response.status_code == 200 and words in html.unescape(response.content.decode()), language
    for stranger in (org.officer, org.superuser, org.viewer_a):
        response = _add_grid(client, org.a, stranger)
        assert response.status_code == 200, stranger
        assert "This person does not work cases in this committee." in response.content.decode()
    assert not Grid.all_objects.filter(name="测试网格").exists()
    assert _add_grid(client, org.a, org.worker_a).status_code == 302
    assert Grid.all_objects.get(name="测试网格").worker == org.worker_a


def test_a_grid_saved_by_any_path_refuses_a_worker_of_another_committee(org):
    """The rule is the model's: code (a command, a shell) that sets another committee's worker is
    refused too; a grid whose worker left keeps them until its worker is changed."""
    import pytest
    from django.core.exceptions import ValidationError

    grid = make_grid(org.a, "二网格")
    grid.worker = org.worker_b
    with pytest.raises(ValidationError) as refused:
        grid.save()
    assert "张伟不在定海居民区办理事项" in str(refused.value.message_dict["worker"])
    grid.worker = org.worker_a
    grid.save()
    org.worker_a.memberships.all().delete()  # 李敏 leaves the committee
    grid.name = "第二网格"
    grid.save()  # renamed, its worker unchanged: saved
