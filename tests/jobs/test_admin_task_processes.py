"""Review 10, F-L: with only the web process running, notifications were queued and never sent, and
the admin's first page said nothing; it now says so, from the facts /healthz/tasks answers with."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jobs.models import Heartbeat
from jobs.tasks import heartbeat
from tests.cases.page_text import text_of


def _index(client, language: str = "zh-hans") -> str:
    response = client.get("/admin/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return text_of(response.content.decode())


@pytest.mark.django_db
def test_a_worker_never_seen_is_said_with_the_tasks_waiting(org, as_user, client):
    heartbeat.enqueue()
    heartbeat.enqueue()
    assert client.get("/healthz/tasks").json()["status"] == "stale"
    admin = as_user(org.superuser)
    chinese = _index(admin)
    assert "任务进程和调度进程从未运行过。" in chinese
    assert "2 项任务正在等待" in chinese and "make serve" in chinese
    english = _index(admin, "en")
    assert "The task worker and the scheduler have never run." in english
    assert "2 tasks are waiting" in english
    assert "nobody receives a notification until a worker runs" in english


@pytest.mark.django_db
def test_a_stale_worker_is_said_with_when_it_was_last_seen_and_a_live_one_says_nothing(org, as_user):
    admin = as_user(org.superuser)
    long_ago = timezone.now() - datetime.timedelta(minutes=12)
    Heartbeat.objects.create(pk=1, worked_at=long_ago, scheduled_at=long_ago)
    page = _index(admin)
    at = f"{timezone.localtime(long_ago):%Y-%m-%d %H:%M}"
    assert f"任务进程或调度进程未在运行：最后一次运行于 {at}。" in page
    assert "0 项任务正在等待" in page
    Heartbeat.objects.filter(pk=1).update(worked_at=timezone.now(), scheduled_at=timezone.now())
    with CaptureQueriesContext(connection) as queries:
        response = admin.get("/admin/")
    assert "data-task-processes" not in response.content.decode() and "未在运行" not in text_of(response.text)
    # Running: the heartbeat only, no count of the tasks waiting.
    assert not any("django_tasks_db" in q["sql"] for q in queries.captured_queries)


@pytest.mark.django_db
def test_the_secretarys_dashboard_says_so_in_one_line_and_the_workers_not(org, as_user):
    from django.core.cache import cache
    from django.urls import reverse

    secretary = as_user(org.secretary_a)
    chinese = text_of(secretary.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="zh-hans").text)
    assert "通知暂时发不出去：任务进程没有运行。请告知管理员。" in chinese
    english = text_of(secretary.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en").text)
    assert "Notifications cannot be sent for now: the task worker is not running." in english
    assert "data-task-processes" not in as_user(org.worker_a).get(reverse("dashboard")).text
    Heartbeat.objects.create(pk=1, worked_at=timezone.now(), scheduled_at=timezone.now())
    cache.clear()  # what a minute does: the line trusts its answer that long
    assert "data-task-processes" not in secretary.get(reverse("dashboard")).text
