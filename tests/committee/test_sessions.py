"""Sessions end after 30 idle minutes or 12 hours; deactivation and throttling lock people out."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.floor import FLOOR_URL
from committee.middleware import LOGIN_AT_KEY, RENEWED_AT_KEY


def _age_the_renewal(client: Client, minutes: int) -> None:
    """As if the session was last renewed `minutes` ago (its stored expiry moved to match)."""
    session = client.session
    session[RENEWED_AT_KEY] = (timezone.now() - timedelta(minutes=minutes)).isoformat()
    session.save()
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=30 - minutes))


def test_the_session_cookie_lasts_thirty_idle_minutes_and_a_request_near_expiry_renews_it(
    org, as_user, settings
):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client = as_user(org.worker_a)
    _age_the_renewal(client, minutes=25)
    response = client.get("/")
    assert response.cookies["sessionid"]["max-age"] == 1800
    # The request pushed the expiry back to a full half hour.
    assert Session.objects.get().expire_date > timezone.now() + timedelta(minutes=29)


def test_a_plain_get_writes_nothing(org, as_user, settings):
    client = as_user(org.worker_a)
    client.get("/")
    _age_the_renewal(client, minutes=settings.SESSION_RENEW_MINUTES - 1)
    expires = Session.objects.get().expire_date
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/")
    assert response.status_code == 200
    writes = [
        q["sql"] for q in captured.captured_queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")
    ]
    assert writes == []
    assert "sessionid" not in response.cookies  # nor is the cookie sent again
    assert Session.objects.get().expire_date == expires


@pytest.mark.urls("bench.floor")
def test_a_logged_in_page_pays_two_queries_before_its_view(org, as_user, django_assert_num_queries):
    """The session and the user; the roles behind request.access are read only when a view asks."""
    client = as_user(org.worker_a)
    client.get(FLOOR_URL)
    with django_assert_num_queries(2):
        assert client.get(FLOOR_URL).status_code == 200


def test_an_idle_session_past_its_expiry_is_logged_out(org, as_user):
    client = as_user(org.worker_a)
    client.get("/")
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_login_older_than_twelve_hours_ends_however_active(org, as_user):
    client = as_user(org.worker_a)
    session = client.session
    session[LOGIN_AT_KEY] = (timezone.now() - timedelta(hours=12, minutes=1)).isoformat()
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/").status_code == 302  # and it stays logged out


def test_a_login_younger_than_twelve_hours_goes_on(org, as_user):
    client = as_user(org.worker_a)
    session = client.session
    session[LOGIN_AT_KEY] = (timezone.now() - timedelta(hours=11)).isoformat()
    session.save()
    assert client.get("/").status_code == 200


def test_deactivating_a_user_ends_their_sessions(org, as_user):
    client = as_user(org.worker_a)
    assert client.get("/").status_code == 200
    org.worker_a.is_active = False
    org.worker_a.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def _login(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        headers={"Accept-Language": "zh-hans"},
    )


def test_logging_in_with_the_right_password_works_and_stamps_the_login_time(org):
    client = Client()
    response = _login(client, "worker_a", "correct horse battery")
    assert response.status_code == 302
    assert LOGIN_AT_KEY in client.session


def test_a_wrong_password_gets_a_chinese_message(org):
    response = _login(Client(), "worker_a", "wrong")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_five_wrong_passwords_lock_the_account_even_from_another_address(org):
    for attempt in range(5):
        _login(Client(), "worker_a", "wrong", ip=f"10.0.0.{attempt}")
    # The right password from a new address is refused while the account is locked.
    response = _login(Client(), "worker_a", "correct horse battery", ip="10.9.9.9")
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


def test_many_failed_logins_from_one_address_lock_that_address_for_every_account(org, settings):
    # Not five, as it was: one NAT address is a whole office (review 8, finding 3; test_login_lockout.py).
    for n in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        _login(Client(), f"a{n}", "wrong", ip="10.1.1.1")
    assert _login(Client(), "worker_a", "correct horse battery", ip="10.1.1.1").status_code == 429
    # Another address still gets in.
    assert _login(Client(), "worker_a", "correct horse battery", ip="10.2.2.2").status_code == 302


@pytest.mark.django_db
def test_logout_is_a_post_and_ends_the_session(org, as_user):
    client = as_user(org.worker_a)
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302
