"""Reading an uploaded file: what kind it is (by content), its encoding, its rows and its cells.

A workbook is read once, at the preview, into "rows" (a plain CSV beside it) that the commit reads
again; a CSV is read as it is. Every reader yields (row number as the spreadsheet shows it, cell
values).
"""

import codecs
import csv
import datetime
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from xml.etree.ElementTree import ParseError

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from common.masking import mask_numbers_in_text
from residents.imports import problems, xlsx_stream

# A .xlsx is a zip: refuse one that would unpack to more than this (a "zip bomb").
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and Office's encrypted (password) files
MAX_ROWS = 200_000  # rows of data in one file
PROGRESS_EVERY = 1000  # rows read between two progress reports of a run in the worker


class FileProblem(Exception):
    """The file as a whole cannot be imported; the message says why, for the user. Kept as what to
    say (`said`: its msgid and parameters, residents/imports/problems.py), so that the run's page
    says it in the reader's language; `message` is the words in the language active now."""

    def __init__(self, message, **params) -> None:
        self.said = {"msgid": problems.msgid(message), "params": problems.stored_params(params)}
        self.message = problems.text(self.said)
        super().__init__(self.message)


# --- Kinds and encodings --------------------------------------------------------------------------


def detect_kind(path: Path, original_name: str) -> str:
    """'xlsx' or 'csv', judged by content (the name only has to agree); FileProblem otherwise."""
    size = path.stat().st_size
    if size == 0:
        raise FileProblem(_("The file is empty."))
    if size > settings.UPLOAD_MAX_MB * 1024 * 1024:
        raise FileProblem(
            _("The file is larger than %(max)d MB. Split it into smaller files."), max=settings.UPLOAD_MAX_MB
        )
    with path.open("rb") as f:
        head = f.read(4096)
    suffix = Path(original_name).suffix.lower()
    if head.startswith(OLE_MAGIC):
        with path.open("rb") as f:
            blob = f.read()
        if "EncryptedPackage".encode("utf-16-le") in blob or b"EncryptionInfo" in blob:
            raise FileProblem(
                _(
                    "This workbook is protected by a password. Remove the password in Excel or WPS "
                    "(File › Info › Protect Workbook), save, and upload it again."
                )
            )
        raise FileProblem(
            _("This is an old Excel file (.xls). Open it in Excel or WPS and save it as .xlsx.")
        )
    if head.startswith(b"PK\x03\x04"):
        if suffix not in (".xlsx", ""):
            raise FileProblem(_("Workbooks with macros are not accepted. Save it as a plain .xlsx workbook."))
        _check_workbook_zip(path)
        return "xlsx"
    if suffix in (".csv", ".txt") and b"\x00" not in head:
        return "csv"
    raise FileProblem(
        _("Upload an Excel workbook (.xlsx) or a CSV file; “%(name)s” is neither."),
        name=mask_numbers_in_text(original_name),
    )


def _check_workbook_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise FileProblem(_("The file could not be read as a workbook: it may be damaged.")) from None
    if "xl/workbook.xml" not in names:
        raise FileProblem(_("This is not an Excel workbook (.xlsx)."))
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise FileProblem(_("Workbooks with macros are not accepted. Save it as a plain .xlsx workbook."))
    if unpacked > MAX_UNPACKED_BYTES:
        raise FileProblem(_("The workbook is too large once unpacked. Split it into smaller files."))


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without a BOM) if the whole file decodes as such, else GB18030 (a superset of GBK).

    The whole file is read here, before any row is: a NUL byte anywhere (which PostgreSQL cannot
    store) or GBK text behind a UTF-8 mark is refused at the preview, not found by the commit."""
    with path.open("rb") as f:
        has_bom = f.read(3) == codecs.BOM_UTF8
    for encoding in ("utf-8-sig",) if has_bom else ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as f:
                while chunk := f.read(1 << 20):
                    if b"\x00" in chunk:
                        raise FileProblem(
                            _(
                                "The file holds a NUL character, which no text file has: it may be damaged. "
                                "Open it in Excel or WPS and save it again as .xlsx or CSV."
                            )
                        )
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    if has_bom:
        raise FileProblem(
            _(
                "The file begins with a UTF-8 mark but its text is not UTF-8 (perhaps GBK). Open it in "
                "Excel or WPS and save it as “CSV UTF-8” or as .xlsx, then upload it again."
            )
        )
    raise FileProblem(_("The file is not text in a known encoding (UTF-8 or GBK)."))


def _csv_rows(path: Path) -> Iterator[tuple[int, list]]:
    encoding = detect_encoding(path)
    with path.open(encoding=encoding, newline="") as f:
        sample = f.read(8192)
        f.seek(0)
        if encoding == "utf-8-sig":
            pass  # the BOM is skipped by the codec after seek(0) too
        first_line = sample.splitlines()[0] if sample else ""
        delimiter = max(",\t;", key=first_line.count) if first_line else ","
        if first_line.count(delimiter) == 0:
            delimiter = ","
        reader = csv.reader(f, delimiter=delimiter)
        try:
            yield from enumerate(reader, start=1)
        except csv.Error:
            # The one error a decoded file can still give: a cell longer than csv's field limit
            # (an unclosed quote swallows the rest of the file into one cell).
            raise FileProblem(
                _(
                    'Line %(line)d holds a cell longer than %(max)d characters, often a quote mark (") '
                    "that is never closed. Correct it and upload the file again."
                ),
                line=reader.line_num,
                max=csv.field_size_limit(),
            ) from None


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list]]:
    try:
        yield from xlsx_stream.iter_rows(path)
    except xlsx_stream.FormulaFound as found:
        raise FileProblem(
            _(
                "Row %(row)d, column %(column)s holds a formula (%(formula)s). Save the "
                "sheet with values instead of formulas (copy, then paste as values) and upload "
                "it again."
            ),
            row=found.row,
            column=found.column,
            formula="=" + found.formula[:40],
        ) from None
    except (KeyError, ValueError, IndexError, zipfile.BadZipFile, ParseError):
        raise FileProblem(_("The file could not be read as a workbook: it may be damaged.")) from None


# A workbook is read once, at the preview, into "rows": a plain CSV of (row number, cells) beside
# it, which the commit reads again at CSV speed instead of parsing the workbook's XML a second time.
# Numbers keep their type (an ID number that Excel made a number is still recognised) behind a
# marker character that no cell text keeps.
_NUMBER_MARK = "\x01"


def too_many_rows() -> FileProblem:
    return FileProblem(_("The file has more than %(max)d rows. Split it into smaller files."), max=MAX_ROWS)


def normalise_workbook(source: Path, target: Path, *, progress: Callable[[int], None] | None = None) -> int:
    """Write the workbook's first sheet as "rows" (FileProblem for a bad workbook); returns how many
    rows hold something. Reading stops as soon as the sheet passes the row limit: a sheet of a
    million rows is refused in seconds. `progress(rows)` is told every PROGRESS_EVERY rows."""
    # The header row and the template's example row come on top of the rows of data.
    limit = MAX_ROWS + 2
    filled = 0
    with target.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        for number, values in _xlsx_rows(source):
            if any(value is not None and value != "" for value in values):
                filled += 1
                if filled > limit:
                    raise too_many_rows()
                if progress is not None and filled % PROGRESS_EVERY == 0:
                    progress(filled)
            cells = [str(number)]
            for value in values:
                if isinstance(value, bool) or value is None:
                    cells.append(cell_text(value))
                elif isinstance(value, int | float):
                    cells.append(_NUMBER_MARK + repr(value))
                elif isinstance(value, str):
                    cells.append(value.replace(_NUMBER_MARK, ""))
                else:
                    cells.append(cell_text(value))
            writer.writerow(cells)
    return filled


def _normalised_rows(path: Path) -> Iterator[tuple[int, list]]:
    with path.open(encoding="utf-8", newline="") as f:
        for cells in csv.reader(f):
            values: list = []
            for cell in cells[1:]:
                if cell.startswith(_NUMBER_MARK):
                    try:
                        values.append(int(cell[1:]))
                    except ValueError:
                        values.append(float(cell[1:]))
                else:
                    values.append(cell)
            yield int(cells[0]), values


def read_rows(path: Path, kind: str) -> Iterator[tuple[int, list]]:
    """(row number as the spreadsheet shows it, cell values) for each row of the file."""
    if kind == "rows":
        return _normalised_rows(path)
    return _xlsx_rows(path) if kind == "xlsx" else _csv_rows(path)


# --- Cells ----------------------------------------------------------------------------------------


def cell_text(value) -> str:
    """A cell as clean text: spaces and tabs trimmed, whole floats as ints, and a leading apostrophe
    (Excel's "keep this as text", and what an export puts before = + - @) taken off."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value).strip()
    if text.startswith("'"):
        text = text[1:].strip()
    return text


_DATE_PATTERNS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)


class NoSuchDay(ValueError):
    """Written as a date, but the calendar has no such day (2026年2月30日)."""


def parse_date(text: str) -> datetime.date | None:
    """The date written in one of the accepted forms, None if it is in none of them; NoSuchDay for
    a date in an accepted form that does not exist."""
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            try:
                return datetime.date(*(int(g) for g in match.groups()))
            except ValueError:
                raise NoSuchDay(text) from None
    return None


def fold(text: str, *, lower: bool = True) -> str:
    """Full-width forms folded (１２号 → 12号) and, for looking words up, case ignored."""
    text = unicodedata.normalize("NFKC", text).strip()
    return text.lower() if lower else text
