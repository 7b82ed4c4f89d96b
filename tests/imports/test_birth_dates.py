"""A registry import refuses a row whose birth date lies outside the registry's range (1890-01-01 to
today, Resident.check_birth_date) with a row-level message, and writes nothing; a birth date the
registry holds already (from before the rule) imports back as it is, "unchanged".

Every date here is counted from today: the tests read the same in 2027 and after."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from committee.scoping import committee_scope
from residents.models import ImportRun, Resident
from tests.imports.helpers import csv_bytes, message, person, rows_for

D = datetime.date
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def _without_id(n: int, born: str) -> dict:
    """A resident without an ID number: the birth date typed is the only one."""
    return person(n, 身份证号="", 性别="男", 出生日期=born)


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("1889-12-31", "出生日期不能早于 1890-01-01。"),
        ("0001-01-01", "出生日期不能早于 1890-01-01。"),
        ("tomorrow", "出生日期不能晚于今天（{today}）。"),
        ("9999-12-31", "出生日期不能晚于今天（{today}）。"),
    ],
)
def test_a_row_born_out_of_range_is_refused_with_its_row_and_nothing_is_written(org, load, typed, words):
    today = timezone.localdate()
    typed = str(today + DAY) if typed == "tomorrow" else typed
    rows = rows_for(3)
    rows[1] = _without_id(1, typed)
    report = load(org.a, "r.csv", csv_bytes(rows), commit=True)
    assert [(e["row"], e["column"], message(e)) for e in report.errors] == [
        (3, "出生日期", words.format(today=today))
    ]
    assert Resident.all_objects.filter(committee=org.a).count() == 0


def test_a_row_born_on_1890_01_01_or_today_is_imported(org, load):
    today = timezone.localdate()
    rows = [_without_id(1, "1890-01-01"), _without_id(2, today.isoformat())]
    report = load(org.a, "r.csv", csv_bytes(rows), commit=True)
    assert report.ok, report.errors
    born = dict(Resident.all_objects.filter(committee=org.a).values_list("name", "birth_date"))
    assert born == {"居民1": D(1890, 1, 1), "居民2": today}


def test_a_birth_date_stored_before_the_rule_imports_back_unchanged_but_is_not_written_anew(org, load):
    report = load(org.a, "r.csv", csv_bytes([_without_id(1, "1950-01-01")]), commit=True)
    assert report.ok, report.errors
    Resident.all_objects.filter(committee=org.a).update(birth_date=D(1, 1, 1))  # as it was saved once
    again = load(org.a, "r.csv", csv_bytes([_without_id(1, "0001-01-01")]), commit=True)
    assert again.ok and again.residents.unchanged == 1, again.errors
    changed = load(org.a, "r.csv", csv_bytes([_without_id(1, "9999-12-31")]), commit=True)
    assert [e["column"] for e in changed.errors] == ["出生日期"]
    with committee_scope([org.a.pk]):
        assert list(Resident.objects.values_list("birth_date", flat=True)) == [D(1, 1, 1)]


def test_the_preview_lists_the_row_and_its_words_and_cannot_be_committed(org, as_user):
    today = timezone.localdate()
    client = as_user(org.secretary_a)
    rows = rows_for(3)
    rows[1] = _without_id(1, (today + DAY).isoformat())
    upload = SimpleUploadedFile("名单.csv", csv_bytes(rows))
    response = client.post(reverse("imports:start"), {"file": upload})
    preview = client.get(response["Location"]).text
    assert "1 行有错误" in preview and "第3行 · 居民1</div>" in preview
    assert '<div class="import-problem"><strong>出生日期</strong>' in preview
    assert f"出生日期不能晚于今天（{today}）。" in preview and "确认导入" not in preview
    client.post(reverse("imports:commit", args=[ImportRun.all_objects.get().pk]))
    assert Resident.all_objects.count() == 0


def test_a_birth_date_after_the_day_a_resident_died_is_refused(org, load):
    """The form and the admin refuse a birth date after the day moved out or died; the import wrote it."""
    report = load(org.a, "r.csv", csv_bytes([_without_id(1, "1950-01-01")]), commit=True)
    assert report.ok, report.errors
    died = timezone.localdate() - 400 * DAY
    Resident.all_objects.filter(committee=org.a).update(archived="deceased", archived_on=died)
    later = died + DAY
    again = load(org.a, "r.csv", csv_bytes([_without_id(1, later.isoformat())]), commit=True)
    assert [(e["column"], message(e)) for e in again.errors] == [
        ("出生日期", f"出生日期不能晚于此人迁出或去世的日期（{died}）。")
    ]
    assert Resident.all_objects.get(committee=org.a).birth_date == D(1950, 1, 1)
