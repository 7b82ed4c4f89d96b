"""Each kind of bad file gets a clear message and nothing is written."""

import io
import zipfile

import pytest
from django.utils import translation
from openpyxl import Workbook

from residents.imports.reading import FileProblem
from residents.models import Building, Resident
from tests.imports.helpers import HEADERS, csv_bytes, person, rows_for, xlsx_bytes


@pytest.fixture(autouse=True)
def _english():
    """The messages are checked in English here; test_bad_rows checks the Chinese ones."""
    with translation.override("en"):
        yield


def _refused(load, org, name, data, words):
    with pytest.raises(FileProblem) as problem:
        load(org.a, name, data, commit=True)
    assert words in problem.value.message, problem.value.message
    assert Resident.all_objects.count() == 0 and Building.all_objects.count() == 0


def test_an_empty_file(org, load):
    _refused(load, org, "r.csv", b"", "empty")


def test_a_file_of_blank_lines(org, load):
    _refused(load, org, "r.csv", b"\n,,\n\n", "empty")


def test_headers_but_no_rows(org, load):
    _refused(load, org, "r.csv", csv_bytes([]), "no rows")


def test_a_picture_is_the_wrong_type(org, load):
    _refused(load, org, "photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "neither")


def test_a_number_in_the_refused_files_name_is_masked(org, load):
    """The message names the file as the import pages do (masked): a scan of an ID card uploaded by
    mistake, named after the number, does not show it in full on the upload page."""
    name = "身份证310109195003050017.png"
    _refused(load, org, name, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "“身份证3101**********0017.png”")


def test_a_binary_file_named_csv_is_the_wrong_type(org, load):
    _refused(load, org, "r.csv", b"\x00\x01\x02garbage\x00", "neither")


def test_a_word_document_is_not_a_workbook(org, load):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    _refused(load, org, "letter.xlsx", out.getvalue(), "not an Excel workbook")


def test_an_old_xls_workbook(org, load):
    _refused(load, org, "old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".xls")


def test_a_password_protected_workbook(org, load):
    # Excel saves an encrypted .xlsx as an OLE2 compound file holding EncryptionInfo and
    # EncryptedPackage streams; their directory entries are what is recognised.
    blob = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 500
        + "EncryptionInfo".encode("utf-16-le")
        + b"\x00" * 50
        + "EncryptedPackage".encode("utf-16-le")
        + b"\x00" * 500
    )
    _refused(load, org, "locked.xlsx", blob, "password")


def test_a_workbook_with_macros(org, load):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/vbaProject.bin", b"\x00macro")
    _refused(load, org, "r.xlsx", out.getvalue(), "macros")
    _refused(load, org, "r.xlsm", xlsx_bytes(rows_for(2)), "macros")


def test_a_damaged_workbook(org, load):
    _refused(load, org, "r.xlsx", b"PK\x03\x04" + b"\x00" * 100, "damaged")


def test_a_sheet_without_the_required_headers(org, load):
    data = csv_bytes([{"姓名": "王五"}], headers=["姓名", "电话"])
    with pytest.raises(FileProblem) as problem:
        load(org.a, "r.csv", data)
    assert "路名、号、室" in problem.value.message


def test_a_file_over_the_size_limit(org, load, settings):
    settings.UPLOAD_MAX_MB = 1
    data = csv_bytes(rows_for(3)) + b"," * (1024 * 1024)
    _refused(load, org, "r.csv", data, "larger than 1 MB")


def test_formulas_instead_of_values(org, load):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for n in range(3):
        sheet.append([person(n).get(h, "") for h in HEADERS])
    sheet["N3"] = '=CONCATENATE("a","b")'
    out = io.BytesIO()
    workbook.save(out)
    _refused(load, org, "r.xlsx", out.getvalue(), "Row 3, column N holds a formula")


def test_a_formula_late_in_the_file_rolls_back_what_was_written(org, load, monkeypatch):
    monkeypatch.setattr("residents.imports.importer.BATCH_SIZE", 10)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for n in range(30):
        sheet.append([person(n).get(h, "") for h in HEADERS])
    sheet["A30"] = "=A2"
    out = io.BytesIO()
    workbook.save(out)
    _refused(load, org, "r.xlsx", out.getvalue(), "formula")
