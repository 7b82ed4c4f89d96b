"""Every bad row is reported with its row number, column and a reason in Chinese; none is written."""

import pytest
from django.utils import translation

from committee.scoping import unscoped
from common.lengths import NOTE_MAX
from residents.imports.columns import COLUMN_BY_KEY
from residents.models import Building, Household, Resident
from tests.imports.helpers import csv_bytes, make_id, message, person, rows_for, xlsx_bytes


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def _errors(report):
    return [(e["row"], e["column"], message(e)) for e in report.errors]


def _only_error(load, org, bad_row, *, at=3):
    rows = rows_for(3)
    rows[at - 2] = bad_row
    report = load(org.a, "r.csv", csv_bytes(rows), commit=True)
    assert report.error_count == 1, report.errors
    assert Resident.all_objects.filter(committee=org.a).count() == 0
    return report.errors[0]


def test_a_mistyped_id_number(org, load):
    number = person(1)["身份证号"]
    wrong = number[:-2] + str((int(number[-2]) + 1) % 10) + number[-1]
    error = _only_error(load, org, person(1, 身份证号=wrong))
    assert (error["row"], error["column"]) == (3, "身份证号")
    assert "校验位" in message(error)
    assert error["value"].startswith("3101") and "*" in error["value"]  # the list never shows it whole


def test_a_short_id_number(org, load):
    error = _only_error(load, org, person(1, 身份证号="31011019500101"))
    assert "18" in message(error)


def test_a_birth_date_that_disagrees_with_the_id_number(org, load):
    error = _only_error(load, org, person(1, 出生日期="1960-05-05"))
    assert error["column"] == "出生日期"
    assert "1960-05-05" in message(error)


def test_a_bad_phone_number(org, load):
    error = _only_error(load, org, person(1, 联系电话="12345"))
    assert error["column"] == "联系电话"


@pytest.mark.parametrize("column", ["路名", "号", "室", "姓名"])
def test_a_missing_required_value(org, load, column):
    error = _only_error(load, org, person(1, **{column: ""}))
    assert error["column"] == column and "必填" in message(error)


def test_an_unknown_care_category(org, load):
    error = _only_error(load, org, person(1, 关爱类别="独居老人、空巢"))
    assert error["column"] == "关爱类别" and "空巢" in message(error) and "独居老人" in message(error)


def test_an_unknown_relation(org, load):
    error = _only_error(load, org, person(1, 与户主关系="邻居"))
    assert error["column"] == "与户主关系"


def test_a_gender_that_disagrees_with_the_id_number(org, load):
    row = person(1)
    error = _only_error(load, org, person(1, 性别="女" if row["性别"] == "男" else "男"))
    assert error["column"] == "性别"


def test_the_same_id_number_twice_in_the_file(org, load):
    rows = rows_for(4)
    rows[3]["身份证号"] = rows[1]["身份证号"]
    rows[3]["出生日期"] = rows[1]["出生日期"]
    rows[3]["性别"] = rows[1]["性别"]
    report = load(org.a, "r.csv", csv_bytes(rows))
    assert [(e["row"], e["column"]) for e in report.errors] == [(5, "身份证号")]
    assert "第3行" in message(report.errors[0])


def test_an_id_number_of_another_committees_resident(org, load):
    building = Building.all_objects.create(committee=org.b, road="波阳路", number="1")
    household = Household.all_objects.create(committee=org.b, building=building, room="101")
    Resident.all_objects.create(
        committee=org.b, household=household, name="别人", id_number=person(1)["身份证号"]
    )
    error = _only_error(load, org, person(1))
    assert error["column"] == "身份证号" and "其他居民区" in message(error)
    # Who and where is not told.
    assert "别人" not in message(error) and "波阳" not in message(error)
    with unscoped():
        assert Resident.objects.count() == 1


def test_an_id_number_that_excel_turned_into_a_number(org, load):
    rows = rows_for(2)
    rows[1]["身份证号"] = 3.1011019500101e17
    report = load(org.a, "r.xlsx", xlsx_bytes(rows))
    assert [(e["row"], e["column"]) for e in report.errors] == [(3, "身份证号")]
    assert "文本" in message(report.errors[0])


def test_every_bad_row_is_listed(org, load):
    rows = rows_for(10)
    rows[2]["联系电话"] = "123"
    rows[5]["姓名"] = ""
    rows[5]["关爱类别"] = "不存在"
    rows[8]["身份证号"] = make_id(5)[:-1] + "X"
    report = load(org.a, "r.csv", csv_bytes(rows))
    assert report.bad_rows == 3 and report.error_count == 4
    assert [e["row"] for e in report.errors] == [4, 7, 7, 10]


def test_one_bad_row_in_a_hundred_writes_nothing(org, load, monkeypatch):
    monkeypatch.setattr("residents.imports.importer.BATCH_SIZE", 10)
    rows = rows_for(100)
    rows[97]["联系电话"] = "0000"
    report = load(org.a, "r.csv", csv_bytes(rows), commit=True)
    assert report.bad_rows == 1 and report.errors[0]["row"] == 99
    assert Resident.all_objects.count() == 0
    assert Household.all_objects.count() == 0 and Building.all_objects.count() == 0


def test_an_impossible_birth_date_after_a_good_number_of_the_same_region(org, load):
    """The importer's per-region shortcut judges a number exactly as validate_id_number does."""
    good = person(1)["身份证号"]
    body = good[:10] + "13" + good[12:17]
    from stdnum.cn import ric

    bad = body + ric.calc_check_digit(body + "0")
    report = load(org.a, "r.csv", csv_bytes([person(1), person(2, 身份证号=bad, 出生日期="", 性别="")]))
    assert [(e["row"], e["column"]) for e in report.errors] == [(3, "身份证号")]
    assert "7" in message(report.errors[0]) and "14" in message(report.errors[0])


def test_a_number_in_a_column_where_it_does_not_belong_is_masked_in_the_message(org, load):
    """Columns shifted by one, or a number typed into the wrong column: the error list says which
    value it did not recognise, masked like the cell it shows beside it (never a full number)."""
    number, mobile = make_id(7), "13912345678"
    bad = person(
        1, 与户主关系=number, 居住状态=mobile, 房屋类型="021-65431234", 关爱类别=f"独居老人、{mobile}"
    )
    report = load(org.a, "r.csv", csv_bytes([person(0), bad]))
    messages = {e["column"]: message(e) for e in report.errors}
    assert set(messages) == {"与户主关系", "居住状态", "房屋类型", "关爱类别"}, report.errors
    text = " ".join(messages.values())
    for full in (number, mobile, "65431234"):
        assert full not in text, text
    assert f"“{number[:4]}**********{number[-4:]}”" in messages["与户主关系"]
    assert "“139****5678”" in messages["居住状态"] and "“139****5678”" in messages["关爱类别"]


def test_notes_past_the_limit_of_a_note_say_how_long_they_are(org, load):
    """The 备注 column has the registry form's limit (common/lengths.py), said with the length."""
    assert COLUMN_BY_KEY["notes"].max_length == NOTE_MAX
    error = _only_error(load, org, person(1, 备注="注" * (NOTE_MAX + 1)))
    assert error["column"] == "备注"
    assert message(error) == f"太长：最多 {NOTE_MAX} 字，现有 {NOTE_MAX + 1} 字。"
    rows = rows_for(3)
    rows[1] = person(1, 备注="注" * NOTE_MAX)
    assert load(org.a, "r.csv", csv_bytes(rows)).error_count == 0


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [("弄", "abc", "弄号是数字"), ("号", "12-1", "门牌号是数字"), ("路名", "abc", "路名用中文")],
)
def test_an_address_part_that_is_no_address(org, load, column, value, words):
    """Refused as the building form refuses it (residents.validators), so no garbled building is added."""
    error = _only_error(load, org, person(1, **{column: value}))
    assert error["column"] == column and words in message(error)
    with unscoped():
        assert not Building.all_objects.filter(committee=org.a).exists()


def test_an_address_typed_with_its_units_names_the_building_the_registry_has(org, load):
    """449弄 / １２号 is the building 449 / 12 (added by the form, or stored as typed before the rule):
    the file's households go into it, no second building is added."""
    from tests.factories import make_building

    existing = make_building(org.a, "1", lane="449")
    legacy = make_building(org.a, "２", lane="４４９")
    rows = [person(1, 弄="449弄", 号="1号"), person(2, 弄="４４９", 号="１号"), person(3, 号="2号")]
    report = load(org.a, "r.csv", csv_bytes(rows), commit=True)
    assert report.error_count == 0, report.errors
    with unscoped():
        assert Building.all_objects.filter(committee=org.a).count() == 2
        homes = Household.all_objects.filter(committee=org.a)
        assert {h.building_id for h in homes} == {existing.pk, legacy.pk}
