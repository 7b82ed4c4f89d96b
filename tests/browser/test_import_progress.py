"""A 20,000-row workbook goes to the worker: the page shows a progress bar that moves, then the
preview; the commit shows its bar that moves, then the result. The real worker loop
(django-tasks-db's) runs in a thread beside the live server."""

import re
import threading
import zipfile
from xml.sax.saxutils import escape

import pytest
from django.db import connections
from django_tasks_db.management.commands.db_worker import Worker
from playwright.sync_api import expect

from residents.models import ImportRun, Resident
from tests.browser.conftest import login, screenshot, watch_console
from tests.imports.helpers import HEADERS, person

pytestmark = pytest.mark.django_db(transaction=True)
ROWS = 20_000


def _workbook(path) -> None:
    """The workbook written directly (inline strings, as some exporters write): under a second for
    20,000 rows, where openpyxl takes ten on a busy machine."""
    lines = [[str(v) for v in HEADERS]] + [[str(v) for v in person(n).values()] for n in range(ROWS)]
    assert list(person(0)) == HEADERS and len(HEADERS) == 14  # columns A to N
    cells = "".join(
        f'<row r="{r}">'
        + "".join(
            f'<c r="{"ABCDEFGHIJKLMN"[i]}{r}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
            for i, v in enumerate(values)
            if v
        )
        + "</row>"
        for r, values in enumerate(lines, start=1)
    )
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006"
    parts = {
        "[Content_Types].xml": f'<Types xmlns="{package}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{package}/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
        '<sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{package}/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}"><dimension ref="A1:N{len(lines)}"/>'
        f"<sheetData>{cells}</sheetData></worksheet>",
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in parts.items():
            archive.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + xml)


class _WorkerThread(threading.Thread):
    """`manage.py db_worker --max-tasks 1` in a thread: it takes the task waiting in the queue, runs
    it and ends. It uses the test's database connection, as the live server's threads do (an
    in-memory SQLite database is one connection's); started once the task is queued and ended after
    it, so that its idle loop (an exclusive transaction every interval) never meets a page's queries."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.connection = connections["default"]
        self.connection.inc_thread_sharing()  # as the live server does for its threads
        self.worker = Worker(
            queue_names=["*"],
            interval=0.1,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=1,
            worker_id="browser-test",
            excluded_queue_names=[],
        )
        self.start()

    def run(self) -> None:
        connections["default"] = self.connection
        self.worker.run()

    def wait(self) -> None:
        self.join(timeout=120)
        self.connection.dec_thread_sharing()
        assert not self.is_alive()


# The waits are generous: 20,000 rows checked and written take ~10 s on a quiet machine, but CI runs
# the suite in two processes beside a browser, and a helper's load once made 30 s too short.
def test_a_large_import_shows_its_progress_then_the_result(desktop, org, tmp_path):
    page = desktop
    errors: list[str] = []
    watch_console(page, errors)
    path = tmp_path / "全小区名单.xlsx"
    _workbook(path)
    login(page, "secretary_a")
    page.goto("/residents/import/")
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="上传并预览").click()
    progress = page.locator("#import-progress")
    expect(progress.locator("progress")).to_be_visible()  # the request returned: the worker has not begun
    expect(progress).to_contain_text("已处理 0 / 20000 行")
    worker = _WorkerThread()
    # The bar moves: some rows done, not yet all.
    expect(progress).to_contain_text(re.compile(r"已处理 [1-9]\d* / 20000 行"))
    screenshot(page, "import-progress-checking")
    # Done: htmx reloads the page, which shows the preview.
    expect(page.locator(".import-verdict.good")).to_contain_text("全部 20000 行均无误", timeout=90_000)
    worker.wait()

    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".messages")).to_contain_text("导入已开始")
    expect(progress).to_contain_text("正在将 20000 行一次性写入登记册")
    worker = _WorkerThread()
    # The commit's bar moves too (its count comes from beside the upload: see runs._record_writing).
    expect(progress).to_contain_text(re.compile(r"已处理 [1-9]\d* / 20000 行"), timeout=60_000)
    screenshot(page, "import-progress-writing")
    expect(page.locator(".import-verdict.good")).to_contain_text("已将 20000 行写入登记册", timeout=90_000)
    worker.wait()
    page.goto("/notifications/")
    expect(page.locator("main")).to_contain_text("全小区名单.xlsx 已导入：20000 行已写入登记册。")

    assert ImportRun.all_objects.get().status == "committed"
    assert Resident.all_objects.filter(committee=org.a).count() == ROWS
    assert errors == [], f"console errors (a CSP violation?): {errors}"
