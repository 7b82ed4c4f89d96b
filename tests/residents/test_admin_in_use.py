"""A care category or a grid in use is not deleted in the admin: one click stripped 独居老人 from
every resident who had it (off the care roster) or left a grid's buildings in none (review 9,
item 3). The refusal says how many use it and what to do first, in the admin's language; an
unused one is deleted as before."""

import pytest
from django.urls import reverse

from committee.scoping import unscoped
from residents.models import Building, CareCategory, Grid, Resident
from tests.factories import make_resident

ZH = {"Accept-Language": "zh-hans"}
EN = {"Accept-Language": "en"}


@pytest.fixture
def lone(org):
    residents = [make_resident(org.a, name, categories=["elderly_alone"]) for name in ("王芳", "李娜")]
    return CareCategory.objects.get(code="elderly_alone"), residents


def test_a_care_category_in_use_is_not_deleted_and_says_why(org, as_user, lone):
    category, residents = lone
    client = as_user(org.superuser)
    url = reverse("admin:residents_carecategory_delete", args=[category.pk])
    for method in (client.get, client.post):
        response = method(url, {"post": "yes"} if method == client.post else None, headers=ZH)
        assert response.status_code == 302
        assert response.url == reverse("admin:residents_carecategory_change", args=[category.pk])
    page = client.get(response.url, headers=ZH).text
    assert "无法删除“独居老人”：有 2 位居民登记了这一类别" in page
    assert "Resident_care_categories object" not in page
    assert f"care_categories__id__exact={category.pk}" in page  # the way to them
    english = client.get(url, headers=EN, follow=True).text
    assert "“Elderly living alone” cannot be deleted: 2 residents are registered with it" in english
    assert CareCategory.objects.filter(pk=category.pk).exists()
    with unscoped():
        assert all(Resident.objects.get(pk=r.pk).next_visit_due is not None for r in residents)
    # The list the refusal links to lists them.
    residents_list = reverse("admin:residents_resident_changelist")
    listed = client.get(f"{residents_list}?care_categories__id__exact={category.pk}")
    assert listed.status_code == 200 and "王芳" in listed.text and "李娜" in listed.text


def test_delete_selected_refuses_a_care_category_in_use(org, as_user, lone):
    category, _residents = lone
    unused = CareCategory.objects.create(code="unused", name="试用类别", name_en="Trial")
    response = as_user(org.superuser).post(
        reverse("admin:residents_carecategory_changelist"),
        {"action": "delete_selected", "_selected_action": [category.pk, unused.pk], "post": "yes"},
        headers=ZH,
        follow=True,
    )
    assert "无法删除“独居老人”" in response.text
    assert CareCategory.objects.filter(pk__in=[category.pk, unused.pk]).count() == 2  # nothing deleted


def test_an_unused_care_category_is_deleted(org, as_user):
    unused = CareCategory.objects.create(code="unused", name="试用类别", name_en="Trial")
    client = as_user(org.superuser)
    url = reverse("admin:residents_carecategory_delete", args=[unused.pk])
    assert "试用类别" in client.get(url, headers=ZH).text  # Django's confirmation
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not CareCategory.objects.filter(pk=unused.pk).exists()


def test_a_grid_with_buildings_is_not_deleted_and_says_why(org, as_user):
    resident = make_resident(org.a, "王芳")
    building = resident.household.building
    with unscoped():
        grid = Grid.objects.create(committee=org.a, name="第1网格", worker=org.worker_a)
        Building.objects.filter(pk=building.pk).update(grid=grid)
    client = as_user(org.superuser)
    url = reverse("admin:residents_grid_delete", args=[grid.pk])
    page = client.post(url, {"post": "yes"}, headers=ZH, follow=True).text
    assert f"无法删除{org.a.name}的“第1网格”：其中有 1 栋楼" in page
    assert f"grid__id__exact={grid.pk}" in page
    english = client.get(url, headers=EN, follow=True).text
    assert "cannot be deleted: 1 building is in it" in english
    listed = client.get(f"{reverse('admin:residents_building_changelist')}?grid__id__exact={grid.pk}")
    assert listed.status_code == 200 and building.address in listed.text
    with unscoped():
        assert Building.objects.get(pk=building.pk).grid_id == grid.pk
        # Moved out, it is deleted.
        Building.objects.filter(pk=building.pk).update(grid=None)
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Grid.all_objects.filter(pk=grid.pk).exists()
