"""The one .xlsx writer (common/xlsx.py): what its workbooks hold, read back by openpyxl and by the
registry import's own reader, and what it leaves behind when its rows fail half-way."""

import datetime as dt
import gc
import io
import os
import re
import sys
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.utils import translation

from common.xlsx import CELL_MAX, Column, XlsxWriter, cell_text
from residents.imports.xlsx_stream import estimate_rows, iter_rows

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _rows_that_fail():
    yield ("李桂英",)
    yield ("王芳",)
    raise RuntimeError("the replica went away")


@pytest.fixture
def temp(tmp_path, monkeypatch) -> Path:
    """Every temporary file and directory made in the test goes here, where it can be looked for."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def _open_under(path: Path) -> list[str]:
    """The files this process holds open under `path` (a removed one too: "… (deleted)")."""
    held = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(path)):
            held.append(target)
    return held


def _saved(writer: XlsxWriter, path: Path) -> Path:
    writer.save(path)
    return path


def _sheet_xml(path: Path, number: int = 1) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(f"xl/worksheets/sheet{number}.xml").decode()


def test_a_sheet_whose_rows_fail_is_closed_at_once(monkeypatch):
    # A replica read that fails half-way runs the export again on the primary. The abandoned sheet
    # used to be closed by the garbage collector after its temporary file, in whatever request came
    # next: "Exception ignored ... I/O operation on closed file".
    ignored = []
    monkeypatch.setattr(sys, "unraisablehook", ignored.append)
    writer = XlsxWriter()
    with pytest.raises(RuntimeError, match="replica"):
        writer.sheet("居民", [Column("姓名")], _rows_that_fail())
    del writer
    gc.collect()
    assert ignored == []


def test_rows_that_fail_leave_no_file_behind_and_the_next_export_works(temp):
    """XlsxWriter removes a sheet's file of rows only when the workbook is closed: an abandoned one
    would stay on disk for good. The writer closes and removes every file of its own at once."""
    writer = XlsxWriter()
    writer.sheet("说明", [Column("列")], [("第一张表写完",)])
    with pytest.raises(RuntimeError, match="replica"):
        writer.sheet("居民", [Column("姓名")], _rows_that_fail())
    assert list(temp.iterdir()) == []
    assert _open_under(temp) == []
    with pytest.raises(ValueError, match="abandoned"):
        writer.save(io.BytesIO())

    again = XlsxWriter()
    assert again.sheet("居民", [Column("姓名")], [("李桂英",), ("王芳",)]) == 2
    path = _saved(again, temp / "again.xlsx")
    assert [p.name for p in temp.iterdir()] == ["again.xlsx"]
    assert _open_under(temp) == []
    assert [values for _number, values in iter_rows(path)] == [["姓名"], ["李桂英"], ["王芳"]]


def test_the_response_streams_the_workbook_and_lets_its_file_go(temp, db):  # closing it closes connections
    writer = XlsxWriter()
    writer.sheet("事项", [Column("标题")], [("楼道积水",)])
    response = writer.response("cases.xlsx")
    assert list(temp.iterdir()) == []  # the workbook's parts are zipped and removed; the file is unnamed
    assert response["Content-Disposition"] == 'attachment; filename="cases.xlsx"'
    assert "no-store" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert _open_under(temp) != []  # still open: nothing has closed the response yet
    response.close()  # as the server does when the last byte is sent
    assert _open_under(temp) == []
    workbook = openpyxl.load_workbook(io.BytesIO(body))
    assert [[c.value for c in row] for row in workbook["事项"].iter_rows()] == [["标题"], ["楼道积水"]]


def test_headers_widths_frozen_row_autofilter_and_formats(tmp_path):
    columns = [
        Column("编号", 11),
        Column("登记日期", 12, "date"),
        Column("走访时间", 17, "datetime"),
        Column("金额（元）", 12, "money"),
        Column("摘要", 36, "wrap", required=True),
        Column("件数", 8, "int"),
    ]
    rows = [
        (
            "2026-0001",
            dt.date(2026, 3, 1),
            dt.datetime(2026, 3, 1, 1, 30, tzinfo=dt.UTC),  # 09:30 in Shanghai
            Decimal("1234.50"),
            "楼道堆物",
            3,
        ),
        ("2026-0002", None, dt.datetime(2026, 3, 2, 14, 5), 800, "", 2.5),
    ]
    writer = XlsxWriter()
    assert writer.sheet("事项", columns, rows) == 2
    assert writer.rows_written == {"事项": 2}
    path = _saved(writer, tmp_path / "w.xlsx")
    ws = openpyxl.load_workbook(path)["事项"]
    header = ws[1]
    assert [c.value for c in header] == [c.header for c in columns]
    assert all(c.font.b for c in header)
    assert header[0].fill.fgColor.rgb == "FFF3E4E4"
    assert header[4].fill.fgColor.rgb == "FFF0C4C4"  # a required column stands out
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:F3"
    assert ws.column_dimensions["A"].width < ws.column_dimensions["E"].width
    assert round(ws.column_dimensions["E"].width) == 37  # 36 characters (Excel's padding added)
    assert ws["B2"].value == dt.datetime(2026, 3, 1) and ws["B2"].number_format == "yyyy-mm-dd"
    assert ws["C2"].value == dt.datetime(2026, 3, 1, 9, 30)  # the local wall-clock time
    assert ws["C2"].number_format == "yyyy-mm-dd hh:mm"
    assert ws["C3"].value == dt.datetime(2026, 3, 2, 14, 5)  # a naive datetime as it is
    assert ws["D2"].value == 1234.5 and ws["D2"].number_format == "#,##0.00"
    assert ws["D3"].value == 800
    assert ws["E2"].alignment.wrap_text and ws["E2"].alignment.vertical == "top"
    assert ws["F2"].value == 3 and ws["F3"].value == 2.5
    assert ws["B3"].value is None and ws["E3"].value is None
    # The import's reader sees dates as dates, numbers as numbers.
    assert list(iter_rows(path))[1][1][:4] == ["2026-0001", dt.date(2026, 3, 1), dt.date(2026, 3, 1), 1234.5]


def test_no_autofilter_when_not_asked(tmp_path):
    writer = XlsxWriter()
    writer.sheet("关爱类别", [Column("代码")], [("dibao",)], autofilter=False)
    assert openpyxl.load_workbook(_saved(writer, tmp_path / "w.xlsx"))["关爱类别"].auto_filter.ref is None


def test_short_rows_are_padded_and_long_ones_refused(temp):
    writer = XlsxWriter()
    columns = [Column("列"), Column("必填"), Column("说明")]
    assert writer.sheet("填写说明", columns, [["姓名", "是", "居民姓名"], [], ["一行一人。"]]) == 3
    path = _saved(writer, temp / "w.xlsx")
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert rows[1:] == [("姓名", "是", "居民姓名"), (None, None, None), ("一行一人。", None, None)]

    writer = XlsxWriter()
    with pytest.raises(ValueError, match="3 cells for 2 columns"):
        writer.sheet("居民", columns[:2], [("a", "b", "c")])
    assert [p.name for p in temp.iterdir()] == ["w.xlsx"]


def test_bools_are_text_numbers_are_numbers(tmp_path):
    writer = XlsxWriter()
    columns = [Column("a"), Column("b"), Column("c"), Column("d")]
    writer.sheet("x", columns, [(True, False, Decimal("2.50"), 7)])
    ws = openpyxl.load_workbook(_saved(writer, tmp_path / "w.xlsx")).active
    assert [c.value for c in ws[2]] == ["True", "False", 2.5, 7]
    assert [c.data_type for c in ws[2]] == ["s", "s", "n", "n"]


@pytest.mark.parametrize("quote", [False, True])
def test_text_that_looks_like_a_formula_is_never_one(tmp_path, quote):
    texts = ["=1+1", '=HYPERLINK("http://evil","点我")', "+86 138", "-3", "@王五", "=", "王五"]
    writer = XlsxWriter(quote_formulas=quote)
    writer.sheet("x", [Column("a")], [(t,) for t in texts])
    path = _saved(writer, tmp_path / "w.xlsx")
    assert "<f>" not in _sheet_xml(path)
    written = [values[0] for _n, values in iter_rows(path)][1:]  # FormulaFound if any were a formula
    expected = [("'" + t if quote and t[0] in "=+-@" else t) for t in texts]
    assert written == expected
    ws = openpyxl.load_workbook(path).active
    assert all(c.data_type == "s" for c in ws["A"])


def test_control_characters_become_spaces_tabs_and_line_breaks_stay(tmp_path):
    text = "楼道\x0b积水\x00\x1b\x7f末\t列\n行\r\n完"
    writer = XlsxWriter()
    writer.sheet("x", [Column("a", kind="wrap")], [(text,)])
    path = _saved(writer, tmp_path / "w.xlsx")
    expected = "楼道 积水  \x7f末\t列\n行\r\n完"
    assert [values for _n, values in iter_rows(path)][1] == [expected]
    # openpyxl reads the carriage return as XlsxWriter escapes it (_x000D_), as Excel writes it.
    assert openpyxl.load_workbook(path).active["A2"].value == expected.replace("\r", "_x000D_")


def test_text_shaped_like_rich_texts_xml_is_written_as_text(tmp_path):
    """XlsxWriter's constant_memory mode writes a string from "<r>" to "</r>" into the sheet's XML
    unescaped (its own rich text): a note could have damaged the workbook or smuggled a formula in."""
    texts = [
        "<r><t>x</t></r>",
        '<r></t></is></c><c r="B2"><f>HYPERLINK("http://evil","点我")</f></c><c><is><r><t>y</r>',
        "<r>_x0041_</r>",
    ]
    writer = XlsxWriter()
    writer.sheet("x", [Column("a"), Column("b")], [(t,) for t in texts])
    path = _saved(writer, tmp_path / "w.xlsx")
    assert "<f>" not in _sheet_xml(path)
    assert [values for _n, values in iter_rows(path)][1:] == [[t] for t in texts]
    assert [c.value for c in openpyxl.load_workbook(path).active["A"]][1:] == [
        *texts[:2],
        "<r>_x005F_x0041_</r>",  # openpyxl does not read the escape
    ]
    assert openpyxl.load_workbook(path).active["B2"].value is None


def test_escape_like_text_reads_back_as_written(tmp_path):
    texts = ["_x0041_", "a_x000D_b", "_x005F_x0041_", "_x4e2d_文", "_xZZZZ_", "x_x"]
    writer = XlsxWriter()
    writer.sheet("x", [Column("a")], [(t,) for t in texts])
    path = _saved(writer, tmp_path / "w.xlsx")
    assert [values[0] for _n, values in iter_rows(path)][1:] == texts


def test_text_longer_than_a_cell_holds_is_cut_and_says_so(tmp_path):
    """Excel refuses a cell of more than 32,767 characters (UTF-16 code units): the text is cut to
    fit and ends in words that say it was cut and how long it was, in the reader's language (a bare
    "…" read as the text's own); the rest of the export is written as it is."""
    exact = "字" * CELL_MAX
    long = "长" * (CELL_MAX + 10)
    emoji = "😀" * CELL_MAX  # each two code units
    with translation.override("zh-hans"):
        writer = XlsxWriter()
        writer.sheet("x", [Column("a"), Column("b")], [(exact, 1), (long, 2), (emoji, 3), ("短", 4)])
    path = _saved(writer, tmp_path / "w.xlsx")
    rows = [values for _n, values in iter_rows(path)][1:]
    assert rows[0] == [exact, 1]
    note = f"……［已截断：原文共 {CELL_MAX + 10} 字，表格单元格最多 {CELL_MAX} 字］"
    assert rows[1] == ["长" * (CELL_MAX - len(note)) + note, 2]
    assert rows[2][0].endswith(f"😀……［已截断：原文共 {CELL_MAX} 字，表格单元格最多 {CELL_MAX} 字］")
    assert len(rows[2][0].encode("utf-16-le")) // 2 <= CELL_MAX
    assert rows[3] == ["短", 4]
    assert openpyxl.load_workbook(path).active["A3"].value == rows[1][0]
    with translation.override("en"):
        english = f"… [cut: the text has {CELL_MAX + 10} characters; a spreadsheet cell holds {CELL_MAX}]"
        assert cell_text(long).endswith(english)


def test_sheets_one_after_another_and_an_empty_workbook(tmp_path):
    writer = XlsxWriter()
    writer.sheet("事项", [Column("a")], ((str(n),) for n in range(3)))
    writer.sheet("走访", [Column("b")], [])
    long_title = "一个" + "很长" * 20 + "的表名"
    writer.sheet(long_title, [Column("c")], [("c",)])
    workbook = openpyxl.load_workbook(_saved(writer, tmp_path / "w.xlsx"))
    assert workbook.sheetnames == ["事项", "走访", long_title[:31]]
    assert workbook["走访"].max_row == 1 and workbook["走访"].auto_filter.ref == "A1"
    assert writer.rows_written == {"事项": 3, "走访": 0, long_title: 1}

    empty = XlsxWriter()
    assert len(openpyxl.load_workbook(_saved(empty, tmp_path / "e.xlsx")).worksheets) == 1


def test_the_import_can_tell_how_many_rows_a_written_sheet_has(tmp_path):
    """The import decides where to read a file by its size (runs.start_import): the sheet's
    <dimension>, which XlsxWriter writes first, as Excel and openpyxl do."""
    writer = XlsxWriter()
    writer.sheet("居民", [Column("姓名"), Column("电话")], ((f"居民{n}", f"138{n:08d}") for n in range(250)))
    path = _saved(writer, tmp_path / "w.xlsx")
    assert estimate_rows(path) == 251
    assert re.search(r'<dimension ref="A1:B251"/>', _sheet_xml(path)[:4096])
