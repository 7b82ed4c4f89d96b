"""Files and rows for the import tests."""

import csv
import datetime
import io
from pathlib import Path

from openpyxl import Workbook
from stdnum.cn import ric

from residents.imports.columns import COLUMNS

HEADERS = [c.header for c in COLUMNS]


def make_id(n: int, *, birth: datetime.date = datetime.date(1950, 1, 1), region: str = "310110") -> str:
    """A valid 18-character ID number; n picks the sequence digits (and so the gender)."""
    body = f"{region}{birth:%Y%m%d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def person(n: int, **overrides) -> dict:
    """One good row: resident n lives in 定海路 449 弄 (n // 3 + 1) 号 (n % 5 + 101) 室."""
    birth = datetime.date(1940, 1, 1) + datetime.timedelta(days=n % 20000)
    number = make_id(n, birth=birth)
    row = {
        "路名": "定海路",
        "弄": "449",
        "号": str(n // 30 + 1),
        "室": str(n % 5 + 101),
        "姓名": f"居民{n}",
        "身份证号": number,
        "性别": "男" if int(number[16]) % 2 else "女",
        "出生日期": birth.isoformat(),
        "联系电话": f"138{n:08d}",
        "与户主关系": "户主",
        "居住状态": "户籍",
        "房屋类型": "",
        "关爱类别": "独居老人" if n % 7 == 0 else "",
        "备注": "",
    }
    row.update(overrides)
    return row


def rows_for(count: int, start: int = 0) -> list[dict]:
    return [person(n) for n in range(start, start + count)]


def csv_bytes(rows: list[dict], *, encoding: str = "utf-8", headers: list[str] | None = None) -> bytes:
    headers = headers or HEADERS
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[dict], *, headers: list[str] | None = None, raw: list[list] | None = None) -> bytes:
    headers = headers or HEADERS
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h, "") for h in headers])
    for extra in raw or []:
        sheet.append(extra)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def message(error: dict) -> str:
    """A reported problem's words in the active language (stored as its msgid and params)."""
    from residents.imports.problems import text

    return text(error)


FULL_EXPORT_REASON = "年度人口核对"


def export_registry(client, *, full: bool = False, **data):
    """The registry export as its page asks for it: masked, a GET; with full numbers, a POST with a
    reason (as a reveal asks one)."""
    from django.urls import reverse

    if full:
        return client.post(reverse("imports:export"), {"full": "1", "reason": FULL_EXPORT_REASON, **data})
    return client.get(reverse("imports:export"), data)
