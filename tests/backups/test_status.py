"""The administrator sees last night's backup on the admin's first page: made and checked, or why
not, or that none was made (backups/templatetags/backups.py)."""

import datetime

import pytest
from django.utils import timezone

from jobs.models import JobRun


def _index(client) -> str:
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def _ran(hours_ago: float, **outcome) -> None:
    JobRun.objects.create(
        job=JobRun.BACKUP, ran_at=timezone.now() - datetime.timedelta(hours=hours_ago), outcome=outcome
    )


@pytest.mark.django_db
def test_no_backup_yet_is_a_warning(org, as_user):
    page = _index(as_user(org.superuser))
    assert 'data-backup-status="never"' in page and "还没有备份。夜间备份每天 02:30 由任务进程" in page
    # The command as code, not markdown's backticks shown as they are.
    notice = page[page.index('data-backup-status="never"') :]
    notice = notice[: notice.index("</div>")]
    assert "运行 <code>manage.py backup</code> 可立即备份。" in notice and "`" not in notice


@pytest.mark.django_db
def test_a_runs_own_page_reads_in_words_and_shanghai_time(org, as_user):
    _ran(0, checked=True, archive="needle-20261207-023000.tar", bytes=812_000, rows=24271, files=3)
    run = JobRun.objects.get()
    page = as_user(org.superuser).get(f"/admin/jobs/jobrun/{run.pk}/change/").content.decode()
    # The title: the job in words and Shanghai time (it read "backup 2026-12-07 12:04", the job's code).
    assert f"<title>夜间备份 {timezone.localtime(run.ran_at):%Y-%m-%d %H:%M} |" in page
    assert "夜间备份" in page and "已试恢复并核对" in page and "&quot;checked&quot;" not in page


@pytest.mark.django_db
def test_a_backup_that_failed_its_check_says_why(org, as_user):
    _ran(5, checked=False, problem="pg_restore 运行失败：<b>permission denied</b>")
    page = _index(as_user(org.superuser))
    assert 'data-backup-status="failed"' in page and "未通过校验" in page
    assert "&lt;b&gt;permission denied&lt;/b&gt;" in page  # the server's words, escaped


@pytest.mark.django_db
def test_a_checked_backup_is_one_quiet_line_and_an_old_one_a_warning(org, as_user):
    _ran(6, checked=True, archive="needle-20261207-023000.tar", bytes=812_000, rows=24271, files=3)
    page = _index(as_user(org.superuser))
    assert 'data-backup-status="ok"' in page
    assert "needle-20261207-023000.tar（0.8 MB），已试恢复并核对" in page
    JobRun.objects.filter(job=JobRun.BACKUP).update(ran_at=timezone.now() - datetime.timedelta(hours=40))
    page = _index(as_user(org.superuser))
    assert 'data-backup-status="stale"' in page and "超过一天" in page


@pytest.mark.django_db
def test_in_english(org, as_user):
    client = as_user(org.superuser)
    client.cookies["django_language"] = "en"
    page = _index(client)
    assert "No backup has been made yet" in page
