"""The inbox: the bell in the header (one query per page), /notifications/, mark read."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification

K = Notification.Kind


def note(user, key: str, **params) -> Notification:
    return Notification.objects.create(
        recipient=user,
        kind=K.OVERDUE,
        key=key,
        params={"case": "2026-0007", "title": "路灯不亮", **params},
        url="/cases/7/",
    )


def test_the_bell_shows_the_unread_count_with_one_query(org, as_user):
    for i in range(3):
        note(org.worker_a, f"k{i}")
    note(org.secretary_a, "other")
    client = as_user(org.worker_a)
    client.get("/")  # the session's first request writes its login time
    with CaptureQueriesContext(connection) as queries:
        bell = client.get("/notifications/bell/", headers={"HX-Request": "true"})
    html = bell.content.decode()
    assert '<span class="bell-count">3</span>' in html
    assert 'hx-trigger="every 60s"' in html  # asks again every minute
    assert sum("notifications_notification" in q["sql"] for q in queries) == 1
    # Session, user, the user's roles (the context processor), then the count: nothing grows with the inbox.
    assert len(queries) == 4, [q["sql"] for q in queries]


def test_a_page_costs_no_query_for_the_bell_and_asks_for_it_as_it_loads(org, as_user):
    note(org.worker_a, "k")
    client = as_user(org.worker_a)
    client.get("/")
    # The case list (the home page reads the unread case news it shows first: tests/committee/test_home.py).
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/cases/").content.decode()
    assert not any("notifications_notification" in q["sql"] for q in queries)
    assert 'hx-get="/notifications/bell/" hx-trigger="load"' in html
    assert '<span class="bell-count">' not in html


def test_the_inbox_lists_only_my_notifications_linked_and_in_my_language(org, as_user):
    note(org.worker_a, "mine")
    note(org.secretary_a, "theirs", title="别人的")
    client = as_user(org.worker_a)
    html = client.get("/notifications/", headers={"Accept-Language": "en"}).content.decode()
    # Opened through "read" (unread: the link is a button that marks it read and opens its page).
    assert 'class="linklike news-open">Case 2026-0007 路灯不亮 is overdue' in html
    assert "别人的" not in html


def test_marking_one_and_all_read(org, as_user):
    first, second = note(org.worker_a, "a"), note(org.worker_a, "b")
    theirs = note(org.secretary_a, "c")
    client = as_user(org.worker_a)
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    response = client.post(f"/notifications/{first.pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/cases/7/"
    assert Notification.objects.filter(read_at__isnull=True, recipient=org.worker_a).get() == second
    client.post("/notifications/read/")
    assert not Notification.objects.filter(read_at__isnull=True, recipient=org.worker_a).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert '<span class="bell-count">' not in client.get("/notifications/bell/").content.decode()


def test_the_bell_poll_does_not_keep_an_idle_login_alive(org, as_user):
    client = as_user(org.worker_a)
    client.get("/")
    response = client.get("/notifications/bell/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "sessionid" not in response.cookies  # the session's expiry was not renewed


@pytest.mark.django_db
def test_the_bell_tells_htmx_to_stop_polling_once_logged_out(client):
    response = client.get("/notifications/bell/", headers={"HX-Request": "true"})
    assert response.status_code == 286


def test_the_inbox_and_its_settings_call_them_by_one_word(org, as_user):
    """通知 everywhere a notification is meant: the bell's page, its settings and what they say (提醒
    is a reminder, one kind of notification); a worker looking for 提醒设置 found a page called 通知."""
    client = as_user(org.worker_a)
    assert "<h1>通知</h1>" in client.get("/notifications/").text
    settings_page = client.get("/notifications/settings/").text
    assert "<h1>通知设置</h1>" in settings_page and "同时通过电子邮件发送我的通知" in settings_page
    assert "所有通知都会出现在页面顶部的铃铛中" in settings_page
    saved = client.post("/notifications/settings/", {"by_email": "", "email": ""}, follow=True).text
    assert "通知设置已保存。" in saved
