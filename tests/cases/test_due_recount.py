"""A year's holidays entered after due dates were counted over it: the open cases whose dates were
counted are counted again (cases/due_dates.py), through the admin as an administrator enters them.
The year entered is next year (the latest the admin takes: HolidayYear.check_year), its cases logged
on the last day of this year; its schedule is the test's own — every weekday of 1–9 January off and
the first Saturday after worked, which no State Council notice has ever given (the Spring Festival
falls after 20 January) — so that the dates move whether or not the calendar library knows the
year: the test does not depend on the library's release."""

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
from common.workdays import add_workdays
from holidays.models import HolidayYear
from reports import open_cases
from tests.factories import admin_form_data, logged_on, make_case

D = datetime.date
DAY = datetime.timedelta(days=1)
YEAR = timezone.localdate().year + 1  # the year entered
LOGGED_ON = D(YEAR - 1, 12, 31)
LOGGED = logged_on(LOGGED_ON, 10)
JANUARY = [D(YEAR, 1, n) for n in range(1, 32)]
HOLIDAYS = [day for day in JANUARY[:9] if day.weekday() < 5]
WORKDAY = next(day for day in JANUARY[9:] if day.weekday() == 5)


def _entered_count(days: int) -> D:
    """The `days`-th working day after LOGGED_ON on the schedule the test enters (all in YEAR)."""
    day, remaining = LOGGED_ON, days
    while remaining:
        day += DAY
        remaining -= day == WORKDAY or (day.weekday() < 5 and day not in HOLIDAYS)
    return day


IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


class Dates:
    """Ten working days (drainage) and three (urgent) after LOGGED_ON: `before`, on what the calendar
    knows of YEAR before it is entered (the library's days, or Monday to Friday), `after` on the
    test's schedule. Read in a test (the calendar reads the entered years from the database)."""

    def __init__(self) -> None:
        self.before, self.urgent_before = add_workdays(LOGGED_ON, 10), add_workdays(LOGGED_ON, 3)
        self.after, self.urgent_after = _entered_count(10), _entered_count(3)


def _enter_year(client) -> str:
    """The administrator enters YEAR: the weekdays of 1–9 January off, the Saturday after worked."""
    days = [(day, "holiday", "元旦") for day in HOLIDAYS] + [(WORKDAY, "workday", "")]
    data = {"year": str(YEAR), "notice": f"国务院办公厅关于{YEAR}年部分节假日安排的通知"}
    data |= {"days-TOTAL_FORMS": str(len(days)), "days-INITIAL_FORMS": "0", "days-MIN_NUM_FORMS": "0"}
    data["days-MAX_NUM_FORMS"] = "1000"
    for n, (day, kind, name) in enumerate(days):
        data |= {f"days-{n}-date": day.isoformat(), f"days-{n}-kind": kind, f"days-{n}-name": name}
    response = client.post(reverse("admin:holidays_holidayyear_add"), data, follow=True)
    assert response.status_code == 200
    assert HolidayYear.objects.filter(year=YEAR).exists(), response.content.decode()[:2000]
    return response.content.decode()


def test_the_schedule_entered_moves_the_counted_dates_whatever_the_library_knows(db):
    dates = Dates()
    assert dates.after > dates.before and dates.urgent_after > dates.urgent_before
    assert dates.urgent_before.year == YEAR  # both counts run into the year entered


def _fresh(case: Case) -> Case:
    return Case.all_objects.get(pk=case.pk)


@override_settings(TASKS=IMMEDIATE)
def test_entering_a_year_counts_again_the_open_cases_counted_over_it(
    org, as_user, django_capture_on_commit_callbacks
):
    dates = Dates()
    counted = make_case(org.worker_a, org.a, at=LOGGED)  # ten working days
    urgent = make_case(org.worker_b, org.b, priority=Case.Priority.URGENT, at=LOGGED)  # three
    by_hand = make_case(org.worker_a, org.a, due_date=dates.before, at=LOGGED)
    edited = make_case(org.worker_a, org.a, at=LOGGED)
    services.edit(access=Access(org.secretary_a), case=edited, changes={"due_date": dates.before + 2 * DAY})
    resolved = make_case(org.worker_a, org.a, at=LOGGED, assignee=org.worker_a)
    services.transition(access=Access(org.worker_a), case=resolved, action=Action.RESOLVE, text="修好了")
    assert (counted.due_date, urgent.due_date) == (dates.before, dates.urgent_before)
    versions = {case.pk: _fresh(case).version for case in (counted, by_hand, edited, resolved)}

    with django_capture_on_commit_callbacks(execute=True):
        page = _enter_year(as_user(org.superuser))
    assert "将按这些日期重新计算" in page  # the administrator is told what happens next

    assert _fresh(counted).due_date == dates.after
    assert _fresh(urgent).due_date == dates.urgent_after  # another committee's too: the year is everyone's
    assert _fresh(counted).version == versions[counted.pk] + 1  # an edit form opened before is refused
    kept = {by_hand: dates.before, edited: dates.before + 2 * DAY, resolved: dates.before}
    for case, due in kept.items():  # a date set by hand, and a closed case's, stay
        assert (_fresh(case).due_date, _fresh(case).version) == (due, versions[case.pk])

    note = CaseEvent.all_objects.filter(case=counted).order_by("-pk").first()
    assert note.kind == CaseEvent.Kind.DUE_RECOUNTED and note.actor_id is None
    moved = f"{dates.before} → {dates.after}"
    with translation.override("en"):
        assert str(events.sentence(note)) == f"Due date counted again on the holidays of {YEAR}: {moved}."
    with translation.override("zh-hans"):
        assert str(events.sentence(note)) == f"按 {YEAR} 年节假日安排重新计算截止日期：{moved}。"
    detail = as_user(org.worker_a).get(reverse("cases:detail", args=[counted.pk])).content.decode()
    # On the timeline the worker reads, each date kept on one line.
    assert f'<span class="nowrap">{dates.before}</span> → <span class="nowrap">{dates.after}</span>' in detail

    for committee in (org.a, org.b):  # the dashboard's kept open and overdue counts moved with the dates
        with committee_scope([committee.pk]):
            assert open_cases.recount(committee.pk) is False
    assert due_dates.recount([YEAR]) == 0  # a second run (a retried task) moves nothing


@override_settings(TASKS=IMMEDIATE)
def test_removing_a_year_counts_its_dates_again_monday_to_friday(
    org, as_user, django_capture_on_commit_callbacks
):
    dates = Dates()
    client = as_user(org.superuser)
    with django_capture_on_commit_callbacks(execute=True):
        _enter_year(client)
    case = make_case(org.worker_a, org.a, at=LOGGED)
    assert case.due_date == dates.after
    year = HolidayYear.objects.get(year=YEAR)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:holidays_holidayyear_delete", args=[year.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert _fresh(case).due_date == dates.before


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

    dates = Dates()
    stale = calendar.load_entered_years()  # what the other process read before the year was entered
    with django_capture_on_commit_callbacks(execute=True):
        _enter_year(as_user(org.superuser))
    queued = list(DBTaskResult.objects.filter(task_path="cases.tasks.recount_due_dates"))
    now = timezone.now()
    for result in queued:  # the worker runs at once what is due now
        if result.task.run_after is None:
            due_dates.recount(result.args_kwargs["args"][0])
    calendar._table = (time.monotonic(), stale)  # the other process, on its table of a moment ago
    late = make_case(org.worker_a, org.a, at=LOGGED)
    assert late.due_date == dates.before  # the year not entered there yet
    later = [result for result in queued if result.task.run_after is not None]
    assert later, "no recount after the other processes have read the year"
    for result in later:
        assert result.run_after >= now + datetime.timedelta(seconds=calendar.TTL_SECONDS)
        due_dates.recount(result.args_kwargs["args"][0])
    assert _fresh(late).due_date == dates.after


def test_the_migration_notes_the_open_cases_whose_date_is_the_count(org):
    """cases/migrations/0016's backfill, run on the models as they were at that migration: an open
    case not yet due whose date is the count gets its working days; a date set or edited by hand, a
    closed case and an overdue one stay without."""
    import importlib

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    dates = Dates()
    counted = make_case(org.worker_a, org.a, at=LOGGED)
    urgent = make_case(org.worker_b, org.b, priority=Case.Priority.URGENT, at=LOGGED)
    by_hand = make_case(org.worker_a, org.a, due_date=dates.before, at=LOGGED)  # the count's date
    edited = make_case(org.worker_a, org.a, at=LOGGED)
    services.edit(access=Access(org.secretary_a), case=edited, changes={"due_date": dates.before + 2 * DAY})
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
    corrected = _entered_count(20)
    data["due_date"] = [corrected.isoformat()]
    response = client.post(url, data)
    assert response.status_code == 302, response.text[:500]
    assert _fresh(case).due_date == corrected
    with django_capture_on_commit_callbacks(execute=True):
        _enter_year(client)
    assert _fresh(case).due_date == corrected
