"""The open-case counters where test_open_cases.py's shared world does not fit: the recount's folding of
past due dates (a test of no world), and staff changing cases while the recount runs or while a
duplicate is marked (threads of their own connections, which commit)."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from cases import services
from cases.models import Case
from cases.rules import Action
from committee.access import Access, acting_as
from committee.scoping import committee_scope
from reports import committee_figures, open_cases
from reports.models import OpenCount, OpenTotal
from reports.rollup import lock_current_month
from reports.tasks import recount_open_cases
from tests.factories import make_case
from tests.reports import helpers as h
from tests.reports.test_open_cases import _agrees


def _in_threads(*jobs) -> list[Exception]:
    """Run each job in a thread of its own (a connection of its own, closed after) and wait for
    all; returns what they raised."""
    errors: list[Exception] = []

    def run(job) -> None:
        try:
            job()
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_the_recount_folds_past_due_dates_into_one_row(org, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    today = timezone.localdate()
    for days in range(1, 30):
        h.case(org.a, created_by=org.secretary_a, created=today, due=today - dt.timedelta(days=days))
    with committee_scope([org.a.pk]):
        assert OpenCount.objects.filter(committee=org.a, due_date__lt=today).count() == 29
    recount_open_cases.enqueue()
    with committee_scope([org.a.pk]):
        past = OpenCount.objects.filter(committee=org.a, due_date__lt=today)
        assert list(past.values_list("due_date", "n")) == [(today - dt.timedelta(days=1), 29)]
        past = OpenTotal.objects.filter(committee=org.a, due_date__lt=today)
        assert list(past.values_list("due_date", "n")) == [(today - dt.timedelta(days=1), 29)]
        assert OpenTotal.objects.get(committee=org.a, due_date__isnull=True).n == 29
    _agrees(org)


@pytest.mark.django_db(transaction=True)
def test_changes_and_a_recount_at_the_same_time_lose_no_count(org):
    """Six staff change cases while the nightly recount runs twice: every writer of the counters
    takes the committee's lock first, so no change is counted twice or lost (PostgreSQL: SQLite
    writes one transaction at a time anyway)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks between connections: PostgreSQL")

    cases = [make_case(org.secretary_a, org.a, title=f"并发{i}", assignee=org.secretary_a) for i in range(6)]
    with acting_as(org.secretary_a):
        committee_figures.dashboard(org.a, Access(org.secretary_a))  # the current month summarised
    barrier = threading.Barrier(8)

    def change(case) -> None:
        barrier.wait()
        access = Access(org.secretary_a)
        with acting_as(org.secretary_a):
            services.assign(access=access, case=case, assignee=org.worker_a)
            services.transition(access=access, case=case, action=Action.WAIT)
            services.transition(access=access, case=case, action=Action.RESUME)
            services.transition(access=access, case=case, action=Action.RESOLVE, text="好了")

    def recount() -> None:
        barrier.wait()
        with committee_scope([org.a.pk]):
            open_cases.recount(org.a.pk)
            open_cases.recount(org.a.pk)

    changes = [lambda case=case: change(case) for case in cases]
    assert not _in_threads(*changes, recount, recount)
    with committee_scope([org.a.pk]):
        assert open_cases.recount(org.a.pk) is False  # the kept counts were right
    _agrees(org)


@pytest.mark.django_db(transaction=True)
def test_marking_a_duplicate_while_its_original_changes_does_not_deadlock(org):
    """A service on the original holds its row and then asks for the committee's lock (the kept
    counts); marking a duplicate of it must not hold the committee's lock while it waits for that
    row (PostgreSQL: "deadlock detected", one of the two staff given an error)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks between connections: PostgreSQL")

    original = make_case(org.secretary_a, org.a, title="原件", assignee=org.secretary_a)
    copy = make_case(org.secretary_a, org.a, title="重复", assignee=org.secretary_a)
    with acting_as(org.secretary_a):
        committee_figures.dashboard(org.a, Access(org.secretary_a))  # the current month summarised
    original_locked = threading.Event()

    def service_on_the_original() -> None:
        # What every service does: its case's row first, then (saving it) the committee's lock.
        with committee_scope([org.a.pk]), transaction.atomic():
            Case.all_objects.select_for_update().filter(pk=original.pk).first()
            original_locked.set()
            threading.Event().wait(1.0)  # the duplicate's transaction starts meanwhile
            lock_current_month(org.a.pk)

    def duplicate() -> None:
        original_locked.wait(5)
        with acting_as(org.secretary_a) as access:
            services.mark_duplicate(access=access, case=copy, of=original)

    assert not _in_threads(service_on_the_original, duplicate)
    with committee_scope([org.a.pk]):
        assert Case.objects.get(pk=copy.pk).duplicate_of_id == original.pk
    _agrees(org)
