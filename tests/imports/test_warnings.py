"""What the preview asks the secretary to check in good rows (residents/imports/warnings.py): a second
head of household, a room written as another building's 号-室, a care category the age contradicts.
Said in the preview and in the committed run, naming the row; never a bad row (the file imports)."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from residents.exporting import write_template
from residents.models import Building, Household, ImportRun, Resident
from residents.validators import birth_date_from_id, gender_from_id
from tests.imports.helpers import csv_bytes, make_id, message, person


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def home(org):
    """定海路449弄12号302室: 顾云婷 its head, 王丽 her daughter."""
    building = Building.all_objects.create(committee=org.a, road="定海路", lane="449", number="12")
    household = Household.all_objects.create(committee=org.a, building=building, room="302")
    for name, relation, n in (("顾云婷", "head", 101), ("王丽", "child", 102)):
        Resident.all_objects.create(
            committee=org.a,
            household=household,
            name=name,
            id_number=make_id(n),
            birth_date=birth_date_from_id(make_id(n)),
            gender=gender_from_id(make_id(n)),
            relation_to_head=relation,
        )
    return household


def _row(name: str, n: int, **cells) -> dict:
    """Resident n (make_id(n), born 1950-01-01) at 定海路449弄12号302室 unless the cells say otherwise."""
    row = person(n, 姓名=name, 号="12", 室="302", 与户主关系="", 出生日期="", 性别="", 联系电话="")
    row["身份证号"] = make_id(n)
    row.update(cells)
    return row


def _warnings(report) -> list[str]:
    return [message(w) for w in report.changes_kept()["warnings"]]


def _both(load, org, rows) -> list[str]:
    """The warnings of the preview, checked to be those of the commit (rows written before the check)."""
    preview = load(org.a, "r.csv", csv_bytes(rows))
    assert preview.ok, preview.errors
    committed = load(org.a, "r.csv", csv_bytes(rows), commit=True)
    assert _warnings(committed) == _warnings(preview)
    return _warnings(preview)


def test_a_second_head_for_a_household_that_has_one_is_a_warning_in_the_preview(org, as_user, home):
    client = as_user(org.secretary_a)
    rows = [_row("王建华", 104, 与户主关系="户主")]
    response = client.post(
        reverse("imports:start"), {"file": SimpleUploadedFile("名单.csv", csv_bytes(rows))}
    )
    run = ImportRun.all_objects.latest("pk")
    page = client.get(response["Location"]).text
    warning = (
        "第2行将王建华记为定海路449弄12号302室的户主，但该户已有户主顾云婷。户主确有变更的，请在文件中或该户"
        "页面上修改顾云婷的与户主关系；没有变更的，请更正本行。"
    )
    assert "1 处需要核对" in page and warning in page
    assert run.error_count == 0 and "确认导入" in page  # heads do change: said, not refused
    client.post(reverse("imports:commit", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == "committed" and warning in client.get(response["Location"]).text
    with translation.override("en"):
        english = [message(w) for w in run.changes["warnings"]]
    assert english[0].startswith(
        "Row 2 makes 王建华 head of household of 定海路449弄12号302室, which already has a head, 顾云婷."
    )


@pytest.mark.parametrize(
    ("rows", "warned"),
    [
        # The recorded head imported again as the head.
        ([_row("顾云婷", 101, 与户主关系="户主")], []),
        # The head changes in the file: the former head is given another relation.
        ([_row("顾云婷", 101, 与户主关系="父母"), _row("王丽", 102, 与户主关系="户主")], []),
        # The recorded head moves away and a newcomer is the head.
        ([_row("顾云婷", 101, 室="101"), _row("王建华", 104, 与户主关系="户主")], []),
        # Someone of the household made its head while the head stays.
        (
            [_row("王丽", 102, 与户主关系="户主")],
            ["第2行将王丽记为定海路449弄12号302室的户主，但该户已有户主顾云婷。"],
        ),
        # Two heads for a new household in the file.
        (
            [_row("甲", 104, 室="101", 与户主关系="户主"), _row("乙", 105, 室="101", 与户主关系="户主")],
            [
                "第3行将乙记为定海路449弄12号101室的户主，第2行也将甲记为该户户主。一户只有一位户主：请更正其中一行。"
            ],
        ),
    ],
)
def test_a_second_head_is_warned_of_only_when_the_household_ends_with_two(org, load, home, rows, warned):
    said = _both(load, org, rows)
    assert len(said) == len(warned), said
    for words, start in zip(said, warned, strict=True):
        assert words.startswith(start)
    heads = Resident.all_objects.filter(household=home, relation_to_head="head", archived="").count()
    assert heads == (2 if warned and "302" in warned[0] else 1)


def test_a_room_written_as_another_buildings_number_and_room_is_a_warning(org, load):
    rows = [
        _row("钱志强", 104, 室="3-302"),
        _row("钱小强", 105, 室="3-302", 与户主关系="子女"),
        _row("周敏", 106, 号="3", 室="3-302"),
    ]
    said = _both(load, org, rows)
    assert said == ["第2行：室号“3-302”像是3号302室：请核对楼号。"]  # once for its household
    rooms = set(Household.all_objects.values_list("building__number", "room"))
    assert rooms == {("12", "3-302"), ("3", "302")}  # in 3号 it is its 302, as before


def test_a_care_category_the_age_contradicts_is_a_warning(org, load):
    today = datetime.date.today()
    old = make_id(105, birth=datetime.date(today.year - 85, 1, 1))
    rows = [
        _row("王建华", 104, 与户主关系="户主", 关爱类别="高龄老人、独居老人"),  # born 1950-01-01
        _row("李秀英", 105, 关爱类别="高龄老人", 身份证号=old, 与户主关系="父母"),
    ]
    said = _both(load, org, rows)
    age = today.year - 1950
    assert said == [f"第2行：高龄老人指80岁及以上的居民，按出生日期王建华为{age}岁。"]
    with translation.override("en"):
        assert _warnings(load(org.a, "r.csv", csv_bytes(rows))) == [
            f"Row 2: very old (80+) is for residents aged 80 and over; by the birth date 王建华 is {age}."
        ]


@pytest.mark.django_db
def test_the_template_keeps_numbers_as_text_and_offers_the_choices():
    out = io.BytesIO()
    write_template().save(out)
    out.seek(0)
    sheet = openpyxl.load_workbook(out).worksheets[0]
    headers = {cell.value: cell.column_letter for cell in sheet[1]}
    for header in ("身份证号", "联系电话"):
        letter = headers[header]
        assert sheet.column_dimensions[letter].number_format == "@"  # cells typed into later
        assert sheet[f"{letter}2"].number_format == "@"  # the example row's
    assert sheet.column_dimensions[headers["姓名"]].number_format == "General"
    lists = {
        str(dv.sqref).split(":")[0][:-1]: dv.formula1.strip('"').split(",")
        for dv in sheet.data_validations.dataValidation
    }
    assert lists[headers["性别"]] == ["男", "女"]
    assert "户主" in lists[headers["与户主关系"]] and "配偶" in lists[headers["与户主关系"]]
    assert lists[headers["居住状态"]][0] == "户籍"
    assert "公房（租赁）" in lists[headers["房屋类型"]]
    assert {"独居老人", "高龄老人"} <= set(lists[headers["关爱类别"]])
    assert set(lists) == {headers[h] for h in ("性别", "与户主关系", "居住状态", "房屋类型", "关爱类别")}


def test_every_word_the_template_offers_is_one_the_import_reads(org, load):
    out = io.BytesIO()
    write_template().save(out)
    out.seek(0)
    sheet = openpyxl.load_workbook(out).worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    offered = {
        headers[openpyxl.utils.column_index_from_string(str(dv.sqref)[0]) - 1]: dv.formula1.strip('"').split(
            ","
        )
        for dv in sheet.data_validations.dataValidation
    }
    rows = []
    for header, words in offered.items():
        for word in words:
            n = 200 + len(rows)
            row = _row(f"居民{n}", n, 室=str(n), **{header: word})
            if header == "性别":
                row["身份证号"] = ""
            rows.append(row)
    report = load(org.a, "r.csv", csv_bytes(rows))
    assert report.ok, report.errors
