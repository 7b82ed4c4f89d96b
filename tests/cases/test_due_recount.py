"""A year's holidays entered after due dates were counted over it: the open cases whose dates were
counted are counted again (cases/due_dates.py), through the admin as an administrator enters them.
Years 2098–2099 stand for a December and the January after it whose schedule nobody knew yet: the
calendar library knows neither, so the test does not depend on the library's release."""

import datetime
import time

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from cases import due_dates, events, services
from cases.models import Case, CaseEvent
from cases.rules import Action
from committee.access import Access
from committee.scoping import committee_scope
from holidays.models import HolidayYear
from reports import open_cases
from tests.factories import admin_form_data, make_case

D = datetime.date
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
LOGGED = timezone.make_aware(datetime.datetime(2098, 12, 29, 10))  # a Monday


def _enter_2099(client) -> str:
    """The administrator enters 2099: New Year's Day and the Friday after off, Sunday the 4th worked."""
    days = [
        ("2099-01-01", "holiday", "元旦"),
        ("2099-01-02", "holiday", "元旦"),
        ("2099-01-04", "workday", ""),
    ]
    data = {"year": "2099", "notice": "国务院办公厅关于2099年部分节假日安排的通知"}
    data |= {"days-TOTAL_FORMS": "3", "days-INITIAL_FORMS": "0", "days-MIN_NUM_FORMS": "0"}
    data["days-MAX_NUM_FORMS"] = "1000"
    for n, (day, kind, name) in enumerate(days):
        data |= {f"days-{n}-date": day, f"days-{n}-kind": kind, f"days-{n}-name": name}
    response = client.post(reverse("admin:holidays_holidayyear_add"), data, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def _fresh(case: Case) -> Case:
    return Case.all_objects.get(pk=case.pk)


@override_settings(TASKS=IMMEDIATE)
def test_entering_a_year_counts_again_the_open_cases_counted_over_it(
    org, as_user, django_capture_on_commit_callbacks
):
    counted = make_case(org.worker_a, org.a, at=LOGGED)  # ten working days
    urgent = make_case(org.worker_b, org.b, priority=Case.Priority.URGENT, at=LOGGED)  # three
    by_hand = make_case(org.worker_a, org.a, due_date=D(2099, 1, 12), at=LOGGED)
    edited = make_case(org.worker_a, org.a, at=LOGGED)
    services.edit(access=Access(org.secretary_a), case=edited, changes={"due_date": D(2099, 1, 14)})
    resolved = make_case(org.worker_a, org.a, at=LOGGED, assignee=org.worker_a)
    services.transition(access=Access(org.worker_a), case=resolved, action=Action.RESOLVE, text="修好了")
    # Monday to Friday, 2099 unknown: Dec 30, 31, Jan 1, 2, 5, 6, 7, 8, 9, 12.
    assert counted.due_date == D(2099, 1, 12) and urgent.due_date == D(2099, 1, 1)
    versions = {case.pk: _fresh(case).version for case in (counted, by_hand, edited, resolved)}

    with django_capture_on_commit_callbacks(execute=True):
        page = _enter_2099(as_user(org.superuser))
    assert "将按这些日期重新计算" in page  # the administrator is told what happens next

    # Dec 30, 31, Jan 4 (worked), 5, 6, 7, 8, 9, 12, 13; the urgent case: Dec 30, 31, Jan 4.
    assert _fresh(counted).due_date == D(2099, 1, 13)
    assert _fresh(urgent).due_date == D(2099, 1, 4)  # another committee's too: the year is everyone's
    assert _fresh(counted).version == versions[counted.pk] + 1  # an edit form opened before is refused
    kept = {by_hand: D(2099, 1, 12), edited: D(2099, 1, 14), resolved: D(2099, 1, 12)}
    for case, due in kept.items():  # a date set by hand, and a closed case's, stay
        assert (_fresh(case).due_date, _fresh(case).version) == (due, versions[case.pk])

    note = CaseEvent.all_objects.filter(case=counted).order_by("-pk").first()
    assert note.kind == CaseEvent.Kind.DUE_RECOUNTED and note.actor_id is None
    with translation.override("en"):
        assert str(events.sentence(note)) == (
            "Due date counted again on the holidays of 2099: 2099-01-12 → 2099-01-13."
        )
    with translation.override("zh-hans"):
        assert str(events.sentence(note)) == "按 2099 年节假日安排重新计算截止日期：2099-01-12 → 2099-01-13。"
    detail = as_user(org.worker_a).get(reverse("cases:detail", args=[counted.pk])).content.decode()
    assert "2099-01-12 → 2099-01-13" in detail  # on the timeline the worker reads

    for committee in (org.a, org.b):  # the dashboard's kept open and overdue counts moved with the dates
        with committee_scope([committee.pk]):
            assert open_cases.recount(committee.pk) is False
    assert due_dates.recount([2099]) == 0  # a second run (a retried task) moves nothing


@override_settings(TASKS=IMMEDIATE)
def test_removing_a_year_counts_its_dates_again_monday_to_friday(
    org, as_user, django_capture_on_commit_callbacks
):
    client = as_user(org.superuser)
    with django_capture_on_commit_callbacks(execute=True):
        _enter_2099(client)
    case = make_case(org.worker_a, org.a, at=LOGGED)
    assert case.due_date == D(2099, 1, 13)
    year = HolidayYear.objects.get(year=2099)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:holidays_holidayyear_delete", args=[year.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert _fresh(case).due_date == D(2099, 1, 12)


def test_a_due_date_edited_by_hand_is_no_longer_counted(org):
    case = make_case(org.worker_a, org.a)
    assert case.due_workdays == 10  # drainage: ten working days
    services.edit(access=Access(org.secretary_a), case=case, changes={"due_date": case.due_date})
    assert _fresh(case).due_workdays == 10  # the same date: nothing was edited
    services.edit(
        access=Access(org.secretary_a), case=case, changes={"due_date": case.due_date + datetime.timedelta(1)}
    )
    assert _fresh(case).due_workdays is None
    given = make_case(org.worker_a, org.a, due_date=timezone.localdate() + datetime.timedelta(30))
    assert given.due_workdays is None


def test_a_case_logged_elsewhere_in_the_minute_after_the_year_is_entered_is_counted_again(
    org, as_user, django_capture_on_commit_callbacks
):
    """Another web process keeps the days it read for up to a minute (holidays.calendar): a case it
    logs just after the year is entered, and after the worker's first recount, is counted on the old
    days. A second recount, queued to run once every process has read the year, counts it again."""
    from django_tasks_db.models import DBTaskResult

    from holidays import calendar

    stale = calendar.load_entered_years()  # what the other process read before the year was entered
    with django_capture_on_commit_callbacks(execute=True):
        _enter_2099(as_user(org.superuser))
    queued = list(DBTaskResult.objects.filter(task_path="cases.tasks.recount_due_dates"))
    now = timezone.now()
    for result in queued:  # the worker runs at once what is due now
        if result.task.run_after is None:
            due_dates.recount(result.args_kwargs["args"][0])
    calendar._table = (time.monotonic(), stale)  # the other process, on its table of a moment ago
    late = make_case(org.worker_a, org.a, at=LOGGED)
    assert late.due_date == D(2099, 1, 12)  # Monday to Friday: 2099 unknown there yet
    later = [result for result in queued if result.task.run_after is not None]
    assert later, "no recount after the other processes have read the year"
    for result in later:
        assert result.run_after >= now + datetime.timedelta(seconds=calendar.TTL_SECONDS)
        due_dates.recount(result.args_kwargs["args"][0])
    assert _fresh(late).due_date == D(2099, 1, 13)


def test_the_migration_notes_the_open_cases_whose_date_is_the_count(org):
    """cases/migrations/0016's backfill, run on the models as they were at that migration: an open
    case not yet due whose date is the count gets its working days; a date set or edited by hand, a
    closed case and an overdue one stay without."""
    import importlib

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    counted = make_case(org.worker_a, org.a, at=LOGGED)
    urgent = make_case(org.worker_b, org.b, priority=Case.Priority.URGENT, at=LOGGED)
    by_hand = make_case(org.worker_a, org.a, due_date=D(2099, 1, 12), at=LOGGED)  # the count's date
    edited = make_case(org.worker_a, org.a, at=LOGGED)
    services.edit(access=Access(org.secretary_a), case=edited, changes={"due_date": D(2099, 1, 14)})
    resolved = make_case(org.worker_a, org.a, at=LOGGED, assignee=org.worker_a)
    services.transition(access=Access(org.worker_a), case=resolved, action=Action.RESOLVE, text="修好了")
    overdue = make_case(org.worker_a, org.a, at=timezone.now() - datetime.timedelta(days=60))
    Case.all_objects.update(due_workdays=None)  # as before the migration

    state = MigrationExecutor(connection).loader.project_state(("cases", "0016_due_workdays"))
    migration = importlib.import_module("cases.migrations.0016_due_workdays")
    migration.note_counted_due_dates(state.apps, connection.schema_editor())

    noted = dict(Case.all_objects.values_list("pk", "due_workdays"))
    assert noted[counted.pk] == 10 and noted[urgent.pk] == 3
    assert noted[edited.pk] is None and noted[resolved.pk] is None and noted[overdue.pk] is None
    assert noted[by_hand.pk] == 10  # nothing tells it from a count: counted again like one, harmlessly


@override_settings(TASKS=IMMEDIATE)
def test_a_due_date_corrected_in_the_case_admin_stays_when_the_year_is_entered(
    org, as_user, django_capture_on_commit_callbacks
):
    """An administrator corrects a case's due date in the admin: it is set by hand, as an edit in
    the app is, and the recount of a year entered later leaves it as corrected."""
    case = make_case(org.worker_a, org.a, at=LOGGED)
    client = as_user(org.superuser)
    url = reverse("admin:cases_case_change", args=[case.pk])
    data = admin_form_data(client.get(url).text)
    data["due_date"] = ["2099-01-20"]
    response = client.post(url, data)
    assert response.status_code == 302, response.text[:500]
    assert _fresh(case).due_date == D(2099, 1, 20)
    with django_capture_on_commit_callbacks(execute=True):
        _enter_2099(client)
    assert _fresh(case).due_date == D(2099, 1, 20)
