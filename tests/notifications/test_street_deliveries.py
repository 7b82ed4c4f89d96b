"""The e-mails to a street's officers (their week) that failed or were not sent: about no one
committee, so no secretary lists them; the street's own officers read them, never another street's."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Delivery
from tests.factories import make_user


def _mail(to, status, *, committee=None, error="", skip_reason="") -> Delivery:
    return Delivery.objects.create(
        channel=Delivery.Channel.EMAIL,
        committee=committee,
        recipient=to,
        key=f"email:test:{Delivery.objects.count()}:{to.pk}",
        subject="绣花针：街道本周情况",
        body="本周各居委会：…",
        status=status,
        attempts=3 if status == Delivery.Status.FAILED else 1,
        error=error,
        skip_reason=skip_reason,
    )


def test_a_street_officer_reads_the_streets_officers_e_mails_that_did_not_go_out(org, as_user):
    colleague = make_user(street=org.street, full_name="王海燕")
    elsewhere = make_user(street=org.other_street, full_name="赵磊")
    _mail(colleague, Delivery.Status.FAILED, error="SMTPServerDisconnected: Connection unexpectedly closed")
    _mail(org.officer, Delivery.Status.SKIPPED, skip_reason=Delivery.SkipReason.NO_ADDRESS)
    _mail(elsewhere, Delivery.Status.FAILED, error="SMTPRecipientsRefused: 赵磊")
    _mail(org.worker_a, Delivery.Status.FAILED, committee=org.a, error="SMTPDataError: 李敏")  # A's own
    _mail(colleague, Delivery.Status.SENT)

    officer = as_user(org.officer)
    page = officer.get(reverse("notifications:street", args=[org.street.pk])).text
    assert "街道干部的邮件 · 定海路街道" in page
    failed = page[page.index("data-failed-deliveries") : page.index("data-skipped-deliveries")]
    assert "王海燕" in failed and "SMTPServerDisconnected" in failed
    skipped = page[page.index("data-skipped-deliveries") :]
    assert "刘建国" in skipped and "此人已没有电子邮箱地址" in skipped
    assert "赵磊" not in page and "李敏" not in page  # another street's officer; a committee's mail

    settings_page = officer.get(reverse("notifications:preferences")).text
    assert reverse("notifications:street", args=[org.street.pk]) in settings_page
    assert "1 条消息未能送达" in settings_page

    # The other street's officer reads theirs, and does not learn that this street exists.
    stranger = as_user(elsewhere)
    assert stranger.get(reverse("notifications:street", args=[org.street.pk])).status_code == 404
    theirs = stranger.get(reverse("notifications:street", args=[org.other_street.pk])).text
    assert "赵磊" in theirs and "王海燕" not in theirs


def test_a_committees_secretary_does_not_read_the_streets_e_mails(org, as_user):
    _mail(org.officer, Delivery.Status.FAILED, error="SMTPServerDisconnected")
    secretary = as_user(org.secretary_a)
    assert "街道干部的邮件" not in secretary.get(reverse("notifications:preferences")).text
    assert secretary.get(reverse("notifications:street", args=[org.street.pk])).status_code == 403


def test_the_street_page_is_in_english_too(org, as_user, settings):
    _mail(org.officer, Delivery.Status.SKIPPED, skip_reason=Delivery.SkipReason.DEACTIVATED)
    officer = as_user(org.officer)
    officer.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = officer.get(reverse("notifications:street", args=[org.street.pk])).text
    assert "<h1>Street officers' e-mails · 定海路街道</h1>" in page
    assert "None: every message went out." in page and "The person&#x27;s account was deactivated" in page


def test_the_street_page_costs_the_same_queries_however_many_e_mails(org, as_user):
    """Seven queries: the session, the user, their posts, the street, its committees they see, the
    failed and the skipped e-mails with their recipients (select_related, not one query a row)."""
    officer = as_user(org.officer)
    url = reverse("notifications:street", args=[org.street.pk])
    officer.get(url)  # the session's first request renews it
    _mail(org.officer, Delivery.Status.FAILED, error="SMTPServerDisconnected")
    with CaptureQueriesContext(connection) as one:
        assert officer.get(url).status_code == 200
    for _ in range(5):
        _mail(make_user(street=org.street), Delivery.Status.FAILED, error="SMTPServerDisconnected")
        _mail(
            make_user(street=org.street), Delivery.Status.SKIPPED, skip_reason=Delivery.SkipReason.NO_ADDRESS
        )
    with CaptureQueriesContext(connection) as eleven:
        assert officer.get(url).status_code == 200
    assert len(eleven) == len(one) == 7, [q["sql"] for q in eleven.captured_queries]
