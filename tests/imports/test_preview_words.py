"""What the preview and the result say: new buildings and households named by address (a mistyped
house number adds a building), a title row above the headings skipped and said, and the committed
run's headline the residents added, updated and left as they were (not "1,949 rows written")."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from residents.models import Building, Household, ImportRun, Resident
from tests.imports.helpers import HEADERS, csv_bytes, person, rows_for


def _client(as_user, org, language="zh-hans"):
    client = as_user(org.secretary_a)
    client.cookies["django_language"] = language
    return client


def _upload(client, data: bytes, name: str = "名单.csv") -> tuple[ImportRun, str]:
    response = client.post(reverse("imports:start"), {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 302, response.text
    run = ImportRun.all_objects.latest("pk")
    return run, client.get(response["Location"]).text


def _preview(client, run) -> str:
    return client.get(reverse("imports:preview", args=[run.pk])).text


@pytest.fixture
def lane_449(org):
    """定海路449弄9号 and 12号, with room 101 in 12号."""
    Building.all_objects.create(committee=org.a, road="定海路", lane="449", number="9")
    twelve = Building.all_objects.create(committee=org.a, road="定海路", lane="449", number="12")
    Household.all_objects.create(committee=org.a, building=twelve, room="101")


def test_the_preview_names_each_new_building_and_household_by_address(org, as_user, lane_449):
    rows = [
        person(1, 号="12", 室="101"),
        person(2, 号="12", 室="102"),
        person(3, 号="99", 室="101", 姓名="郑先生"),  # 9号 meant
    ]
    client = _client(as_user, org)
    run, page = _upload(client, csv_bytes(rows))
    assert run.counts["buildings"]["created"] == 1 and run.counts["households"]["created"] == 2
    assert "新增楼栋 1 幢" in page and "<strong>定海路449弄99号</strong>" in page
    assert "请逐一核对：门牌号写错会新增一幢并不存在的楼栋。" in page
    assert "新增住户 2 户" in page
    assert '定海路449弄12号102室 <span class="muted">首次出现于第3行</span>' in page
    assert '定海路449弄99号101室 <span class="muted">首次出现于第4行</span>' in page
    assert "定海路449弄12号101室 <span" not in page  # recorded already
    english = _preview(_client(as_user, org, "en"), run)
    assert "1 new building" in english and "2 new households" in english and "first in row 4" in english


def _titled_workbook(rows: list[dict]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["定海居民区居民花名册（2026年12月）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet.append([])
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row.get(h, "") for h in HEADERS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_title_row_above_the_headings_is_skipped_and_said(org, as_user):
    rows = rows_for(3)
    rows[2]["身份证号"] = rows[2]["身份证号"][:-1] + ("0" if rows[2]["身份证号"][-1] != "0" else "1")
    client = _client(as_user, org)
    run, page = _upload(client, _titled_workbook(rows), "花名册.xlsx")
    assert run.status == ImportRun.Status.PREVIEWED and run.counts["rows"] == 3
    assert (
        "已跳过列标题上方的 1 行（表格标题）：" in page
        and "第1行 · 定海居民区居民花名册（2026年12月）" in page
    )
    # The rows keep their numbers in the file: the bad one is row 6 (title, blank line, headers).
    assert [e["row"] for e in run.errors] == [6]
    english = _preview(_client(as_user, org, "en"), run)
    assert "1 row above the column headers was skipped (a title):" in english


def test_a_file_without_headings_in_its_first_rows_says_which_row_came_closest(org, as_user):
    data = csv_bytes([person(n) for n in range(3)], headers=[h for h in HEADERS if h not in ("路名", "号")])
    client = _client(as_user, org)
    response = client.post(reverse("imports:start"), {"file": SimpleUploadedFile("名单.csv", data)})
    assert response.status_code == 200
    assert "在前 10 行中没有找到列标题行。最接近的是第1行，但缺少以下必填列：路名、号。" in response.text


def test_the_committed_run_says_what_it_wrote(org, as_user, django_capture_on_commit_callbacks):
    client = _client(as_user, org)
    run, _page = _upload(client, csv_bytes(rows_for(12)))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:commit", args=[run.pk]))
    rows = rows_for(12)
    rows[0]["联系电话"] = "13912345678"
    rows[1]["备注"] = "腿脚不便"
    run, _page = _upload(client, csv_bytes(rows))
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("imports:commit", args=[run.pk]), follow=True).text
    assert "已导入。居民：新增 0 位，更新 2 位；另有 10 位与登记册一致，未改动。" in page
    assert "写入登记册" not in page
    english = _preview(_client(as_user, org, "en"), run)
    assert "Residents: 0 new, 2 updated, 10 already as recorded and left unchanged." in english
    assert Resident.all_objects.get(name="居民1").notes == "腿脚不便"
