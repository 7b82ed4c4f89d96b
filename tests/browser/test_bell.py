"""Work comes to the worker: the secretary assigns a case in one browser, and the worker's bell, on a
page left open in another, shows it without a reload.

Nothing is faked between the two: the assignment commits, the case services queue the notification
task, and the worker's page polls the bell. On PostgreSQL the task goes through the database queue
(django-tasks-db, the production backend) and a real worker (`db_worker`'s own Worker class, in a
thread) runs it. On SQLite the test database lives in memory with table-level locks, where a second
thread polling the queue locks the web server out ("database table is locked"): there the task runs
through Django's ImmediateBackend as the assignment commits, the same task code in the web thread.
The poll interval is a setting (a minute in production, BELL_POLL_SECONDS); here it is two seconds
so that the test waits seconds, not a minute."""

import threading

import pytest
from django.db import connection
from django_tasks_db.management.commands.db_worker import Worker
from playwright.sync_api import expect

from committee.access import acting_as
from notifications.models import Notification
from tests.browser.conftest import DESKTOP, PHONE, login, screenshot, watch_console
from tests.factories import make_case

pytestmark = pytest.mark.django_db(transaction=True)

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def task_worker(settings):
    """A db_worker running in a thread for the length of the test (signals are the main thread's, so
    the Worker is driven directly: `running = False` stops it after its current sleep)."""
    if connection.vendor == "sqlite":
        settings.TASKS = IMMEDIATE
        yield None
        return
    settings.TASKS = DB_QUEUE
    worker = Worker(
        queue_names=["*"],
        interval=0.5,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="browser-test",
        excluded_queue_names=[],
    )

    def run():
        try:
            worker.run()
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield worker
    worker.running = False
    thread.join(timeout=10)


@pytest.fixture
def two_people(browser, live_server):
    contexts = [
        browser.new_context(base_url=live_server.url, locale="zh-CN", **PHONE),
        browser.new_context(base_url=live_server.url, locale="zh-CN", **DESKTOP),
    ]
    for context in contexts:
        context.set_default_timeout(10_000)
    yield [context.new_page() for context in contexts]
    for context in contexts:
        context.close()


def test_the_workers_bell_shows_an_assignment_without_a_reload(settings, org, task_worker, two_people):
    settings.BELL_POLL_SECONDS = 2
    worker_page, secretary_page = two_people
    with acting_as(org.secretary_a):
        case = make_case(org.secretary_a, org.a, title="楼道灯不亮")
    errors: list[str] = []
    watch_console(worker_page, errors)

    # The worker has their queue open; nothing is waiting for them.
    login(worker_page, "worker_a")
    worker_page.goto("/")
    bell = worker_page.locator("#bell")
    expect(bell).to_have_attribute("hx-trigger", "every 2s")
    expect(bell.locator(".bell-count")).to_have_count(0)

    # The secretary assigns the case to them.
    login(secretary_page, "secretary_a")
    secretary_page.goto(f"/cases/{case.pk}/")
    secretary_page.locator("summary", has_text="分派").click()
    secretary_page.locator("#id_assignee").select_option(str(org.worker_a.pk))
    secretary_page.get_by_role("button", name="保存").click()
    expect(secretary_page.locator(".timeline")).to_contain_text("分派给李敏")

    # Without touching the page, the worker's bell shows one unread within a few polls (the worker
    # thread runs the task; the page asks every two seconds).
    expect(worker_page.locator("#bell .bell-count")).to_have_text("1", timeout=20_000)
    assert worker_page.url.endswith("/")  # the same page: never reloaded
    screenshot(worker_page, "bell-after-assignment-phone")
    notification = Notification.objects.get(recipient=org.worker_a)
    assert notification.kind == Notification.Kind.ASSIGNED and notification.params["case"] == case.number

    # The bell opens the inbox, where the case is named and linked.
    worker_page.locator("#bell").click()
    expect(worker_page.locator("main")).to_contain_text(case.number)
    # Its sentence, a button while unread, reads from the left like any line (it stood centred).
    expect(worker_page.locator(".inbox .news-open")).to_have_css("text-align", "left")
    screenshot(worker_page, "bell-inbox-phone")
    assert not errors, errors
