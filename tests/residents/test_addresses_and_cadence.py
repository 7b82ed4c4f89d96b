"""The one way an address is written and read, and the one cadence rule, as every page uses them."""

from residents.addresses import LANE, ROOM, building_address, household_address, without_unit
from residents.care import shortest_cadence
from tests.factories import make_building, make_household


def test_an_address_reads_road_lane_number_room():
    assert building_address("定海路", "449", "12") == "定海路449弄12号"
    assert household_address("定海路", "449", "12", "302") == "定海路449弄12号302室"


def test_a_building_on_the_road_itself_has_no_lane():
    assert building_address("定海路", "", "12") == "定海路12号"
    assert household_address("定海路", "", "12", "302") == "定海路12号302室"


def test_the_models_write_their_address_the_same_way(org):
    household = make_household(make_building(org.a, "12", lane="449"), "302")
    assert household.building.address == "定海路449弄12号"
    assert household.address == "定海路449弄12号302室"
    assert household.room_label == "302室"


def test_a_typed_unit_is_taken_off():
    assert without_unit("449弄", LANE) == "449"
    assert without_unit("302 室", ROOM) == "302"
    assert without_unit("302", ROOM) == "302"


def test_the_shortest_cadence_ignores_categories_without_one():
    assert shortest_cadence([30, None, 7]) == 7
    assert shortest_cadence([None]) is None
    assert shortest_cadence([]) is None
