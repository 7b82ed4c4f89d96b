"""What Chinese offices' spreadsheets and hostile files do to an import: each gets a clear message in
the user's language (a row error or a file-level one), never a server error, and the preview finds
what the commit would."""

import csv
import io

import pytest
from django.utils import translation
from openpyxl import Workbook

from residents.imports import reading
from residents.imports.reading import FileProblem, normalise_workbook
from residents.models import Resident
from tests.imports.helpers import HEADERS, csv_bytes, message, person, rows_for, write


def _row_errors(report):
    return [(e["row"], e["column"], message(e)) for e in report.errors]


def _refused(load, org, name, data, *, commit=False):
    with pytest.raises(FileProblem) as problem:
        load(org.a, name, data, commit=commit)
    assert Resident.all_objects.count() == 0
    return problem.value.message


@pytest.mark.parametrize(
    ("language", "words"),
    [("zh-hans", ["科学计数", "文本"]), ("en", ["scientific notation", "as text"])],
)
def test_numbers_that_excel_wrote_in_scientific_notation(org, load, language, words):
    rows = rows_for(3)
    rows[0]["身份证号"] = "3.10109E+17"
    rows[1]["联系电话"] = "1.38123E+10"
    rows[1]["出生日期"] = ""
    # Previewed in the other language: the words are the reader's.
    with translation.override("en" if language == "zh-hans" else "zh-hans"):
        report = load(org.a, "r.csv", csv_bytes(rows))
    with translation.override(language):
        errors = _row_errors(report)
    assert [(row, column) for row, column, _m in errors] == [(2, "身份证号"), (3, "联系电话")]
    assert "text" in errors[0][2] or "文本" in errors[0][2]
    for word in words:
        assert word in errors[1][2], errors[1][2]


@pytest.mark.parametrize(("language", "words"), [("zh-hans", "没有这一天"), ("en", "does not exist")])
def test_a_day_that_does_not_exist(org, load, language, words):
    rows = [person(1, 出生日期="2026年2月30日", 身份证号="", 性别="男")]
    report = load(org.a, "r.csv", csv_bytes(rows))
    assert [(e["row"], e["column"]) for e in report.errors] == [(2, "出生日期")]
    with translation.override(language):
        assert words in message(report.errors[0])


def test_dates_in_chinese_are_accepted(org, load):
    report = load(
        org.a, "r.csv", csv_bytes([person(1, 出生日期="1950年3月1日", 身份证号="", 性别="男")]), commit=True
    )
    assert report.ok, report.errors
    assert str(Resident.all_objects.get().birth_date) == "1950-03-01"


def test_a_leading_apostrophe_or_tab_is_stripped(org, load):
    first, second = person(1), person(2)
    rows = [
        person(1, 身份证号="'" + first["身份证号"], 联系电话="\t" + first["联系电话"]),
        person(2, 身份证号="\t" + second["身份证号"], 姓名="'居民2"),
    ]
    report = load(org.a, "r.csv", csv_bytes(rows), commit=True)
    assert report.ok, report.errors
    one, two = Resident.all_objects.order_by("name")
    assert (one.id_number, one.phone) == (first["身份证号"], first["联系电话"])
    assert (two.id_number, two.name) == (second["身份证号"], "居民2")


def test_an_excel_date_serial_out_of_range_is_a_row_error(org, load):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for n in range(3):
        sheet.append([person(n, 身份证号="", 性别="男").get(h, "") for h in HEADERS])
    column = HEADERS.index("出生日期") + 1
    for row, serial in ((3, 99999999999), (4, -99999999999)):
        cell = sheet.cell(row=row, column=column, value=serial)
        cell.number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    workbook.save(out)
    report = load(org.a, "r.xlsx", out.getvalue())
    assert [(e["row"], e["column"]) for e in report.errors] == [(3, "出生日期"), (4, "出生日期")]


def test_the_same_serial_through_the_workbook_reader_of_the_upload(org, tmp_path):
    """The upload reads a workbook into "rows" once: an impossible serial survives that too."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["出生日期"])
    sheet.cell(row=2, column=1, value=99999999999).number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    workbook.save(out)
    rows = tmp_path / "rows.csv"
    normalise_workbook(write(tmp_path, "r.xlsx", out.getvalue()), rows)
    assert list(reading.read_rows(rows, "rows"))[1] == (2, [99999999999])


@pytest.mark.parametrize(("language", "words"), [("zh-hans", "UTF-8"), ("en", "not UTF-8")])
def test_a_utf8_mark_before_gbk_text(org, load, language, words):
    data = b"\xef\xbb\xbf" + csv_bytes(rows_for(3), encoding="gbk")
    with translation.override(language):
        said = _refused(load, org, "r.csv", data)
    assert words in said and ("GBK" in said)


def test_a_cell_over_the_csv_field_limit(org, load):
    data = csv_bytes(rows_for(3)) + b'"' + b"x" * (csv.field_size_limit() + 10) + b"\n"
    with translation.override("en"):
        said = _refused(load, org, "r.csv", data)
    assert "Line 5" in said and "quote" in said


def test_a_nul_byte_after_the_first_4_kb_is_refused_at_the_preview(org, load):
    data = csv_bytes(rows_for(100))
    assert len(data) > 8192
    data = data[:6000] + b"\x00" + data[6000:]
    with translation.override("zh-hans"):
        said = _refused(load, org, "r.csv", data)
    assert "NUL" in said


def test_an_upload_past_the_row_limit_stops_reading_there(tmp_path, monkeypatch):
    """The upload's one reading of a workbook stops at the limit: the formula further down (which
    would be refused on its own) is never reached. A million rows were read whole before."""
    monkeypatch.setattr(reading, "MAX_ROWS", 5)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for n in range(20):
        sheet.append([person(n).get(h, "") for h in HEADERS])
    sheet["A20"] = "=A2"
    out = io.BytesIO()
    workbook.save(out)
    with translation.override("en"), pytest.raises(FileProblem) as problem:
        normalise_workbook(write(tmp_path, "r.xlsx", out.getvalue()), tmp_path / "rows.csv")
    assert "more than 5 rows" in problem.value.message


def test_a_csv_past_the_row_limit_is_refused(org, load, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 5)
    with translation.override("en"):
        said = _refused(load, org, "r.csv", csv_bytes(rows_for(6)))
    assert "more than 5 rows" in said


def test_blank_formatted_rows_do_not_count_against_the_limit(org, load, tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 5)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for n in range(5):
        sheet.append([person(n).get(h, "") for h in HEADERS])
    for row in range(7, 30):
        sheet.cell(row=row, column=1, value="")
    out = io.BytesIO()
    workbook.save(out)
    rows = tmp_path / "rows.csv"
    normalise_workbook(write(tmp_path, "r.xlsx", out.getvalue()), rows)
    report = load(org.a, "rows.csv", rows.read_bytes())
    assert report.ok and report.rows == 5
