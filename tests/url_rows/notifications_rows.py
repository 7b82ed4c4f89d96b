"""Notifications and the task health check × personas. Each person sees only their own inbox."""

from django.urls import reverse

from notifications.models import Notification
from tests.url_matrix import Row, expect

OWN_INBOX = expect(200, anonymous=302)
OWN_ACTION = expect(302)  # anonymous to login, everyone else back to their inbox


def populate(world) -> None:
    world.notification = Notification.objects.create(
        recipient=world.secretary_a, kind=Notification.Kind.DIGEST, key="rows:digest", params={"overdue": 2}
    )


ROWS = [
    # The test world has no worker running, so the check reports it stale (200 is tested in tests/jobs).
    Row("healthz_tasks", lambda w: reverse("healthz_tasks"), expect(503)),
    Row("notifications:list", lambda w: reverse("notifications:list"), OWN_INBOX),
    # Anonymous: 286, htmx's "stop polling" (the bell is only on logged-in pages; a session ended).
    Row("notifications:bell", lambda w: reverse("notifications:bell"), expect(200, anonymous=286)),
    Row(
        "notifications:read",
        lambda w: reverse("notifications:read", args=[w.notification.pk]),
        expect(404, anonymous=302, secretary_a=302),
        method="post",
    ),
    Row("notifications:read_all", lambda w: reverse("notifications:read_all"), OWN_ACTION, method="post"),
]
ROWS += [
    Row(
        "notifications:preferences",
        lambda w: reverse("notifications:preferences"),
        OWN_INBOX,
        not_allowed="put",
    ),
    Row(
        "notifications:preferences",
        lambda w: reverse("notifications:preferences"),
        OWN_ACTION,
        method="post",
        data=lambda w: {"by_email": "", "email": ""},
        not_allowed=None,
        label="save",
    ),
    # Only the committee's secretary sets its WeCom group; staff elsewhere do not learn it exists.
    Row(
        "notifications:wecom",
        lambda w: reverse("notifications:wecom", args=[w.a.pk]),
        expect(403, anonymous=302, secretary_a=200, worker_b=404),
        not_allowed="put",
    ),
    Row(
        "notifications:wecom",
        lambda w: reverse("notifications:wecom", args=[w.a.pk]),
        expect(403, anonymous=302, secretary_a=302, worker_b=404),
        method="post",
        data=lambda w: {"wecom_webhook": ""},
        not_allowed=None,
        label="save",
    ),
]

# The e-mails to a street's officers: read by that street's officers only (403 for the committees'
# staff, the district and superusers, who see the street but hold no post on it); another street is
# 404 for all but superusers.
ROWS += [
    Row(
        "notifications:street",
        lambda w: reverse("notifications:street", args=[w.street.pk]),
        expect(403, anonymous=302, officer=200, district=403),
    ),
    Row(
        "notifications:street",
        lambda w: reverse("notifications:street", args=[w.other_street.pk]),
        expect(404, anonymous=302, superuser=403),
        not_allowed=None,  # the row above checks POST on this view (here only anonymous gets past 404)
        label="another street",
    ),
]
