"""Notifications by e-mail (Django's locmem backend) and to a committee's WeCom group robot (a local
stub HTTP server in a thread: no network), including a failing endpoint and its retries."""

import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from committee.access import acting_as
from committee.roles import Role
from notifications.delivery import validate_wecom_webhook
from notifications.models import CommitteeChannel, Delivery, Notification, Preference
from notifications.reminders import morning
from tests.factories import logged_on, make_case, make_user

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
THURSDAY = datetime.date(2026, 12, 3)
# Logged a month before: a due date set by hand is not before the day its case was logged.
LOGGED = logged_on(THURSDAY - datetime.timedelta(days=30))


class Stub:
    """A WeCom robot stand-in: records each post; answers with the next scripted (status, errcode)."""

    def __init__(self):
        self.posts: list[dict] = []
        self.script: list[tuple[int, int]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                stub.posts.append({"path": self.path, "json": json.loads(body)})
                status, errcode = stub.script.pop(0) if stub.script else (200, 0)
                answer = json.dumps(
                    {"errcode": errcode, "errmsg": "ok" if not errcode else "invalid"}
                ).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.host = f"127.0.0.1:{self.server.server_address[1]}"
        self.url = f"http://{self.host}/cgi-bin/webhook/send?key=test-key"
        # shutdown() waits for the loop to look at its flag: every 0.5 s by default, which was half a
        # second of every test's teardown.
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        ).start()

    def markdown(self, i: int = -1) -> str:
        return self.posts[i]["json"]["markdown"]["content"]


@pytest.fixture
def stub(settings):
    server = Stub()
    settings.WECOM_EXTRA_HOSTS = [server.host]
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def tasks_run(settings):
    settings.TASKS = IMMEDIATE
    settings.TASK_RETRY_SECONDS = 0
    settings.TASK_MAX_ATTEMPTS = 3
    settings.SITE_URL = "https://needle.example.org"


def wecom_for(committee, stub):
    CommitteeChannel.objects.create(committee=committee, wecom_webhook=stub.url)


def by_email(user, address):
    user.email = address
    user.save(update_fields=["email"])
    Preference.objects.create(user=user, by_email=True)


def assign(org, case, user, text=""):
    with acting_as(org.secretary_a) as secretary:
        services.assign(access=secretary, case=case, assignee=user, text=text)


def test_an_assignment_reaches_the_workers_mail_and_the_committee_group(
    org, stub, tasks_run, django_capture_on_commit_callbacks
):
    wecom_for(org.a, stub)
    by_email(org.worker_a, "limin@example.org")
    case = make_case(org.secretary_a, org.a, title="楼道灯不亮")
    with django_capture_on_commit_callbacks(execute=True):
        assign(org, case, org.worker_a, text="请联系住户 13812345678")

    [message] = mail.outbox
    assert message.to == ["limin@example.org"]
    assert case.number in message.body and "楼道灯不亮" in message.body  # the worker may see it
    assert f"https://needle.example.org/cases/{case.pk}/" in message.body  # an absolute link
    assert "138****5678" in message.body and "13812345678" not in message.body  # masked like the inbox

    [post] = stub.posts
    assert post["path"] == "/cgi-bin/webhook/send?key=test-key" and post["json"]["msgtype"] == "markdown"
    text = stub.markdown()
    assert "李敏" in text and case.number in text and f"https://needle.example.org/cases/{case.pk}/" in text
    assert "楼道灯不亮" not in text and "5678" not in text  # the group never reads a title or a number
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}


def test_nothing_leaves_the_app_for_people_who_did_not_ask(
    org, stub, tasks_run, django_capture_on_commit_callbacks
):
    org.worker_a.email = "limin@example.org"
    org.worker_a.save()
    case = make_case(org.secretary_a, org.a)
    with django_capture_on_commit_callbacks(execute=True):
        assign(org, case, org.worker_a)
    assert mail.outbox == [] and stub.posts == [] and not Delivery.objects.exists()
    assert Notification.objects.filter(recipient=org.worker_a).count() == 1  # the inbox, always


def test_a_sensitive_case_posts_only_its_number(org, stub, tasks_run, django_capture_on_commit_callbacks):
    wecom_for(org.a, stub)
    by_email(org.worker_a, "limin@example.org")
    case = make_case(org.secretary_a, org.a, title="低保家庭困难补助", code="hardship")
    assert case.sensitive
    with django_capture_on_commit_callbacks(execute=True):
        assign(org, case, org.worker_a)
    assert "低保" not in stub.markdown() and case.number in stub.markdown()
    assert "困难" not in stub.markdown()


def test_a_failing_endpoint_is_tried_again_and_then_delivered(
    org, stub, tasks_run, django_capture_on_commit_callbacks
):
    wecom_for(org.a, stub)
    stub.script = [(500, 0), (200, 93000)]  # a server error, then WeCom's "invalid key" answer, then fine
    case = make_case(org.secretary_a, org.a)
    with django_capture_on_commit_callbacks(execute=True):
        assign(org, case, org.worker_a)
    assert len(stub.posts) == 3
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.error) == (Delivery.Status.SENT, 3, "")


def test_a_delivery_that_fails_for_good_is_shown_to_the_secretary(
    org, stub, tasks_run, as_user, django_capture_on_commit_callbacks
):
    wecom_for(org.a, stub)
    stub.script = [(500, 0)] * 5
    case = make_case(org.secretary_a, org.a)
    with django_capture_on_commit_callbacks(execute=True):
        assign(org, case, org.worker_a)
    assert len(stub.posts) == 3  # TASK_MAX_ATTEMPTS, then it stops
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.error) == (
        Delivery.Status.FAILED,
        3,
        "HTTPError: HTTP 500",
    )

    secretary = as_user(org.secretary_a)
    settings_page = secretary.get(reverse("notifications:preferences")).content.decode()
    assert "data-failed-deliveries" in settings_page
    page = secretary.get(reverse("notifications:wecom", args=[org.a.pk])).content.decode()
    assert "HTTP 500" in page and "test-key" in page  # the form shows the address to its secretary…
    assert "test-key" not in delivery.error  # …but the error never holds it (logs neither)
    assert (
        "data-failed-deliveries"
        not in as_user(org.worker_a).get(reverse("notifications:preferences")).content.decode()
    )


def test_a_message_whose_sending_was_lost_is_sent_by_the_sweep_or_shown_as_failed(
    org, stub, tasks_run, django_capture_on_commit_callbacks, monkeypatch
):
    """The worker died holding a message (its attempt claimed, no answer written) or before its task
    was queued: the scheduler's sweep sends it once, and one whose last attempt was lost is shown as
    failed. A message written a minute ago is left to its own task."""
    from django.utils import timezone

    from notifications import delivery as outgoing
    from notifications.tasks import resend_stalled_deliveries

    wecom_for(org.a, stub)
    case = make_case(org.secretary_a, org.a)
    with monkeypatch.context() as patched:  # the worker dies before the messages go out
        patched.setattr(outgoing, "send_pending", lambda ids: None)
        with django_capture_on_commit_callbacks(execute=True):
            assign(org, case, org.worker_a)
    lost = Delivery.objects.get()
    hour_ago = timezone.now() - datetime.timedelta(hours=1)
    Delivery.objects.filter(pk=lost.pk).update(attempts=1, created_at=hour_ago)  # one attempt claimed
    spent = Delivery.objects.create(
        channel=Delivery.Channel.WECOM, committee=org.a, key="spent", body="…", attempts=3
    )
    Delivery.objects.filter(pk=spent.pk).update(created_at=hour_ago)
    recent = Delivery.objects.create(channel=Delivery.Channel.WECOM, committee=org.a, key="recent", body="…")
    assert stub.posts == []

    with django_capture_on_commit_callbacks(execute=True):
        assert resend_stalled_deliveries.enqueue().return_value == {"queued": 1, "failed": 1}
    lost.refresh_from_db()
    assert (lost.status, lost.attempts) == (Delivery.Status.SENT, 2) and len(stub.posts) == 1
    spent.refresh_from_db()
    assert spent.status == Delivery.Status.FAILED and spent.error.startswith("WorkerStopped")
    recent.refresh_from_db()
    assert recent.status == Delivery.Status.PENDING and recent.attempts == 0
    with django_capture_on_commit_callbacks(execute=True):  # the next sweep finds nothing to do
        assert resend_stalled_deliveries.enqueue().return_value == {"queued": 0, "failed": 0}
    assert len(stub.posts) == 1


def test_the_secretary_sets_the_group_robot_and_a_wrong_address_is_refused(org, as_user, settings):
    secretary = as_user(org.secretary_a)
    url = reverse("notifications:wecom", args=[org.a.pk])
    for wrong in (
        "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",  # not https
        "https://qyapi.weixin.qq.com.evil.cn/cgi-bin/webhook/send?key=abc",
        "https://qyapi.weixin.qq.com/cgi-bin/other?key=abc",
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send",  # no key
        "https://127.0.0.1:9/cgi-bin/webhook/send?key=abc",  # not a configured host
    ):
        response = secretary.post(url, {"wecom_webhook": wrong})
        assert (
            response.status_code == 200
            and "qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" in response.content.decode()
        )
    assert not CommitteeChannel.objects.exists()
    good = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx"
    assert secretary.post(url, {"wecom_webhook": good}).status_code == 302
    channel = CommitteeChannel.objects.get(committee=org.a)
    assert channel.wecom_webhook == good and channel.updated_by == org.secretary_a
    settings.WECOM_EXTRA_HOSTS = ["127.0.0.1:9"]
    validate_wecom_webhook("http://127.0.0.1:9/cgi-bin/webhook/send?key=abc")
    with pytest.raises(ValidationError):
        validate_wecom_webhook("http://127.0.0.2:9/cgi-bin/webhook/send?key=abc")


def test_a_person_turns_e_mail_on(org, as_user):
    client = as_user(org.worker_a)
    assert (
        client.post(reverse("notifications:preferences"), {"by_email": "on", "email": ""}).status_code == 200
    )
    assert not Preference.objects.exists()  # an address is needed
    response = client.post(
        reverse("notifications:preferences"), {"by_email": "on", "email": "limin@example.org"}
    )
    assert response.status_code == 302
    org.worker_a.refresh_from_db()
    assert org.worker_a.email == "limin@example.org" and org.worker_a.notification_preference.by_email


def test_the_morning_sends_one_mail_per_person_and_one_post_per_committee(
    org, stub, tasks_run, django_capture_on_commit_callbacks
):
    wecom_for(org.a, stub)
    by_email(org.worker_a, "limin@example.org")
    for i in range(3):
        make_case(org.worker_a, org.a, title=f"事项{i}", assignee=org.worker_a, due_date=THURSDAY, at=LOGGED)
    with django_capture_on_commit_callbacks(execute=True):
        morning(THURSDAY)
    [message] = mail.outbox  # the digest (and any reminders) in one e-mail
    assert "事项" not in message.subject and message.to == ["limin@example.org"]
    # Each figure of the morning list with its own list's link, as the inbox links them.
    digest = Notification.objects.get(recipient=org.worker_a, kind=Notification.Kind.DIGEST)
    for url in digest.params["links"].values():
        assert f" {settings.SITE_URL.rstrip('/')}{url}\n" in message.body + "\n"
    assert len(stub.posts) == 1 and "李敏" in stub.markdown() and "事项" not in stub.markdown()
    with django_capture_on_commit_callbacks(execute=True):
        morning(THURSDAY)  # a retried run tells nobody twice
    assert len(mail.outbox) == 1 and len(stub.posts) == 1


def test_a_morning_that_died_before_its_messages_sends_them_when_tried_again(
    org, stub, tasks_run, monkeypatch, django_capture_on_commit_callbacks
):
    """The worker dies after the inbox rows and before the e-mails and the post are written (a lost
    connection, a killed process): the retry finds nothing half-done, and tells and sends once."""
    from notifications import delivery

    wecom_for(org.a, stub)
    by_email(org.worker_a, "limin@example.org")
    make_case(org.worker_a, org.a, title="事项", assignee=org.worker_a, due_date=THURSDAY, at=LOGGED)

    def dies(*args, **kwargs):
        raise ConnectionError("the worker lost its database")

    with monkeypatch.context() as patched:
        patched.setattr(delivery, "queue", dies)
        with pytest.raises(ConnectionError):
            morning(THURSDAY)
    with django_capture_on_commit_callbacks(execute=True):
        assert morning(THURSDAY) == {Notification.Kind.DIGEST: 1}
    [message] = mail.outbox
    assert message.to == ["limin@example.org"] and len(stub.posts) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert morning(THURSDAY) == {}  # nothing new: nothing counted, nothing sent
    assert len(mail.outbox) == 1 and len(stub.posts) == 1


def test_the_morning_costs_the_same_queries_with_ten_times_the_staff(org, stub, tasks_run):
    """Per committee the run's queries are a fixed number, however many people it tells and mails."""
    wecom_for(org.a, stub)

    def staff(n, start):
        for i in range(start, start + n):
            user = make_user(f"w{i}", committee=org.a, role=Role.WORKER, full_name=f"员工{i}")
            by_email(user, f"w{i}@example.org")
            make_case(user, org.a, title=f"事项{i}", assignee=user, due_date=THURSDAY, at=LOGGED)

    def queries() -> int:
        Notification.objects.all().delete()
        Delivery.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            morning(THURSDAY)
        return len(captured)

    staff(2, 0)
    few = queries()
    staff(18, 2)
    many = queries()
    assert Notification.objects.filter(kind=Notification.Kind.DIGEST).count() >= 20
    assert Delivery.objects.filter(channel=Delivery.Channel.EMAIL).count() == 20
    assert many == few, (few, many)


def test_an_imports_outcome_reaches_the_mail_and_the_group_without_the_files_name(
    org, stub, tasks_run, django_capture_on_commit_callbacks
):
    from notifications.services import notify_import
    from residents.models import ImportRun

    wecom_for(org.a, stub)
    by_email(org.secretary_a, "zhouqin@example.org")
    run = ImportRun.all_objects.create(
        committee=org.a,
        created_by=org.secretary_a,
        committed_by=org.secretary_a,
        original_name="名单13912345678.xlsx",
        status=ImportRun.Status.COMMITTED,
        counts={"rows": 45},
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify_import(run)
        notify_import(run)  # a resumed run tells nobody twice

    [message] = mail.outbox
    assert message.to == ["zhouqin@example.org"] and "45" in message.body
    assert "139****5678" in message.body and "13912345678" not in message.body
    assert len(stub.posts) == 1
    text = stub.markdown()
    assert "**绣花针** · 新通知" in text
    assert "周勤：导入完成 [查看](https://needle.example.org/residents/import/" in text
    assert "名单" not in text and "5678" not in text  # the group never reads a file's name


@pytest.mark.parametrize("change", ["deactivated", "no_address"])
def test_an_e_mail_to_someone_deactivated_since_it_was_written_is_not_sent_nor_failed(
    org, tasks_run, as_user, django_capture_on_commit_callbacks, change
):
    """The e-mail is written, then its person is deactivated (or removes their address) before the
    worker sends it: it is not sent, not tried again, and the secretary sees it as not sent, with
    why, not among the failures."""
    by_email(org.worker_a, "limin@example.org")
    case = make_case(org.secretary_a, org.a)
    with django_capture_on_commit_callbacks() as told:
        assign(org, case, org.worker_a)
    with django_capture_on_commit_callbacks() as sending:
        for callback in told:  # the worker tells the assignee and writes the e-mail
            callback()
    assert Delivery.objects.get().status == Delivery.Status.PENDING
    if change == "deactivated":
        org.worker_a.is_active = False
    else:
        org.worker_a.email = ""
    org.worker_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        for callback in sending:
            callback()

    assert mail.outbox == []
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.skip_reason, delivery.attempts, delivery.error) == (
        Delivery.Status.SKIPPED,
        change,
        1,
        "",
    )
    text = as_user(org.secretary_a).get(reverse("notifications:wecom", args=[org.a.pk])).content.decode()
    assert "data-failed-deliveries" not in text and "data-skipped-deliveries" in text
    assert {"deactivated": "此人的账号已停用", "no_address": "此人已没有电子邮箱地址"}[change] in text


def test_the_street_officers_week_goes_by_e_mail_too_and_to_no_committees_group(
    org, stub, tasks_run, as_user, django_capture_on_commit_callbacks
):
    """On the week's first working day the street officer who asked for e-mail gets the street's
    figures by e-mail, as staff get their morning list; it is no committee's message: not posted to
    a committee's WeCom group, not listed to a committee's secretary."""
    monday = datetime.date(2026, 12, 7)
    wecom_for(org.a, stub)
    by_email(org.officer, "liujianguo@example.org")
    make_case(org.secretary_a, org.a, title="未派", due_date=monday + datetime.timedelta(days=10), at=LOGGED)
    with django_capture_on_commit_callbacks(execute=True):
        morning(monday)
    [message] = mail.outbox
    assert message.to == ["liujianguo@example.org"]
    assert org.a.name in message.body and org.b.name in message.body and org.c.name not in message.body
    assert "https://needle.example.org/dashboard/" in message.body
    sent = Delivery.objects.get(recipient=org.officer)
    assert (sent.channel, sent.committee_id, sent.status) == (
        Delivery.Channel.EMAIL,
        None,
        Delivery.Status.SENT,
    )
    assert all("刘建国" not in stub.markdown(i) for i in range(len(stub.posts)))
    with django_capture_on_commit_callbacks(execute=True):
        morning(monday)  # a retried run mails nobody twice
    assert len(mail.outbox) == 1

    Delivery.objects.filter(pk=sent.pk).update(status=Delivery.Status.FAILED)
    page = as_user(org.secretary_a).get(reverse("notifications:wecom", args=[org.a.pk])).content.decode()
    assert "data-failed-deliveries" not in page  # the street's mail is not committee A's to see
