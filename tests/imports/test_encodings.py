"""CSV files as other systems write them: UTF-8, UTF-8 with a BOM (Excel), GBK/GB18030, tabs."""

import pytest

from residents.models import Resident
from tests.imports.helpers import csv_bytes, person, rows_for


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_each_encoding(org, load, encoding):
    rows = [*rows_for(5), person(5, 备注="腿脚不便，需上门", 关爱类别="独居老人、高龄老人")]
    report = load(org.a, "r.csv", csv_bytes(rows, encoding=encoding), commit=True)
    assert report.ok, report.errors
    assert report.residents.created == 6
    resident = Resident.all_objects.get(name="居民5")
    assert resident.notes == "腿脚不便，需上门"
    assert resident.household.building.road == "定海路"
    assert {c.code for c in resident.care_categories.all()} == {"elderly_alone", "very_old"}


def test_tab_separated_text(org, load):
    data = csv_bytes(rows_for(3)).decode().replace(",", "\t").encode("gbk")
    report = load(org.a, "r.txt", data)
    assert report.ok and report.residents.created == 3


def test_gb18030_only_characters(org, load):
    rows = [person(1, 姓名="王䶮")]  # 䶮 is in GB18030 but not GBK
    report = load(org.a, "r.csv", csv_bytes(rows, encoding="gb18030"), commit=True)
    assert report.ok, report.errors
    assert Resident.all_objects.get().name == "王䶮"
