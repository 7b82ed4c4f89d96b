"""A case reopened (by the secretary, or by a resident "not satisfied" on the follow-up call) is
worked again: its due date is counted anew from the day it is reopened, by its category and priority
in working days (as on logging), instead of keeping the passed date that made it overdue at once."""

import datetime

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from cases import due_dates, events, services
from cases.models import Case, CaseEvent
from cases.rules import Action
from committee.access import Access
from committee.scoping import committee_scope
from common.workdays import add_workdays, due_days
from reports import open_cases
from tests.factories import logged_on, make_case

DAY = datetime.timedelta(days=1)


def _resolved_long_ago(org, **kwargs) -> Case:
    """A drainage case (ten working days) logged 60 days ago and resolved the day after: its due
    date passed long ago."""
    today = timezone.localdate()
    worker = Access(org.worker_a)
    case = make_case(org.worker_a, org.a, assignee=org.worker_a, at=logged_on(today - 60 * DAY), **kwargs)
    services.transition(
        access=worker, case=case, action=Action.RESOLVE, text="已疏通", at=logged_on(today - 59 * DAY)
    )
    return Case.all_objects.get(pk=case.pk)


def test_a_reopened_case_is_due_again_counted_from_the_day_it_is_reopened(org, as_user):
    case = _resolved_long_ago(org)
    assert case.due_date < timezone.localdate()
    services.transition(access=Access(org.secretary_a), case=case, action=Action.REOPEN, text="又堵了")
    case = Case.all_objects.get(pk=case.pk)
    today = timezone.localdate()
    assert case.status == Case.Status.IN_PROGRESS
    assert case.due_date == add_workdays(today, 10)
    assert not case.is_overdue
    # Counted, not set by hand: a year's holidays entered later count it again, from the reopening day.
    assert (case.due_workdays, case.due_counted_from) == (10, today)
    # The overdue list does not show it.
    listed = as_user(org.secretary_a).get(reverse("cases:list"), {"overdue": "1"})
    assert case.pk not in [row.pk for row in listed.context["cases"]]
    # The timeline says the new date, in both languages.
    reopened = CaseEvent.all_objects.filter(case=case).order_by("-pk").first()
    assert reopened.kind == CaseEvent.Kind.REOPENED
    with translation.override("en"):
        assert str(events.sentence(reopened)) == f"Reopened; now due {case.due_date}."
    with translation.override("zh-hans"):
        assert str(events.sentence(reopened)) == f"重新打开，新的截止日期为 {case.due_date}。"
    # On the case page the date stays on one line (a phone broke it at its hyphens: "2026-12-" / "14。").
    page = as_user(org.secretary_a).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert f'新的截止日期为 <span class="nowrap">{case.due_date}</span>。' in page
    # The dashboard's kept counts moved with the date.
    with committee_scope([org.a.pk]):
        assert open_cases.recount(org.a.pk) is False


def test_an_urgent_case_reopened_gets_the_urgent_count(org):
    case = _resolved_long_ago(org, priority=Case.Priority.URGENT)
    services.transition(access=Access(org.secretary_a), case=case, action=Action.REOPEN, text="又堵了")
    expected = add_workdays(timezone.localdate(), due_days(10, Case.Priority.URGENT))
    assert Case.all_objects.get(pk=case.pk).due_date == expected


def test_not_satisfied_on_the_follow_up_call_counts_the_due_date_again(org):
    case = _resolved_long_ago(org)
    services.record_follow_up(
        access=Access(org.worker_a),
        case=case,
        called_on=timezone.localdate(),
        satisfaction=Case.Satisfaction.NOT_SATISFIED,
        comment="还在漏",
    )
    case = Case.all_objects.get(pk=case.pk)
    assert case.status == Case.Status.IN_PROGRESS
    assert case.due_date == add_workdays(timezone.localdate(), 10)
    assert not case.is_overdue
    call = CaseEvent.all_objects.filter(case=case).order_by("-pk").first()
    with translation.override("en"):
        assert f"now due {case.due_date}" in str(events.sentence(call))


def test_a_later_date_set_by_hand_is_kept_when_reopened(org):
    """A lift installation given a date a year on, resolved early and reopened: its date still lies
    ahead and later than the count, and the secretary set it for a reason."""
    today = timezone.localdate()
    far = today + 300 * DAY
    case = make_case(org.worker_a, org.a, assignee=org.worker_a, due_date=far)
    services.transition(access=Access(org.worker_a), case=case, action=Action.RESOLVE, text="已装")
    services.transition(access=Access(org.secretary_a), case=case, action=Action.REOPEN, text="又坏了")
    case = Case.all_objects.get(pk=case.pk)
    assert (case.due_date, case.due_workdays) == (far, None)
    reopened = CaseEvent.all_objects.filter(case=case).order_by("-pk").first()
    with translation.override("en"):
        assert str(events.sentence(reopened)) == "Reopened."


@override_settings(TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}})
def test_a_reopened_case_is_counted_again_from_its_reopening_day_when_holidays_are_entered(org):
    case = _resolved_long_ago(org)
    services.transition(access=Access(org.secretary_a), case=case, action=Action.REOPEN, text="又堵了")
    due = Case.all_objects.get(pk=case.pk).due_date
    # Counting again on the same calendar moves nothing: the count starts on the reopening day,
    # not on the day the case was logged (which would give a date long passed).
    assert due_dates.recount([due.year]) == 0
    assert Case.all_objects.get(pk=case.pk).due_date == due
