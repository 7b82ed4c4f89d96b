"""The task queue's admin (django-tasks-db's results, reached from the Django admin) reads in the
admin's language: its section, its model, the changelist's column headings and the result's page.
The library writes them in English (an unnamed id field, a property, methods described in plain
strings, an English app name); Needle names them (jobs/apps.py, jobs/admin.py,
committee/admin_words.py)."""

import html
import re

import pytest
from django.urls import reverse

from jobs.tasks import heartbeat

pytestmark = pytest.mark.django_db


def _headings(page: str) -> list[str]:
    """The changelist's column headings, as a reader sees them."""
    thead = re.search(r"<thead>(.*?)</thead>", page, re.S).group(1)
    cells = re.findall(r"<th\b[^>]*>(.*?)</th>", thead, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split()) for cell in cells]


def _labels(page: str) -> list[str]:
    """The labels of a change page's fields (read-only here: a result is not edited)."""
    return [html.unescape(label).strip() for label in re.findall(r"<label>([^<]*)</label>", page)]


@pytest.mark.parametrize(
    ("language", "section", "model", "headings"),
    [
        (
            "zh-hans",
            "后台任务：队列",
            "队列中的任务",
            [
                "编号",
                "任务",
                "状态",
                "加入队列时间",
                "开始运行时间",
                "结束时间",
                "紧急程度",
                "队列",
                "任务进程丢失",
            ],
        ),
        (
            "en",
            "Background work: queue",
            "Queued tasks",
            [
                "ID",
                "Task",
                "Status",
                "Enqueued at",
                "Started at",
                "Finished at",
                "Priority",
                "Queue name",
                "Worker lost",
            ],
        ),
    ],
)
def test_the_task_queue_changelist_is_headed_in_the_admins_language(
    org, as_user, language, section, model, headings
):
    result = heartbeat.enqueue()  # a real row of the database queue
    client = as_user(org.superuser)
    accept = {"Accept-Language": language}
    index = client.get(reverse("admin:index"), headers=accept).text
    assert f">{section}<" in index and f">{model}<" in index
    page = client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist"), headers=accept).text
    assert _headings(page) == headings
    assert str(result.id) in page and "heartbeat" in page
    # The status filter's choices are Django's own words for a task's status.
    assert ("就绪" if language == "zh-hans" else "Ready") in page


def test_a_task_results_page_is_labelled_in_chinese(org, as_user):
    result = heartbeat.enqueue()
    url = reverse("admin:django_tasks_database_dbtaskresult_change", args=[result.id])
    page = as_user(org.superuser).get(url, headers={"Accept-Language": "zh-hans"}).text
    assert _labels(page) == [
        "编号:",
        "状态:",
        "加入队列时间:",
        "开始运行时间:",
        "结束时间:",
        "参数:",
        "紧急程度:",
        "任务路径:",
        "任务进程:",
        "队列:",
        "任务后端:",
        "最早运行时间:",
        "返回值:",
        "错误类型:",
        "错误详情:",
    ]
