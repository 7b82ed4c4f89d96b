"""A building's rooms in natural order (residents.addresses.room_order, kept in Household.room_order):
3室 before 12室 before 302室 before 1002室, not as text (1002 before 302, 12 before 3); 甲302 after
302; a room that is no number (地下室, 其他) after the numbered ones. The building page lists them so,
the admin's household list and every list by default too; the upgrade fills the stored ones."""

import importlib
import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from committee.scoping import unscoped
from residents.addresses import room_order
from residents.models import Household
from tests.factories import make_building, make_household, make_resident

# As the household form stores them (地下室 is stored 地下: the form drops a typed 室).
ROOMS = ["1002", "地下", "302", "12", "甲302", "3", "其他"]
NUMBERED = ["3", "12", "302", "甲302", "1002"]


def test_rooms_are_counted_by_their_number_then_their_suffix():
    assert sorted(ROOMS, key=lambda room: (room_order(room), room))[:5] == NUMBERED
    assert sorted(["302乙", "302", "302A", "302-1", "302甲", "303", "３０２室"], key=room_order) == [
        "302",
        "３０２室",  # full-width, with 室: read as 302
        "302甲",
        "302乙",
        "302A",
        "302-1",
        "303",
    ]
    assert {room_order(room) for room in ("地下", "地下室", "其他", "B1", "")} == {"99999999"}


@pytest.fixture
def building(org):
    with unscoped():
        building = make_building(org.a, "12", lane="449")
        for room in ROOMS:
            make_resident(make_household(building, room), f"住户{room}")
    return building


def _rooms_on_the_page(client, building) -> list[str]:
    response = client.get(reverse("residents:building", args=[building.pk]))
    assert response.status_code == 200
    return re.findall(r'<div class="row-title">(\S+?)室', response.text)


def test_the_building_page_lists_its_rooms_in_natural_order(org, as_user, building):
    rooms = _rooms_on_the_page(as_user(org.worker_a), building)
    assert rooms[:5] == NUMBERED
    assert set(rooms[5:]) == {"地下", "其他"}


def test_the_building_page_runs_a_fixed_number_of_queries(
    org, as_user, building, django_assert_max_num_queries
):
    """Guards against a query per household (its residents are prefetched)."""
    client = as_user(org.worker_a)
    client.get(reverse("residents:building", args=[building.pk]))
    with django_assert_max_num_queries(100) as few:
        _rooms_on_the_page(client, building)
    counted = len(few.captured_queries)
    with unscoped():
        for n in range(30):
            make_resident(make_household(building, str(500 + n)), f"新住户{n}")
    with django_assert_max_num_queries(counted):
        assert len(_rooms_on_the_page(client, building)) == len(ROOMS) + 30


def test_the_order_is_kept_when_a_room_is_saved_and_when_rows_are_made_in_bulk(org, building):
    with unscoped():
        household = Household.all_objects.get(building=building, room="3")
        household.room = "1003"
        household.save()
        assert Household.all_objects.get(pk=household.pk).room_order == room_order("1003")
        made = Household.all_objects.bulk_create([Household(committee=org.a, building=building, room="2")])
        assert Household.all_objects.get(pk=made[0].pk).room_order == room_order("2")
        # The default order (the admin's household list, autocomplete): building, then room.
        listed = list(Household.all_objects.filter(building=building).values_list("room", flat=True))
        assert listed[:6] == ["2", "12", "302", "甲302", "1002", "1003"]


def test_the_upgrade_fills_the_order_of_the_stored_households(org, building):
    """residents/migrations/0023's fill, on the models as they were at that migration."""
    with unscoped():
        Household.all_objects.update(room_order="")  # as before the migration
    state = MigrationExecutor(connection).loader.project_state(("residents", "0023_household_room_order"))
    migration = importlib.import_module("residents.migrations.0023_household_room_order")
    migration.fill_room_order(state.apps, connection.schema_editor())
    with unscoped():
        stored = dict(Household.all_objects.values_list("room", "room_order"))
    assert stored == {room: room_order(room) for room in ROOMS}
