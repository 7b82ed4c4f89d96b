"""The open-case counters and the rollup's current month, kept by every write of a case: after each
service the dashboard read from them equals the dashboard counted live, for every reader; the
nightly recount repairs a counter that drifted. The recount's folding of past due dates and the
changes made at the same time (threads that commit) are in test_open_cases_threads.py: this module's
tests share one world (rows_of_the_module)."""

import datetime as dt

import pytest
from django.db.models import Count, F, Sum
from django.urls import reverse
from django.utils import timezone

from cases import selectors, services
from cases.models import Case
from cases.rules import Action
from committee.access import acting_as
from committee.roles import Perm
from committee.scoping import ScopeError, committee_scope
from reports import committee_figures, open_cases, overviews
from reports.models import OpenCount, OpenTotal, RollupMonth
from reports.rollup import ensure
from reports.tasks import recount_open_cases
from tests.conftest import copy_of_the_module, rows_of_the_module
from tests.reports import helpers as h
from tests.reports.test_dashboard_figures import QUERIES_DASHBOARD
from tests.reports.test_rollup import HEADLINE, _both

S = Case.Status
PERSONAS = ("secretary_a", "worker_a", "officer")


def _headline(figures_of) -> dict:
    return {name: getattr(figures_of, name) for name in HEADLINE}


def _agrees(org) -> None:
    """The kept figures are the live ones, for every reader, and the counters are a plain count."""
    for persona in PERSONAS:
        kept, live = _both(getattr(org, persona), org.a)
        assert kept == live, persona
        with acting_as(getattr(org, persona)) as access:  # the street's overview: every figure
            overview = overviews.street_overview([org.a, org.b], access)
            plain = overviews.street_overview([org.a, org.b], access, rollup=False)
        for kept_row, live_row in zip(overview["rows"], plain["rows"], strict=True):
            assert _headline(kept_row["figures"]) == _headline(live_row["figures"]), persona
        assert _headline(overview["total"]) == _headline(plain["total"]), persona
    for persona in ("secretary_a", "worker_a", "viewer_a"):  # the home page's counts, kept and live
        with acting_as(getattr(org, persona)) as access:
            working = access.committees_where(Perm.LOG_CASE)
            live = {
                "my_count": selectors.my_queue(access).count(),
                "unassigned_count": selectors.unassigned(access, working).count(),
            }
            assert open_cases.queue_counts(access, working) == live, persona
    with committee_scope([org.a.pk]):
        counted = {
            (r["assignee_id"], r["status"]): r["n"]
            for r in Case.objects.filter(committee=org.a, status__in=Case.OPEN_STATUSES)
            .values("assignee_id", "status")
            .annotate(n=Count("pk"))
        }
        kept = {
            (r["assignee_id"], r["status"]): r["n"]
            for r in OpenCount.objects.filter(committee=org.a, month__isnull=True)
            .values("assignee_id", "status")
            .annotate(n=Sum("n"))
            if r["n"]
        }
    assert kept == counted
    assert _totals_kept(org.a) == _totals_counted(org.a)


def _folded(rows) -> dict:
    """(sensitive, due date or None, n) rows added up, past due dates on yesterday (as the recount
    writes them), 0 left out."""
    today = timezone.localdate()
    added: dict = {}
    for sensitive, due, n in rows:
        key = (sensitive, today - dt.timedelta(days=1) if due is not None and due < today else due)
        added[key] = added.get(key, 0) + n
    return {key: n for key, n in added.items() if n}


def _totals_counted(committee) -> dict:
    """(sensitive, due date or None for all) → the committee's open cases, counted from the cases."""
    with committee_scope([committee.pk]):
        rows = list(
            Case.objects.filter(committee=committee, status__in=Case.OPEN_STATUSES)
            .values_list("sensitive", "due_date")
            .annotate(n=Count("pk"))
        )
    return _folded(rows + [(sensitive, None, n) for sensitive, _, n in rows])


def _totals_kept(committee) -> dict:
    """The same from OpenTotal."""
    with committee_scope([committee.pk]):
        rows = OpenTotal.objects.filter(committee=committee).values_list("sensitive", "due_date", "n")
        return _folded(rows)


def _make_world(org) -> dict:
    """A few cases of this month and of closed months, and every month summarised once."""
    today = timezone.localdate()
    first = today.replace(day=1)
    place = h.building(org.a, "12")
    old = h.case(
        org.a,
        created_by=org.secretary_a,
        created=first - dt.timedelta(days=40),
        status=S.RESOLVED,
        resolved=first - dt.timedelta(days=35),
        assignee=org.worker_a,
        where=place,
        satisfaction="satisfied",
    )
    h.case(org.a, created_by=org.worker_a, created=first, assignee=org.worker_a, sensitive=True, where=place)
    _agrees(org)  # summarises every month, the current one too
    return {"old": old, "place": place, "today": today}


@pytest.fixture(scope="module")
def _world_of_the_module(request, _org_of_the_module, django_db_blocker):
    """_make_world's rows, written once for the module (the tests that commit, or ask for no world, are
    in test_open_cases_threads.py)."""
    yield from rows_of_the_module(request, _org_of_the_module, django_db_blocker, "world", _make_world)


@pytest.fixture
def world(_world_of_the_module, org):
    """_make_world's rows and objects, a copy for each test (tests/conftest.py, rows_of_the_module)."""
    return copy_of_the_module(_world_of_the_module, _make_world, org)


def test_the_counters_follow_every_service(org, world):
    today, place = world["today"], world["place"]
    drains, noise = h.category("t-drains", "排水", "Drainage", 1), h.category("t-noise", "噪音", "Noise", 2)
    with acting_as(org.secretary_a) as sec:
        case, _ = services.create_case(
            access=sec,
            committee=org.a,
            title="楼道积水",
            category=drains,
            building=place,
            assignee=org.worker_a,
            # Overdue from the start: logged the day it was due (a due date is not before its case was
            # logged), three days ago.
            due_date=today - dt.timedelta(days=3),
            at=timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=3), dt.time(9))),
        )
    _agrees(org)
    with acting_as(org.worker_a) as worker:
        mine, _ = services.create_case(
            access=worker, committee=org.a, title="邻里纠纷", category=noise, sensitive=True
        )
        loose, _ = services.create_case(access=worker, committee=org.a, title="路灯不亮", category=noise)
    _agrees(org)
    with acting_as(org.worker_a) as worker:
        services.take(access=worker, case=loose)
    _agrees(org)
    steps = [
        lambda a: services.assign(access=a, case=loose, assignee=org.secretary_a),
        lambda a: services.assign(access=a, case=mine, assignee=org.worker_a),  # new → in progress
        lambda a: services.assign(access=a, case=mine, assignee=None),
        lambda a: services.transition(access=a, case=case, action=Action.WAIT),
        lambda a: services.transition(access=a, case=case, action=Action.RESUME),
        lambda a: services.edit(access=a, case=case, changes={"due_date": today + dt.timedelta(days=4)}),
        lambda a: services.edit(access=a, case=loose, changes={"sensitive": True, "category": drains}),
        lambda a: services.transition(access=a, case=case, action=Action.RESOLVE, text="疏通了"),
        lambda a: services.record_follow_up(access=a, case=case, satisfaction="mostly"),
        lambda a: services.close(access=a, case=case),
        lambda a: services.transition(access=a, case=case, action=Action.REOPEN, text="又堵了"),
        lambda a: services.transition(access=a, case=case, action=Action.RESOLVE, text="换了管子"),
        lambda a: services.record_follow_up(access=a, case=case, satisfaction="not_satisfied"),  # reopens
        lambda a: services.transition(access=a, case=loose, action=Action.WITHDRAW, text="已自行修好"),
        lambda a: services.mark_duplicate(access=a, case=mine, of=case),
        # A case of a closed month reopened: open again, its months summarised again.
        lambda a: services.transition(access=a, case=world["old"], action=Action.REOPEN, text="又漏了"),
    ]
    for step in steps:
        with acting_as(org.secretary_a) as sec:
            step(sec)
        _agrees(org)
    # A case logged through the service with an earlier date (the demo writes its year so).
    with acting_as(org.secretary_a) as sec:
        services.create_case(
            access=sec,
            committee=org.a,
            title="垃圾箱房异味",
            category=noise,
            building=place,
            at=h.at(today.replace(day=1) - dt.timedelta(days=70)),
        )
    _agrees(org)
    # And a case deleted (the admin).
    with committee_scope([org.a.pk]):
        Case.objects.get(pk=loose.pk).delete()
    _agrees(org)


def test_a_change_of_this_month_is_added_to_the_rollup_not_summarised_again(
    org, world, as_user, django_assert_num_queries
):
    client = as_user(org.secretary_a)
    client.get(reverse("dashboard"))
    with acting_as(org.secretary_a) as sec:
        case, _ = services.create_case(access=sec, committee=org.a, title="楼道积水", category=h.category())
        services.transition(access=sec, case=case, action=Action.RESOLVE, text="疏通了")
    with django_assert_num_queries(QUERIES_DASHBOARD):  # no summary: the month's rows were kept
        response = client.get(reverse("dashboard"))
    assert response.context["headline"].new_this_month == 2  # with the sensitive one of the world
    assert response.context["headline"].resolved_this_month == 1


def test_the_nightly_recount_repairs_a_drifted_counter(org, world, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    assert recount_open_cases.enqueue().return_value == 0  # kept right by the services
    # A change written around Case.save (an UPDATE by hand): the counters no longer agree.
    with committee_scope([org.a.pk]):
        Case.objects.filter(pk=world["old"].pk).update(status=S.IN_PROGRESS, resolved_at=None)
    with acting_as(org.secretary_a) as access:
        kept = committee_figures.dashboard(org.a, access)
        live = committee_figures.dashboard(org.a, access, rollup=False)
    assert kept["headline"].open == live["headline"].open - 1
    assert recount_open_cases.enqueue().return_value == 1  # committee A's counters were wrong
    with acting_as(org.secretary_a) as access:
        assert committee_figures.dashboard(org.a, access)["workload"] == live["workload"]
    assert recount_open_cases.enqueue().return_value == 0


def test_the_nightly_recount_repairs_a_drifted_total(org, world, settings):
    """The overviews read open and overdue from OpenTotal: a total that drifted (a row written by
    hand) shows in the street's overview until the night's recount writes it anew."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    recount_open_cases.enqueue()
    with committee_scope([org.a.pk]):
        assert OpenTotal.objects.filter(committee=org.a, due_date__isnull=True).update(n=F("n") + 5) == 1
    with acting_as(org.secretary_a) as access:
        drifted = overviews.street_overview([org.a], access)["rows"][0]["figures"].open
        counted = overviews.street_overview([org.a], access, rollup=False)["rows"][0]["figures"].open
    assert drifted == counted + 5
    assert recount_open_cases.enqueue().return_value == 1
    assert _totals_kept(org.a) == _totals_counted(org.a)
    _agrees(org)
    assert recount_open_cases.enqueue().return_value == 0


def test_a_recount_that_finds_the_rows_as_counted_writes_nothing(org, world, settings):
    """The nightly recount rewrites a committee's counters only when they are not exactly the rows it
    counts: rewritten every night, a district's counter rows were dead rows the overviews read."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    h.case(org.a, created_by=org.secretary_a, created=timezone.localdate(), due=timezone.localdate())
    recount_open_cases.enqueue()  # folded and tidied once
    with committee_scope([org.a.pk, org.b.pk]):
        before = set(OpenCount.objects.values_list("pk", flat=True))
    assert before and recount_open_cases.enqueue().return_value == 0
    with committee_scope([org.a.pk, org.b.pk]):
        assert set(OpenCount.objects.values_list("pk", flat=True)) == before
        # A row that is right in sum but not as counted (split in two) is written anew.
        row = OpenCount.objects.filter(committee=org.a, month__isnull=True).first()
        OpenCount.objects.create(
            committee=org.a,
            assignee_id=row.assignee_id,
            status=row.status,
            sensitive=row.sensitive,
            created_by_id=row.created_by_id,
            due_date=row.due_date,
            n=0,
        )
    assert recount_open_cases.enqueue().return_value == 0  # the counts were right
    with committee_scope([org.a.pk, org.b.pk]):
        after = set(OpenCount.objects.filter(committee=org.a).values_list("pk", flat=True))
        assert not after & before
        assert set(OpenCount.objects.filter(committee=org.b).values_list("pk", flat=True)) <= before
    _agrees(org)


def test_the_counters_are_committee_data_under_the_loud_scope(org, world):
    for model in (OpenCount, OpenTotal):
        with pytest.raises(ScopeError, match=model.__name__):
            model.objects.count()
        with committee_scope([org.b.pk]):
            assert not model.objects.filter(committee=org.a).exists()
        with committee_scope([org.a.pk]):
            assert model.objects.filter(committee=org.a).exists()


def test_a_recount_leaves_the_current_month_summarised(org, world, settings):
    """The recount takes the committee's lock (its current month's row) without making the month stale
    in the sense the dashboard reads: the current month is read while summarised at all."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    month = timezone.localdate().replace(day=1)
    recount_open_cases.enqueue()
    row = RollupMonth.objects.get(committee=org.a, month=month)
    assert row.computed_at is not None and row.changed > row.summarised

    assert ensure([org.a.pk], [month]) == 0
    assert RollupMonth.objects.filter(committee=org.a, month=month, summarised__lt=F("changed")).exists()


def test_a_whole_save_of_a_case_read_before_a_service_changed_it_keeps_the_counts(org, world):
    """The admin's form saves a case whole, as it read it: when a service changed the case in the
    meantime, the counts follow the row as the save leaves it, not what the form had read."""
    drains = h.category("t-drains", "排水", "Drainage", 1)
    with acting_as(org.secretary_a) as sec:
        case, _ = services.create_case(
            access=sec, committee=org.a, title="井盖松动", category=drains, assignee=org.worker_a
        )
        read_by_the_admin = Case.objects.get(pk=case.pk)  # assigned to worker_a, in progress
        services.assign(access=sec, case=case, assignee=org.secretary_a)
        services.transition(access=sec, case=case, action=Action.WAIT)
        read_by_the_admin.title = "井盖松动（已核实）"
        read_by_the_admin.save()  # writes back worker_a and "in progress" over the service's change
    with committee_scope([org.a.pk]):
        row = Case.objects.get(pk=case.pk)
    assert (row.assignee_id, row.status) == (org.worker_a.pk, S.IN_PROGRESS)
    _agrees(org)
    with committee_scope([org.a.pk]):
        assert open_cases.recount(org.a.pk) is False  # nothing for the night to repair
