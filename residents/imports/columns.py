"""The import's columns: what each column of the template means, and how a file's headers map to them.

The template's headers are Chinese; a file's headers are matched in Chinese or English, with
aliases, ignoring spaces, punctuation and "required"/"optional" marks.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from common.lengths import NOTE_MAX
from residents.imports.reading import FileProblem


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the template's Chinese header
    # The English one, capitalised as the English pages' labels are (the preview's change list and
    # columns found, the import page's list); a file's header is read whichever case it is written in.
    header_en: str
    aliases: tuple[str, ...]
    required: bool = False
    help: str = ""
    max_length: int = 0


COLUMNS: tuple[Column, ...] = (
    Column("road", "路名", "Road", ("路", "道路", "街路", "street"), True, gettext_lazy("e.g. 定海路"), 30),
    Column(
        "lane",
        "弄",
        "Lane",
        ("弄号", "lane no"),
        False,
        gettext_lazy("Empty for a building on the road itself."),
        10,
    ),
    Column(
        "number", "号", "Number", ("楼号", "门牌号", "幢", "building", "building number", "no"), True, "", 10
    ),
    Column("room", "室", "Room", ("室号", "房号", "房间号", "门牌室号"), True, "", 10),
    Column("name", "姓名", "Name", ("名字", "居民姓名", "full name"), True, "", 30),
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
        "Gender",
        ("sex",),
        False,
        gettext_lazy("男 or 女; taken from the ID number when empty."),
    ),
    Column(
        "birth_date",
        "出生日期",
        "Birth date",
        ("生日", "出生年月日", "date of birth", "birthday"),
        False,
        gettext_lazy("e.g. 1950-03-01; taken from the ID number when empty."),
    ),
    Column(
        "phone",
        "联系电话",
        "Phone",
        ("电话", "手机", "手机号", "手机号码", "电话号码", "mobile", "telephone"),
        False,
        gettext_lazy("A mobile or a Shanghai landline."),
    ),
    Column("relation_to_head", "与户主关系", "Relation to head", ("关系", "relation"), False),
    Column("residency_status", "居住状态", "Residency status", ("人口类型", "户籍状态", "residency"), False),
    Column("housing_type", "房屋类型", "Housing type", ("房屋性质", "housing"), False),
    Column(
        "care_categories",
        "关爱类别",
        "Care categories",
        ("重点关爱类别", "关爱对象类别", "care category"),
        False,
        gettext_lazy(
            "Several separated by 、 or commas. Added to those recorded; to take one off, write it with a "
            "minus sign: -独居老人."
        ),
    ),
    Column("notes", "备注", "Notes", ("说明", "note"), False, "", NOTE_MAX),  # the registry form's limit
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
            raise FileProblem(
                gettext_lazy("Two columns are both read as “%(column)s”; keep one."), column=text
            )
        index[key] = i
    missing = [c.header for c in REQUIRED if c.key not in index]
    if missing:
        raise MissingColumns(missing, found=len(index))
    return Mapping(index=index, headers=texts)


class MissingColumns(Exception):
    """A row that is not the column headers: it lacks required columns (a title above them, perhaps).
    The importer looks on (importer.Importer._find_headers) and says the closest row's if none is."""

    def __init__(self, missing: list[str], *, found: int) -> None:
        self.missing = missing
        self.found = found  # the columns it does name: the most of them is the likeliest header row
        super().__init__("、".join(missing))
