"""The streaming .xlsx reader: values as Excel holds them, row numbers as Excel shows them."""

import datetime
import io
import zipfile

import pytest
from openpyxl import Workbook

from residents.imports.reading import FileProblem
from residents.imports.xlsx_stream import iter_rows
from residents.models import Resident
from tests.imports.helpers import HEADERS, person


def _workbook(tmp_path, fill) -> object:
    workbook = Workbook()
    fill(workbook.active)
    path = tmp_path / "w.xlsx"
    workbook.save(path)
    return path


def test_values_dates_and_gaps(tmp_path):
    def fill(sheet):
        sheet["A1"] = "姓名"
        sheet["C1"] = 12
        sheet["A3"] = datetime.date(1950, 3, 1)
        sheet["B3"] = 3.5
        sheet["C3"] = True
        sheet["A4"] = "x"
        sheet["A4"].number_format = "yyyy-mm-dd"

    rows = list(iter_rows(_workbook(tmp_path, fill)))
    assert rows == [(1, ["姓名", None, 12]), (3, [datetime.date(1950, 3, 1), 3.5, True]), (4, ["x"])]


def test_a_real_date_cell_is_a_birth_date(org, load):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    row = person(1)
    sheet.append([row[h] for h in HEADERS])
    sheet.cell(row=2, column=HEADERS.index("出生日期") + 1).value = datetime.date.fromisoformat(
        row["出生日期"]
    )
    out = io.BytesIO()
    workbook.save(out)
    report = load(org.a, "r.xlsx", out.getvalue(), commit=True)
    assert report.ok, report.errors
    assert Resident.all_objects.get().birth_date.isoformat() == row["出生日期"]


def test_row_numbers_skip_blank_rows(org, load):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append([person(1)[h] for h in HEADERS])
    sheet.append([])
    sheet.append([])
    sheet.append([person(2, 联系电话="1")[h] for h in HEADERS])
    out = io.BytesIO()
    workbook.save(out)
    report = load(org.a, "r.xlsx", out.getvalue())
    assert [e["row"] for e in report.errors] == [5]


def test_a_workbook_declaring_entities_is_refused(org, load, tmp_path):
    workbook = Workbook()
    workbook.active.append(HEADERS)
    out = io.BytesIO()
    workbook.save(out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY a "aaaaaaaa">]>', 1)
            target.writestr(item, data)
    with pytest.raises(FileProblem):
        load(org.a, "r.xlsx", bomb.getvalue())


def _rewrite_sheet(tmp_path, sheet_data: bytes):
    """A workbook whose first sheet's <sheetData> is exactly this XML (as other programs write it)."""
    workbook = Workbook()
    workbook.active.append(["x"])
    out = io.BytesIO()
    workbook.save(out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    path = tmp_path / "other.xlsx"
    with zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                start, end = data.index(b"<sheetData>"), data.index(b"</sheetData>")
                data = data[:start] + b"<sheetData>" + sheet_data + data[end:]
            target.writestr(item, data)
    return path


def test_cells_without_references_or_out_of_order(tmp_path):
    """Cells without an r attribute follow on; cells with one go to their column, whatever order
    they come in; a reference that is not a column letter (a writer's "$A$1") does not move cells."""
    path = _rewrite_sheet(
        tmp_path,
        b'<row r="1"><c t="inlineStr"><is><t>a</t></is></c><c t="inlineStr"><is><t>b</t></is></c></row>'
        b'<row r="2"><c r="C2"><v>3</v></c><c r="A2"><v>1</v></c></row>'
        b'<row r="3"><c r="$A$3"><v>7</v></c><c r="a3"><v>8</v></c></row>',
    )
    assert list(iter_rows(path)) == [(1, ["a", "b"]), (2, [1, None, 3]), (3, [7, 8])]


def test_a_column_past_excels_last_is_a_damaged_file(org, load, tmp_path):
    """A hostile reference ("ZZZZZZZ1") would make a row of billions of cells: refused instead."""
    path = _rewrite_sheet(tmp_path, b'<row r="1"><c r="ZZZZZZZ1" t="inlineStr"><is><t>a</t></is></c></row>')
    with pytest.raises(FileProblem):
        load(org.a, "r.xlsx", path.read_bytes())


def test_escaped_characters_in_shared_strings_as_excel_writes_them(tmp_path):
    """Excel writes a character XML cannot hold as _xHHHH_ (a carriage return, a Word line break)
    and text that looks like such an escape with its underscore escaped (_x005F_). openpyxl writes
    the text as given, so these cells hold what Excel would have written."""

    def fill(sheet):
        sheet["A1"] = "行一_x000D_\n行二"
        sheet["B1"] = "_x005F_x0041_"
        sheet["C1"] = "楼道_x000B_积水_x0000_"  # control characters: spaces, as the export writes them
        sheet["D1"] = "_xD800_ _x4E2D_"  # half a surrogate pair is left as written

    rows = list(iter_rows(_workbook(tmp_path, fill)))
    assert rows == [(1, ["行一\r\n行二", "_x0041_", "楼道 积水 ", "_xD800_ 中"])]


def test_escaped_characters_in_inline_strings(tmp_path):
    """Inline strings (Needle's own exports, XlsxWriter's constant_memory mode), plain or in runs."""
    path = _rewrite_sheet(
        tmp_path,
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>a_x000D_b</t></is></c>'
        b'<c r="B1" t="inlineStr"><is><t xml:space="preserve"> _x005F_x0041_ </t></is></c>'
        b'<c r="C1" t="inlineStr"><is><r><t>&lt;r&gt;</t></r><r><t>x</t></r></is></c></row>',
    )
    assert list(iter_rows(path)) == [(1, ["a\rb", " _x0041_ ", "<r>x"])]
