"""The login lockout is per account at 5 wrong passwords, per address only at a far higher count
(review 8, finding 3): a committee's desk and the street office share one NAT address, and one
person's typos must not lock their colleagues out."""

import pytest
from django.test import Client

OFFICE = "10.3.3.3"


def _login(username: str, password: str, ip: str = OFFICE, language: str = "zh-hans"):
    return Client().post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        headers={"Accept-Language": language},
    )


def _typos(username: str, times: int = 5, ip: str = OFFICE) -> None:
    for _ in range(times):
        _login(username, "wrong", ip=ip)


def test_a_colleague_gets_in_from_the_same_address_after_another_typed_five_wrong_passwords(org):
    _typos("worker_a")
    assert _login("viewer_a", "correct horse battery").status_code == 302
    assert _login("secretary_a", "correct horse battery").status_code == 302


def test_the_typo_account_stays_locked_when_a_colleague_gets_in_from_the_same_address(org):
    _typos("worker_a")
    assert _login("viewer_a", "correct horse battery").status_code == 302  # a success resets only hers
    response = _login("worker_a", "correct horse battery")
    assert response.status_code == 429
    page = response.content.decode()
    assert "此账号" in page
    assert "此地址" not in page


def test_the_account_page_in_english_names_the_account(org):
    _typos("worker_a")
    page = _login("worker_a", "correct horse battery", language="en").content.decode()
    assert "this account" in page
    assert "from this address" not in page


@pytest.mark.parametrize(
    "language, address_words, account_words",
    [("zh-hans", "此地址", "此账号"), ("en", "from this address", "this account")],
)
def test_many_accounts_tried_from_one_address_lock_the_address_and_the_page_says_so(
    org, settings, language, address_words, account_words
):
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    assert limit >= 20  # an office of 10-30 people
    for n in range(limit):
        _login(f"guess{n % (limit // 4 + 1)}", "wrong")  # never 5 on one name: only the address counts
    response = _login("viewer_a", "correct horse battery", language=language)
    assert response.status_code == 429
    page = response.content.decode()
    assert address_words in page
    assert account_words not in page  # viewer_a's own account is not what is locked
    # The same account from another address gets in.
    assert _login("viewer_a", "correct horse battery", ip="10.4.4.4").status_code == 302


def test_below_the_address_limit_the_address_is_not_locked(org, settings):
    for n in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT - 1):
        _login(f"guess{n % 7}", "wrong")
    assert _login("viewer_a", "correct horse battery").status_code == 302
