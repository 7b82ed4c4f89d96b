"""Rooms in natural order through the registry's bulk paths: the import writes each new household's
Household.room_order (COPY on PostgreSQL, bulk_create on SQLite), and the export lists residents
building by building (2号 before 10号) and room by room (3室 before 12室 before 302室 before 1002室)."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from committee.scoping import unscoped
from residents.addresses import room_order
from residents.models import Household
from tests.imports.helpers import csv_bytes, person

ROOMS = ["1002", "302", "12", "3", "甲302"]
NATURAL = ["3", "12", "302", "甲302", "1002"]


def _import(org, load) -> None:
    rows = [person(n, 号="10", 室="302") for n in range(2)]
    rows += [person(10 + n, 号="2", 室=room) for n, room in enumerate(ROOMS)]
    report = load(org.a, "r.csv", csv_bytes(rows), commit=True)
    assert report.ok, report.errors


def test_the_import_writes_each_new_households_order(org, load):
    _import(org, load)
    with unscoped():
        stored = set(Household.all_objects.values_list("room", "room_order"))
    assert stored == {(room, room_order(room)) for room in ROOMS}


def test_the_export_lists_buildings_and_rooms_in_natural_order(org, load, as_user):
    _import(org, load)
    response = as_user(org.secretary_a).get(reverse("imports:export"))
    sheets = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets
    places = [(row[2], row[3]) for row in sheets[0].iter_rows(min_row=2, values_only=True)]
    assert places == [*(("2", room) for room in NATURAL), ("10", "302"), ("10", "302")]
    assert [row[2] for row in sheets[1].iter_rows(min_row=2, values_only=True)] == ["2", "10"]


def test_a_room_written_after_its_buildings_number_joins_that_room(org, load):
    """A file's 10号 "10-302" is 10号's 302, one household with the row saying 302; another building's
    number before a room stays as typed (room_in)."""
    rows = [person(0, 号="10", 室="302"), person(1, 号="10", 室="10-302"), person(2, 号="10", 室="11-302")]
    report = load(org.a, "r.csv", csv_bytes(rows), commit=True)
    assert report.ok, report.errors
    with unscoped():
        assert sorted(Household.all_objects.values_list("room", flat=True)) == ["11-302", "302"]
