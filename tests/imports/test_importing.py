"""The importer on good files: counts, writes, matching, re-import."""

from residents.indexing import reindex_residents
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
    from residents.imports.columns import COLUMNS, EXAMPLE_ROW

    example = {c.header: EXAMPLE_ROW[c.key] for c in COLUMNS}
    report = load(org.a, "r.csv", csv_bytes([example, person(1)]), commit=True)
    assert report.ok and report.skipped_example and report.rows == 1
    assert not Resident.all_objects.filter(name=EXAMPLE_ROW["name"]).exists()


def _derived():
    return {
        r.pk: (r.search_key, r.next_visit_due, r.last_visit_at)
        for r in Resident.all_objects.order_by("pk").only("search_key", "next_visit_due", "last_visit_at")
    }


def test_search_keys_and_visit_dates_are_those_the_registry_computes(org, load):
    """The importer writes each resident's search key and next visit itself (not read back and
    reindexed): they must be exactly what reindex_residents makes of the same rows, for new
    residents and for a move, a new phone, both at once and a new care category (an import never
    renames: tests/imports/test_changes.py)."""
    household = Household.all_objects.create(
        committee=org.a,
        building=Building.all_objects.create(committee=org.a, road="定海路", lane="449", number="1"),
        room="101",
        phone="021-65430000",  # the household's phone is in its residents' keys too
    )
    rows = rows_for(12)
    rows[1]["姓名"] = "曾小红"
    load(org.a, "r.csv", csv_bytes(rows), commit=True)
    assert Resident.all_objects.filter(household=household).exists()
    imported = _derived()
    assert any(due for _k, due, _l in imported.values()) and any(
        due is None for _k, due, _l in imported.values()
    )
    reindex_residents(imported)
    assert _derived() == imported
    assert "zengxiaohong" in Resident.all_objects.get(name="曾小红").search_key

    changed = [
        person(0, 室="302", 联系电话="13712345678"),
        person(2, 室="301"),
        person(3, 联系电话="13912345678"),
        person(4, 关爱类别="独居老人"),
    ]
    report = load(org.a, "r.csv", csv_bytes(changed), commit=True)
    assert report.residents.updated == 4, report.errors
    updated = _derived()
    assert updated != imported
    reindex_residents(updated)
    assert _derived() == updated
    moved = Resident.all_objects.get(name="居民0")
    assert moved.household.room == "302" and "5678" in moved.search_key
