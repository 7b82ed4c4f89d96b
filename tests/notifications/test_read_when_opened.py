"""A notification is read once its reader has opened what it is about (the case page it links to,
or anything else from the inbox), or answered it (acted on the case it told them about; a request
to reopen, once reopened or declined, waits for no secretary any more)."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case, CaseEvent
from cases.rules import Action
from committee.access import Access
from committee.roles import Role
from notifications.models import Notification
from notifications.services import notify_for_event
from tests.factories import make_case, make_user

K = Notification.Kind


def _last_event(case: Case) -> CaseEvent:
    return CaseEvent.all_objects.filter(case=case).latest("pk")


def _unread(user) -> list[tuple[str, str]]:
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True).order_by("pk")
    return list(rows.values_list("kind", "url"))


def _assigned(org, title: str) -> Case:
    """A case the secretary assigns to the worker, who is told (as the worker's task would)."""
    case = make_case(org.secretary_a, org.a, title=title)
    services.assign(access=Access(org.secretary_a), case=case, assignee=org.worker_a)
    notify_for_event(_last_event(case))
    return case


def test_opening_the_case_reads_what_the_inbox_said_about_it(org, as_user):
    case, other = _assigned(org, "楼道堆物"), _assigned(org, "路灯不亮")
    # The secretary was told something about the same case: theirs to read, not the worker's.
    Notification.objects.create(
        recipient=org.secretary_a, kind=K.OVERDUE, key="o", url=reverse("cases:detail", args=[case.pk])
    )
    client = as_user(org.worker_a)
    assert len(_unread(org.worker_a)) == 2
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    assert _unread(org.worker_a) == [(K.ASSIGNED, f"/cases/{other.pk}/")]
    assert '<span class="bell-count">1</span>' in client.get(reverse("notifications:bell")).text
    assert len(_unread(org.secretary_a)) == 1


def test_the_inbox_opens_a_notification_through_marking_it_read(org, as_user):
    """Whatever it links to (an import's preview, the dashboard), opened from the inbox it is read."""
    done = Notification.objects.create(
        recipient=org.worker_a, kind=K.IMPORT_DONE, key="i", url="/residents/import/7/", params={}
    )
    client = as_user(org.worker_a)
    page = client.get(reverse("notifications:list")).text
    read_url = reverse("notifications:read", args=[done.pk])
    form = re.search(rf'<form method="post" action="{read_url}">.*?</form>', page, re.S)
    assert form and 'name="open" value="1"' in form.group(0), "the item does not open through 'read'"
    response = client.post(read_url, {"open": "1"})
    assert (response.status_code, response["Location"]) == (302, "/residents/import/7/")
    assert _unread(org.worker_a) == []


def test_acting_on_the_case_answers_what_the_actor_was_told_about_it(org):
    case = _assigned(org, "楼道堆物")
    later = timezone.now() + datetime.timedelta(minutes=5)
    services.add_note(access=Access(org.worker_a), case=case, text="已上门")
    note = _last_event(case)
    # Told after acting (a reply came in since): not answered by the note, which was before it.
    Notification.objects.create(
        recipient=org.worker_a,
        kind=K.REPLY,
        key="r",
        url=reverse("cases:detail", args=[case.pk]),
        created_at=later,
    )
    notify_for_event(note)
    assert _unread(org.worker_a) == [(K.REPLY, f"/cases/{case.pk}/")]


def test_a_request_to_reopen_answered_is_read_by_every_secretary(org):
    deputy = make_user("deputy_a", committee=org.a, role=Role.SECRETARY, full_name="王芳")
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    worker = Access(org.worker_a)
    services.transition(access=worker, case=case, action=Action.RESOLVE, text="已处理")
    services.ask_reopen(access=worker, case=case, text="又堵了")
    notify_for_event(_last_event(case))
    assert _unread(org.secretary_a) == _unread(deputy) == [(K.REOPEN_REQUESTED, f"/cases/{case.pk}/")]
    services.decline_reopen(access=Access(org.secretary_a), case=case, text="是另一件事")
    notify_for_event(_last_event(case))
    # The request waits for nobody now: read for both secretaries; the worker is told the answer.
    assert _unread(org.secretary_a) == _unread(deputy) == []
    assert _unread(org.worker_a) == [(K.REOPEN_DECLINED, f"/cases/{case.pk}/")]
