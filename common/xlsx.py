"""The one .xlsx writer: ledgers, case exports, the registry export and the import template.

Written with the XlsxWriter library in its constant_memory mode: each sheet's rows go to a temporary
file as they are written, one row in memory at a time, so a street's year of cases is written row by
row from a queryset iterator. The finished workbook is zipped into a temporary file and streamed to
the browser from there (FileResponse), never held whole in memory. XlsxWriter replaced openpyxl's
write-only mode for speed: the rows of a street's 10,000 open cases took 3.9–4.0 s to write with
openpyxl and 1.1–1.3 s with XlsxWriter, the whole export 9.4–9.5 s and 5.3–6.5 s (medians,
bench_export on a quiet 2-core machine; README, "What makes it fast").

Every sheet gets headers in the language its caller writes it in (Chinese for the ledger, the case
list and the registry; the access log's in the reader's) (bold, on a fill; the columns the import
template requires on a darker one), a frozen header row, column widths and an autofilter, and is
set up to print (A4 landscape, one page wide, the header row on every page); dates are written as dates,
datetimes as the local wall-clock time, money as #,##0.00. Text that begins with = + - @ is written
as text, never as a formula (CSV/Excel injection: a resident's "=HYPERLINK(...)" stays a string). A
workbook made to be edited and imported back (the registry export) writes such text with a leading
apostrophe instead (`XlsxWriter(quote_formulas=True)`), which the registry import takes off again.
Control characters Excel refuses (a line break pasted from Word is \\x0b) are written as spaces; a
text longer than a cell holds (32,767 characters) is cut to fit and says so at its end, with its
length (CUT_NOTE): the forms hold free text well under that (common/lengths.py), but a text stored
before them may be longer, and a reader of the workbook must not take the cut text for the whole.

In constant_memory mode a sheet's rows must be written in order and a row cannot be gone back to:
`sheet()` writes a whole sheet from its rows before the next begins. Strings are inline strings
(`t="inlineStr"`), which the registry import's reader (residents/imports/xlsx_stream.py) reads as it
reads Excel's shared strings, including the _xHHHH_ escapes XlsxWriter writes.
"""

import datetime as dt
import re
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from decimal import Decimal

import xlsxwriter
from django.http import FileResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from xlsxwriter.worksheet import Worksheet

from common.exports import attachment
from common.spreadsheets import export_text

_HEADER = {"bold": True, "pattern": 1, "bg_color": "#F3E4E4"}
_REQUIRED = {**_HEADER, "bg_color": "#F0C4C4"}  # a column the import template requires
_WRAP = {"valign": "top", "text_wrap": True}
# The ledger is handed to the street as a workbook; these are Excel's own number formats.
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MONEY_FORMAT = "#,##0.00"

# What a cell cannot hold: the control characters XML 1.0 refuses (tab, line feed and carriage
# return are kept), and more than 32,767 UTF-16 code units of text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
CELL_MAX = 32767
# The end of a text cut to fit a cell, in the reader's language (a workbook is written in a request).
CUT_NOTE = _("… [cut: the text has %(length)d characters; a spreadsheet cell holds %(max)d]")


@dataclass(frozen=True)
class Column:
    header: str
    width: float = 12
    kind: str = "text"  # text, date, datetime, money, int, wrap
    required: bool = False  # its header stands out (a required column of the import template)
    # A column of numbers typed as text (an ID number, a phone number): formatted as text ("@"), so
    # that Excel keeps what is typed into it instead of rounding it to a number.
    text_cells: bool = False
    # What may be typed into the column's cells, offered as a drop-down (Excel's data validation). A
    # word not listed is warned about, not refused: the import reads other spellings too (English
    # labels, several care categories in one cell). `choices_hint`: said when a cell is chosen.
    choices: tuple[str, ...] = ()
    choices_hint: str = ""


class _Worksheet(Worksheet):
    def _xml_rich_inline_string(self, string, attributes=()) -> None:
        # In constant_memory mode XlsxWriter takes a string that starts with "<r>" and ends with
        # "</r>" for the XML of its own rich text and writes it into the sheet unescaped. Needle
        # writes no rich text, so such a string is a resident's or a worker's text: written as
        # the plain, escaped text it is, not as XML (a damaged workbook, or a formula smuggled in).
        self._xml_inline_string(string, False, attributes)


def cell_text(text: str) -> str:
    """Text as a cell can hold it: control characters as spaces, cut at Excel's limit (saying so)."""
    text = CONTROL_CHARACTERS.sub(" ", text)
    # A string of at most half the limit in code points cannot pass it in UTF-16 code units.
    if len(text) > CELL_MAX // 2:
        encoded = text.encode("utf-16-le")
        if len(encoded) > 2 * CELL_MAX:
            note = CUT_NOTE % {"length": len(text), "max": CELL_MAX}
            room = CELL_MAX - len(note.encode("utf-16-le")) // 2
            # Cut between characters (a character beyond the BMP is two code units).
            text = encoded[: 2 * room].decode("utf-16-le", "ignore") + note
    return text


class XlsxWriter:
    def __init__(self, *, quote_formulas: bool = False) -> None:
        self.quote_formulas = quote_formulas
        self.rows_written: dict[str, int] = {}  # sheet title → data rows (the access log notes them)
        # Every temporary file XlsxWriter makes (a sheet's rows, the parts before they are zipped)
        # goes in this directory, removed when the workbook is saved or abandoned.
        self._tmpdir = tempfile.TemporaryDirectory(prefix="needle-xlsx-")
        self._output = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (closed by the response or discard)
        self._closed = False
        self.workbook = xlsxwriter.Workbook(
            self._output,
            {"constant_memory": True, "tmpdir": self._tmpdir.name, "nan_inf_to_errors": True},
        )
        add = self.workbook.add_format
        self._header, self._required = add(_HEADER), add(_REQUIRED)
        self._wrap = add(_WRAP)
        self._date, self._datetime = add({"num_format": DATE_FORMAT}), add({"num_format": DATETIME_FORMAT})
        self._money = add({"num_format": MONEY_FORMAT})
        self._text = add({"num_format": "@"})

    def sheet(
        self,
        title: str,
        columns: Sequence[Column],
        rows: Iterable[Sequence],
        *,
        autofilter: bool = True,
        about: Sequence[str] = (),
    ) -> int:
        """Write one sheet from an iterable of row tuples; returns the number of data rows.

        A row shorter than the columns is padded with empty cells (a line of guidance in column A).
        `about`: lines above the headers, one a row in column A, saying what the file holds (an export's
        filters: the access log's file handed to an auditor said nothing of its scope, review 7)."""
        if self._closed:
            raise ValueError("The workbook was saved or abandoned: no sheet can be added.")
        ws = self.workbook.add_worksheet(title[:31], worksheet_class=_Worksheet)
        for line, text in enumerate(about):
            ws.write_string(line, 0, cell_text(str(text)))
        top = len(about)  # the headers' row
        for index, column in enumerate(columns):
            ws.set_column(index, index, column.width, self._text if column.text_cells else None)
            ws.write_string(
                top, index, str(column.header), self._required if column.required else self._header
            )
            if column.choices:
                _drop_down(ws, index, column)
        ws.freeze_panes(top + 1, 0)
        # Printed as the street files a 台账: A4 landscape, all columns on one page's width (as many
        # pages long as it takes), the header row at the top of every page.
        ws.set_paper(9)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(top)
        text_formats = [
            self._wrap if column.kind == "wrap" else self._text if column.text_cells else None
            for column in columns
        ]
        money = [column.kind == "money" for column in columns]
        width = len(columns)
        count = 0
        try:
            for row in rows:
                count += 1
                if len(row) < width:
                    row = [*row, *[None] * (width - len(row))]
                for index, value in enumerate(row):
                    if index >= width:
                        raise ValueError(f"row {count} has {len(row)} cells for {width} columns")
                    self._cell(ws, top + count, index, value, text_formats[index], money[index])
        except BaseException:
            # Rows that fail half-way (a replica read that fails, and the view runs again on the
            # primary): the abandoned workbook's temporary files are closed and removed now, not
            # left on disk (XlsxWriter removes them only when a workbook is closed) or to the
            # garbage collector in a later request.
            self.discard()
            raise
        if autofilter:
            ws.autofilter(top, 0, top + count, width - 1)
        self.rows_written[title] = count
        return count

    def _cell(self, ws: Worksheet, row: int, col: int, value, text_format, money: bool) -> None:
        if value is None or value == "":
            return
        if isinstance(value, dt.datetime):
            # Excel has no time zones: write the local wall-clock time.
            value = value if value.tzinfo is None else _local(value)
            ws.write_datetime(row, col, value, self._datetime)
        elif isinstance(value, dt.date):
            ws.write_datetime(row, col, value, self._date)
        elif isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            ws.write_number(row, col, value, self._money if money else None)
        else:
            # Anything else (True and False among them) as its text; never as a formula.
            text = export_text(value) if self.quote_formulas else str(value)
            ws.write_string(row, col, cell_text(text), text_format)

    def _close(self) -> None:
        if self._closed:
            raise ValueError("The workbook was already saved or abandoned.")
        self._closed = True
        try:
            self.workbook.close()  # a workbook without a sheet gets an empty one
        except BaseException:
            self._output.close()
            raise
        finally:
            self._release()
        self._output.seek(0)

    def _release(self) -> None:
        # Close every sheet's file of rows (XlsxWriter's own step when it closes a workbook), then
        # remove the directory and whatever is left in it.
        for ws in self.workbook.worksheets():
            with suppress(Exception):
                ws._opt_close()
        self._tmpdir.cleanup()

    def discard(self) -> None:
        """Give the workbook up: its temporary files closed and removed. Nothing can be saved after."""
        if not self._closed:
            self._closed = True
            self._release()
            self._output.close()

    def response(self, filename: str, fallback: str = "") -> FileResponse:
        """Stream the workbook from its temporary file, uncached; the file goes when the response closes.
        `fallback`: the name in ASCII for a client that cannot read `filename` (common.exports.attachment)."""
        self._close()
        response = FileResponse(
            self._output,
            as_attachment=True,
            filename=filename,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = attachment(filename, fallback or filename)
        # Residents' names, addresses and numbers (in full in a registry export that asks for them):
        # kept by no browser or proxy cache, as a revealed number's page is not (never_cache).
        add_never_cache_headers(response)
        return response

    def save(self, target) -> None:
        """Write the workbook to a path or a binary file."""
        self._close()
        with self._output:
            if hasattr(target, "write"):
                shutil.copyfileobj(self._output, target)
            else:
                with open(target, "wb") as f:
                    shutil.copyfileobj(self._output, f)


def _drop_down(ws: Worksheet, index: int, column: Column) -> None:
    """The column's choices as a drop-down on every cell below its header."""
    options = {
        "validate": "list",
        "source": [str(choice) for choice in column.choices],
        "error_type": "warning",
        "error_message": str(_("Choose a value from the list.")),
    }
    if column.choices_hint:
        options["input_message"] = str(column.choices_hint)
    ws.data_validation(1, index, ws.xls_rowmax - 1, index, options)


def _local(value: dt.datetime) -> dt.datetime:
    from django.utils import timezone

    return timezone.localtime(value).replace(tzinfo=None)
