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
    expect(page.locator(".messages")).to_contain_text("已导入。居民：新增 20 位")
    expect(page.locator(".import-verdict.good")).to_contain_text("居民：新增 20 位，更新 0 位")
    screenshot(page, f"import-committed-{device}")
    assert Resident.all_objects.filter(committee=org.a).count() == 20

    page.goto("/residents/import/history/")
    expect(page.locator(".rows li")).to_have_count(2)
    screenshot(page, f"import-history-{device}")
    assert errors == [], f"console errors (a CSP violation?): {errors}"


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_in_english_the_preview_says_what_changes_and_its_figures_fit(
    device, browser, live_server, org, tmp_path
):
    """The walkthrough in English: a row with a resident's ID number under another name is a bad row
    (in English, whichever language previewed it), badged as one; a file that moves the head of a
    household lists the move and every change and names the household left without a head; the
    figures' table fits a 375 px phone (its "unchanged" column was cut off)."""
    from residents.models import Building, Household
    from residents.validators import birth_date_from_id, gender_from_id
    from tests.browser.conftest import DESKTOP, PHONE, _context
    from tests.imports.helpers import make_id, person

    building = Building.all_objects.create(committee=org.a, road="定海路", lane="449", number="12")
    home = Household.all_objects.create(committee=org.a, building=building, room="302")
    for name, relation, n in (("严俊杰", "head", 101), ("王丽", "spouse", 102)):
        Resident.all_objects.create(
            committee=org.a,
            household=home,
            name=name,
            id_number=make_id(n),
            birth_date=birth_date_from_id(make_id(n)),
            gender=gender_from_id(make_id(n)),
            phone=f"138000001{n - 100:02d}",
            relation_to_head=relation,
        )

    def row(name, n, **cells):
        defaults = {"号": "12", "室": "302", "与户主关系": "", "出生日期": "", "性别": "", "联系电话": ""}
        return person(n, **{**defaults, "姓名": name, "身份证号": make_id(n), **cells})

    wrong = tmp_path / "names-wrong.csv"
    wrong.write_bytes(
        csv_bytes([person(1), row("已登记别人", 101, 号="1", 室="101", 房屋类型="别墅"), person(2)])
    )
    moves = tmp_path / "names-moves.csv"
    moves.write_bytes(csv_bytes([*rows_for(3), row("严俊杰", 101, 号="1", 室="101", 联系电话="13912340000")]))

    context = _context(browser, live_server, PHONE if device == "phone" else DESKTOP, "en-US")
    page = context.new_page()
    errors: list[str] = []
    watch_console(page, errors)
    login(page, "secretary_a")
    page.goto("/residents/import/")
    page.locator("input[type=file]").set_input_files(str(wrong))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.locator(".page-head .badge")).to_have_text("Bad rows to fix")
    problems = page.locator(".import-errors")
    expect(problems).to_contain_text("This ID number is recorded for 严俊杰, not this name.")
    expect(problems).to_contain_text("Unknown value “别墅”. Use one of: public rental housing,")
    expect(page.get_by_role("button", name="Commit the import")).to_have_count(0)
    screenshot(page, f"import-preview-wrong-name-en-{device}")
    page.goto("/residents/import/")  # left as it is: the history shows it

    page.locator("input[type=file]").set_input_files(str(moves))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.locator(".import-verdict.good")).to_contain_text("All 4 rows are good.")
    expect(page.locator(".import-verdict.warn:not(.import-checks)")).to_contain_text(
        "After this import 定海路449弄12号302室 has no head of household: "
        "its head 严俊杰 (row 5) moves to 定海路449弄1号101室."
    )
    # 居民0 of the file is made head of 101室 too: asked about, not refused.
    expect(page.locator(".import-checks")).to_contain_text(
        "Row 5 makes 严俊杰 head of household of 定海路449弄1号101室, and row 2 makes 居民0 its head."
    )
    change = page.locator(".import-changes li").filter(has_text="严俊杰")
    expect(change).to_contain_text("Moves 定海路449弄12号302室")
    expect(change.locator(".import-fields")).to_contain_text("Phone")
    expect(change.locator(".import-new")).to_have_text("139****0000")
    # The figures fit the screen: nothing of the table is cut off or scrolled out of sight.
    table = page.locator(".import-counts")
    expect(table.locator("thead th")).to_have_text(["", "New", "Updated", "Unchanged"])
    fits = table.evaluate("e => e.scrollWidth <= e.clientWidth")
    assert fits, "the figures' table is wider than its box"
    box = table.locator("th", has_text="Unchanged").bounding_box()
    assert box["x"] + box["width"] <= page.viewport_size["width"], box
    screenshot(page, f"import-preview-changes-en-{device}")
    page.get_by_role("button", name="Commit the import").click()
    expect(page.locator(".import-verdict.good")).to_contain_text("Imported.")
    expect(page.locator(".import-changes h2")).to_have_text("What was updated")
    # Previewed and committed in English, read in Chinese: the run's words are the reader's.
    context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
    page.reload()
    expect(page.locator(".import-changes h2")).to_have_text("已更新的内容")
    expect(page.locator(".import-verdict.warn:not(.import-checks)")).to_contain_text(
        "导入后定海路449弄12号302室没有户主：户主严俊杰（第5行）迁往定海路449弄1号101室。"
    )
    expect(page.locator(".import-changes .import-fields")).to_contain_text("联系电话")
    screenshot(page, f"import-committed-changes-zh-{device}")
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto("/residents/import/history/")
    expect(page.locator(".rows li .badge").nth(0)).to_have_text("Committed")
    expect(page.locator(".rows li .badge").nth(1)).to_have_text("Bad rows to fix")
    screenshot(page, f"import-history-en-{device}")
    assert errors == [], f"console errors (a CSP violation?): {errors}"
    context.close()


def test_a_roster_with_a_title_row_names_its_new_building_and_the_care_it_adds(phone, org, tmp_path):
    """The month's file: a title above the headings, a new resident at a house number that does not
    exist yet, and 低保 added to a resident living alone. The preview says each, and the commit keeps
    her 独居老人."""
    import io

    from openpyxl import Workbook

    from tests.imports.helpers import HEADERS, person

    errors: list[str] = []
    watch_console(phone, errors)
    first = tmp_path / "名单.csv"
    first.write_bytes(csv_bytes(rows_for(8)))  # 居民0 and 居民7 live alone (独居老人)
    login(phone, "secretary_a")
    phone.goto("/residents/import/")
    phone.locator("input[type=file]").set_input_files(str(first))
    phone.get_by_role("button", name="上传并预览").click()
    phone.get_by_role("button", name="确认导入").click()
    expect(phone.locator(".import-verdict.good")).to_contain_text("居民：新增 8 位")

    rows = rows_for(8)
    rows[7]["关爱类别"] = "低保"
    rows.append(person(30, 号="99", 姓名="郑先生"))
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["定海居民区居民花名册（2026年12月）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row.get(h, "") for h in HEADERS])
    out = io.BytesIO()
    workbook.save(out)
    month = tmp_path / "花名册.xlsx"
    month.write_bytes(out.getvalue())
    phone.goto("/residents/import/")
    phone.locator("input[type=file]").set_input_files(str(month))
    phone.get_by_role("button", name="上传并预览").click()
    expect(phone.locator(".import-skipped")).to_contain_text("第1行 · 定海居民区居民花名册（2026年12月）")
    expect(phone.locator(".import-places")).to_contain_text("定海路449弄99号")
    expect(phone.locator(".import-changes")).to_contain_text("增加 低保")
    screenshot(phone, "import-preview-title-new-building-phone")
    phone.get_by_role("button", name="确认导入").click()
    expect(phone.locator(".import-verdict.good")).to_contain_text("居民：新增 1 位，更新 1 位；另有 7 位")
    codes = set(Resident.all_objects.get(name="居民7").care_categories.values_list("code", flat=True))
    assert codes == {"elderly_alone", "dibao"}
    assert not errors
