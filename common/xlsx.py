"""The one .xlsx writer: ledgers, case exports, the registry export and the import template.

openpyxl's write-only mode keeps each sheet's rows in a temporary file, not in memory, so a street's
year of cases is written row by row from a queryset iterator. The finished workbook is written to a
temporary file and streamed to the browser from there (FileResponse), never held whole in memory.

Every sheet gets Chinese headers, a frozen header row, column widths and an autofilter; dates are
written as dates. Text that begins with = + - @ is written as text, never as a formula (CSV/Excel
injection: a resident's "=HYPERLINK(...)" stays a string). A workbook made to be edited and
imported back (the registry export) writes such text with a leading apostrophe instead
(`XlsxWriter(quote_formulas=True)`), which the registry import takes off again.
"""

import contextlib
import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.http import FileResponse
from django.utils.cache import add_never_cache_headers
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from common.spreadsheets import export_text, looks_like_formula

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="F3E4E4")
_REQUIRED_FILL = PatternFill("solid", fgColor="F0C4C4")  # a column the import template requires
_WRAP = Alignment(vertical="top", wrap_text=True)
# The ledger is handed to the street as a workbook; these are Excel's own number formats.
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MONEY_FORMAT = "#,##0.00"


@dataclass(frozen=True)
class Column:
    header: str
    width: float = 12
    kind: str = "text"  # text, date, datetime, money, int, wrap
    required: bool = False  # its header stands out (a required column of the import template)


class XlsxWriter:
    def __init__(self, *, quote_formulas: bool = False) -> None:
        self.workbook = Workbook(write_only=True)
        self.quote_formulas = quote_formulas
        self.rows_written: dict[str, int] = {}  # sheet title → data rows (the access log notes them)

    def sheet(
        self, title: str, columns: Sequence[Column], rows: Iterable[Sequence], *, autofilter: bool = True
    ) -> int:
        """Write one sheet from an iterable of row tuples; returns the number of data rows.

        A row shorter than the columns is padded with empty cells (a line of guidance in column A)."""
        ws = self.workbook.create_sheet(title=title[:31])
        for index, column in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
        ws.freeze_panes = "A2"
        header = []
        for column in columns:
            cell = WriteOnlyCell(ws, value=column.header)
            cell.font = _HEADER_FONT
            cell.fill = _REQUIRED_FILL if column.required else _HEADER_FILL
            header.append(cell)
        ws.append(header)
        count = 0
        try:
            for row in rows:
                if len(row) < len(columns):
                    row = [*row, *[None] * (len(columns) - len(row))]
                ws.append([self._cell(ws, column, value) for column, value in zip(columns, row, strict=True)])
                count += 1
        except BaseException:
            # Rows that fail half-way (a replica read that fails, and the view runs again on the
            # primary): close the abandoned sheet now. Left to the garbage collector, its writer
            # outlived its temporary file and raised "I/O operation on closed file" in a later request.
            with contextlib.suppress(Exception):
                ws.close()
            raise
        if autofilter:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
        self.rows_written[title] = count
        return count

    def _cell(self, ws, column: Column, value) -> WriteOnlyCell:
        if value is None or value == "":
            return WriteOnlyCell(ws, value=None)
        if isinstance(value, dt.datetime):
            # Excel has no time zones: write the local wall-clock time.
            value = value.replace(tzinfo=None) if value.tzinfo is None else _local(value)
            cell = WriteOnlyCell(ws, value=value)
            cell.number_format = DATETIME_FORMAT
            return cell
        if isinstance(value, dt.date):
            cell = WriteOnlyCell(ws, value=value)
            cell.number_format = DATE_FORMAT
            return cell
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            cell = WriteOnlyCell(ws, value=value)
            if column.kind == "money":
                cell.number_format = MONEY_FORMAT
            return cell
        text = export_text(value) if self.quote_formulas else str(value)
        # Control characters (a line break pasted from Word is \x0b) cannot be written to a sheet:
        # openpyxl refuses the cell and the whole export failed (500). Each becomes a space.
        text = ILLEGAL_CHARACTERS_RE.sub(" ", text)
        cell = WriteOnlyCell(ws, value=text)
        if looks_like_formula(text):
            cell.data_type = "s"  # openpyxl takes a leading "=" for a formula; this keeps it text
        if column.kind == "wrap":
            cell.alignment = _WRAP
        return cell

    def response(self, filename: str) -> FileResponse:
        """Save to a temporary file and stream it, uncached; the file is removed when the response closes."""
        handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (closed by the FileResponse)
        self.save(handle)
        handle.seek(0)
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=filename,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        # Residents' names, addresses and numbers (in full in a registry export that asks for them):
        # kept by no browser or proxy cache, as a revealed number's page is not (never_cache).
        add_never_cache_headers(response)
        return response

    def save(self, target) -> None:
        """Write the workbook to a path or a binary file."""
        if not self.workbook.worksheets:
            self.workbook.create_sheet()
        self.workbook.save(target)


def _local(value: dt.datetime) -> dt.datetime:
    from django.utils import timezone

    return timezone.localtime(value).replace(tzinfo=None)
