"""A workbook too large for the request (IMPORT_TASK_MIN_ROWS rows or more) goes to the worker: the
page shows a progress bar that moves, then the preview; the commit shows its bar that moves, then the
result. The real worker loop (django-tasks-db's) runs in a thread beside the live server."""

import re
import threading
import zipfile
from xml.sax.saxutils import escape

import pytest
from django.conf import settings
from django.db import connections
from django_tasks_db.management.commands.db_worker import Worker
from playwright.sync_api import expect

from residents.imports import runs
from residents.models import ImportRun, Resident
from tests.browser.conftest import login, screenshot, watch_console
from tests.imports.helpers import HEADERS, person

pytestmark = pytest.mark.django_db(transaction=True)
# Above the threshold, with a few progress reports (every 1,000 rows read, checked or written) in
# each phase. The test used to take 20,000 rows so that each phase outlasted the page's 1-second
# poll: 10-30 s of a test process, and still a race under load; the worker now waits at its first
# report until the page has shown it (_FirstReportWaits).
ROWS = 3_000


def _workbook(path) -> None:
    """The workbook written directly (inline strings, as some exporters write): a fraction of a second
    where openpyxl takes seconds on a busy machine."""
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


class _FirstReportWaits:
    """The worker's first report of rows done in a phase (reading and checking: the run's row;
    writing: the count beside the upload) is recorded as always, then the worker waits until the
    test has seen that count on the page (`seen()`), so that "the bar moves" is seen however fast
    the rest of the phase goes. The reports are the app's own (runs._progress, runs._record_writing)."""

    def __init__(self, monkeypatch) -> None:
        self.gate = threading.Event()
        for name in ("_progress", "_record_writing"):
            monkeypatch.setattr(runs, name, self._waiting(getattr(runs, name)))

    def _waiting(self, make_record):
        def make(*args, **kwargs):
            record = make_record(*args, **kwargs)

            def record_then_wait(done: int) -> None:
                record(done)
                if done:
                    self.gate.wait(timeout=60)

            return record_then_wait

        return make

    def seen(self) -> None:
        self.gate.set()

    def next_phase(self) -> None:
        self.gate = threading.Event()


@pytest.fixture
def first_reports_wait(monkeypatch):
    reports = _FirstReportWaits(monkeypatch)
    yield reports
    reports.seen()  # a test that failed part-way never leaves the worker waiting (nor its transaction open)


# The waits are generous: CI runs the suite in two processes beside a browser, and a helper's load
# once made 30 s too short for 20,000 rows.
def test_a_large_import_shows_its_progress_then_the_result(desktop, org, tmp_path, first_reports_wait):
    assert ROWS >= settings.IMPORT_TASK_MIN_ROWS + 1000, "the file must go to the worker"
    reports = first_reports_wait
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
    expect(progress).to_contain_text(f"已处理 0 / {ROWS} 行")
    worker = _WorkerThread()
    # The bar moves: some rows done, not yet all.
    expect(progress).to_contain_text(re.compile(rf"已处理 [1-9]\d* / {ROWS} 行"))
    screenshot(page, "import-progress-checking")
    reports.seen()
    # Done: htmx reloads the page, which shows the preview.
    expect(page.locator(".import-verdict.good")).to_contain_text(f"全部 {ROWS} 行均无误", timeout=90_000)
    worker.wait()

    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".messages")).to_contain_text("导入已开始")
    expect(progress).to_contain_text(f"正在将 {ROWS} 行一次性写入登记册")
    reports.next_phase()
    worker = _WorkerThread()
    # The commit's bar moves too (its count comes from beside the upload: see runs._record_writing).
    expect(progress).to_contain_text(re.compile(rf"已处理 [1-9]\d* / {ROWS} 行"), timeout=60_000)
    screenshot(page, "import-progress-writing")
    reports.seen()
    expect(page.locator(".import-verdict.good")).to_contain_text(
        f"居民：新增 {ROWS} 位，更新 0 位", timeout=90_000
    )
    worker.wait()
    page.goto("/notifications/")
    expect(page.locator("main")).to_contain_text(
        f"全小区名单.xlsx 已导入：新增 {ROWS} 位居民，更新 0 位，0 位未改动。"
    )

    assert ImportRun.all_objects.get().status == "committed"
    assert Resident.all_objects.filter(committee=org.a).count() == ROWS
    assert errors == [], f"console errors (a CSP violation?): {errors}"
