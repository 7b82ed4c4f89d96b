"""The street and district overviews read this month's and the 90 days' figures from the rollup's
overview rows (CREATED_TOTAL, RESOLVED_DAYS, RESOLVED_FROM: reports/rollup.py overview_rows): they
give the live count's figures for every reader, at the 90 days' first day too, with sensitive cases
(the reader's own, others'); the rows kept by the changes of this month equal a fresh summary's; the
rows derived from the ones already summarised (the migration's way) equal the summary's."""

import datetime as dt

import pytest
from django.utils import timezone

from cases import services
from cases.models import Case
from cases.rules import Action
from committee.access import acting_as
from committee.models import Committee
from reports import figures, overviews
from reports.figures import Period
from reports.models import CaseRollup, RollupMonth
from reports.overview_union import _overview_branches, compile_overview
from reports.rollup import ensure, first_of, months_between, overview_rows, summarise
from tests.conftest import copy_of_the_module, rows_of_the_module
from tests.factories import make_district, make_user
from tests.reports import helpers as h
from tests.reports.test_rollup import HEADLINE

S = Case.Status
NEW = (CaseRollup.Figure.CREATED_TOTAL, CaseRollup.Figure.RESOLVED_DAYS, CaseRollup.Figure.RESOLVED_FROM)
READERS = ("secretary_a", "worker_a", "viewer_a", "worker_b", "officer", "district_officer", "superuser")


def _make_edges(org) -> dict:
    """Cases resolved on the days around the 90 days' first day, in the months between and this
    month, with follow-up calls, some sensitive: the secretary's, worker A's own (assignee or
    author), worker B's (of committee B). Returns what the fixture adds to `org`."""
    org.street.district = make_district("杨浦区")
    org.street.save()
    added = {"district_officer": make_user("district_officer", district=org.street.district)}
    today = timezone.localdate()
    first = Period(today).satisfaction_from
    sec, worker = org.secretary_a, org.worker_a
    days = [first - dt.timedelta(days=1), first, first + dt.timedelta(days=1), first + dt.timedelta(days=40)]
    days += [today.replace(day=1), today]
    answers = ["satisfied", "", "mostly", "not_satisfied"]
    i = 0
    for committee, staff in ((org.a, (sec, worker)), (org.b, (org.worker_b, org.worker_b))):
        for day in days:
            for sensitive in (False, True):
                i += 1
                h.case(
                    committee,
                    created_by=staff[i % 2],
                    created=day - dt.timedelta(days=i % 7),
                    status=S.RESOLVED,
                    resolved=day,
                    assignee=staff[(i // 2) % 2],
                    satisfaction=answers[i % 4],
                    sensitive=sensitive,
                )
        # Logged this month, open: new this month, some sensitive.
        h.case(committee, created_by=staff[0], created=today.replace(day=1), sensitive=True)
        h.case(committee, created_by=staff[1], created=today, assignee=staff[0])
    return added


@pytest.fixture(scope="module")
def _edges_of_the_module(request, _org_of_the_module, django_db_blocker):
    """_make_edges's rows, written once for the module."""
    yield from rows_of_the_module(request, _org_of_the_module, django_db_blocker, "edges", _make_edges)


@pytest.fixture
def edges(_edges_of_the_module, org):
    """The org, its street in 杨浦区, with _make_edges's district officer as an attribute (a copy for
    each test: tests/conftest.py, rows_of_the_module)."""
    for name, value in copy_of_the_module(_edges_of_the_module, _make_edges, org).items():
        setattr(org, name, value)
    return org


def _headline(f) -> dict:
    return {name: getattr(f, name) for name in HEADLINE}


def _agree(org, committees) -> None:
    for reader in READERS:
        with acting_as(getattr(org, reader)) as access:
            # The committees the reader may open (the overviews show no others).
            theirs = [c for c in committees if access.committees().filter(pk=c.pk).exists()]
            assert theirs, reader
            kept = overviews.street_overview(theirs, access)
            live = overviews.street_overview(theirs, access, rollup=False)
        for kept_row, live_row in zip(kept["rows"], live["rows"], strict=True):
            assert _headline(kept_row["figures"]) == _headline(live_row["figures"]), reader
        assert _headline(kept["total"]) == _headline(live["total"]), reader


def test_the_overview_rows_give_the_live_figures_for_every_reader(edges):
    org = edges
    _agree(org, [org.a, org.b])
    with acting_as(org.district_officer) as access:
        row = overviews.street_overview([org.a], access)["rows"][0]["figures"]
    assert row.recently_resolved > 0 and row.called > 0 and row.median_days is not None


def test_the_street_rows_counted_by_street_equal_their_committees_added_up(edges):
    """The district overview's street rows: the UNION ALL grouped by street (overviews.street_headlines)
    gives each street what its committees' figures add up to, and what the live count gives, for
    every reader (sensitive cases, their own, the 90 days' first day), over two streets."""
    org = edges
    today = timezone.localdate()
    for day in (today.replace(day=1), today):  # the other street: committee C's cases too
        h.case(org.c, created_by=org.superuser, created=day, status=S.RESOLVED, resolved=today)
        h.case(org.c, created_by=org.superuser, created=day, due=today - dt.timedelta(days=2))
    period = Period(today)
    for reader in READERS:
        with acting_as(getattr(org, reader)) as access:
            street_of = {
                c.pk: c.street_id for c in access.committees().filter(pk__in=[org.a.pk, org.b.pk, org.c.pk])
            }
            ids = list(street_of)
            cases = overviews.cases_of(ids, access)
            by_street = overviews.street_headlines(cases, street_of, period, access)
            live = overviews.street_headlines(cases, street_of, period, access, rollup=False)
            per_committee = overviews.headlines(cases, ids, period, access, roster_residents=False)
        assert set(by_street) == set(street_of.values()), reader
        for sid, headline in by_street.items():
            added = figures.total_of(per_committee[cid] for cid, s in street_of.items() if s == sid)
            assert _headline(headline) == _headline(added) == _headline(live[sid]), (reader, sid)
    assert by_street[org.other_street.pk].open == 2 and by_street[org.street.pk].median_days is not None


def _kept_rows(committee: Committee, month: dt.date) -> set[tuple]:
    """The overview rows a change of this month keeps (the 1st's RESOLVED_FROM), summed, nonzero."""
    rows = CaseRollup.objects.filter(committee=committee, month=month, figure__in=NEW).exclude(
        figure=CaseRollup.Figure.RESOLVED_FROM, day__gt=month
    )
    got = {}
    for r in rows.values_list("figure", "sensitive", "day", "days", "n", "called", "satisfied"):
        got[r[:4]] = tuple(a + b for a, b in zip(got.get(r[:4], (0, 0, 0)), r[4:], strict=True))
    return {(*key, *value) for key, value in got.items() if any(value)}


def test_the_rows_kept_by_this_months_changes_equal_a_fresh_summary(edges):
    org = edges
    month = first_of(timezone.localdate())
    ensure([org.a.pk], [month])
    drains = h.category("t-drains", "排水", "Drainage", 1)
    with acting_as(org.secretary_a) as sec:
        case, _ = services.create_case(access=sec, committee=org.a, title="楼道积水", category=drains)
        other, _ = services.create_case(
            access=sec, committee=org.a, title="邻里纠纷", category=drains, assignee=org.worker_a
        )
        services.transition(access=sec, case=case, action=Action.RESOLVE, text="疏通了")
        services.record_follow_up(access=sec, case=case, satisfaction="mostly")
        services.edit(access=sec, case=other, changes={"sensitive": True})
        services.transition(access=sec, case=other, action=Action.RESOLVE, text="调解了")
        services.record_follow_up(access=sec, case=other, satisfaction="not_satisfied")  # reopens
        services.transition(access=sec, case=case, action=Action.REOPEN, text="又堵了")
        services.transition(access=sec, case=case, action=Action.RESOLVE, text="换了管子")
    _agree(org, [org.a, org.b])
    kept = _kept_rows(org.a, month)
    # A change of this month marks it changed since its summary: once closed, it is summarised
    # again before its later days' RESOLVED_FROM rows (not kept by the change) are read.
    row = RollupMonth.objects.get(committee=org.a, month=month)
    assert row.summarised < row.changed
    summarise([(org.a.pk, month)])
    assert _kept_rows(org.a, month) == kept


def test_a_closed_month_changed_is_summarised_again_with_its_later_days(edges):
    org = edges
    today = timezone.localdate()
    first = Period(today).satisfaction_from
    closed = months_between(first, today)
    ensure([org.a.pk, org.b.pk], closed)
    late = Case.all_objects.filter(
        committee=org.a, resolved_at__date=first + dt.timedelta(days=1), sensitive=False
    ).first()
    with acting_as(org.secretary_a) as sec:
        services.record_follow_up(access=sec, case=late, satisfaction="satisfied")
    _agree(org, [org.a, org.b])  # its month summarised again by the overview's ensure


def test_the_rows_derived_from_the_summarised_ones_equal_the_summarys(edges):
    """The migration derives the overview rows of months already summarised from their CREATED and
    RESOLVED rows: the same rows as the summary writes."""
    org = edges
    today = timezone.localdate()
    months = [*months_between(today - dt.timedelta(days=120), today), first_of(today)]
    summarise([(cid, m) for cid in (org.a.pk, org.b.pk) for m in months])
    columns = ("committee_id", "month", "figure", "sensitive", "day", "days", "n", "called", "satisfied")
    stored = CaseRollup.objects.filter(committee__in=[org.a, org.b], month__in=months)
    written = sorted(stored.filter(figure__in=NEW).values_list(*columns))
    base = stored.filter(figure__in=[CaseRollup.Figure.CREATED, CaseRollup.Figure.RESOLVED])
    derived = overview_rows(list(base.values(*columns)))
    full = [{"day": None, "days": None, "called": 0, "satisfied": 0, **row} for row in derived]
    assert sorted(tuple(row[c] for c in columns) for row in full) == written
    assert written


def test_the_kept_overview_branches_are_those_compiled_afresh(edges):
    """What the overview's compiled branches depend on is all in their key: for each reader in turn
    (twice: the second time from the kept ones), under another time zone too, the branches kept are
    those compiled afresh, and readers who see different rows get different ones."""
    org = edges
    period = Period(timezone.localdate())
    kept = {}
    for _ in range(2):
        for reader in READERS:
            with acting_as(getattr(org, reader)) as access:
                ids = [c.pk for c in (org.a, org.b) if access.committees().filter(pk=c.pk).exists()]
                kept[reader] = _overview_branches(access, ids, period, roster=True)
                assert kept[reader] == compile_overview(access, ids, period, roster=True), reader
    assert kept["secretary_a"] != kept["worker_a"]  # the worker's own sensitive cases, counted live
    assert kept["officer"] != kept["district_officer"]  # the same committees, another reader
    with timezone.override("UTC"), acting_as(org.worker_a) as access:
        ids = [org.a.pk]
        assert _overview_branches(access, ids, period, True) == compile_overview(access, ids, period, True)
