"""Bringing a committee's spreadsheets in: residents, households and buildings from .xlsx or .csv.

One row of the file is one resident with the address of their household (路/弄/号/室). The file is
streamed twice: a dry run (the preview) and the commit, which validates again while it writes in
batches inside one transaction, so a bad row found part-way rolls everything back. Memory stays
bounded: rows are read one at a time and held only for one batch; what is kept for the whole file
is the committee's addresses and the set of ID numbers seen (to find duplicates).

Matching: a building by its address, a household by building and room, a resident by ID number
(deployment-wide unique). A row without an ID number, or with a masked one (an export of someone
who may not see full numbers), is matched by name within its household. Empty and masked cells
keep what is recorded: the import never clears a value and never deletes anything, which is why
importing an export changes nothing.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history
from stdnum.cn import ric

from committee.models import Committee
from committee.scoping import unscoped
from common.bulk import insert_rows
from common.masking import mask_id_number, mask_phone
from common.spreadsheets import FORMULA_START
from residents import xlsx_stream
from residents.indexing import address_tokens, next_due, search_key
from residents.models import Building, CareCategory, Household, Resident
from residents.validators import (
    birth_date_from_id,
    check_birth_date_matches,
    gender_from_id,
    normalise_id_number,
    validate_id_number,
    validate_phone,
)

BATCH_SIZE = 1000
ANALYZE_AFTER = 5000  # new residents in one commit (see _analyze_registry)
MAX_ROWS = 200_000
MAX_ERRORS_KEPT = 1000  # a file with more bad rows reports the first thousand and the total
# A .xlsx is a zip: refuse one that would unpack to more than this (a "zip bomb").
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and Office's encrypted (password) files


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the template's Chinese header
    header_en: str
    aliases: tuple[str, ...]
    required: bool = False
    help: str = ""
    max_length: int = 0


COLUMNS: tuple[Column, ...] = (
    Column("road", "路名", "road", ("路", "道路", "街路", "street"), True, gettext_lazy("e.g. 定海路"), 30),
    Column(
        "lane",
        "弄",
        "lane",
        ("弄号", "lane no"),
        False,
        gettext_lazy("Empty for a building on the road itself."),
        10,
    ),
    Column(
        "number", "号", "number", ("楼号", "门牌号", "幢", "building", "building number", "no"), True, "", 10
    ),
    Column("room", "室", "room", ("室号", "房号", "房间号", "门牌室号"), True, "", 10),
    Column("name", "姓名", "name", ("名字", "居民姓名", "full name"), True, "", 30),
    Column(
        "id_number",
        "身份证号",
        "ID number",
        ("身份证", "身份证号码", "公民身份号码", "证件号码", "id", "id no", "id_number"),
        False,
        gettext_lazy("18 characters; format the column as text so Excel keeps every digit."),
    ),
    Column(
        "gender",
        "性别",
        "gender",
        ("sex",),
        False,
        gettext_lazy("男 or 女; taken from the ID number when empty."),
    ),
    Column(
        "birth_date",
        "出生日期",
        "birth date",
        ("生日", "出生年月日", "date of birth", "birthday"),
        False,
        gettext_lazy("e.g. 1950-03-01; taken from the ID number when empty."),
    ),
    Column(
        "phone",
        "联系电话",
        "phone",
        ("电话", "手机", "手机号", "手机号码", "电话号码", "mobile", "telephone"),
        False,
        gettext_lazy("A mobile or a Shanghai landline."),
    ),
    Column("relation_to_head", "与户主关系", "relation to head", ("关系", "relation"), False),
    Column("residency_status", "居住状态", "residency status", ("人口类型", "户籍状态", "residency"), False),
    Column("housing_type", "房屋类型", "housing type", ("房屋性质", "housing"), False),
    Column(
        "care_categories",
        "关爱类别",
        "care categories",
        ("重点关爱类别", "关爱对象类别", "care category"),
        False,
        gettext_lazy("Several separated by 、 or commas."),
    ),
    Column("notes", "备注", "notes", ("说明", "note"), False, "", 2000),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
REQUIRED = [c for c in COLUMNS if c.required]

# The template's example row: a row identical to it is skipped, so a template filled in below the
# example imports without the example.
EXAMPLE_ROW = {
    "road": "定海路",
    "lane": "449",
    "number": "12",
    "room": "302",
    "name": "张秀英（示例）",
    "id_number": "310110194503120020",
    "gender": "女",
    "birth_date": "1945-03-12",
    "phone": "13812345678",
    "relation_to_head": "户主",
    "residency_status": "户籍",
    "housing_type": "公房（租赁）",
    "care_categories": "独居老人、高龄老人",
    "notes": "示例行：导入时跳过，可删除",
}


def _normal_header(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    text = re.sub(r"[\s*＊:：()（）\[\]【】_]|必填|选填|optional|required", "", text)
    return text


_HEADER_LOOKUP: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.header, _column.header_en, _column.key, *_column.aliases):
        _HEADER_LOOKUP.setdefault(_normal_header(_name), _column.key)


class FileProblem(Exception):
    """The file as a whole cannot be imported; the message says why, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- Reading files -------------------------------------------------------------------------------------


def detect_kind(path: Path, original_name: str) -> str:
    """'xlsx' or 'csv', judged by content (the name only has to agree); FileProblem otherwise."""
    size = path.stat().st_size
    if size == 0:
        raise FileProblem(_("The file is empty."))
    if size > settings.UPLOAD_MAX_MB * 1024 * 1024:
        raise FileProblem(
            _("The file is larger than %(max)d MB. Split it into smaller files.")
            % {"max": settings.UPLOAD_MAX_MB}
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
        _("Upload an Excel workbook (.xlsx) or a CSV file; “%(name)s” is neither.") % {"name": original_name}
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
    """UTF-8 (with or without a BOM) if the whole file decodes as such, else GB18030 (a superset of GBK)."""
    with path.open("rb") as f:
        if f.read(3) == codecs.BOM_UTF8:
            return "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as f:
                while chunk := f.read(1 << 20):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
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
        yield from enumerate(csv.reader(f, delimiter=delimiter), start=1)


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list]]:
    try:
        yield from xlsx_stream.iter_rows(path)
    except xlsx_stream.FormulaFound as found:
        raise FileProblem(
            _(
                "Row %(row)d, column %(column)s holds a formula (%(formula)s). Save the "
                "sheet with values instead of formulas (copy, then paste as values) and upload "
                "it again."
            )
            % {"row": found.row, "column": found.column, "formula": "=" + found.formula[:40]}
        ) from None
    except (KeyError, ValueError, IndexError, zipfile.BadZipFile, ParseError):
        raise FileProblem(_("The file could not be read as a workbook: it may be damaged.")) from None


# A workbook is read once, at the preview, into "rows": a plain CSV of (row number, cells) beside
# it, which the commit reads again at CSV speed instead of parsing the workbook's XML a second time.
# Numbers keep their type (an ID number that Excel made a number is still recognised) behind a
# marker character that no cell text keeps.
_NUMBER_MARK = "\x01"


def normalise_workbook(source: Path, target: Path) -> None:
    """Write the workbook's first sheet as "rows" (FileProblem for a bad workbook)."""
    with target.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        for number, values in _xlsx_rows(source):
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


# --- Headers -------------------------------------------------------------------------------------------


@dataclass
class Mapping:
    """Which column of the file feeds which field."""

    index: dict[str, int]  # column key → position in the row
    headers: list[str]  # the file's headers as written

    def as_list(self) -> list[dict]:
        """For the preview: each header of the file and what it feeds (None: ignored)."""
        by_index = {i: key for key, i in self.index.items()}
        rows = []
        for i, header in enumerate(self.headers):
            if not header:
                continue
            key = by_index.get(i)
            rows.append({"header": header, "key": key, "required": bool(key and COLUMN_BY_KEY[key].required)})
        return rows


def map_headers(headers: list) -> Mapping:
    texts = [str(h).strip() if h is not None else "" for h in headers]
    index: dict[str, int] = {}
    for i, text in enumerate(texts):
        key = _HEADER_LOOKUP.get(_normal_header(text))
        if key is None:
            continue
        if key in index:
            raise FileProblem(_("Two columns are both read as “%(column)s”; keep one.") % {"column": text})
        index[key] = i
    missing = [c.header for c in REQUIRED if c.key not in index]
    if missing:
        raise FileProblem(
            _("The first row must hold the column headers; these required columns are missing: %(columns)s.")
            % {"columns": "、".join(missing)}
        )
    return Mapping(index=index, headers=texts)


# --- Cell values ---------------------------------------------------------------------------------------


def cell_text(value) -> str:
    """A cell as clean text: spaces trimmed, whole floats as ints, and the apostrophe that an export
    puts before = + - @ taken off again."""
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
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_START:
        text = text[1:]
    return text


_DATE_PATTERNS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)


def parse_date(text: str) -> datetime.date | None:
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            try:
                return datetime.date(*(int(g) for g in match.groups()))
            except ValueError:
                return None
    return None


def _strip_suffix(text: str, suffix: str) -> str:
    return text[: -len(suffix)].strip() if text.endswith(suffix) else text


def _choices(model_choices) -> dict[str, str]:
    """Every way to write a choice (code, Chinese label, English label) → its code."""
    lookup: dict[str, str] = {}
    for code, label in model_choices.choices:
        lookup[code.lower()] = code
        for language in ("zh-hans", "en"):
            with translation.override(language):
                lookup[_fold(str(label))] = code
    return lookup


def _fold(text: str, *, lower: bool = True) -> str:
    """Full-width forms folded (１２号 → 12号) and, for looking words up, case ignored."""
    text = unicodedata.normalize("NFKC", text).strip()
    return text.lower() if lower else text


# Columns of numbers and codes, read with full-width forms folded; names and notes stay as written.
FOLDED = ("lane", "number", "room", "id_number", "gender", "birth_date", "phone")


GENDER_WORDS = {"男": "M", "女": "F", "m": "M", "f": "F", "male": "M", "female": "F"}
CARE_SEPARATORS = re.compile(r"[、,，;；/|\n]+")


# --- The import ----------------------------------------------------------------------------------------


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass
class Report:
    mapping: list[dict] = field(default_factory=list)
    rows: int = 0
    skipped_example: bool = False
    buildings: Counts = field(default_factory=Counts)
    households: Counts = field(default_factory=Counts)
    residents: Counts = field(default_factory=Counts)
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0
    bad_rows: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def counts(self) -> dict:
        return {
            "rows": self.rows,
            "buildings": self.buildings.as_dict(),
            "households": self.households.as_dict(),
            "residents": self.residents.as_dict(),
            "bad_rows": self.bad_rows,
            "error_count": self.error_count,
        }


@dataclass
class _BuildingState:
    road: str
    lane: str
    number: str
    pk: int | None = None
    created: bool = False


@dataclass
class _HouseholdState:
    building: _BuildingState
    room: str
    pk: int | None = None
    housing_type: str = ""
    phone: str = ""  # recorded (the import leaves it): part of its residents' search keys
    original_housing_type: str | None = None  # None: a new household
    housing_type_row: int = 0
    written_housing_type: str = ""
    in_file: bool = False


@dataclass
class _Row:
    number: int
    values: dict[str, str]
    household: _HouseholdState | None = None
    id_number: str = ""  # full and valid, or ""
    id_birth_date: datetime.date | None = None
    id_masked: str = ""
    birth_date: datetime.date | None = None
    gender: str = ""
    phone: str = ""
    phone_masked: str = ""
    care: set[int] | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)

    def error(self, column_key: str, message: str) -> None:
        self.errors.append((column_key, message))


class _Rollback(Exception):
    pass


class Importer:
    """One run over one file for one committee; `commit=False` is the preview."""

    def __init__(
        self,
        committee: Committee,
        *,
        commit: bool,
        batch_size: int | None = None,
        user=None,
        reason: str = "",
    ) -> None:
        self.committee = committee
        self.user = user  # who commits: the history of each updated resident names them
        self.reason = reason
        self.commit = commit
        self.batch_size = batch_size or BATCH_SIZE
        self.report = Report()
        self._relations = _choices(Resident.Relation)
        self._statuses = _choices(Resident.ResidencyStatus)
        self._housing = _choices(Household.HousingType)
        self._care_lookup: dict[str, int] = {}
        self._cadence: dict[int, int] = {}  # category → visit every so many days
        for category in CareCategory.objects.all():
            for word in (category.code, category.name, category.name_en):
                self._care_lookup[_fold(word)] = category.pk
            if category.visit_every_days is not None:
                self._cadence[category.pk] = category.visit_every_days
        self._care_names = "、".join(CareCategory.objects.values_list("name", flat=True))
        self._buildings: dict[tuple[str, str, str], _BuildingState] = {}
        self._households: dict[tuple[str, str, str, str], _HouseholdState] = {}
        self._ids_seen: dict[str, int] = {}  # ID number → first row
        self._residents_seen: dict[int, int] = {}  # resident pk → first row
        self._created_pks: set[int] = (
            set()
        )  # residents this run created (a commit sees them in later batches)
        self._new_names: dict[tuple[int, str], int] = {}  # (household, name) of created ID-less residents
        self._writing = commit
        self._good_regions: set[str] = set()
        self._today = datetime.date.today()
        self.column_names: dict[str, str] = {}

    # The entry point -------------------------------------------------------------------------------

    def run(self, path: Path, kind: str) -> Report:
        if not self.commit:
            self._run(path, kind)
            return self.report
        try:
            with transaction.atomic():
                self._run(path, kind)
                if not self.report.ok:
                    raise _Rollback
                if self.report.residents.created >= ANALYZE_AFTER:
                    # robust: a failed ANALYZE must not stop the callbacks after it (the upload's deletion).
                    transaction.on_commit(_analyze_registry, robust=True)
        except _Rollback:
            pass
        return self.report

    def _run(self, path: Path, kind: str) -> None:
        rows = read_rows(path, kind)
        headers: list = []
        for _number, headers in rows:
            if any(cell_text(v) for v in headers):
                break
        else:
            raise FileProblem(_("The file is empty."))
        mapping = map_headers(headers)
        self.report.mapping = mapping.as_list()
        self.column_names = {key: mapping.headers[i] for key, i in mapping.index.items()}
        self._load_addresses()
        batch: list[_Row] = []
        for row_number, cells in rows:
            values = {key: cell_text(cells[i]) if i < len(cells) else "" for key, i in mapping.index.items()}
            for key in FOLDED:  # full-width digits and letters, as Chinese input methods type them
                if values.get(key):
                    values[key] = _fold(values[key], lower=False)
            if not any(values.values()):
                continue
            if self._is_example(values):
                self.report.skipped_example = True
                continue
            self.report.rows += 1
            if self.report.rows > MAX_ROWS:
                raise FileProblem(
                    _("The file has more than %(max)d rows. Split it into smaller files.") % {"max": MAX_ROWS}
                )
            row = _Row(number=row_number, values=values)
            if mapping.index.get("id_number") is not None:
                raw = cells[mapping.index["id_number"]] if mapping.index["id_number"] < len(cells) else None
                if isinstance(raw, int | float) and not isinstance(raw, bool):
                    row.error(
                        "id_number",
                        _(
                            "Excel stored this ID number as a number, which loses its last digits. Format "
                            "the column as text and type the number again."
                        ),
                    )
            batch.append(row)
            if len(batch) >= self.batch_size:
                self._process(batch)
                batch = []
        if batch:
            self._process(batch)
        if self.report.rows == 0:
            raise FileProblem(_("The file has headers but no rows of data."))
        self._count_addresses()

    @staticmethod
    def _is_example(values: dict[str, str]) -> bool:
        return (
            values.get("name") == EXAMPLE_ROW["name"] and values.get("id_number") == EXAMPLE_ROW["id_number"]
        )

    # Addresses ------------------------------------------------------------------------------------

    def _load_addresses(self) -> None:
        for pk, road, lane, number in Building.all_objects.filter(committee=self.committee).values_list(
            "pk", "road", "lane", "number"
        ):
            self._buildings[(road, lane, number)] = _BuildingState(road, lane, number, pk)
        households = Household.all_objects.filter(committee=self.committee).values_list(
            "pk", "building__road", "building__lane", "building__number", "room", "housing_type", "phone"
        )
        for pk, road, lane, number, room, housing_type, phone in households:
            building = self._buildings[(road, lane, number)]
            self._households[(road, lane, number, room)] = _HouseholdState(
                building,
                room,
                pk,
                housing_type,
                phone=phone,
                original_housing_type=housing_type,
                written_housing_type=housing_type,
            )

    def _household_for(self, row: _Row) -> _HouseholdState | None:
        v = row.values
        road = v.get("road", "")
        lane = _strip_suffix(v.get("lane", ""), "弄")
        number = _strip_suffix(v.get("number", ""), "号")
        room = _strip_suffix(v.get("room", ""), "室")
        for key, value in (("road", road), ("lane", lane), ("number", number), ("room", room)):
            if len(value) > COLUMN_BY_KEY[key].max_length:
                row.error(
                    key, _("Too long: at most %(max)d characters.") % {"max": COLUMN_BY_KEY[key].max_length}
                )
                return None
        if not (road and number and room):
            return None
        building = self._buildings.get((road, lane, number))
        if building is None:
            building = self._buildings[(road, lane, number)] = _BuildingState(road, lane, number)
        household = self._households.get((road, lane, number, room))
        if household is None:
            household = self._households[(road, lane, number, room)] = _HouseholdState(building, room)
        return household

    def _count_addresses(self) -> None:
        buildings_in_file = {id(h.building): h.building for h in self._households.values() if h.in_file}
        for building in buildings_in_file.values():
            if building.pk is None or building.created:
                self.report.buildings.created += 1
            else:
                self.report.buildings.unchanged += 1
        for household in self._households.values():
            if not household.in_file:
                continue
            if household.original_housing_type is None:
                self.report.households.created += 1
            elif household.housing_type != household.original_housing_type:
                self.report.households.updated += 1
            else:
                self.report.households.unchanged += 1

    # One batch ------------------------------------------------------------------------------------

    def _process(self, batch: list[_Row]) -> None:
        for row in batch:
            self._clean(row)
        existing = self._check_ids_across_deployment(batch)
        plans = self._match(batch, existing)
        for row in batch:
            if row.errors:
                self.report.bad_rows += 1
                for key, message in row.errors:
                    self.report.error_count += 1
                    if len(self.report.errors) < MAX_ERRORS_KEPT:
                        self.report.errors.append(
                            {
                                "row": row.number,
                                "column": self.column_names.get(key, COLUMN_BY_KEY[key].header),
                                # The ID shows masked: the name is what finds the row in the file.
                                "name": row.values.get("name", "")[:40],
                                "value": _shown_value(key, row.values.get(key, "")),
                                "message": message,
                            }
                        )
        if not self.report.ok:
            self._writing = False
        if self._writing:
            self.write_batch(plans)

    def _valid_id(self, value: str) -> tuple[str, datetime.date]:
        """validate_id_number's judgement, with its region lookup (the slow part) done once per region.

        A number from a region already seen passes the same length, format, checksum and birth date
        checks here; anything else goes to validate_id_number itself, which also words the error.
        """
        number = normalise_id_number(value)
        if (
            number[:6] in self._good_regions
            and len(number) == 18
            and number[:17].isdigit()
            and number[17] == ric.calc_check_digit(number)
        ):
            try:
                birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
            except ValueError:
                birth = None
            if birth and birth.year >= 1890 and birth <= self._today:
                return number, birth
        number = validate_id_number(value)
        self._good_regions.add(number[:6])
        return number, birth_date_from_id(number)

    def _clean(self, row: _Row) -> None:
        v = row.values
        for column in REQUIRED:
            if not v.get(column.key):
                row.error(column.key, _("Required: this cell is empty."))
        for key in ("name", "notes"):
            limit = COLUMN_BY_KEY[key].max_length
            if len(v.get(key, "")) > limit:
                row.error(key, _("Too long: at most %(max)d characters.") % {"max": limit})
        row.household = self._household_for(row)
        if row.household is not None:
            self._clean_housing_type(row)

        raw_id = v.get("id_number", "")
        if raw_id and not any(key == "id_number" for key, _m in row.errors):
            if "*" in raw_id:
                row.id_masked = raw_id
            else:
                try:
                    row.id_number, row.id_birth_date = self._valid_id(raw_id)
                except ValidationError as error:
                    row.error("id_number", _message(error))
        if row.id_number:
            first = self._ids_seen.setdefault(row.id_number, row.number)
            if first != row.number:
                row.error(
                    "id_number", _("This ID number also appears in row %(row)d of the file.") % {"row": first}
                )

        if v.get("birth_date"):
            row.birth_date = parse_date(v["birth_date"])
            if row.birth_date is None:
                row.error("birth_date", _("Not a date: write it as 1950-03-01."))
            elif row.id_number and row.birth_date != row.id_birth_date:
                try:
                    check_birth_date_matches(row.id_number, row.birth_date)
                except ValidationError as error:
                    row.error("birth_date", _message(error))
        elif row.id_number:
            row.birth_date = row.id_birth_date

        if v.get("gender"):
            row.gender = GENDER_WORDS.get(_fold(v["gender"]), "")
            if not row.gender:
                row.error("gender", _("Write 男 or 女."))
            elif row.id_number and row.gender != gender_from_id(row.id_number):
                row.error("gender", _("The gender does not agree with the ID number."))
        elif row.id_number:
            row.gender = gender_from_id(row.id_number)

        if v.get("phone"):
            if "*" in v["phone"]:
                row.phone_masked = v["phone"]
            else:
                try:
                    row.phone = validate_phone(v["phone"])
                except ValidationError as error:
                    row.error("phone", _message(error))

        for key, lookup in (("relation_to_head", self._relations), ("residency_status", self._statuses)):
            if v.get(key) and _fold(v[key]) not in lookup:
                row.error(key, _("Unknown value “%(value)s”.") % {"value": v[key]})

        if v.get("care_categories"):
            row.care = set()
            for word in CARE_SEPARATORS.split(v["care_categories"]):
                word = word.strip()
                if not word:
                    continue
                pk = self._care_lookup.get(_fold(word))
                if pk is None:
                    row.error(
                        "care_categories",
                        _("Unknown care category “%(value)s”. Use one of: %(choices)s.")
                        % {"value": word, "choices": self._care_names},
                    )
                else:
                    row.care.add(pk)

    def _clean_housing_type(self, row: _Row) -> None:
        text = row.values.get("housing_type", "")
        if not text:
            return
        code = self._housing.get(_fold(text))
        if code is None:
            row.error("housing_type", _("Unknown value “%(value)s”.") % {"value": text})
            return
        household = row.household
        if household.housing_type_row and household.housing_type != code:
            row.error(
                "housing_type",
                _("The housing type differs from row %(row)d of the same household.")
                % {"row": household.housing_type_row},
            )
            return
        household.housing_type = code
        household.housing_type_row = household.housing_type_row or row.number

    def _check_ids_across_deployment(self, batch: list[_Row]) -> dict[str, Resident]:
        """Residents of this committee with the batch's ID numbers. An ID number registered in
        another committee is refused without saying where. One query on the unique ID index: a
        committee filter here would mislead the planner while a big import grows the table."""
        ids = [row.id_number for row in batch if row.id_number]
        if not ids:
            return {}
        with unscoped():
            found = list(Resident.objects.filter(id_number__in=ids))
        elsewhere = {r.id_number for r in found if r.committee_id != self.committee.pk}
        for row in batch:
            if row.id_number in elsewhere:
                row.error(
                    "id_number",
                    _(
                        "This ID number is registered to a resident of another committee. Check it with the "
                        "street office before importing this person."
                    ),
                )
        return {r.id_number: r for r in found if r.committee_id == self.committee.pk}

    def _match(self, batch: list[_Row], existing: dict[str, Resident]) -> list[_Plan]:
        """Find each row's resident (by ID, else by name in the household) and decide what changes."""
        # Namesakes are looked up only for rows their ID number did not match: a re-import of a
        # registry with ID numbers then reads each resident once, not twice.
        household_pks = {
            row.household.pk
            for row in batch
            if row.household and row.household.pk and row.id_number not in existing
        }
        by_name: dict[tuple[int, str], list[Resident]] = {}
        # The households are this committee's own (their pks came from it): no committee filter, so
        # the household index is used.
        for resident in Resident.all_objects.filter(household_id__in=household_pks):
            if resident.pk in self._created_pks:
                continue
            by_name.setdefault((resident.household_id, resident.name), []).append(resident)
        matched = [r.pk for r in existing.values()] + [r.pk for rs in by_name.values() for r in rs]
        care: dict[int, set[int]] = {}
        through = Resident.care_categories.through
        for resident_id, category_id in through.objects.filter(resident_id__in=matched).values_list(
            "resident_id", "carecategory_id"
        ):
            care.setdefault(resident_id, set()).add(category_id)

        plans = []
        for row in batch:
            if row.errors or row.household is None:
                continue
            resident = existing.get(row.id_number) if row.id_number else None
            if resident is None and row.household.pk:
                namesakes = by_name.get((row.household.pk, row.values["name"]), [])
                if row.id_number:  # a namesake still without an ID number is the same person
                    namesakes = [r for r in namesakes if not r.id_number]
                elif row.id_masked:
                    namesakes = [
                        r for r in namesakes if r.id_number and mask_id_number(r.id_number) == row.id_masked
                    ]
                if len(namesakes) > 1:
                    row.error(
                        "name",
                        _(
                            "Two residents of this household are called %(name)s; "
                            "give the ID number to say which."
                        )
                        % {"name": row.values["name"]},
                    )
                    continue
                resident = namesakes[0] if namesakes else None
            if resident is None and row.id_masked:
                row.error(
                    "id_number",
                    _(
                        "This ID number is masked and matches no resident of this household with this name. "
                        "Enter the full number."
                    ),
                )
                continue
            if resident is not None:
                first = self._residents_seen.setdefault(resident.pk, row.number)
                if first != row.number:
                    row.error(
                        "name", _("This resident also appears in row %(row)d of the file.") % {"row": first}
                    )
                    continue
            if resident is None and not row.id_number:
                key = (id(row.household), row.values["name"])
                first = self._new_names.setdefault(key, row.number)
                if first != row.number:
                    row.error(
                        "name", _("This resident also appears in row %(row)d of the file.") % {"row": first}
                    )
                    continue
            if row.phone_masked and (resident is None or mask_phone(resident.phone) != row.phone_masked):
                row.error(
                    "phone", _("This phone number is masked and does not match the record; enter it in full.")
                )
                continue
            plans.append(self._plan(row, resident, care.get(resident.pk, set()) if resident else set()))
        return plans

    def _plan(self, row: _Row, resident: Resident | None, care: set[int]) -> _Plan:
        row.household.in_file = True  # counted among the households (and buildings) of good rows
        v = row.values
        wanted = {
            "name": v["name"],
            "gender": row.gender,
            "birth_date": row.birth_date,
            "id_number": row.id_number,
            "phone": row.phone,
            "relation_to_head": self._relations.get(_fold(v.get("relation_to_head", "")), ""),
            "residency_status": self._statuses.get(_fold(v.get("residency_status", "")), ""),
            "notes": v.get("notes", ""),
        }
        if resident is None:
            self.report.residents.created += 1
            values = {k: value for k, value in wanted.items() if value not in ("", None)}
            if not values.get("id_number"):
                values["id_number"] = None
            return _Plan(row, None, values, row.care or set(), care_changed=bool(row.care), is_new=True)
        changes = {}
        for key, value in wanted.items():
            # Empty cells keep what is recorded.
            if value not in ("", None) and getattr(resident, key) != value:
                changes[key] = value
        if resident.household_id != row.household.pk:  # moved (maybe to a household this run creates)
            changes["household_id"] = None
        care_changed = row.care is not None and row.care != care
        if changes or care_changed:
            self.report.residents.updated += 1
        else:
            self.report.residents.unchanged += 1
        return _Plan(row, resident, changes, row.care if care_changed else set(), care_changed=care_changed)

    # Writing --------------------------------------------------------------------------------------

    def write_batch(self, plans: list[_Plan]) -> None:
        """Write one batch: new buildings, new and changed households, new and changed residents."""
        committee = self.committee
        households = {id(p.row.household): p.row.household for p in plans}
        new_buildings = {id(h.building): h.building for h in households.values() if h.building.pk is None}
        if new_buildings:
            objs = [
                Building(committee=committee, road=b.road, lane=b.lane, number=b.number)
                for b in new_buildings.values()
            ]
            for state, obj in zip(
                new_buildings.values(), Building.all_objects.bulk_create(objs), strict=True
            ):
                state.pk = obj.pk
                state.created = True
        new_households = [h for h in households.values() if h.pk is None]
        if new_households:
            rows = [
                {
                    "committee_id": committee.pk,
                    "building_id": h.building.pk,
                    "room": h.room,
                    "housing_type": h.housing_type or Household.HousingType.PUBLIC_RENTAL,
                }
                for h in new_households
            ]
            for state, row, pk in zip(new_households, rows, insert_rows(Household, rows), strict=True):
                state.pk = pk
                state.written_housing_type = row["housing_type"]
        changed_households = [
            h for h in households.values() if h.housing_type and h.housing_type != h.written_housing_type
        ]
        if changed_households:
            objs = [Household(pk=h.pk, housing_type=h.housing_type) for h in changed_households]
            Household.all_objects.bulk_update(objs, ["housing_type"])
            for h in changed_households:
                h.written_housing_type = h.housing_type

        now = timezone.now()
        creates = [p for p in plans if p.resident is None]
        # The derived columns (search key, next visit) are computed here from what the importer
        # holds, so that each row is written once; reindex_residents would read every row back.
        rows = [
            {
                "committee_id": committee.pk,
                "household_id": p.row.household.pk,
                "created_at": now,
                "updated_at": now,
                "search_key": self._search_key(p.values.get("name", ""), p.values.get("phone", ""), p.row),
                "next_visit_due": next_due(self._cadence_of(p.care), None, now),
                **p.values,
            }
            for p in creates
        ]
        for plan, pk in zip(creates, insert_rows(Resident, rows), strict=True):
            plan.resident_pk = pk
            self._created_pks.add(pk)
        updates = [p for p in plans if not p.is_new and (p.values or p.care_changed)]
        # Each resident gets only its own changed columns written (grouped by which they are): a
        # column read at match time and written back unchanged could undo a colleague's edit or
        # visit saved meanwhile.
        by_fields: dict[tuple[str, ...], list[Resident]] = {}
        for plan in updates:
            if "household_id" in plan.values:
                plan.values["household_id"] = plan.row.household.pk
            resident = plan.resident
            fields = {*plan.values, "version", "updated_at"}
            for key, value in plan.values.items():
                setattr(resident, key, value)
            if plan.values.keys() & {"name", "phone", "household_id"}:
                resident.search_key = self._search_key(resident.name, resident.phone, plan.row)
                fields.add("search_key")
            if plan.care_changed and not resident.archived:
                resident.next_visit_due = next_due(
                    self._cadence_of(plan.care), resident.last_visit_at, resident.created_at
                )
                fields.add("next_visit_due")
            resident.version += 1
            resident.updated_at = now
            by_fields.setdefault(tuple(sorted(fields)), []).append(resident)
        for fields, residents in by_fields.items():
            # A correction by import leaves a history row per changed resident, like one by hand.
            # New rows do not: the ImportRun says who brought them in, and doubling 100,000 inserts
            # would cost the import its minute.
            bulk_update_with_history(
                residents,
                Resident,
                list(fields),
                batch_size=500,
                default_user=self.user,
                default_change_reason=self.reason,
                manager=Resident.all_objects,
            )
        care_plans = [p for p in plans if p.care_changed]
        if care_plans:
            through = Resident.care_categories.through
            through.objects.filter(
                resident_id__in=[p.resident.pk for p in care_plans if not p.is_new]
            ).delete()
            insert_rows(
                through,
                [
                    {"resident_id": p.resident_pk, "carecategory_id": category}
                    for p in care_plans
                    for category in sorted(p.care)
                ],
            )

    def _search_key(self, name: str, phone: str, row: _Row) -> str:
        household = row.household
        building = household.building
        address = address_tokens(building.road, building.lane, building.number, household.room)
        return search_key(name, [phone, household.phone], address)

    def _cadence_of(self, care: set[int]) -> int | None:
        """The shortest visiting cadence of these care categories (None: not on the roster)."""
        return min((self._cadence[c] for c in care if c in self._cadence), default=None)


def _analyze_registry() -> None:
    """Refresh PostgreSQL's statistics of the registry's tables after a large import. Until
    autovacuum gets to it (a minute or more), the planner would take a committee that just grew
    by 100,000 residents for an empty one, and scan the table for every batch of a re-import."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Building, Household, Resident, Resident.care_categories.through):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


@dataclass(eq=False)
class _Plan:
    row: _Row
    resident: Resident | None
    values: dict  # new: every given field; existing: the fields that change
    care: set[int]
    care_changed: bool = False
    is_new: bool = False
    resident_pk: int | None = None  # set for a new resident once it is written

    def __post_init__(self) -> None:
        if self.resident is not None:
            self.resident_pk = self.resident.pk


def _message(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


def _shown_value(key: str, value: str) -> str:
    """What the error list shows of the bad cell: never a full personal number."""
    if key == "id_number":
        return mask_id_number(value)
    if key == "phone":
        return mask_phone(value)
    return value[:40]


def run_import(
    committee: Committee, path: Path, kind: str, *, commit: bool, user=None, reason: str = ""
) -> Report:
    """Preview (commit=False) or commit one file for one committee. FileProblem for a bad file."""
    return Importer(committee, commit=commit, user=user, reason=reason).run(path, kind)


# --- Import runs: the uploaded file's life from upload to commit or cancel -----------------------------


def _upload_dir() -> Path:
    """The private area for uploads waiting for their commit: under MEDIA_ROOT, which is never served."""
    return Path(settings.MEDIA_ROOT) / "imports"


def stored_path(run) -> Path:
    return _upload_dir() / run.stored_name


STALE_AFTER = datetime.timedelta(days=1)


def discard_stale_previews(committee: Committee) -> None:
    """Previews nobody committed or cancelled within a day are cancelled, and their files deleted."""
    from residents.models import ImportRun

    stale = ImportRun.all_objects.filter(
        committee=committee, status=ImportRun.Status.PREVIEWED, created_at__lt=timezone.now() - STALE_AFTER
    )
    for run in stale:
        cancel_import(run)


def start_import(*, committee: Committee, upload, user):
    """Keep the uploaded file for this run and preview it. Returns the ImportRun (status rejected
    with `problem` set when the file as a whole cannot be imported; its file is then deleted)."""
    import secrets

    from residents.models import ImportRun

    discard_stale_previews(committee)
    name = Path(upload.name or "upload").name[:200]
    run = ImportRun.objects.create(
        committee=committee, original_name=name, size=upload.size or 0, created_by=user
    )
    run.stored_name = f"{run.pk}-{secrets.token_hex(8)}{Path(name).suffix.lower()[:6]}"
    path = stored_path(run)
    path.parent.mkdir(parents=True, exist_ok=True)
    too_big = (upload.size or 0) > settings.UPLOAD_MAX_MB * 1024 * 1024
    if not too_big:
        with path.open("wb") as f:
            for chunk in upload.chunks():
                f.write(chunk)
    try:
        if too_big:
            raise FileProblem(
                _("The file is larger than %(max)d MB. Split it into smaller files.")
                % {"max": settings.UPLOAD_MAX_MB}
            )
        run.kind = detect_kind(path, name)
        if run.kind == "xlsx":  # kept as "rows" from here on: the workbook is parsed once
            rows_name = f"{run.stored_name}.rows.csv"
            try:
                normalise_workbook(path, _upload_dir() / rows_name)
            finally:
                path.unlink(missing_ok=True)
            run.stored_name = rows_name
            path = stored_path(run)
        report = run_import(committee, path, _stored_kind(run), commit=False)
    except FileProblem as problem:
        run.status = ImportRun.Status.REJECTED
        run.problem = problem.message
        path.unlink(missing_ok=True)
        (_upload_dir() / f"{run.stored_name}.rows.csv").unlink(missing_ok=True)
        run.stored_name = ""
    else:
        _keep_report(run, report)
    run.save()
    return run


def _stored_kind(run) -> str:
    return "rows" if run.kind == "xlsx" else run.kind


def _keep_report(run, report: Report) -> None:
    run.counts = report.counts()
    run.mapping = report.mapping
    run.errors = report.errors


def commit_import(run, user=None) -> Report | None:
    """Write the run's file in one transaction: every row or none. Returns the report (None when
    the run was no longer awaiting commit, or its file turned out bad). The run is committed when
    the file was clean; otherwise it keeps its new bad rows and stays awaiting commit."""
    from residents.models import ImportRun

    with transaction.atomic():
        # The row lock makes a second click (or a second tab) wait, then find the run committed.
        run = ImportRun.all_objects.select_for_update().get(pk=run.pk)
        if run.status != ImportRun.Status.PREVIEWED:
            return None
        path = stored_path(run)
        try:
            if not run.stored_name or not path.exists():
                raise FileProblem(_("The uploaded file is no longer kept; upload it again."))
            reason = f"import #{run.pk}: {run.original_name}"[:100]
            report = run_import(
                run.committee,
                path,
                _stored_kind(run),
                commit=True,
                user=user or run.created_by,
                reason=reason,
            )
        except FileProblem as problem:
            run.status = ImportRun.Status.REJECTED
            run.problem = problem.message
            run.save()
            return None
        _keep_report(run, report)
        if report.ok:
            run.status = ImportRun.Status.COMMITTED
            run.committed_at = timezone.now()
            run.stored_name = ""
            transaction.on_commit(lambda: path.unlink(missing_ok=True))
        run.save()
    return report


def cancel_import(run) -> None:
    from residents.models import ImportRun

    if run.status != ImportRun.Status.PREVIEWED:
        return
    stored_path(run).unlink(missing_ok=True)
    run.status = ImportRun.Status.CANCELLED
    run.stored_name = ""
    run.save(update_fields=["status", "stored_name"])
