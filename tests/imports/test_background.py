"""A large file is checked and committed by the worker: the request returns at once, the page polls a
progress fragment, whoever started it is told; exactly once, and a worker that dies writes nothing.

IMPORT_TASK_MIN_ROWS is lowered to 20 so that small files take the worker's path (and the tests stay
fast). The tasks run through Django's ImmediateBackend (`immediate`), or their functions are called
as the worker calls them; tasks/tests/browser/test_import_progress.py runs the real worker loop.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from notifications.models import Notification
from residents.imports import importer, runs
from residents.imports.writer import BatchWriter
from residents.models import ImportRun, Resident
from tests.imports.helpers import csv_bytes, rows_for, xlsx_bytes

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
S = ImportRun.Status


@pytest.fixture(autouse=True)
def _small_files_go_to_the_worker(settings):
    settings.IMPORT_TASK_MIN_ROWS = 20


@pytest.fixture
def immediate(settings):
    """Tasks run as they are queued (once the request's transaction commits)."""
    settings.TASKS = IMMEDIATE


def _upload(client, data: bytes, name: str = "大名单.xlsx"):
    return client.post(reverse("imports:start"), {"file": SimpleUploadedFile(name, data)})


def _notes(user) -> list[str]:
    return [n.sentence for n in Notification.objects.filter(recipient=user).order_by("pk")]


def test_a_large_upload_returns_at_once_and_the_page_shows_its_progress(
    org, as_user, django_capture_on_commit_callbacks
):
    client = as_user(org.secretary_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, xlsx_bytes(rows_for(60)))
    run = ImportRun.all_objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("imports:preview", args=[run.pk])
    # Kept and queued, not read: the worker (the database queue, here not running) will.
    assert run.status == S.CHECKING and run.in_background and run.rows_total == 60
    assert run.stored_name.endswith(".xlsx") and runs.stored_path(run).exists()
    assert DBTaskResult.objects.filter(task_path="residents.tasks.check_import").count() == 1
    page = client.get(response["Location"])
    assert "正在读取文件" in page.text and "已处理 0 / 60 行" in page.text
    assert 'hx-get="{}"'.format(reverse("imports:progress", args=[run.pk])) in page.text
    assert "确认导入" not in page.text


def test_small_files_stay_in_the_request(org, as_user):
    client = as_user(org.secretary_a)
    _upload(client, csv_bytes(rows_for(5)), "小名单.csv")
    run = ImportRun.all_objects.get()
    assert run.status == S.PREVIEWED and not run.in_background
    assert not DBTaskResult.objects.exists()


def test_the_worker_previews_then_commits_and_tells_whoever_started_it(
    org, as_user, immediate, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    client = as_user(org.secretary_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, xlsx_bytes(rows_for(45)))
    run = ImportRun.all_objects.get()
    assert run.status == S.PREVIEWED and run.rows_done == run.rows_total == 45 and run.phase == ""
    assert run.stored_name.endswith(".rows.csv")
    assert _notes(org.secretary_a) == ["大名单.xlsx 已检查完毕：共 45 行，可以确认导入。"]
    assert Resident.all_objects.count() == 0
    # The polling fragment, once the run is done, has htmx reload the page; a few queries each second.
    with django_assert_max_num_queries(6):
        fragment = client.get(reverse("imports:progress", args=[run.pk]), headers={"HX-Request": "true"})
    assert fragment["HX-Refresh"] == "true"
    preview = client.get(response["Location"])
    assert "全部 45 行均无误" in preview.text and "确认导入" in preview.text

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:commit", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == S.COMMITTED and run.committed_by == org.secretary_a and not run.stored_name
    assert Resident.all_objects.filter(committee=org.a).count() == 45
    assert _notes(org.secretary_a)[-1] == "大名单.xlsx 已导入：新增 45 位居民，更新 0 位，0 位未改动。"
    notification = Notification.objects.filter(recipient=org.secretary_a).last()
    assert notification.url == reverse("imports:preview", args=[run.pk])


def test_the_progress_is_recorded_as_the_worker_goes(org, monkeypatch):
    seen: list[tuple[str, int]] = []
    real = runs._progress

    def watching(run, phase):
        record = real(run, phase)

        def both(done):
            record(done)
            fresh = ImportRun.all_objects.get(pk=run.pk)
            seen.append((fresh.phase, fresh.rows_done))

        return both

    monkeypatch.setattr(runs, "_progress", watching)
    monkeypatch.setattr(importer, "BATCH_SIZE", 10)
    run = _queued(org, csv_bytes(rows_for(35)), "名单.csv")
    assert runs.check_in_background(run.pk) == S.PREVIEWED
    assert seen == [("checking", 10), ("checking", 20), ("checking", 30), ("checking", 35)]


class _Upload:
    def __init__(self, name: str, data: bytes) -> None:
        self.name, self.data, self.size = name, data, len(data)

    def chunks(self):
        yield self.data


def _queued(org, data: bytes, name: str = "名单.xlsx") -> ImportRun:
    run = runs.start_import(committee=org.a, upload=_Upload(name, data), user=org.secretary_a)
    assert run.status == S.CHECKING
    return run


def _previewed(org, count: int = 30) -> ImportRun:
    run = _queued(org, xlsx_bytes(rows_for(count)))
    assert runs.check_in_background(run.pk) == S.PREVIEWED
    run.refresh_from_db()
    return run


def test_committing_twice_writes_once(org):
    run = _previewed(org)
    assert runs.request_commit(run, org.secretary_a)
    assert not runs.request_commit(run, org.secretary_a)  # a second click, a second tab: refused
    assert runs.commit_in_background(run.pk) == S.COMMITTED
    assert runs.commit_in_background(run.pk) is None  # the task run again (a retry, a resume)
    assert Resident.all_objects.filter(committee=org.a).count() == 30
    run.refresh_from_db()
    assert run.status == S.COMMITTED and run.attempts == 1
    # Told once of the check and once of the commit (the second run of the task tells nobody).
    keys = Notification.objects.filter(recipient=org.secretary_a, kind="import_done").values_list(
        "key", flat=True
    )
    assert sorted(keys) == [f"import:{run.pk}:checked", f"import:{run.pk}:committed"]


def test_committing_twice_through_the_task_queue_writes_once(
    org, immediate, django_capture_on_commit_callbacks
):
    from residents.tasks import commit_import_task

    run = _previewed(org)
    with django_capture_on_commit_callbacks(execute=True):
        runs.request_commit(run, org.secretary_a)
    result = commit_import_task.enqueue(run.pk)  # queued a second time by mistake
    assert result.return_value is None
    assert Resident.all_objects.filter(committee=org.a).count() == 30


class _Crash(Exception):
    pass


def _crash_on_second_batch(monkeypatch) -> None:
    """A worker that dies half-way through writing: the second batch never comes."""
    monkeypatch.setattr(importer, "BATCH_SIZE", 10)
    real = BatchWriter.write
    calls = {"n": 0}

    def write(self, plans):
        calls["n"] += 1
        if calls["n"] == 2:
            raise _Crash
        return real(self, plans)

    monkeypatch.setattr(BatchWriter, "write", write)


def test_a_commit_that_dies_half_way_writes_nothing_and_is_resumed_whole(
    org, monkeypatch, django_capture_on_commit_callbacks
):
    run = _previewed(org)
    runs.request_commit(run, org.secretary_a)
    with monkeypatch.context() as patched:
        _crash_on_second_batch(patched)
        with pytest.raises(_Crash):
            runs.commit_in_background(run.pk)
    # One transaction: the first batch's ten residents are gone with it.
    assert Resident.all_objects.count() == 0
    run.refresh_from_db()
    assert run.status == S.COMMITTING and run.attempts == 1 and runs.stored_path(run).exists()

    # The worker was restarted; the run shows no sign of life: the sweep queues it again.
    ImportRun.all_objects.filter(pk=run.pk).update(
        progress_at=timezone.now() - datetime.timedelta(minutes=11)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert runs.resume_stalled() == {"resumed": 1, "failed": 0}
    assert runs.resume_stalled() == {"resumed": 0, "failed": 0}  # left to the task it queued
    assert DBTaskResult.objects.filter(task_path="residents.tasks.commit_import_task").count() == 1
    assert runs.commit_in_background(run.pk) == S.COMMITTED
    assert Resident.all_objects.filter(committee=org.a).count() == 30


def test_a_run_that_keeps_failing_is_reported_failed_with_nothing_written(
    org, as_user, monkeypatch, immediate, django_capture_on_commit_callbacks
):
    run = _previewed(org)

    def crash(self, plans):
        raise _Crash

    monkeypatch.setattr(BatchWriter, "write", crash)
    with django_capture_on_commit_callbacks(execute=True):
        runs.request_commit(run, org.secretary_a)  # @retried tries it TASK_MAX_ATTEMPTS (3) times
    run.refresh_from_db()
    assert run.status == S.FAILED and run.attempts == 3 and not run.stored_name
    assert Resident.all_objects.count() == 0
    assert _notes(org.secretary_a)[-1] == "名单.xlsx 的导入未能完成，没有写入任何内容。"
    page = as_user(org.secretary_a).get(reverse("imports:preview", args=[run.pk]))
    assert "导入失败" in page.text and "没有写入任何内容" in page.text
    # Failed is final: a commit now starts nothing.
    assert not runs.request_commit(run, org.secretary_a)


def test_a_run_whose_worker_died_for_good_is_reported_failed(org, settings):
    run = _queued(org, xlsx_bytes(rows_for(25)))
    kept = runs.stored_path(run)
    ImportRun.all_objects.filter(pk=run.pk).update(
        attempts=settings.TASK_MAX_ATTEMPTS, progress_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert runs.resume_stalled() == {"resumed": 0, "failed": 1}
    run.refresh_from_db()
    assert run.status == S.FAILED and not run.stored_name and not kept.exists()
    assert Notification.objects.get(recipient=org.secretary_a).kind == "import_failed"


def test_a_bad_large_file_is_rejected_by_the_worker(org):
    rows = rows_for(30)
    rows[4]["联系电话"] = "12"
    run = _queued(org, csv_bytes(rows), "名单.csv")
    assert runs.check_in_background(run.pk) == S.PREVIEWED
    run.refresh_from_db()
    assert run.error_count == 1 and not runs.request_commit(run, org.secretary_a)
    assert _notes(org.secretary_a) == ["名单.csv 已检查完毕：有 1 行有错误，暂不能写入。"]

    broken = _queued(org, csv_bytes([]) + b",,,\r\n" * 30, "空.csv")  # headers, then empty rows
    assert runs.check_in_background(broken.pk) == S.REJECTED
    broken.refresh_from_db()
    assert broken.problem == "文件只有列标题，没有数据行。" and not broken.stored_name
    assert _notes(org.secretary_a)[-1] == "空.csv 无法导入。"


def test_the_task_runs_in_its_committee_scope(org, immediate):
    """No scope is active here (as in the worker): the task sets its run's committee's."""
    from committee.scoping import ScopeError

    run = _queued(org, csv_bytes(rows_for(25)), "名单.csv")
    with pytest.raises(ScopeError):
        list(Resident.objects.all())
    from residents.tasks import check_import

    assert check_import.enqueue(run.pk).return_value == S.PREVIEWED


def test_another_committee_cannot_see_the_progress(org, as_user):
    run = _queued(org, csv_bytes(rows_for(25)), "名单.csv")
    url = reverse("imports:progress", args=[run.pk])
    assert as_user(org.secretary_a).get(url).status_code == 200
    assert as_user(org.worker_b).get(url).status_code == 404
    assert as_user(org.worker_a).get(url).status_code == 403


def test_the_page_shows_the_rows_written_while_the_commit_runs(org, as_user, monkeypatch):
    """The commit is one transaction, so its rows done are counted beside the upload: read here by
    the progress fragment in the middle of the commit (after its second batch of ten)."""
    client = as_user(org.secretary_a)
    run = _previewed(org)
    runs.request_commit(run, org.secretary_a)
    url = reverse("imports:progress", args=[run.pk])
    assert "正在将 30 行一次性写入登记册" in client.get(url).text  # not begun: no figure yet
    monkeypatch.setattr(importer, "BATCH_SIZE", 10)
    pages: list[str] = []
    real = BatchWriter.write

    def write(self, plans):
        real(self, plans)
        pages.append(client.get(url).text)

    monkeypatch.setattr(BatchWriter, "write", write)
    assert runs.commit_in_background(run.pk) == S.COMMITTED
    # Told after each batch's write, the page reads the count of the batch before.
    assert "已处理 10 / 30 行" in pages[1] and "已处理 20 / 30 行" in pages[2]
    assert not list(runs.stored_path(run).parent.glob(f"{run.pk}.writing*"))  # the count is gone


def test_the_sweep_leaves_a_long_commit_that_is_still_writing(org):
    run = _previewed(org)
    runs.request_commit(run, org.secretary_a)
    ImportRun.all_objects.filter(pk=run.pk).update(progress_at=timezone.now() - datetime.timedelta(hours=1))
    runs._record_writing(run.pk)(10)  # a batch written just now
    assert runs.resume_stalled() == {"resumed": 0, "failed": 0}


def test_the_scheduler_runs_the_sweep_as_a_task(org, immediate, django_capture_on_commit_callbacks):
    from residents.tasks import resume_stalled_imports

    run = _queued(org, csv_bytes(rows_for(25)), "名单.csv")
    ImportRun.all_objects.filter(pk=run.pk).update(progress_at=timezone.now() - datetime.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        result = resume_stalled_imports.enqueue()
    assert result.return_value == {"resumed": 1, "failed": 0}
    run.refresh_from_db()
    assert run.status == S.PREVIEWED  # queued again, and (immediately) checked
