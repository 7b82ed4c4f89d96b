"""A small streaming reader of .xlsx sheets: rows of plain values, a few times faster than openpyxl.

openpyxl's read-only mode builds an object per cell, which makes 100,000 rows take most of a
minute on a small machine. This reads the first sheet's XML with the standard library's iterparse,
keeps only the shared strings and the date styles, and clears each row once it is read, so memory
holds one row at a time (plus the workbook's shared strings). Formulas are reported, not evaluated.

Text is read from shared strings (Excel, WPS, openpyxl) and from inline strings (`t="inlineStr"`:
Needle's own exports, written by XlsxWriter in its constant_memory mode), with the escapes both use
for what XML cannot hold taken off ("_x000D_" is a carriage return, "_x005F_x0041_" the text
"_x0041_"). A control character so escaped is read as a space, as Needle's writer writes one.
"""

import datetime
import functools
import posixpath
import re
import zipfile
from collections.abc import Iterator
from xml.etree.ElementTree import iterparse

_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_BUILTIN_DATE_FORMATS = {*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)}


class FormulaFound(Exception):
    def __init__(self, row: int, column: str, formula: str) -> None:
        super().__init__(f"{column}{row}")
        self.row, self.column, self.formula = row, column, formula


def _refuse_dtd(archive: zipfile.ZipFile, name: str) -> None:
    """Office never writes a DTD, so a part declaring one (entity expansion, external entities) is
    refused before parsing; expat (≥ 2.4) also limits entity amplification, and ElementTree never
    fetches external entities."""
    with archive.open(name) as f:
        head = f.read(65536)
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise ValueError(f"{name} declares a DTD")


def _parse(archive: zipfile.ZipFile, name: str, events=("end",)) -> Iterator:
    """iterparse of one (small) part of the workbook."""
    _refuse_dtd(archive, name)
    with archive.open(name) as f:
        yield from iterparse(f, events=events)  # noqa: S314 (checked by _refuse_dtd)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


# "_x005F_" before an escape is an underscore that makes the escape plain text (ECMA-376 ST_Xstring).
_ESCAPE = re.compile(r"_x005[Ff](_x[0-9A-Fa-f]{4}_)|_x([0-9A-Fa-f]{4})_")
# What XML 1.0 cannot hold (tab, line feed and carriage return are kept), as common/xlsx.py says.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _unescaped(match: re.Match) -> str:
    if match.group(1):
        return match.group(1)
    code = int(match.group(2), 16)
    if 0xD800 <= code <= 0xDFFF:  # half of a surrogate pair is no character: left as written
        return match.group(0)
    return _CONTROL.sub(" ", chr(code))


def _text(text: str) -> str:
    """A string's text with OOXML's _xHHHH_ escapes taken off: "_x000D_" is a carriage return,
    "_x005F_x0041_" the text "_x0041_" (how Excel and XlsxWriter write it)."""
    return _ESCAPE.sub(_unescaped, text) if "_x" in text else text


_MAX_COLUMNS = 16384  # Excel's last column, XFD


@functools.lru_cache(maxsize=1024)
def _column_index(letters: str) -> int:
    """ "A" → 0, "AB" → 27. A column past Excel's last is a damaged (or hostile) file: a row would
    otherwise grow to billions of cells."""
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
        if index > _MAX_COLUMNS:
            raise ValueError(f"column {letters} is past Excel's last column")
    return index - 1


def _first_sheet_path(archive: zipfile.ZipFile) -> tuple[str, bool]:
    rel_id = None
    date1904 = False
    for _event, element in _parse(archive, "xl/workbook.xml"):
        name = _local(element.tag)
        if name == "workbookPr":
            date1904 = element.get("date1904") in ("1", "true")
        elif name == "sheet" and rel_id is None:
            rel_id = element.get(f"{{{_REL_NS}}}id") or element.get("id")
    targets = {}
    for _event, element in _parse(archive, "xl/_rels/workbook.xml.rels"):
        if _local(element.tag) == "Relationship":
            targets[element.get("Id")] = element.get("Target")
    target = targets.get(rel_id, "worksheets/sheet1.xml")
    path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    return path, date1904


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    strings: list[str] = []
    parts: list[str] = []
    in_phonetic = 0
    for event, element in _parse(archive, "xl/sharedStrings.xml", ("start", "end")):
        name = _local(element.tag)
        if name == "rPh":  # phonetic guides (furigana) are not part of the text
            in_phonetic += 1 if event == "start" else -1
        elif event == "end" and name == "t" and not in_phonetic:
            parts.append(element.text or "")
        elif event == "end" and name == "si":
            strings.append(_text("".join(parts)))
            parts = []
            element.clear()
    return strings


def _date_styles(archive: zipfile.ZipFile) -> set[int]:
    """Indexes of the cell styles that show a number as a date."""
    if "xl/styles.xml" not in archive.namelist():
        return set()
    custom: dict[int, str] = {}
    xf_formats: list[int] = []
    in_cell_xfs = False
    for event, element in _parse(archive, "xl/styles.xml", ("start", "end")):
        name = _local(element.tag)
        if name == "numFmt" and event == "end":
            custom[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
        elif name == "cellXfs":
            in_cell_xfs = event == "start"
        elif name == "xf" and event == "start" and in_cell_xfs:
            xf_formats.append(int(element.get("numFmtId", "0")))
    dates = set()
    for index, fmt in enumerate(xf_formats):
        if fmt in _BUILTIN_DATE_FORMATS:
            dates.add(index)
        elif fmt in custom:
            code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", custom[fmt]).lower()
            if re.search(r"[ymd]", code) and not re.fullmatch(r"[#0.,%e+\-\s]*", code):
                dates.add(index)
    return dates


def _serial_to_date(value: float, date1904: bool) -> datetime.date | float:
    """The date of an Excel date serial; the number itself when no calendar day has it (a serial
    past 9999-12-31 or before year 1), which the importer reports as a bad date of its row."""
    base = datetime.date(1904, 1, 1) if date1904 else datetime.date(1899, 12, 30)
    try:
        return base + datetime.timedelta(days=int(value))
    except (OverflowError, ValueError):
        return value


def iter_rows(path) -> Iterator[tuple[int, list]]:
    """(row number, values) for each row of the first sheet. Values are str, int, float, bool or
    date; missing cells are None. Raises FormulaFound at the first cell holding a formula."""
    with zipfile.ZipFile(path) as archive:
        sheet_path, date1904 = _first_sheet_path(archive)
        strings = _shared_strings(archive)
        date_styles = _date_styles(archive)
        row_tag = None
        row_number = 0
        _refuse_dtd(archive, sheet_path)
        with archive.open(sheet_path) as sheet:
            # The sheet's own iterparse, not _parse's generator: a yield per element costs a second a
            # hundred thousand rows.
            for _event, element in iterparse(sheet):  # noqa: S314 (checked by _refuse_dtd)
                if row_tag is None:  # the namespace, from the first element: tags compare as whole strings
                    ns = element.tag[: element.tag.index("}") + 1] if element.tag.startswith("{") else ""
                    row_tag, v_tag, f_tag, is_tag, t_tag = (ns + n for n in ("row", "v", "f", "is", "t"))
                if element.tag != row_tag:
                    continue
                row_number = int(element.get("r") or row_number + 1)
                values: list = []
                for cell in element:
                    # The column from the cell's reference ("C12" → 2); cells without one follow on.
                    ref = cell.get("r")
                    letters = ref.rstrip("0123456789") if ref else ""
                    if letters.isascii() and letters.isalpha() and letters.isupper():
                        column = _column_index(letters)
                    else:
                        column, letters = len(values), ""
                    kind = cell.get("t", "n")
                    value = text = None
                    for child in cell:
                        if child.tag == v_tag:
                            text = child.text
                        elif child.tag == is_tag:
                            text = _text("".join(t.text or "" for t in child.iter(t_tag)))
                        elif child.tag == f_tag:
                            raise FormulaFound(row_number, letters or "?", child.text or "")
                    if text is not None:
                        if kind == "s":
                            value = strings[int(text)]
                        elif kind in ("inlineStr", "str", "e"):
                            value = text
                        elif kind == "b":
                            value = text == "1"
                        elif kind == "d":
                            value = text[:10]
                        else:
                            number = float(text)
                            if date_styles and int(cell.get("s", "0")) in date_styles:
                                value = _serial_to_date(number, date1904)
                            else:
                                value = int(number) if number.is_integer() else number
                    if column >= len(values):  # in order (the usual case), maybe after empty cells
                        values.extend([None] * (column - len(values)))
                        values.append(value)
                    else:
                        values[column] = value
                element.clear()
                yield row_number, values


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"')


def estimate_rows(path) -> int:
    """How many rows the first sheet has, without reading it: the last row of the sheet's
    <dimension> (Excel, WPS and openpyxl write it first), else a guess from the sheet's unpacked
    size. Only decides where the file is read (see runs.start_import); 0 when the file is damaged."""
    try:
        with zipfile.ZipFile(path) as archive:
            sheet_path, _date1904 = _first_sheet_path(archive)
            with archive.open(sheet_path) as sheet:
                head = sheet.read(4096)
            match = _DIMENSION.search(head)
            if match:
                return int(match.group(1) or 1)
            return archive.getinfo(sheet_path).file_size // 200  # a registry row is a few hundred bytes
    except (KeyError, ValueError, IndexError, zipfile.BadZipFile, OSError, SyntaxError):
        return 0
