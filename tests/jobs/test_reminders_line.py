"""The secretary's dashboard says when the morning reminders last ran (the job records each run)."""

from django.urls import reverse
from django.utils import timezone

from jobs.models import JobRun
from notifications.tasks import morning_reminders
from tests.jobs.test_tasks import IMMEDIATE


def _line(client) -> str:
    html = client.get(reverse("dashboard")).content.decode()
    start = html.find("data-reminders-last-ran")
    return html[start : html.find("</p>", start)] if start >= 0 else ""


def test_the_dashboard_tells_the_secretary_when_reminders_last_ran(org, as_user, settings):
    settings.TASKS = IMMEDIATE
    secretary = as_user(org.secretary_a)
    assert "尚未运行" in _line(secretary) or "not run yet" in _line(secretary)

    morning_reminders.enqueue(today="2026-12-03")  # a Thursday
    run = JobRun.objects.get(job=JobRun.MORNING_REMINDERS)
    assert run.outcome["day"] == "2026-12-03" and not run.outcome["day_off"]
    line = _line(secretary)
    assert f"{timezone.localtime(run.ran_at):%Y-%m-%d %H:%M}" in line  # in Shanghai time
    assert "休息日" not in line

    morning_reminders.enqueue(today="2026-12-06")  # a Sunday: nothing sent, but the scheduler ran
    assert JobRun.objects.get().outcome == {"day": "2026-12-06", "day_off": True}
    assert "休息日" in _line(secretary)


def test_workers_are_not_shown_the_line(org, as_user):
    assert _line(as_user(org.worker_a)) == ""
