"""A case reopened by an administrator correcting its status in the admin is due again as one the
secretary reopens on the case page (test_reopen_due.py): counted anew from the day it is reopened,
by its category and priority in working days, not left at the passed date that made it overdue at
once; the timeline says it the same way ("reopened; now due …"), marked as corrected in the admin,
and the people a reopening concerns are told. Through the admin's change form, as an administrator."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cases import events, services
from cases.models import Case, CaseEvent
from cases.rules import Action
from committee.access import Access
from committee.scoping import committee_scope
from common.workdays import add_workdays
from notifications.models import Notification
from notifications.services import notify_for_event
from reports import open_cases
from tests.cases.page_text import text_of
from tests.factories import admin_form_data, logged_on, make_case

DAY = datetime.timedelta(days=1)
S = Case.Status
WHY = "居民说又堵了"  # a reopening in the admin gives its reason (test_admin_reopen_reason.py)


def _resolved_long_ago(org, **kwargs) -> Case:
    """A drainage case (ten working days) of 李敏's, logged 60 days ago and resolved the day after:
    its due date passed long ago."""
    today = timezone.localdate()
    case = make_case(org.worker_a, org.a, assignee=org.worker_a, at=logged_on(today - 60 * DAY), **kwargs)
    services.transition(
        access=Access(org.worker_a),
        case=case,
        action=Action.RESOLVE,
        text="已疏通",
        at=logged_on(today - 59 * DAY),
    )
    return Case.all_objects.get(pk=case.pk)


def _post(client, case, **changes):
    """The case's change form as the admin draws it, posted with `changes`."""
    url = reverse("admin:cases_case_change", args=[case.pk])
    data = admin_form_data(client.get(url).text)
    return client.post(url, {**data, **{k: [v] for k, v in changes.items()}})


def _last_event(case) -> CaseEvent:
    return CaseEvent.all_objects.filter(case=case).order_by("-pk").first()


def _timeline(client, case) -> str:
    return text_of(client.get(reverse("cases:detail", args=[case.pk])).text)


def test_a_case_reopened_in_the_admin_is_due_again_from_the_day_it_is_reopened(org, as_user):
    case = _resolved_long_ago(org)
    assert case.is_overdue is False and case.due_date < timezone.localdate()  # resolved: not overdue
    assert _post(as_user(org.superuser), case, status=S.IN_PROGRESS, reopen_reason=WHY).status_code == 302
    case = Case.all_objects.get(pk=case.pk)
    today = timezone.localdate()
    assert case.status == S.IN_PROGRESS
    assert case.due_date == add_workdays(today, 10)
    assert not case.is_overdue
    # Counted, not set by hand: a year's holidays entered later count it again, from the reopening day.
    assert (case.due_workdays, case.due_counted_from) == (10, today)
    # The secretary's overdue list does not show it.
    listed = as_user(org.secretary_a).get(reverse("cases:list"), {"overdue": "1"})
    assert case.pk not in [row.pk for row in listed.context["cases"]]
    # The dashboard's kept counts moved with the date.
    with committee_scope([org.a.pk]):
        assert open_cases.recount(org.a.pk) is False


def test_the_timeline_says_it_was_reopened_with_its_new_date_as_the_case_page_does(org, as_user):
    case = _resolved_long_ago(org)
    before = CaseEvent.all_objects.filter(case=case).count()
    assert _post(as_user(org.superuser), case, status=S.IN_PROGRESS, reopen_reason=WHY).status_code == 302
    case = Case.all_objects.get(pk=case.pk)
    # One event, a reopening's (as services.transition REOPEN writes), not a status change and a
    # due date "edited" beside it.
    assert CaseEvent.all_objects.filter(case=case).count() == before + 1
    reopened = _last_event(case)
    assert (reopened.kind, reopened.actor_id) == (CaseEvent.Kind.REOPENED, org.superuser.pk)
    assert reopened.data["due"] == case.due_date.isoformat() and reopened.data["corrected"] is True
    with translation.override("en"):
        assert str(events.sentence(reopened)) == f"Corrected in the admin: reopened; now due {case.due_date}."
    with translation.override("zh-hans"):
        assert str(events.sentence(reopened)) == f"在管理后台更正：重新打开，新的截止日期为 {case.due_date}。"
    # On the case page, as the secretary reads it.
    assert f"在管理后台更正：重新打开，新的截止日期为 {case.due_date}。" in _timeline(
        as_user(org.secretary_a), case
    )


def test_the_assignee_is_told_the_case_is_reopened(org, as_user):
    case = _resolved_long_ago(org)
    assert _post(as_user(org.superuser), case, status=S.IN_PROGRESS, reopen_reason=WHY).status_code == 302
    notify_for_event(_last_event(case))
    (told,) = Notification.objects.filter(recipient=org.worker_a)
    assert told.kind == Notification.Kind.REOPENED


def test_a_closed_case_reopened_in_the_admin_is_due_again_and_loses_its_closing(org, as_user):
    case = _resolved_long_ago(org)
    Case.all_objects.filter(pk=case.pk).update(
        status=S.CLOSED, closure=Case.Closure.FOLLOWED_UP, closed_at=timezone.now(), satisfaction="satisfied"
    )
    assert _post(as_user(org.superuser), case, status=S.IN_PROGRESS, reopen_reason=WHY).status_code == 302
    case = Case.all_objects.get(pk=case.pk)
    assert (case.status, case.closure, case.closed_at, case.resolved_at) == (S.IN_PROGRESS, "", None, None)
    assert case.due_date == add_workdays(timezone.localdate(), 10)
    assert _last_event(case).kind == CaseEvent.Kind.REOPENED


def test_a_later_date_it_has_is_kept_and_the_timeline_says_reopened(org, as_user):
    """A lift installation given a date a year on, resolved early and reopened: its date still lies
    ahead and later than the count, and the secretary set it for a reason."""
    far = timezone.localdate() + 300 * DAY
    case = make_case(org.worker_a, org.a, assignee=org.worker_a, due_date=far)
    services.transition(access=Access(org.worker_a), case=case, action=Action.RESOLVE, text="已装")
    assert _post(as_user(org.superuser), case, status=S.IN_PROGRESS, reopen_reason=WHY).status_code == 302
    case = Case.all_objects.get(pk=case.pk)
    assert (case.status, case.due_date, case.due_workdays) == (S.IN_PROGRESS, far, None)
    with translation.override("en"):
        assert str(events.sentence(_last_event(case))) == "Corrected in the admin: reopened."
    with translation.override("zh-hans"):
        assert str(events.sentence(_last_event(case))) == "在管理后台更正：重新打开。"


def test_a_date_typed_in_the_same_correction_is_the_one_kept(org, as_user):
    """The administrator reopening the case sets its date by hand too: what they typed stands, as a
    date set by hand (a year's holidays entered later leave it), and the timeline says both."""
    case = _resolved_long_ago(org)
    typed = timezone.localdate() + 30 * DAY
    changes = {"status": S.IN_PROGRESS, "reopen_reason": WHY, "due_date": typed.isoformat()}
    response = _post(as_user(org.superuser), case, **changes)
    assert response.status_code == 302
    case = Case.all_objects.get(pk=case.pk)
    assert (case.status, case.due_date, case.due_workdays) == (S.IN_PROGRESS, typed, None)
    kinds = set(CaseEvent.all_objects.filter(case=case, actor=org.superuser).values_list("kind", flat=True))
    assert kinds == {CaseEvent.Kind.REOPENED, CaseEvent.Kind.EDITED}
    reopened = CaseEvent.all_objects.get(case=case, kind=CaseEvent.Kind.REOPENED)
    assert "due" not in reopened.data


def test_a_request_to_reopen_waiting_is_answered_and_its_asker_told(org, as_user):
    case = _resolved_long_ago(org)
    services.ask_reopen(access=Access(org.worker_a), case=case, text="居民说又堵了")
    assert _post(as_user(org.superuser), case, status=S.IN_PROGRESS, reopen_reason=WHY).status_code == 302
    case = Case.all_objects.get(pk=case.pk)
    assert case.reopen_requested_at is None and case.due_date == add_workdays(timezone.localdate(), 10)
    notify_for_event(_last_event(case))
    assert Notification.objects.filter(recipient=org.worker_a, kind=Notification.Kind.REOPENED).exists()


@pytest.mark.parametrize("status", [S.RESOLVED, S.WAITING])
def test_other_status_corrections_leave_the_due_date_alone(org, as_user, status):
    """Only a reopening counts the date again: a case moved between its open statuses, or resolved,
    keeps the date it has."""
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    due = case.due_date
    changes = {"status": status, "resolution": "疏通了地漏"} if status == S.RESOLVED else {"status": status}
    assert _post(as_user(org.superuser), case, **changes).status_code == 302
    case = Case.all_objects.get(pk=case.pk)
    assert (case.status, case.due_date, case.due_counted_from) == (status, due, None)
    assert _last_event(case).kind == CaseEvent.Kind.STATUS
