"""The secretary uploads a spreadsheet, reads the preview (bad rows first, then a good file) and
commits it, on a phone and on a desktop."""

import pytest
from playwright.sync_api import expect

from residents.models import Resident
from tests.browser.conftest import login, screenshot, watch_console
from tests.imports.helpers import csv_bytes, rows_for, xlsx_bytes

# The care categories a flush removes come back with tests/conftest.py's reference data.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_secretary_uploads_previews_and_commits(device, request, org, tmp_path):
    page = request.getfixturevalue(device)
    errors: list[str] = []
    watch_console(page, errors)
    bad_rows = rows_for(20)
    bad_rows[3]["联系电话"] = "12345"
    bad_rows[7]["关爱类别"] = "空巢老人"
    bad_rows[12]["身份证号"] = bad_rows[12]["身份证号"][:-1] + (
        "0" if bad_rows[12]["身份证号"][-1] != "0" else "1"
    )
    bad = tmp_path / "居民名单（有错）.csv"
    bad.write_bytes(csv_bytes(bad_rows, encoding="gbk"))
    good = tmp_path / "居民名单.xlsx"
    good.write_bytes(xlsx_bytes(rows_for(20)))

    login(page, "secretary_a")
    page.goto("/residents/import/")
    expect(page.locator("h1")).to_have_text("导入居民")
    screenshot(page, f"import-start-{device}")

    page.locator("input[type=file]").set_input_files(str(bad))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator(".import-verdict.bad")).to_be_visible()
    screenshot(page, f"import-preview-bad-{device}")
    expect(page.locator(".import-verdict.bad")).to_contain_text("3 行有错误")
    expect(page.locator(".import-errors")).to_contain_text("第5行")
    expect(page.locator(".import-errors")).to_contain_text("空巢老人")
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    page.get_by_role("button", name="取消").click()
    expect(page.locator(".messages")).to_contain_text("已取消导入")

    page.locator("input[type=file]").set_input_files(str(good))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator(".import-verdict.good")).to_contain_text("全部 20 行均无误")
    counts = page.locator(".import-counts tbody tr")
    expect(counts.nth(2)).to_contain_text("20")
    screenshot(page, f"import-preview-{device}")
    assert Resident.all_objects.count() == 0

    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".messages")).to_contain_text("导入成功")
    expect(page.locator(".import-verdict.good")).to_contain_text("已将 20 行写入登记册")
    screenshot(page, f"import-committed-{device}")
    assert Resident.all_objects.filter(committee=org.a).count() == 20

    page.goto("/residents/import/history/")
    expect(page.locator(".rows li")).to_have_count(2)
    screenshot(page, f"import-history-{device}")
    assert errors == [], f"console errors (a CSP violation?): {errors}"
