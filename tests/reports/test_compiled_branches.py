"""The dashboard's branches compiled once and kept (reports/rollup_reads.py _closed_compiled and
_buildings_compiled, reports/open_cases.py _workload_compiled, reports/roster.py _roster_compiled,
reports/rollup.py _current_compiled, reports/dashboard_live.py _late_referrals_compiled and
_own_live_compiled): what their SQL and parameters depend on is all in their arguments, so a kept
compilation is the one the next request with the same arguments would make, and readers who see
different rows each get their own."""

import pytest
from django.utils import timezone, translation

from committee.access import acting_as
from committee.scoping import committee_scope, unscoped
from reports import committee_figures
from reports.dashboard_live import _late_referrals_compiled, _own_live_compiled
from reports.figures import Period
from reports.open_cases import _workload_compiled
from reports.rollup import _current_compiled
from reports.rollup_reads import _buildings_compiled, _closed_compiled
from reports.roster import _roster_compiled
from tests.reports.test_rollup import PERSONAS, _both, _old_cases_of_the_module, old_cases  # noqa: F401 (fixtures)


def _closed_arguments(org, scope, managed) -> tuple:
    period = Period(timezone.localdate())
    return (
        "default",
        scope,
        "Asia/Shanghai",
        (org.a.pk,),
        managed,
        tuple(period.months),
        period.satisfaction_from,
        period.today,
    )


def _buildings_arguments(org, scope, managed) -> tuple:
    months = tuple(Period(timezone.localdate()).months)
    return ("default", scope, "Asia/Shanghai", (org.a.pk,), managed, months, (1, 2, 3))


def _workload_arguments(org, scope, managed, user_id) -> tuple:
    return ("default", scope, "Asia/Shanghai", org.a.pk, managed, user_id, timezone.localdate())


def _late_referrals_arguments(org, scope, user_id, managing) -> tuple:
    return ("default", scope, "Asia/Shanghai", (org.a.pk,), user_id, managing, timezone.localdate())


def _own_live_arguments(org, scope, user_id) -> tuple:
    return ("default", scope, "Asia/Shanghai", org.a.pk, user_id, (), timezone.localdate())


def _roster_arguments(org, scope) -> tuple:
    return ("default", scope, "Asia/Shanghai", (org.a.pk,))


@pytest.mark.parametrize(
    "compile_branches, arguments, scoped",
    [
        (_closed_compiled, lambda org, scope: _closed_arguments(org, scope, (org.a.pk,)), False),
        (_closed_compiled, lambda org, scope: _closed_arguments(org, scope, ()), False),
        # The buildings' addresses are read without the scope (a moved building keeps its address).
        (_buildings_compiled, lambda org, scope: _buildings_arguments(org, scope, (org.a.pk,)), False),
        (_buildings_compiled, lambda org, scope: _buildings_arguments(org, scope, ()), False),
        (_workload_compiled, lambda org, scope: _workload_arguments(org, scope, True, None), True),
        (
            _workload_compiled,
            lambda org, scope: _workload_arguments(org, scope, False, org.worker_a.pk),
            True,
        ),
        (_roster_compiled, _roster_arguments, True),
        # The secretary (every case of the committee), and a worker (not their colleagues' sensitive cases).
        (
            _late_referrals_compiled,
            lambda org, scope: _late_referrals_arguments(org, scope, org.secretary_a.pk, (org.a.pk,)),
            True,
        ),
        (
            _late_referrals_compiled,
            lambda org, scope: _late_referrals_arguments(org, scope, org.worker_a.pk, ()),
            True,
        ),
        # A worker's own sensitive cases, counted live (their months, days and buildings).
        (_own_live_compiled, lambda org, scope: _own_live_arguments(org, scope, org.worker_a.pk), True),
    ],
)
def test_a_kept_compilation_depends_on_its_arguments_only(org, compile_branches, arguments, scoped):
    """Compiled afresh under another scope, time zone, language and reader than the arguments
    say, the SQL and parameters are the same: nothing but the arguments goes into them."""
    scope = frozenset({org.a.pk, org.b.pk})
    # The arguments are made once, in Shanghai: made again under UTC, "today" would be another day
    # from 16:00 to midnight UTC (an argument that differs, not a compilation that does).
    given = arguments(org, scope)
    with committee_scope({org.a.pk}), acting_as(org.secretary_a):
        here = compile_branches.__wrapped__(*given)
    with unscoped(), timezone.override("UTC"), translation.override("en"), acting_as(org.worker_b):
        elsewhere = compile_branches.__wrapped__(*given)
    assert here == elsewhere
    # A scoped model's manager writes the scope into the SQL (unless the query keeps within it
    # already: committee/scoping.py _InScope._implied): it has to be an argument (the rollup's rows
    # are not scoped themselves; the scope is in their key all the same).
    with committee_scope({org.b.pk}):
        other = compile_branches.__wrapped__(*arguments(org, frozenset({org.b.pk})))
    assert (other != here) == scoped


def test_the_rollups_current_months_compile_the_same_under_any_scope_and_time_zone(org):
    """The rollup's months are not scoped and hold dates: no scope or zone goes into their SQL."""
    months = tuple(Period(timezone.localdate()).months)
    arguments = ("default", (org.a.pk,), months, months[-1])
    with committee_scope({org.a.pk}), acting_as(org.secretary_a):
        here = _current_compiled.__wrapped__(*arguments)
    with unscoped(), timezone.override("UTC"), translation.override("en"), acting_as(org.worker_b):
        elsewhere = _current_compiled.__wrapped__(*arguments)
    assert here == elsewhere


def test_readers_in_turn_each_get_the_live_figures(org, old_cases):  # noqa: F811 (the fixture)
    """The secretary's, the worker's and the street officer's dashboards of one committee, twice in
    turn in one process (the second round from the kept compilations): each the live figures."""
    _closed_compiled.cache_clear()
    _workload_compiled.cache_clear()
    for persona in PERSONAS * 2:
        summarised, live = _both(getattr(org, persona), org.a)
        assert summarised == live, persona
    assert _closed_compiled.cache_info().hits >= len(PERSONAS)
    assert _workload_compiled.cache_info().hits >= len(PERSONAS)


def test_a_workers_own_sensitive_cases_are_compiled_once_and_each_worker_gets_their_own(org):
    """The worker's dashboard counts their own sensitive cases live: compiled once, read again, and
    another worker's (other cases) compiled for them."""
    _own_live_compiled.cache_clear()
    for _ in range(2):
        for worker in (org.worker_a, org.secretary_a):
            with acting_as(worker) as access:
                committee_figures.dashboard(org.a, access)
    info = _own_live_compiled.cache_info()
    # The secretary sees every sensitive case of the committee: nothing of theirs is counted live.
    assert (info.misses, info.hits) == (1, 1)
    with acting_as(org.viewer_a) as access:
        committee_figures.dashboard(org.a, access)
    assert _own_live_compiled.cache_info().misses == 2


def test_a_kept_compilation_is_used_again(org):
    with acting_as(org.secretary_a) as access:
        committee_figures.dashboard(org.a, access)
        kept = (
            _closed_compiled,
            _workload_compiled,
            _roster_compiled,
            _current_compiled,
            _late_referrals_compiled,
        )
        hits = [compiled.cache_info().hits for compiled in kept]
        committee_figures.dashboard(org.a, access)
    assert [compiled.cache_info().hits for compiled in kept] == [n + 1 for n in hits]
