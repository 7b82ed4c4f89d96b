"""Where notifications go besides the inbox: a person's e-mail, a committee's WeCom group robot.

`queue(notifications, committee_id, batch)` runs where notifications are made (one case event, one
committee's morning) and costs a fixed number of queries however many people it tells: it writes
the messages (one e-mail per person who asked for e-mail, one post to the committee's group), then
queues one task that sends them. Each message is written when it is made:

- an e-mail holds the same sentences as the person's inbox (already scoped and masked for them),
  with absolute links (SITE_URL);
- a WeCom post is read by a whole group, so it holds only who, what kind and the case number, with
  a link: never a case's title, free text, a category or a number (everyone in the group is staff,
  and the link opens only for those who may see the case).

Sending is a task retried with a limit (jobs.running.retried); a message sent is never sent again,
one that fails TASK_MAX_ATTEMPTS times is marked failed and the secretary's settings page lists it.
An e-mail to someone deactivated (or left without an address) since it was written is not sent
and not tried again: it is marked skipped, with why, and the secretary's page lists it apart.
"""

import datetime
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committee.models import User
from notifications.models import CommitteeChannel, Delivery, Notification
from notifications.sentences import digest_figures

logger = logging.getLogger(__name__)

WECOM_HOST = "qyapi.weixin.qq.com"
WECOM_PATH = "/cgi-bin/webhook/send"
WECOM_MAX_LINES = 15  # a group post stays short (and well under WeCom's 4,096-byte markdown limit)


def validate_wecom_webhook(url: str) -> None:
    """A WeCom group robot's address: https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…, or
    (for a test stub or an intranet relay) any address on a host listed in WECOM_EXTRA_HOSTS."""
    parts = urllib.parse.urlsplit(url.strip())
    key = urllib.parse.parse_qs(parts.query).get("key", [""])[0]
    official = parts.scheme == "https" and parts.hostname == WECOM_HOST and parts.path == WECOM_PATH
    extra = parts.scheme in ("http", "https") and parts.netloc in settings.WECOM_EXTRA_HOSTS
    if not (official or extra) or not key or parts.username or parts.password or parts.fragment:
        raise ValidationError(
            gettext_lazy(
                "Paste the group robot's address from WeCom: it begins with "
                "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key="
            ),
            code="wecom_webhook",
        )


def absolute(url: str) -> str:
    return settings.SITE_URL.rstrip("/") + url if url.startswith("/") else url


def queue(notifications: Iterable[Notification], *, committee_id: int | None, batch: str) -> list[int]:
    """Write the e-mails and the WeCom post for these new notifications of one committee's people,
    and queue their sending once the transaction commits. Returns the messages' ids. Notifications
    about no one committee (committee_id None: a street officer's week) go only by e-mail."""
    notifications = list(notifications)
    if not notifications:
        return []
    by_person: dict[int, list[Notification]] = defaultdict(list)
    for notification in notifications:
        by_person[notification.recipient_id].append(notification)
    people = {
        u.pk: u
        for u in User.objects.filter(pk__in=by_person, is_active=True).select_related(
            "notification_preference"
        )
    }
    webhook = committee_id is not None and (
        CommitteeChannel.objects.filter(committee_id=committee_id)
        .values_list("wecom_webhook", flat=True)
        .first()
    )
    rows = []
    with translation.override(settings.LANGUAGE_CODE):  # staff of a Shanghai committee read Chinese
        for user_id, theirs in by_person.items():
            user = people.get(user_id)
            preference = getattr(user, "notification_preference", None) if user else None
            if user and user.email and preference and preference.by_email:
                rows.append(_email(user, theirs, committee_id, batch))
        if webhook:
            lines = [(people[n.recipient_id], n) for n in notifications if n.recipient_id in people]
            if lines:
                rows.append(_wecom_post(lines, committee_id, batch))
    if not rows:
        return []
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)  # made before (a retried job): kept as is
    ids = list(
        Delivery.objects.filter(key__in=[r.key for r in rows], status=Delivery.Status.PENDING).values_list(
            "pk", flat=True
        )
    )
    if ids:
        from notifications.tasks import deliver

        transaction.on_commit(lambda: deliver.enqueue(ids))
    return ids


def _paragraph(n: Notification) -> str:
    """A notification in an e-mail: its sentence and its link; a morning list's figures each with the
    link of its own list under it (sentences.digest_figures), as the inbox links them."""
    _head, figures = digest_figures(n)
    if figures:
        return "\n".join([n.sentence, *(f"{words} {absolute(url)}" for _key, words, url in figures)])
    return n.sentence + (f"\n{absolute(n.url)}" if n.url else "")


def _email(user: User, notifications: list[Notification], committee_id: int | None, batch: str) -> Delivery:
    if len(notifications) == 1:
        subject = _("Needle: %(what)s") % {"what": notifications[0].get_kind_display()}
    else:
        subject = _("Needle: %(n)s new notifications") % {"n": len(notifications)}
    paragraphs = [_paragraph(n) for n in notifications]
    paragraphs.append(_("All your notifications: %(url)s") % {"url": absolute("/notifications/")})
    return Delivery(
        channel=Delivery.Channel.EMAIL,
        committee_id=committee_id,
        recipient=user,
        key=f"email:{batch}:{user.pk}",
        subject=subject[:200],
        body="\n\n".join(paragraphs),
    )


def _wecom_post(lines: list[tuple[User, Notification]], committee_id: int, batch: str) -> Delivery:
    # Strings outside the f-strings: makemessages does not read calls inside them.
    needle, new, open_it = _("Needle"), _("new notifications"), _("open the notification")
    out = [f"**{needle}** · {new}"]
    for user, n in lines[:WECOM_MAX_LINES]:
        what = str(n.get_kind_display())
        case = n.params.get("case", "")  # the case number (2026-0042) only: never its title or text
        line = f"> {user.display_name}：{what}" + (f" {case}" if case else "")
        if n.url:
            line += f" [{open_it}]({absolute(n.url)})"
        out.append(line)
    if len(lines) > WECOM_MAX_LINES:
        out.append(_("…and %(n)s more in Needle") % {"n": len(lines) - WECOM_MAX_LINES})
    return Delivery(
        channel=Delivery.Channel.WECOM,
        committee_id=committee_id,
        key=f"wecom:{batch}",
        body="\n".join(out),
    )


class DeliveryFailed(Exception):
    pass


class NotToBeSent(Exception):
    """The message may not go out any more (Delivery.SkipReason): not a failure, nothing to retry."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def send_pending(ids: Iterable[int]) -> int:
    """Send the messages not yet sent; raise DeliveryFailed if any failed (the task then tries again).
    Returns how many were sent now."""
    sent, failed = 0, []
    for delivery in Delivery.objects.filter(pk__in=list(ids), status=Delivery.Status.PENDING).order_by("pk"):
        # Claim the attempt first: of two runs holding the same message (a retry overtaking a slow
        # worker), only the one whose update matches sends it.
        claimed = Delivery.objects.filter(
            pk=delivery.pk, status=Delivery.Status.PENDING, attempts=delivery.attempts
        ).update(attempts=delivery.attempts + 1)
        if not claimed:
            continue
        delivery.attempts += 1
        try:
            if delivery.channel == Delivery.Channel.EMAIL:
                _send_email(delivery)
            else:
                _send_wecom(delivery)
        except NotToBeSent as skip:
            delivery.status, delivery.skip_reason, delivery.error = Delivery.Status.SKIPPED, skip.reason, ""
            delivery.save(update_fields=["status", "skip_reason", "error"])
            logger.info("delivery %s (%s) not sent: %s", delivery.pk, delivery.channel, skip.reason)
        except Exception as error:
            # The message names the kind of failure, never the address (a webhook's key is a secret).
            delivery.error = f"{type(error).__name__}: {_public_reason(error)}"[:200]
            if delivery.attempts >= settings.TASK_MAX_ATTEMPTS:
                delivery.status = Delivery.Status.FAILED
            delivery.save(update_fields=["error", "status"])
            logger.warning(
                "delivery %s (%s) failed, attempt %s", delivery.pk, delivery.channel, delivery.attempts
            )
            failed.append(delivery.pk)
        else:
            delivery.status, delivery.error, delivery.sent_at = Delivery.Status.SENT, "", timezone.now()
            delivery.save(update_fields=["error", "status", "sent_at"])
            sent += 1
    if failed:
        raise DeliveryFailed(f"{len(failed)} message(s) not delivered: {failed}")
    return sent


def resend_stalled() -> dict[str, int]:
    """Messages still waiting DELIVERY_STALL_MINUTES after they were written: their sending was lost
    (the worker died between its claim and its answer, or before the task queued on commit was
    written). Queued again while attempts remain (send_pending's claim keeps two runs from sending
    one message); one whose last attempt was lost is marked failed, so that the secretary sees it
    among the failures instead of a message waiting for ever."""
    since = timezone.now() - datetime.timedelta(minutes=settings.DELIVERY_STALL_MINUTES)
    stalled = Delivery.objects.filter(status=Delivery.Status.PENDING, created_at__lt=since)
    failed = stalled.filter(attempts__gte=settings.TASK_MAX_ATTEMPTS).update(
        status=Delivery.Status.FAILED, error="WorkerStopped: the last attempt got no answer"
    )
    ids = list(stalled.order_by("pk").values_list("pk", flat=True))
    if ids:
        from notifications.tasks import deliver

        transaction.on_commit(lambda: deliver.enqueue(ids))
        logger.warning("%s message(s) waiting since before %s queued again", len(ids), since)
    return {"queued": len(ids), "failed": failed}


def _public_reason(error: Exception) -> str:
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code}"
    if isinstance(error, urllib.error.URLError):
        return str(error.reason)[:120]
    return str(error)[:120]


def _send_email(delivery: Delivery) -> None:
    # Read when sending: someone deactivated since the message was written is not mailed.
    person = User.objects.filter(pk=delivery.recipient_id).values("is_active", "email").first()
    if person is None or not person["is_active"]:
        raise NotToBeSent(Delivery.SkipReason.DEACTIVATED)
    if not person["email"]:
        raise NotToBeSent(Delivery.SkipReason.NO_ADDRESS)
    send_mail(delivery.subject, delivery.body, settings.DEFAULT_FROM_EMAIL, [person["email"]])


def _send_wecom(delivery: Delivery) -> None:
    # The address is read when sending, so that a secretary's correction applies to a retry.
    url = (
        CommitteeChannel.objects.filter(committee_id=delivery.committee_id)
        .values_list("wecom_webhook", flat=True)
        .first()
    )
    if not url:
        raise DeliveryFailed("the committee has no WeCom group robot")
    validate_wecom_webhook(url)  # checked again: never post to an address that is not a robot's
    payload = json.dumps({"msgtype": "markdown", "markdown": {"content": delivery.body}}).encode()
    # Only http(s) to the robot's host or a configured one reaches here (validated just above).
    request = urllib.request.Request(url, data=payload, headers={"Content-Type": "application/json"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=settings.WECOM_TIMEOUT_SECONDS) as response:  # noqa: S310
        answer = json.loads(response.read() or b"{}")
    if answer.get("errcode", 0) != 0:  # WeCom answers 200 with an error code (e.g. 93000: bad key)
        raise DeliveryFailed(f"WeCom errcode {answer.get('errcode')}")
