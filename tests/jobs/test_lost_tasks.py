"""A task left "running" by a worker that died (or lost the database under it) is found by a real
`manage.py task_worker` when it starts, marked failed with the reason, queued again once if it is safe
to run twice, and shown in the admin and on /healthz/tasks (jobs/reclaim.py); a task running in a live
worker, for longer than a dead worker's silence, is never touched."""

import datetime
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import transaction
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs import reclaim
from jobs.models import LostTask, WorkerBeat
from jobs.tasks import heartbeat, prune_task_results
from tests.jobs.tasks_for_tests import broken, hold, repeat_me
from tests.jobs.test_worker_outage import WORKER_OPTIONS, _worker_environment

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def _worker(log: Path, *options: str, **environment: str):
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "task_worker", *WORKER_OPTIONS, *options],
            cwd=Path(__file__).resolve().parents[2],
            env={**_worker_environment(), **environment},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _left_running(task_result, worker_id: str, started_ago: datetime.timedelta) -> DBTaskResult:
    """A result as a worker leaves it when it dies mid-task: claimed, RUNNING, never finished (in one
    transaction with its queueing: a live worker polling meanwhile never sees it ready)."""
    with transaction.atomic():
        result = DBTaskResult.objects.get(pk=task_result().id)
        result.claim(worker_id)
        DBTaskResult.objects.filter(pk=result.pk).update(started_at=timezone.now() - started_ago)
    return DBTaskResult.objects.get(pk=result.pk)


def _until(condition, process: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert process.poll() is None, f"the worker exited:\n{log.read_text()}"
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)


def _status(result_id) -> str:
    return DBTaskResult.objects.get(pk=result_id).status


def test_a_starting_worker_reclaims_what_dead_workers_left_running(tmp_path, client, org, as_user):
    hour = datetime.timedelta(hours=1)
    # A worker that died an hour ago mid-task: its row of life is an hour old.
    silent = _left_running(repeat_me.enqueue, "died-an-hour-ago", hour)
    WorkerBeat.objects.create(
        worker_id="died-an-hour-ago",
        started_at=timezone.now() - 2 * hour,
        beat_at=timezone.now() - hour,
        running=silent.pk,
        running_since=silent.started_at,
    )
    # A worker that never kept a row (from before this change), an hour ago: the task is not repeatable.
    unknown = _left_running(heartbeat.enqueue, "an-old-worker", hour)
    # The same --worker-id started again (systemd after a crash): what it ran before is lost at once.
    again = _left_running(repeat_me.enqueue, "fixed-id", datetime.timedelta(seconds=5))
    log = tmp_path / "worker.log"
    with _worker(log, "--worker-id", "fixed-id", TASK_WORKER_BEAT_SECONDS="0.2") as worker:
        _until(lambda: LostTask.objects.count() == 3, worker, log)
        requeued = {lost.result_id: lost.requeued_as for lost in LostTask.objects.all()}
        # Queued again once, and run by this worker: the repeatable ones only.
        assert requeued[unknown.pk] is None
        assert requeued[silent.pk] and requeued[again.pk]
        _until(
            lambda: all(
                repeat_me.get_result(str(requeued[lost.pk])).status == TaskResultStatus.SUCCESSFUL
                for lost in (silent, again)
            ),
            worker,
            log,
        )
    reasons = {lost.result_id: lost.reason for lost in LostTask.objects.all()}
    assert reasons == {silent.pk: "silent", unknown.pk: "unknown", again.pk: "moved_on"}
    for lost in (silent, unknown, again):
        result = DBTaskResult.objects.get(pk=lost.pk)
        assert result.status == TaskResultStatus.FAILED
        assert result.exception_class_path == "jobs.reclaim.WorkerLost"
    assert "停止" in DBTaskResult.objects.get(pk=silent.pk).traceback  # written in the committee's language
    said = log.read_text()
    assert f"Task jobs.tasks.heartbeat (result {unknown.pk}) was left running by worker an-old-worker" in said
    assert f"queued again as {requeued[silent.pk]}" in said
    assert "Traceback" not in said

    # Where an administrator looks: /healthz/tasks, the queue's list, the lost tasks' list.
    assert client.get("/healthz/tasks").json()["lost_tasks_last_day"] == 3
    admin = as_user(org.superuser)
    for language, words in (("zh-hans", "任务进程已停止"), ("en", "Its worker stopped while running it")):
        page = admin.get(reverse("admin:jobs_losttask_changelist"), headers={"Accept-Language": language})
        assert words in page.text and "repeat_me" in page.text


def test_a_task_running_in_a_live_worker_is_never_touched(tmp_path):
    released = tmp_path / "let-go"
    fast = {
        "TASK_WORKER_BEAT_SECONDS": "0.2",
        "TASK_WORKER_LOST_SECONDS": "2",
        "TASK_WORKER_SWEEP_SECONDS": "0.5",
    }
    busy = uuid.UUID(hold.enqueue(str(released)).id)
    with _worker(tmp_path / "a.log", "--worker-id", "live-a", **fast) as live:
        _until(lambda: _status(busy) == TaskResultStatus.RUNNING, live, tmp_path / "a.log")
        running_since = timezone.now()
        # A dead worker's task too: what the other worker's looks find, while they leave the live one's.
        dead = _left_running(repeat_me.enqueue, "dead", datetime.timedelta(hours=1))
        with _worker(tmp_path / "b.log", "--worker-id", "looking-b", **fast) as looking:
            _until(lambda: LostTask.objects.filter(result_id=dead.pk).exists(), looking, tmp_path / "b.log")
            # The live task keeps running well past a dead worker's silence (2 s), under looks every 0.5 s.
            while timezone.now() - running_since < datetime.timedelta(seconds=5):
                assert _status(busy) == TaskResultStatus.RUNNING
                time.sleep(0.2)
            assert WorkerBeat.objects.get(worker_id="live-a").running == busy
            released.touch()
            _until(lambda: _status(busy) == TaskResultStatus.SUCCESSFUL, live, tmp_path / "a.log")
    assert not LostTask.objects.filter(result_id=busy).exists()
    assert hold.get_result(str(busy)).return_value == "let go"


def test_a_result_its_worker_finished_meanwhile_is_left_as_it_ended():
    result = _left_running(repeat_me.enqueue, "slow-but-alive", datetime.timedelta(hours=1))
    found = reclaim.find_lost(result.backend_name, by_age=True)
    assert [(lost.pk, why) for lost, why in found] == [(result.pk, reclaim.UNKNOWN)]
    result.set_successful("done")  # the worker writes its outcome between the look and the marking
    assert reclaim.reclaim(result.pk, reclaim.UNKNOWN) is None
    assert _status(result.pk) == TaskResultStatus.SUCCESSFUL and not LostTask.objects.exists()


def test_a_task_is_queued_again_once_only():
    first = _left_running(repeat_me.enqueue, "dead", datetime.timedelta(hours=1))
    again = reclaim.reclaim(first.pk, reclaim.SILENT).requeued_as
    assert again is not None and _status(again) == TaskResultStatus.READY
    # Its second run lost too: marked failed, not queued a third time.
    DBTaskResult.objects.get(pk=again).claim("dead-too")
    assert reclaim.reclaim(again, reclaim.SILENT).requeued_as is None
    assert DBTaskResult.objects.filter(task_path=first.task_path).count() == 2


def test_lost_tasks_and_workers_gone_are_pruned_with_the_results():
    now = timezone.now()
    old, recent = (
        LostTask.objects.create(result_id=uuid.uuid4(), task_path="x.y", reason="silent") for _ in "ab"
    )
    LostTask.objects.filter(pk=old.pk).update(found_at=now - datetime.timedelta(days=91))
    for worker_id, seen in (("gone", datetime.timedelta(days=8)), ("here", datetime.timedelta(0))):
        WorkerBeat.objects.create(
            worker_id=worker_id, started_at=now - seen, beat_at=now - seen, running_since=now - seen
        )
    prune_task_results.call()
    assert list(LostTask.objects.values_list("pk", flat=True)) == [recent.pk]
    assert list(WorkerBeat.objects.values_list("worker_id", flat=True)) == ["here"]


def test_whoever_started_a_lost_task_not_queued_again_is_told(org, as_user):
    from notifications.models import Notification

    result = _left_running(
        lambda: broken.enqueue(started_by=org.secretary_a.pk), "dead", datetime.timedelta(hours=1)
    )
    assert reclaim.reclaim(result.pk, reclaim.SILENT).requeued_as is None  # broken is not repeatable
    told = Notification.objects.get(recipient=org.secretary_a, kind="task_failed")
    assert told.key == f"task:{result.pk}"
    # The lost task's own page in the admin, and the queue's list flagging it.
    lost = LostTask.objects.get()
    admin = as_user(org.superuser)
    page = admin.get(
        reverse("admin:jobs_losttask_change", args=[lost.pk]), headers={"Accept-Language": "zh-hans"}
    )
    assert "运行它的任务进程已停止" in page.text and "broken" in page.text
    queue = admin.get(
        reverse("admin:django_tasks_database_dbtaskresult_changelist") + "?status__exact=FAILED"
    )
    assert queue.text.count('alt="True"') == 1


def test_a_task_whose_worker_was_killed_is_reclaimed_by_the_next_worker(tmp_path):
    # The next worker may start before the dead one's silence is 2 s long: it looks again every 0.5 s.
    fast = {
        "TASK_WORKER_BEAT_SECONDS": "0.2",
        "TASK_WORKER_LOST_SECONDS": "2",
        "TASK_WORKER_SWEEP_SECONDS": "0.5",
    }
    busy = uuid.UUID(hold.enqueue(str(tmp_path / "never")).id)
    with _worker(tmp_path / "a.log", **fast) as doomed:
        _until(lambda: _status(busy) == TaskResultStatus.RUNNING, doomed, tmp_path / "a.log")
        doomed.kill()  # SIGKILL mid-task: nothing of the worker writes anything more
        doomed.wait()
    assert _status(busy) == TaskResultStatus.RUNNING  # as django-tasks-db leaves it
    with _worker(tmp_path / "b.log", **fast) as next_one:
        _until(lambda: _status(busy) == TaskResultStatus.FAILED, next_one, tmp_path / "b.log")
    lost = LostTask.objects.get(result_id=busy)
    assert lost.reason == reclaim.SILENT and lost.requeued_as is None  # hold is not repeatable
