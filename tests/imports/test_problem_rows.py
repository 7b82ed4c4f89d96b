"""The preview's list of problems reads each bad row once: its number and the resident's name at its
head, then each of its problems, the column and the cell's value (unless the words quote it
already) beside the words. Listed per problem, a row with three problems repeated its number and
name three times, and a message quoting the cell repeated its value."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from residents.imports import problems
from tests.factories import make_building, make_household, make_resident
from tests.imports.helpers import csv_bytes, person, rows_for


def _problems_section(page: str) -> str:
    start = page.index('<section class="card import-errors">')
    section = page[start : page.index("</section>", start)]
    return " ".join(re.sub(r"<[^>]+>", " ", section).split())


def test_a_row_with_several_problems_is_listed_once_with_each_problem_under_it(org, as_user):
    client = as_user(org.secretary_a)
    rows = rows_for(5)
    rows[2] = person(2, 联系电话="12", 出生日期="1960-05-05", 与户主关系="邻居")
    rows[3] = person(3, 姓名="")
    response = client.post(
        reverse("imports:start"), {"file": SimpleUploadedFile("名单.csv", csv_bytes(rows))}
    )
    page = client.get(response["Location"]).text
    text = _problems_section(page)
    assert "4 个问题" in text
    # Each row once, at the head of its problems; the resident's name once.
    assert text.count("第4行") == 1 and text.count("居民2") == 1 and text.count("第5行") == 1
    assert page.count('class="import-problem"') == 4
    # Each problem: its column, the value when the words do not quote it, the words.
    assert "出生日期 出生日期1960-05-05与身份证号不符" in text and text.count("1960-05-05") == 1
    assert "与户主关系 无法识别的值“邻居”" in text and text.count("邻居") == 1
    assert "联系电话 ** 请输入手机号" in text
    assert "第5行 姓名 必填项为空。" in text


def test_problems_are_grouped_by_row_in_the_order_of_the_file():
    stored = [
        {
            "row": 3,
            "column": "身份证号",
            "name": "王五",
            "value": "3101**",
            "msgid": "Required: this cell is empty.",
        },
        {
            "row": 3,
            "column": "姓名",
            "name": "王五",
            "value": "王五",
            "msgid": "Required: this cell is empty.",
        },
        {"row": 7, "column": "室", "name": "", "value": "", "msgid": "Required: this cell is empty."},
    ]
    with translation.override("en"):
        rows = problems.by_row(stored)
    assert [(r["row"], r["name"], len(r["problems"])) for r in rows] == [(3, "王五", 2), (7, "", 1)]
    first, name = rows[0]["problems"]
    assert (first["column"], first["value"], first["message"]) == (
        "身份证号",
        "3101**",
        "Required: this cell is empty.",
    )
    assert name["value"] == ""  # the name is at the row's head already


def test_the_namesake_problem_does_not_repeat_the_name_and_old_runs_still_read_in_chinese():
    with translation.override("zh-hans"):
        old = problems.text(
            {
                "msgid": (
                    "Two residents of this household are called %(name)s; give the ID number to say which."
                ),
                "params": {"name": "王五"},
            }
        )
    assert old == "此户有两位居民都叫 王五，请填写身份证号以区分。"


def test_two_namesakes_in_a_household_are_said_without_the_name_again(org, load):
    home = make_household(make_building(org.a, "1"), "101")
    make_resident(home, "王五")
    make_resident(home, "王五")
    row = person(1, 姓名="王五", 身份证号="", 性别="", 出生日期="", 号="1", 室="101")
    report = load(org.a, "r.csv", csv_bytes([row]))
    assert report.error_count == 1
    with translation.override("zh-hans"):
        (listed,) = problems.by_row(report.errors)
    assert listed["name"] == "王五"
    assert [p["message"] for p in listed["problems"]] == ["此户有两位居民同名，请填写身份证号以区分。"]
