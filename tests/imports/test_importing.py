"""The importer on good files: counts, writes, matching, re-import."""

from residents.models import Building, Household, Resident
from tests.imports.helpers import csv_bytes, person, rows_for, xlsx_bytes


def test_preview_counts_and_writes_nothing(org, load):
    report = load(org.a, "r.csv", csv_bytes(rows_for(40)))
    assert report.ok, report.errors
    assert report.rows == 40
    assert report.residents.created == 40
    assert report.buildings.created == 2
    assert report.households.created == 10
    assert Resident.all_objects.count() == 0 and Building.all_objects.count() == 0


def test_commit_writes_every_row(org, load):
    report = load(org.a, "r.xlsx", xlsx_bytes(rows_for(40)), commit=True)
    assert report.ok, report.errors
    assert Resident.all_objects.filter(committee=org.a).count() == 40
    assert Household.all_objects.filter(committee=org.a).count() == 10
    r = Resident.all_objects.get(name="居民7")
    assert r.household.building.address == "定海路449弄1号"
    assert r.household.room == "103"
    assert [c.code for c in r.care_categories.all()] == ["elderly_alone"]
    assert r.phone == "13800000007"
    assert r.gender and r.birth_date


def test_reimport_changes_nothing(org, load):
    data = xlsx_bytes(rows_for(40))
    load(org.a, "r.xlsx", data, commit=True)
    before = list(Resident.all_objects.order_by("pk").values())
    report = load(org.a, "r.xlsx", data, commit=True)
    assert report.ok
    assert report.residents.created == report.residents.updated == 0
    assert report.residents.unchanged == 40
    assert report.households.unchanged == 10 and report.buildings.unchanged == 2
    assert list(Resident.all_objects.order_by("pk").values()) == before


def test_changed_cells_update_and_empty_cells_keep(org, load):
    load(org.a, "r.csv", csv_bytes(rows_for(5)), commit=True)
    changed = [
        person(0, 联系电话="13900000000"),
        person(1, 联系电话="", 备注="腿脚不便"),
        person(2, 室="201"),
    ]
    report = load(org.a, "r.csv", csv_bytes(changed), commit=True)
    assert report.ok, report.errors
    assert (report.residents.updated, report.residents.unchanged) == (3, 0)
    assert report.households.created == 1
    assert Resident.all_objects.get(name="居民0").phone == "13900000000"
    one = Resident.all_objects.get(name="居民1")
    assert one.phone == "13800000001" and one.notes == "腿脚不便" and one.version == 2
    assert Resident.all_objects.get(name="居民2").household.room == "201"
    assert Resident.all_objects.count() == 5


def test_rows_without_id_number_match_by_name_in_household(org, load):
    rows = [person(0, 身份证号="", 性别="", 出生日期=""), person(1)]
    load(org.a, "r.csv", csv_bytes(rows), commit=True)
    report = load(org.a, "r.csv", csv_bytes(rows), commit=True)
    assert report.residents.unchanged == 2 and Resident.all_objects.count() == 2
    # Giving the ID number later fills it in rather than making a second person.
    report = load(org.a, "r.csv", csv_bytes([person(0)]), commit=True)
    assert report.residents.updated == 1
    assert Resident.all_objects.get(name="居民0").id_number == person(0)["身份证号"]


def test_headers_in_english_and_another_order(org, load):
    row = person(3)
    english = {
        "Name": row["姓名"],
        "Room": row["室"],
        "Road": row["路名"],
        "Lane": "449",
        "No": row["号"],
        "ID number": row["身份证号"],
        "Phone": row["联系电话"],
        "Remark?": "x",
    }
    report = load(org.a, "r.csv", csv_bytes([english], headers=list(english)))
    assert report.ok, report.errors
    assert report.residents.created == 1
    mapped = {m["header"]: m["key"] for m in report.mapping}
    assert mapped["Name"] == "name" and mapped["No"] == "number" and mapped["Remark?"] is None


def test_the_template_example_row_is_skipped(org, load):
    from residents.importing import COLUMNS, EXAMPLE_ROW

    example = {c.header: EXAMPLE_ROW[c.key] for c in COLUMNS}
    report = load(org.a, "r.csv", csv_bytes([example, person(1)]), commit=True)
    assert report.ok and report.skipped_example and report.rows == 1
    assert not Resident.all_objects.filter(name=EXAMPLE_ROW["name"]).exists()
