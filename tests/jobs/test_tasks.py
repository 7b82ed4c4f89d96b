"""Background work on django.tasks: the database worker runs what is queued, a task says its scope,
a failing task is retried a few times and then shown to the administrator and to whoever started it."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.tasks import TaskResultStatus
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jobs.models import Heartbeat
from jobs.tasks import heartbeat
from notifications.models import Notification
from tests.jobs import tasks_for_tests

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def run_worker_once() -> None:
    """What `manage.py db_worker` does, for everything queued now, then exit. (Its tests are
    transactional: the worker closes a connection it finds inside a transaction, as a test's is.)"""
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


@pytest.fixture
def immediate(settings):
    """Tasks run as they are queued (Django's ImmediateBackend), so that a test observes them."""
    settings.TASKS = IMMEDIATE


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_the_heartbeat_and_healthz_tasks_answers_200(client):
    assert client.get("/healthz/tasks").status_code == 503  # nothing has run yet
    result = heartbeat.enqueue()
    assert result.status == TaskResultStatus.READY
    run_worker_once()
    assert heartbeat.get_result(result.id).status == TaskResultStatus.SUCCESSFUL
    response = client.get("/healthz/tasks")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["worker_seconds_ago"] < 60 and body["scheduler_seconds_ago"] < 60


@pytest.mark.django_db
@pytest.mark.parametrize("stale", ["worked_at", "scheduled_at"])
def test_healthz_tasks_answers_503_when_the_worker_or_the_scheduler_is_silent(client, stale):
    now = timezone.now()
    times = {"worked_at": now, "scheduled_at": now, stale: now - datetime.timedelta(minutes=6)}
    Heartbeat.objects.create(pk=1, **times)
    response = client.get("/healthz/tasks")
    assert response.status_code == 503
    assert response.json()["status"] == "stale"


@pytest.mark.django_db
def test_healthz_tasks_does_not_load_the_session(client, org):
    client.force_login(org.secretary_a)
    now = timezone.now()
    Heartbeat.objects.create(pk=1, worked_at=now, scheduled_at=now)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz/tasks")
    assert response.status_code == 200
    # The heartbeat, and the count of lost tasks found in the last day (jobs/reclaim.py).
    assert len(queries) == 2, [q["sql"] for q in queries]
    assert not any("session" in query["sql"] for query in queries)
    assert "sessionid" not in response.cookies


@pytest.mark.django_db
def test_a_task_that_forgets_its_scope_fails_loudly(immediate):
    result = tasks_for_tests.count_cases_without_scope.enqueue()
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class_path == "committee.scoping.ScopeError"


@pytest.mark.django_db
def test_a_failing_task_is_tried_again_and_succeeds(immediate, settings):
    settings.TASK_MAX_ATTEMPTS = 3
    tasks_for_tests.calls["flaky"] = 0
    tasks_for_tests.flaky.enqueue(fail_times=2)
    assert tasks_for_tests.calls["flaky"] == 3


@pytest.mark.django_db
def test_a_task_failing_for_good_stops_at_the_limit_and_tells_whoever_started_it(immediate, settings, org):
    settings.TASK_MAX_ATTEMPTS = 3
    tasks_for_tests.calls["broken"] = 0
    result = tasks_for_tests.broken.enqueue(started_by=org.worker_a.pk)
    assert result.status == TaskResultStatus.FAILED
    assert tasks_for_tests.calls["broken"] == 3
    told = Notification.objects.get(recipient=org.worker_a)
    assert told.kind == Notification.Kind.TASK_FAILED
    assert "broken" in told.sentence
    assert not Notification.objects.exclude(recipient=org.worker_a).exists()


@pytest.mark.django_db
@pytest.mark.django_db(transaction=True)
def test_the_database_worker_defers_the_retry_and_the_admin_lists_the_failure(settings, org, as_user):
    settings.TASK_MAX_ATTEMPTS = 2
    tasks_for_tests.calls["broken"] = 0
    tasks_for_tests.broken.enqueue(started_by=org.secretary_a.pk)
    run_worker_once()
    # The second attempt waits TASK_RETRY_SECONDS: this batch ran only the first.
    assert tasks_for_tests.calls["broken"] == 1
    from django_tasks_db.models import DBTaskResult

    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert retry.run_after > timezone.now()
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_worker_once()
    assert tasks_for_tests.calls["broken"] == 2
    assert DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count() == 2
    assert Notification.objects.filter(recipient=org.secretary_a, kind="task_failed").count() == 1
    page = as_user(org.superuser).get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED")
    assert page.status_code == 200
    content = page.content.decode()
    assert "broken" in content
    for failed in DBTaskResult.objects.filter(status=TaskResultStatus.FAILED):
        assert str(failed.pk) in content


@pytest.mark.django_db(transaction=True)
def test_old_results_are_pruned_and_failures_kept_longer():
    from django_tasks_db.models import DBTaskResult

    from jobs.tasks import prune_task_results

    for _ in range(2):
        heartbeat.enqueue()
    tasks_for_tests.broken.enqueue(attempt=99)  # past the limit: fails once, for good
    run_worker_once()
    ten_days_ago = timezone.now() - datetime.timedelta(days=10)
    DBTaskResult.objects.update(finished_at=ten_days_ago)
    prune_task_results.call()
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == [TaskResultStatus.FAILED]
