"""The pages: upload, preview, commit, cancel, history; scope and the uploaded file's life."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from committee.roles import Role
from residents.imports.runs import stored_path
from residents.models import ImportRun, Resident
from tests.factories import make_user
from tests.imports.helpers import csv_bytes, person, rows_for, xlsx_bytes


def _upload(client, data: bytes, name: str = "名单.xlsx", **extra):
    return client.post(reverse("imports:start"), {"file": SimpleUploadedFile(name, data), **extra})


def test_upload_preview_and_commit(org, as_user, django_capture_on_commit_callbacks):
    client = as_user(org.secretary_a)
    page = client.get(reverse("imports:start"))
    assert page.status_code == 200 and "下载模板" in page.text
    response = _upload(client, xlsx_bytes(rows_for(12)))
    run = ImportRun.all_objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:preview", args=[run.pk])
    assert run.committee == org.a and run.created_by == org.secretary_a and run.status == "previewed"
    assert stored_path(run).exists()
    # A random part (not guessable); the workbook is kept as its rows, read at the commit.
    assert len(run.stored_name.split("-")[1]) == len("0123456789abcdef.xlsx.rows.csv")
    preview = client.get(response["Location"])
    assert "全部 12 行均无误" in preview.text and "确认导入" in preview.text
    assert "姓名" in preview.text  # the column mapping
    assert Resident.all_objects.count() == 0

    path = stored_path(run)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:commit", args=[run.pk]), follow=True)
    assert "已导入。居民：新增 12 位，更新 0 位；另有 0 位与登记册一致，未改动。" in response.text
    run.refresh_from_db()
    assert run.status == "committed" and run.committed_at and not run.stored_name
    assert Resident.all_objects.filter(committee=org.a).count() == 12
    assert not path.exists()
    # A second click changes nothing.
    client.post(reverse("imports:commit", args=[run.pk]))
    assert Resident.all_objects.count() == 12


def test_a_file_with_bad_rows_lists_them_and_cannot_be_committed(org, as_user):
    client = as_user(org.secretary_a)
    rows = rows_for(5)
    rows[2]["联系电话"] = "12"
    response = _upload(
        client,
        csv_bytes(rows, encoding="gbk"),
        "名单.csv",
    )
    preview = client.get(response["Location"])
    assert "1 行有错误" in preview.text and "第4行 · 居民2</div>" in preview.text
    assert '<div class="import-problem"><strong>联系电话</strong>' in preview.text
    assert "确认导入" not in preview.text
    run = ImportRun.all_objects.get()
    client.post(reverse("imports:commit", args=[run.pk]))
    assert Resident.all_objects.count() == 0
    # In the history and on its page it reads as what it is: bad rows to fix, not awaiting a commit
    # (which it cannot have); in English too.
    for url in (
        reverse("imports:history"),
        reverse("imports:start"),
        reverse("imports:preview", args=[run.pk]),
    ):
        page = client.get(url).text
        assert '<span class="badge red">有错误行待修改</span>' in page and "待确认" not in page, url
    client.cookies["django_language"] = "en"
    for url in (reverse("imports:history"), reverse("imports:preview", args=[run.pk])):
        page = client.get(url).text
        assert '<span class="badge red">Bad rows to fix</span>' in page and "Awaiting commit" not in page, url
    # A good file is awaiting its commit.
    _upload(client, xlsx_bytes(rows_for(3)))
    good = ImportRun.all_objects.latest("pk")
    assert (
        '<span class="badge amber">Awaiting commit</span>'
        in client.get(reverse("imports:preview", args=[good.pk])).text
    )


def test_a_bad_file_is_refused_on_the_form(org, as_user):
    client = as_user(org.secretary_a)
    response = _upload(client, b"", "empty.csv")
    # Django's form refuses an empty upload itself.
    assert response.status_code == 200 and Resident.all_objects.count() == 0
    response = _upload(client, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls")
    assert response.status_code == 200 and "旧版 Excel" in response.text
    run = ImportRun.all_objects.get()
    assert run.status == "rejected" and not run.stored_name


def test_an_upload_over_the_limit_is_not_kept(org, as_user, settings):
    settings.UPLOAD_MAX_MB = 1
    response = _upload(as_user(org.secretary_a), b"a" * (1024 * 1024 + 1), "big.csv")
    assert "超过 1 MB" in response.text
    assert ImportRun.all_objects.get().status == "rejected"


def test_cancel_deletes_the_file(org, as_user):
    client = as_user(org.secretary_a)
    _upload(client, xlsx_bytes(rows_for(3)))
    run = ImportRun.all_objects.get()
    path = stored_path(run)
    response = client.post(reverse("imports:cancel", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == "cancelled" and not path.exists()
    client.post(reverse("imports:commit", args=[run.pk]))
    assert Resident.all_objects.count() == 0


def test_a_secretary_imports_only_into_their_own_committee(org, as_user):
    client = as_user(org.secretary_a)
    _upload(client, xlsx_bytes(rows_for(3)), committee=org.b.pk)
    run = ImportRun.all_objects.get()
    assert run.committee == org.a  # the hidden field of their only committee wins; B is not a choice
    secretary_b = make_user("secretary_b", committee=org.b, role=Role.SECRETARY)
    assert as_user(secretary_b).get(reverse("imports:preview", args=[run.pk])).status_code == 404
    assert as_user(secretary_b).post(reverse("imports:commit", args=[run.pk])).status_code == 404
    assert as_user(org.worker_a).get(reverse("imports:start")).status_code == 403


def test_a_secretary_of_two_committees_chooses_and_cannot_pick_a_third(org, as_user):
    from committee.models import Membership

    Membership.objects.create(user=org.secretary_a, committee=org.b, role=Role.SECRETARY)
    client = as_user(org.secretary_a)
    assert "波阳居民区" in client.get(reverse("imports:start")).text
    response = _upload(client, xlsx_bytes(rows_for(3)), committee=org.c.pk)
    assert response.status_code == 200 and not ImportRun.all_objects.exists()
    _upload(client, xlsx_bytes(rows_for(3)), committee=org.b.pk)
    assert ImportRun.all_objects.get().committee == org.b


def test_the_export_is_of_their_own_committee_only(org, as_user, load):
    load(org.b, "b.csv", csv_bytes(rows_for(3)), commit=True)
    response = as_user(org.secretary_a).get(reverse("imports:export") + f"?committee={org.b.pk}")
    content = b"".join(response.streaming_content)
    import io

    from openpyxl import load_workbook

    assert load_workbook(io.BytesIO(content)).worksheets[0].max_row == 1


@pytest.mark.parametrize("runs", [1, 30])
def test_history_lists_runs_in_a_fixed_number_of_queries(org, as_user, runs, django_assert_num_queries):
    for n in range(runs):
        ImportRun.all_objects.create(
            committee=org.a,
            original_name=f"f{n}.xlsx",
            created_by=org.secretary_a,
            status="committed",
            counts={"rows": 3, "residents": {"created": 3, "updated": 0}},
        )
    ImportRun.all_objects.create(committee=org.b, original_name="other.xlsx", created_by=org.worker_b)
    client = as_user(org.secretary_a)
    client.get(reverse("imports:history"))  # warm the session
    with django_assert_num_queries(5):  # the session is not written (renewed every 5 minutes)
        response = client.get(reverse("imports:history"))
    assert f"f{runs - 1}.xlsx" in response.text and "other.xlsx" not in response.text


def test_a_run_whose_file_is_gone_asks_for_a_new_upload(org, as_user):
    client = as_user(org.secretary_a)
    _upload(client, xlsx_bytes(rows_for(3)))
    run = ImportRun.all_objects.get()
    stored_path(run).unlink()
    response = client.post(reverse("imports:commit", args=[run.pk]), follow=True)
    assert "请重新上传" in response.text
    assert ImportRun.all_objects.get().status == "rejected" and Resident.all_objects.count() == 0


def test_a_workbook_is_kept_as_rows_that_commit_exactly_as_previewed(org, as_user):
    """Numbers that Excel stored as numbers, dates and row numbers survive the rows file."""
    import datetime

    from openpyxl import Workbook

    from tests.imports.helpers import HEADERS, person

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    good = person(1)
    sheet.append([good[h] for h in HEADERS])
    sheet.cell(row=2, column=HEADERS.index("出生日期") + 1).value = datetime.date.fromisoformat(
        good["出生日期"]
    )
    sheet.cell(row=2, column=HEADERS.index("联系电话") + 1).value = int(good["联系电话"])
    sheet.append([])
    numeric = person(2)
    sheet.append([numeric[h] for h in HEADERS])
    sheet.cell(row=4, column=HEADERS.index("身份证号") + 1).value = int(numeric["身份证号"][:17] + "0")
    import io

    out = io.BytesIO()
    workbook.save(out)
    client = as_user(org.secretary_a)
    _upload(client, out.getvalue())
    run = ImportRun.all_objects.get()
    assert [(e["row"], e["column"]) for e in run.errors] == [(4, "身份证号")]
    sheet.delete_rows(4)
    out = io.BytesIO()
    workbook.save(out)
    _upload(client, out.getvalue())
    run = ImportRun.all_objects.latest("pk")
    assert run.error_count == 0, run.errors
    client.post(reverse("imports:commit", args=[run.pk]))
    resident = Resident.all_objects.get()
    assert resident.phone == good["联系电话"] and resident.birth_date.isoformat() == good["出生日期"]


def test_a_preview_left_for_a_day_is_cancelled_at_the_next_upload(org, as_user):
    import datetime

    client = as_user(org.secretary_a)
    _upload(client, xlsx_bytes(rows_for(3)))
    old = ImportRun.all_objects.get()
    path = stored_path(old)
    ImportRun.all_objects.filter(pk=old.pk).update(created_at=old.created_at - datetime.timedelta(days=2))
    _upload(client, xlsx_bytes(rows_for(3)))
    old.refresh_from_db()
    assert old.status == "cancelled" and not path.exists()
    assert ImportRun.all_objects.latest("pk").status == "previewed"


def test_a_correction_by_import_leaves_a_history_naming_who_and_which_file(org, as_user, load):
    load(org.a, "r.csv", csv_bytes(rows_for(3)), commit=True)
    rows = rows_for(3)
    rows[1]["备注"] = "搬到女儿家住"
    client = as_user(org.secretary_a)
    _upload(client, csv_bytes(rows), "更正.csv")
    run = ImportRun.all_objects.get()
    client.post(reverse("imports:commit", args=[run.pk]))
    resident = Resident.all_objects.get(name="居民1")
    latest = resident.history.latest()
    assert latest.notes == "搬到女儿家住" and latest.history_user == org.secretary_a
    assert latest.history_change_reason == f"import #{run.pk}: 更正.csv"
    assert Resident.all_objects.get(name="居民0").history.count() == 0  # unchanged: no history row


def test_the_import_pages_mask_numbers_in_the_file_name_and_the_bad_cells(org, as_user):
    client = as_user(org.secretary_a)
    # The notes too long: shown as the bad cell.
    rows = [*rows_for(2), person(2, 备注="13812345678" + "记" * 2000, 姓名="王芳13712345678")]
    response = _upload(client, xlsx_bytes(rows), name="王芳13912345678.xlsx")
    preview = client.get(response["Location"]).text
    start = client.get(reverse("imports:start")).text
    for page in (preview, start):
        assert "13912345678" not in page and "13812345678" not in page and "13712345678" not in page
    assert "王芳139****5678.xlsx" in preview and "138****5678记" in preview  # masked, still shown
