"""Export of the registry: the template's format, masked unless asked, formulas escaped, and an
export imports back as "nothing changed"."""

import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from common.masking import mask_id_number
from residents.models import Resident
from tests.imports.helpers import (
    FULL_EXPORT_REASON,
    HEADERS,
    csv_bytes,
    export_registry,
    message,
    person,
    rows_for,
)
from tests.imports.test_commit import _snapshot


@pytest.fixture
def registry(org, load):
    rows = [
        *rows_for(30),
        person(30, 身份证号="", 性别="", 出生日期="", 联系电话="", 姓名="无证居民"),
        person(31, 备注='=HYPERLINK("http://evil","点我")', 姓名="@王五"),
        person(32, 房屋类型="商品房", 关爱类别="低保、独居老人", 与户主关系="配偶", 居住状态="租户"),
        person(33, 联系电话="021-65431234"),
        person(34, 备注="儿子手机13912345678，有事先联系他"),  # a number typed into the notes
    ]
    report = load(org.a, "r.csv", csv_bytes(rows), commit=True)
    assert report.ok, report.errors
    return rows


def _sheet(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return workbook, workbook.worksheets[0]


def test_the_export_is_masked_by_default(registry, org, as_user):
    response = as_user(org.secretary_a).get(reverse("imports:export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    workbook, sheet = _sheet(response)
    assert [c.value for c in sheet[1]] == [*HEADERS, "迁出或去世"]
    assert sheet.max_row == 1 + len(registry)
    ids = [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert all("*" in i for i in ids if i)
    assert registry[0]["身份证号"] not in str(list(sheet.values))
    assert "13800000001" not in str(list(sheet.values))
    assert "13912345678" not in str(list(sheet.values))  # typed into the notes
    assert workbook.sheetnames[1:] == ["楼栋", "关爱类别"]


def test_full_numbers_only_when_asked(registry, org, as_user):
    _, sheet = _sheet(export_registry(as_user(org.secretary_a), full=True))
    assert registry[0]["身份证号"] in [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_cells_that_would_run_as_formulas_are_written_as_text(registry, org, as_user):
    _, sheet = _sheet(as_user(org.secretary_a).get(reverse("imports:export")))
    cells = {c.value: c for row in sheet.iter_rows(min_row=2) for c in row if isinstance(c.value, str)}
    assert '\'=HYPERLINK("http://evil","点我")' in cells
    assert "'@王五" in cells
    assert all(c.data_type == "s" for c in cells.values())
    assert not any(v.startswith(("=", "+", "-", "@")) for v in cells)


@pytest.mark.parametrize("full", [False, True])
def test_an_export_imports_back_as_nothing_changed(registry, org, as_user, load, full):
    before = _snapshot()
    data = b"".join(export_registry(as_user(org.secretary_a), full=full).streaming_content)
    report = load(org.a, "export.xlsx", data, commit=True)
    assert report.ok, report.errors
    assert report.residents.unchanged == len(registry)
    assert report.residents.created == report.residents.updated == 0
    assert report.households.created == report.households.updated == 0
    assert report.buildings.created == 0
    assert _snapshot() == before


def test_a_masked_export_cannot_create_people_from_masked_numbers(registry, org, as_user, load):
    data = b"".join(as_user(org.secretary_a).get(reverse("imports:export")).streaming_content)
    Resident.all_objects.filter(name="居民3").delete()
    report = load(org.a, "export.xlsx", data)
    assert [(e["row"], e["column"]) for e in report.errors] == [(report.errors[0]["row"], "身份证号")]


def test_the_template_has_the_headers_and_an_example_that_is_skipped(org, as_user, load):
    response = as_user(org.secretary_a).get(reverse("imports:template"))
    workbook, sheet = _sheet(response)
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet.max_row == 2
    assert "填写说明" in workbook.sheetnames
    data = b"".join(as_user(org.secretary_a).get(reverse("imports:template")).streaming_content)
    from residents.imports.reading import FileProblem

    with pytest.raises(FileProblem):  # the example alone is no data
        load(org.a, "template.xlsx", data)


def test_a_full_export_is_one_record_with_its_reason_and_counts_and_a_masked_one_has_none(
    registry, org, as_user
):
    """The export once wrote a reveal-log row per resident and number (136 pages of /reveals/, a real
    reveal lost among them): now one access record, with the reason and how many numbers."""
    from audit.models import AccessRecord
    from residents.models import RevealLog

    client = as_user(org.secretary_a)
    b"".join(client.get(reverse("imports:export")).streaming_content)
    assert not AccessRecord.all_objects.filter(kind="export_full").exists()
    b"".join(export_registry(client, full=True).streaming_content)
    assert not RevealLog.all_objects.exists()
    record = AccessRecord.all_objects.get(kind="export_full")
    mine = Resident.all_objects.filter(committee=org.a)
    with_id = mine.exclude(id_number__isnull=True).exclude(id_number="").count()
    with_phone = mine.exclude(phone="").count()
    assert with_id > 0 and with_phone > 0
    assert (record.committee_id, record.user_id, record.rows) == (org.a.pk, org.secretary_a.pk, mine.count())
    assert record.exported["numbers"] == with_id + with_phone
    assert record.exported["reason"] == FULL_EXPORT_REASON
    reveals = client.get(reverse("residents:reveals")).content.decode()
    assert reveals.count("reveal-export") == 1 and FULL_EXPORT_REASON in reveals
    assert f"{with_id + with_phone} 个完整号码" in reveals


@pytest.mark.parametrize(("reason", "said"), [("", "需要说明事由"), ("看看", "至少"), ("x" * 201, "最多")])
def test_a_full_export_without_a_good_reason_writes_no_file_and_asks_again(
    registry, org, as_user, reason, said
):
    from audit.models import AccessRecord

    client = as_user(org.secretary_a)
    response = client.post(reverse("imports:export"), {"full": "1", "reason": reason})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert said in body and 'name="full" value="1" checked' in body
    assert not AccessRecord.all_objects.filter(kind__startswith="export").exists()
    # A link or bookmark with ?full=1 gives no reason: back to the form, saying why.
    response = client.get(reverse("imports:export") + "?full=1", follow=True)
    assert response.redirect_chain[-1][0] == reverse("imports:start")
    assert "需要说明事由" in response.content.decode()
    assert not AccessRecord.all_objects.filter(kind__startswith="export").exists()


def test_a_full_exports_reason_is_masked_in_the_logs(registry, org, as_user):
    from audit.models import AccessRecord

    client = as_user(org.secretary_a)
    b"".join(export_registry(client, full=True, reason="核对13812345678家属").streaming_content)
    record = AccessRecord.all_objects.get(kind="export_full")
    assert "13812345678" not in str(record.exported) and "13812345678" not in record.detail_said
    for url in (reverse("residents:reveals"), reverse("audit:log")):
        assert "13812345678" not in client.get(url).content.decode()


def test_a_worker_asking_for_full_numbers_gets_no_export_and_no_reveal(registry, org, as_user):
    from residents.models import RevealLog

    response = as_user(org.worker_a).get(reverse("imports:export") + "?full=1")
    assert response.status_code in (403, 404)
    assert export_registry(as_user(org.worker_a), full=True).status_code in (403, 404)
    assert not RevealLog.all_objects.exists()


def test_the_templates_required_columns_stand_out_and_its_guide_reads_in_column_a(org, as_user):
    workbook, sheet = _sheet(as_user(org.secretary_a).get(reverse("imports:template")))
    fills = {c.value: c.fill.fgColor.rgb for c in sheet[1]}
    assert fills["姓名"] != fills["备注"]  # 姓名 is required, 备注 is not
    guide = workbook["填写说明"]
    lines = [row[0] for row in guide.iter_rows(values_only=True) if row[0] and not row[1] and not row[2]]
    assert any("身份证号" in line for line in lines)


# Text the export's writer (XlsxWriter's inline strings) escapes or could take for its own XML.
AWKWARD_NOTES = [
    "<r><t>看似富文本</t></r>",
    '<r></t></is></c><c r="N9"><f>HYPERLINK("http://evil","点我")</f></c><c><is><r><t>y</r>',
    "_x0041_ 与 _x005F_x0041_",
    "第一行\r\n第二行\n第三行",
    "+86 -3 @王五 =1+1",
    "长" * 1999 + "完",  # the import's longest note
]


@pytest.mark.parametrize("full", [False, True])
def test_awkward_notes_import_back_as_nothing_changed(org, as_user, load, full):
    rows = [person(n, 备注=note) for n, note in enumerate(AWKWARD_NOTES)]
    report = load(org.a, "r.csv", csv_bytes(rows), commit=True)
    assert report.ok, report.errors
    stored = dict(Resident.all_objects.values_list("name", "notes"))
    assert [stored[f"居民{n}"] for n in range(len(AWKWARD_NOTES))] == AWKWARD_NOTES
    before = _snapshot()
    data = b"".join(export_registry(as_user(org.secretary_a), full=full).streaming_content)
    report = load(org.a, "export.xlsx", data, commit=True)
    assert report.ok, report.errors
    assert report.residents.unchanged == len(AWKWARD_NOTES)
    assert report.residents.created == report.residents.updated == 0
    assert _snapshot() == before


def test_the_registry_export_is_written_as_inline_strings_the_import_reads(registry, org, as_user, tmp_path):
    """XlsxWriter's constant_memory mode writes no shared strings: every text is in the sheet."""
    from residents.imports.xlsx_stream import iter_rows

    data = b"".join(as_user(org.secretary_a).get(reverse("imports:export")).streaming_content)
    path = tmp_path / "export.xlsx"
    path.write_bytes(data)
    with zipfile.ZipFile(path) as archive:
        assert "xl/sharedStrings.xml" not in archive.namelist()
        assert 't="inlineStr"' in archive.read("xl/worksheets/sheet1.xml").decode()
    rows = list(iter_rows(path))
    assert rows[0] == (1, [*HEADERS, "迁出或去世"])
    assert len(rows) == 1 + len(registry)


def test_the_birth_date_is_a_date_cell(registry, org, as_user):
    """Written as a date (sorted, filtered and shown as a date by Excel and WPS), not as text: in full
    only beside full ID numbers (a masked export gives the year, test_the_masked_export_...)."""
    _, sheet = _sheet(export_registry(as_user(org.secretary_a), full=True))
    column = HEADERS.index("出生日期")
    by_name = {row[4].value: row[column] for row in sheet.iter_rows(min_row=2)}
    cell = by_name["居民0"]
    assert cell.is_date and cell.number_format == "yyyy-mm-dd"
    assert cell.value.date().isoformat() == registry[0]["出生日期"]
    assert by_name["无证居民"].value is None


@pytest.mark.parametrize("full", [False, True])
def test_birth_dates_at_the_edges_of_excels_calendar_import_back_as_nothing_changed(
    org, as_user, load, full, django_capture_on_commit_callbacks
):
    """Excel's calendar counts a 29 February 1900 that never was: a day before 1900-03-01 is written
    as its text; every other day as a date. Either imports back as the same day, through the page
    (the workbook kept as rows) as well as read directly."""
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from residents.models import ImportRun

    today = timezone.localdate()
    days = ["1950-01-01", "1890-01-01", "1900-02-28", "1900-03-01", "1904-01-01", today.isoformat()]
    rows = [person(n, 身份证号="", 性别="女", 出生日期=day) for n, day in enumerate(days)]
    report = load(org.a, "r.csv", csv_bytes(rows), commit=True)
    assert report.ok, report.errors
    # A day stored before the registry's range (1890 onwards) goes out and comes back as it is.
    Resident.all_objects.filter(name="居民0").update(birth_date=datetime.date(1, 1, 1))
    before = _snapshot()
    client = as_user(org.secretary_a)
    data = b"".join(export_registry(client, full=full).streaming_content)
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    column = HEADERS.index("出生日期")
    cells = {row[4].value: row[column] for row in sheet.iter_rows(min_row=2)}
    if full:
        assert [cells[f"居民{n}"].value for n in range(3)] == ["0001-01-01", "1890-01-01", "1900-02-28"]
        assert cells["居民3"].is_date and cells["居民3"].value.date() == datetime.date(1900, 3, 1)
        assert cells["居民5"].is_date and cells["居民5"].value.date() == today
    else:  # the year alone, which imports back as "keep what is recorded"
        years = ["0001", "1890", "1900", "1900", "1904", f"{today.year}"]
        assert [cells[f"居民{n}"].value for n in range(6)] == [f"{year}-**-**" for year in years]

    report = load(org.a, "export.xlsx", data, commit=True)
    assert report.ok, report.errors
    assert report.residents.unchanged == len(days) and report.changes == []
    assert _snapshot() == before

    client.post(reverse("imports:start"), {"file": SimpleUploadedFile("export.xlsx", data)})
    run = ImportRun.all_objects.latest("pk")
    assert run.error_count == 0, run.errors
    assert run.counts["residents"] == {"created": 0, "updated": 0, "unchanged": len(days)}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:commit", args=[run.pk]))
    assert _snapshot() == before


def test_a_resident_who_moved_out_or_died_says_so_and_still_imports_back_unchanged(
    registry, org, as_user, load
):
    """A resident who died read in the export as any other: the column after the template's says
    what happened and when, and the import leaves it out (it reads only the template's columns)."""
    import datetime

    died = datetime.date(2026, 11, 28)
    Resident.all_objects.filter(committee=org.a, name="居民3").update(archived="deceased", archived_on=died)
    data = b"".join(as_user(org.secretary_a).get(reverse("imports:export")).streaming_content)
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    said = {row[4]: row[-1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert said["居民3"] == "2026-11-28 去世" and said["居民4"] is None
    report = load(org.a, "export.xlsx", data, commit=True)
    assert report.ok and report.residents.unchanged == len(registry), report.errors


def test_the_masked_export_gives_the_birth_year_only(registry, org, as_user, load):
    """Review 9, finding 1: the masked file goes to the street, and its "3101**********3830" beside
    "1990-04-08" gave the ID number away (digits 7-14 are the birth date). Its year imports back as
    "keep what is recorded"; a year that is not the recorded one is refused, not written."""
    data = b"".join(as_user(org.secretary_a).get(reverse("imports:export")).streaming_content)
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    column = HEADERS.index("出生日期")
    by_name = {row[4]: row[column] for row in sheet.iter_rows(min_row=2, values_only=True)}
    born = registry[0]["出生日期"]
    assert by_name["居民0"] == f"{born[:4]}-**-**"
    assert born not in str(list(sheet.values)) and by_name["无证居民"] is None

    rows = [person(0, 身份证号=mask_id_number(registry[0]["身份证号"]), 出生日期="1951-**-**")]
    report = load(org.a, "r.csv", csv_bytes(rows))
    with translation.override("zh-hans"):
        said = [(e["column"], message(e)) for e in report.errors]
    assert said == [("出生日期", "此出生日期已打码，且与登记的不符，请填写完整日期。")]
    rows = [person(0, 身份证号=mask_id_number(registry[0]["身份证号"]), 出生日期=f"{born[:4]}-**-**")]
    report = load(org.a, "r.csv", csv_bytes(rows), commit=True)
    assert report.ok and report.residents.unchanged == 1 and report.changes == [], report.errors
