"""A locked-out or forgotten account has a way back a committee can follow (review 9, finding 12): the
login page names who can help (the administrator, who can: not the secretary, who cannot); it warns
before the pause ("2 more wrong passwords"); the administrator sees which accounts are paused and
lifts a pause with one button, written to the user's history; and an account whose password the
administrator set (a new one, or a reset) chooses its own at the next login before anything else."""

import re

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.test import Client
from django.urls import reverse

from committee.models import User
from tests.cases.page_text import text_of

PASSWORD = "correct horse battery"
INLINES = ["memberships", "street_posts", "district_posts"]
OFFICE = "10.5.5.5"


def _login(client: Client, username: str, password: str, language: str = "zh-hans"):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=OFFICE,
        headers={"Accept-Language": language},
    )


def _typos(username: str, times: int, language: str = "zh-hans"):
    response = None
    for _ in range(times):
        response = _login(Client(), username, "wrong", language)
    return response


@pytest.mark.parametrize(
    "language, helper, not_helper",
    [
        ("zh-hans", "请联系管理员，管理员可以为您重设密码或解除暂停", "书记"),
        ("en", "The administrator can", "secretary"),
    ],
)
def test_the_login_page_names_the_administrator_who_can_reset_and_unlock(db, language, helper, not_helper):
    page = Client().get(reverse("login"), headers={"Accept-Language": language}).content.decode()
    help_line = text_of(page[page.index("data-login-help") :].split("</p>")[0])
    assert helper in help_line
    assert not_helper not in help_line


@pytest.mark.parametrize(
    "language, first, two_left, one_left",
    [
        ("zh-hans", "用户名或密码不正确", "再输错 3 次密码，此账号将暂停登录 15 分钟。", "再输错 1 次密码"),
        (
            "en",
            "The username or password is not right",
            "3 more wrong passwords and logging in to this account is paused for 15 minutes.",
            "1 more wrong password and",
        ),
    ],
)
def test_repeated_wrong_passwords_say_how_many_tries_are_left_before_the_pause(
    org, language, first, two_left, one_left
):
    once = text_of(_typos("worker_a", 1, language).content.decode())
    assert first in once and "15" not in once  # one typo: no warning yet
    twice = _typos("worker_a", 1, language)
    assert twice.status_code == 200
    assert two_left in text_of(twice.content.decode())
    fourth = _typos("worker_a", 2, language)
    assert one_left in text_of(fourth.content.decode())
    assert _typos("worker_a", 1, language).status_code == 429  # the fifth: paused


def _admin(org) -> Client:
    client = Client()
    client.force_login(org.superuser)
    return client


def test_the_admin_shows_a_paused_account_and_one_click_unlocks_it_with_a_history_line(org):
    _typos("worker_a", 5)
    assert _login(Client(), "worker_a", PASSWORD).status_code == 429
    admin = _admin(org)
    listing = admin.get(reverse("admin:committee_user_changelist"), headers={"Accept-Language": "zh-hans"})
    assert "暂停登录" in listing.content.decode()
    row = r'>(\w+)</a></th>.*?field-login_paused_mark"><img [^>]*alt="(\w+)"'
    marks = dict(re.findall(row, listing.content.decode()))
    assert marks["worker_a"] == "True" and marks["viewer_a"] == "False"

    change = reverse("admin:committee_user_change", args=[org.worker_a.pk])
    page = admin.get(change, headers={"Accept-Language": "zh-hans"}).content.decode()
    assert "密码错误次数过多，暂停登录至" in text_of(page)
    assert "解除登录暂停" in page
    unlock = reverse("admin:committee_user_unlock", args=[org.worker_a.pk])
    assert admin.get(unlock).status_code == 405  # a button, not a link
    response = admin.post(unlock, headers={"Accept-Language": "zh-hans"}, follow=True)
    assert "李敏 已可以重新登录。" in response.content.decode()
    assert "data-unlock" not in response.content.decode()  # nothing left to unlock
    assert _login(Client(), "worker_a", PASSWORD).status_code == 302
    entry = LogEntry.objects.get(object_id=str(org.worker_a.pk), action_flag=CHANGE)
    assert entry.user == org.superuser and entry.get_change_message() == "已解除登录暂停。"


def test_an_account_not_paused_has_no_unlock_button(org):
    page = _admin(org).get(reverse("admin:committee_user_change", args=[org.worker_a.pk])).content.decode()
    assert "data-unlock" not in page


def test_the_admin_list_action_unlocks_the_selected_accounts(org):
    _typos("worker_a", 5)
    _typos("viewer_a", 5)
    response = _admin(org).post(
        reverse("admin:committee_user_changelist"),
        {"action": "unlock_logins", "_selected_action": [org.worker_a.pk, org.viewer_a.pk, org.worker_b.pk]},
        headers={"Accept-Language": "en"},
        follow=True,
    )
    assert "Logging in unlocked for 2 users." in response.content.decode()
    assert _login(Client(), "worker_a", PASSWORD).status_code == 302
    assert _login(Client(), "viewer_a", PASSWORD).status_code == 302


def test_staff_who_are_not_administrators_cannot_unlock(org):
    _typos("worker_a", 5)
    secretary = Client()
    secretary.force_login(org.secretary_a)
    response = secretary.post(reverse("admin:committee_user_unlock", args=[org.worker_a.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert _login(Client(), "worker_a", PASSWORD).status_code == 429


# --- A password the administrator set -------------------------------------------------------------------


def _new_account(org, username: str = "worker9") -> User:
    response = _admin(org).post(
        reverse("admin:committee_user_add"),
        {
            "username": username,
            "full_name": "王强",
            "password1": PASSWORD,
            "password2": PASSWORD,
            **{f"{inline}-{n}": 0 for inline in INLINES for n in ("TOTAL_FORMS", "INITIAL_FORMS")},
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return User.objects.get(username=username)


@pytest.mark.parametrize(
    "language, why",
    [
        ("zh-hans", "您的密码是管理员设置的。请先设置您自己的新密码再继续使用"),
        ("en", "Your password was set by the administrator. Choose your own before carrying on"),
    ],
)
def test_a_new_account_chooses_its_own_password_at_its_first_login_before_anything_else(org, language, why):
    user = _new_account(org)
    assert user.must_change_password
    client = Client()
    headers = {"Accept-Language": language}
    response = client.post(
        reverse("login") + "?next=/cases/", {"username": "worker9", "password": PASSWORD}, headers=headers
    )
    assert response.status_code == 302 and response["Location"] == "/cases/"
    response = client.get("/cases/", headers=headers)
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change") + "?next=%2Fcases%2F"
    assert client.get("/", headers=headers)["Location"].startswith(reverse("password_change"))
    page = client.get(response["Location"], headers=headers).content.decode()
    assert why in text_of(page)
    # The same password again is not one of their own.
    same = {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD, "next": "/cases/"}
    refused = client.post(reverse("password_change"), same, headers=headers)
    assert refused.status_code == 200
    assert ("这就是您现在的密码" if language == "zh-hans" else "this is the one you have now") in text_of(
        refused.content.decode()
    )
    own = {"old_password": PASSWORD, "new_password1": "梧桐树下 lane 42", "new_password2": "梧桐树下 lane 42"}
    done = client.post(reverse("password_change"), {**own, "next": "/cases/"}, headers=headers)
    assert done.status_code == 302 and done["Location"] == "/cases/"  # on to where they were going
    assert client.get("/cases/", headers=headers).status_code == 200
    user.refresh_from_db()
    assert not user.must_change_password


def test_an_account_asked_for_its_own_password_may_still_log_out(org):
    _new_account(org)
    client = Client()
    _login(client, "worker9", PASSWORD)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get("/")["Location"].startswith(reverse("login"))


def test_a_password_the_administrator_resets_is_replaced_at_the_next_login_and_lifts_the_pause(org):
    _typos("worker_a", 5)
    admin = _admin(org)
    response = admin.post(
        reverse("admin:auth_user_password_change", args=[org.worker_a.pk]),
        {"password1": "new start 2026 a", "password2": "new start 2026 a", "set_usable_password": "true"},
    )
    assert response.status_code == 302
    org.worker_a.refresh_from_db()
    assert org.worker_a.must_change_password
    client = Client()
    assert _login(client, "worker_a", "new start 2026 a").status_code == 302  # no longer paused
    assert client.get("/")["Location"].startswith(reverse("password_change"))


def test_an_administrator_changing_their_own_password_in_the_admin_is_not_asked_again(org):
    response = _admin(org).post(
        reverse("admin:auth_user_password_change", args=[org.superuser.pk]),
        {"password1": "new start 2026 b", "password2": "new start 2026 b", "set_usable_password": "true"},
    )
    assert response.status_code == 302
    org.superuser.refresh_from_db()
    assert not org.superuser.must_change_password


def test_an_account_that_changes_its_password_of_its_own_accord_goes_to_the_done_page(org, as_user):
    client = as_user(org.worker_a)
    own = {"old_password": PASSWORD, "new_password1": "梧桐树下 lane 43", "new_password2": "梧桐树下 lane 43"}
    response = client.post(reverse("password_change"), own)
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")


def test_the_user_list_marks_paused_accounts_at_the_same_cost_with_few_and_many(org):
    from axes.models import AccessAttempt
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_user

    admin = _admin(org)
    listing = reverse("admin:committee_user_changelist")
    admin.get(listing)

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert admin.get(listing).status_code == 200
        return len(queries)

    few = cost()
    for n in range(20):
        user = make_user(f"staff{n}", committee=org.a)
        AccessAttempt.objects.create(
            username=user.username, ip_address="10.0.0.1", user_agent="", failures_since_start=5, path_info=""
        )
    assert cost() == few
