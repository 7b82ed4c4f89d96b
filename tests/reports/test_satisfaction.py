"""The satisfaction figure (reports/figures.py): each case counted once, by its latest follow-up call,
on the day of that call, over the last 90 days; the tile opens the list of exactly those cases. And
a case resolved again after a reopening waits for a new call (follow_up=due), whatever the answer
of the call before.

The cases are worked through the services with a clock, as staff work them: called back, not
satisfied (which reopens), resolved again, called again; reopened by the secretary after a call.
"""

import datetime as dt

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from cases import rules, services
from cases.models import Case
from cases.rules import Action
from committee.access import Access, acting_as
from reports import committee_figures, overviews
from reports.models import RollupMonth
from reports.rollup import ensure, first_of, months_between
from tests.factories import admin_form_data, logged_on, make_case
from tests.reports import helpers as h

SATISFIED, MOSTLY, NOT = "satisfied", "mostly", "not_satisfied"


def _on(day: dt.date, hour: int = 11) -> dt.datetime:
    return h.at(day, hour)


class Story:
    """One case worked through the services by the secretary, each step on its own day."""

    def __init__(self, org, title: str, logged: dt.date, *, sensitive: bool = False) -> None:
        self.access = Access(org.secretary_a)
        self.case = make_case(
            org.secretary_a,
            org.a,
            title=title,
            assignee=org.worker_a,
            sensitive=sensitive,
            at=logged_on(logged),
        )

    def resolve(self, day: dt.date) -> "Story":
        services.transition(
            access=self.access, case=self.case, action=Action.RESOLVE, text="办好了", at=_on(day, 15)
        )
        return self

    def call(self, day: dt.date, answer: str) -> "Story":
        services.record_follow_up(
            access=self.access, case=self.case, satisfaction=answer, called_on=day, at=_on(day, 16)
        )
        return self

    def reopen(self, day: dt.date) -> "Story":
        services.transition(
            access=self.access, case=self.case, action=Action.REOPEN, text="又坏了", at=_on(day, 10)
        )
        return self


@pytest.fixture
def stories(org):
    today = timezone.localdate()
    days = dt.timedelta
    t = {
        # Not satisfied (reopened), resolved again, then satisfied: once, satisfied, on the last call's day.
        "twice": Story(org, "两次回访", today - days(60))
        .resolve(today - days(50))
        .call(today - days(48), NOT)
        .resolve(today - days(20))
        .call(today - days(5), SATISFIED),
        # Not satisfied and open again: counted, not satisfied (the resident's answer does not vanish).
        "reopened": Story(org, "不满意重办", today - days(40))
        .resolve(today - days(30))
        .call(today - days(25), NOT),
        # Resolved four months ago, called back 10 days ago: the call's day counts, not the resolution's.
        "late call": Story(org, "迟到的回访", today - days(130), sensitive=True)
        .resolve(today - days(120))
        .call(today - days(10), SATISFIED),
        # Called long ago, reopened and resolved again lately, not called since: not in the 90 days,
        # and waiting for its new call.
        "old call": Story(org, "旧回访", today - days(200))
        .resolve(today - days(150))
        .call(today - days(140), SATISFIED)
        .reopen(today - days(30))
        .resolve(today - days(10)),
        "plain": Story(org, "一次回访", today - days(20))
        .resolve(today - days(15))
        .call(today - days(14), MOSTLY),
        # Not satisfied, resolved again three days ago: its latest call (not satisfied) counts, and it
        # waits for a new one.
        "again": Story(org, "再次办结", today - days(35))
        .resolve(today - days(33))
        .call(today - days(32), NOT)
        .resolve(today - days(3)),
    }
    return {name: story.case for name, story in t.items()}


# Called back within the 90 days (by their latest call): twice, reopened, late call, plain, again.
CALLED = {"twice", "reopened", "late call", "plain", "again"}
GOOD = {"twice", "late call", "plain"}
SENSITIVE = {"late call"}  # the worker's as assignee; the street officer does not see it


def _expected(persona: str) -> tuple[int, int]:
    seen = CALLED - SENSITIVE if persona == "officer" else CALLED
    return len(seen), len(seen & GOOD)


@pytest.mark.parametrize("persona", ["secretary_a", "worker_a", "officer"])
def test_each_case_counts_once_by_its_latest_call_on_the_calls_day(org, stories, persona):
    user = getattr(org, persona)
    # From the rollup, counted live, and as of yesterday (the closed months from the rollup, the
    # rest counted live): no call of the stories was today.
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with acting_as(user) as access:
        for rollup, today in ((True, None), (False, None), (True, yesterday), (False, yesterday)):
            headline = committee_figures.dashboard(org.a, access, today=today, rollup=rollup)["headline"]
            assert (headline.called, headline.satisfied) == _expected(persona), (rollup, today)
            street = overviews.street_overview([org.a, org.b], access, today=today, rollup=rollup)
            row = next(r["figures"] for r in street["rows"] if r["committee"] == org.a)
            assert (row.called, row.satisfied) == _expected(persona), (rollup, today)


@pytest.mark.parametrize("persona", ["secretary_a", "worker_a", "officer"])
def test_the_satisfaction_tile_opens_the_cases_it_counts(org, stories, as_user, persona):
    client = as_user(getattr(org, persona))
    for url in (reverse("dashboard"), reverse("dashboard_committee", args=[org.a.pk])):
        ctx = client.get(url).context
        if "headline" not in ctx:  # the officer's /dashboard/ is the street's
            continue
        assert (ctx["headline"].called, ctx["headline"].satisfied) == _expected(persona)
        response = client.get(ctx["links"]["called"])
        listed = response.context["page"]
        titles = {case.title for case in response.context["cases"]}
        expected = {stories[name].title for name in CALLED - (SENSITIVE if persona == "officer" else set())}
        assert titles == expected
        assert listed.paginator.count == ctx["headline"].called


def test_a_case_resolved_again_after_a_reopening_waits_for_a_new_call(org, stories, as_user):
    secretary = Access(org.secretary_a)
    client = as_user(org.secretary_a)
    due = client.get(reverse("cases:list"), {"follow_up": "due"}).context["cases"]
    assert {c.title for c in due} == {stories["old call"].title, stories["again"].title}
    home = client.get(reverse("home")).context["waiting"]
    assert home["to_call"] == 2 and home["to_close"] == 3  # twice, late call, plain
    for name in ("old call", "again"):
        case = Case.all_objects.get(pk=stories[name].pk)
        assert case.status == Case.Status.RESOLVED
        assert not rules.can(secretary, case, Action.CLOSE)  # closed only after its own call
    # Its new call: called back, ready to close; the figure counts it once, by that call.
    services.record_follow_up(access=secretary, case=stories["again"], satisfaction=SATISFIED)
    assert rules.can(secretary, Case.all_objects.get(pk=stories["again"].pk), Action.CLOSE)
    due = client.get(reverse("cases:list"), {"follow_up": "due"}).context["cases"]
    assert [c.title for c in due] == [stories["old call"].title]
    headline = client.get(reverse("dashboard")).context["headline"]
    assert (headline.called, headline.satisfied) == (5, 4)


def test_the_case_keeps_its_latest_call(org, stories):
    today = timezone.localdate()
    fields = ("last_called_on", "last_call_result", "satisfaction")
    kept = {name: Case.all_objects.values_list(*fields).get(pk=case.pk) for name, case in stories.items()}
    days = dt.timedelta
    assert kept == {
        "twice": (today - days(5), SATISFIED, SATISFIED),
        "reopened": (today - days(25), NOT, ""),  # open again: this time's call is still to come
        "late call": (today - days(10), SATISFIED, SATISFIED),
        "old call": (today - days(140), SATISFIED, ""),
        "plain": (today - days(14), MOSTLY, MOSTLY),
        "again": (today - days(32), NOT, ""),
    }


def test_a_new_call_marks_the_month_of_the_call_before_and_the_rollup_still_agrees(org):
    """The rollup keys the figure by the latest call's day: a new call moves the case out of the
    month of its previous call, which is summarised again (a closed month is otherwise summarised
    once), and the figure read from the rollup is the one counted live."""
    today = timezone.localdate()
    first = first_of(today)
    months = months_between(first - dt.timedelta(days=200), today)
    before = first - dt.timedelta(days=70)  # two or three months back
    story = Story(org, "跨月回访", before - dt.timedelta(days=5)).resolve(before).call(before, NOT)
    story.resolve(first - dt.timedelta(days=10))
    assert ensure([org.a.pk], months) == len(months)
    assert ensure([org.a.pk], months) == 0
    story.call(today, SATISFIED)
    stale = RollupMonth.objects.filter(committee=org.a, month__in=months, summarised__lt=F("changed"))
    marked = set(stale.values_list("month", flat=True))
    assert first_of(before) in marked
    assert ensure([org.a.pk], months) == len(marked)
    assert ensure([org.a.pk], months) == 0
    with acting_as(org.secretary_a) as access:
        rolled = committee_figures.dashboard(org.a, access)["headline"]
        live = committee_figures.dashboard(org.a, access, rollup=False)["headline"]
    assert (rolled.called, rolled.satisfied) == (live.called, live.satisfied) == (1, 1)


def test_a_call_corrected_in_the_admin_is_the_cases_latest_call(org, as_user):
    """The admin corrects the calls (their day, their answer): the case's latest call, which the
    figure counts, follows the correction."""
    today = timezone.localdate()
    story = Story(org, "后台更正", today - dt.timedelta(days=20)).resolve(today - dt.timedelta(days=10))
    story.call(today - dt.timedelta(days=2), SATISFIED)
    client = as_user(org.superuser)
    url = reverse("admin:cases_case_change", args=[story.case.pk])
    data = admin_form_data(client.get(url).text)
    corrected = today - dt.timedelta(days=5)
    response = client.post(
        url,
        {**data, "follow_ups-0-called_on": [corrected.isoformat()], "follow_ups-0-satisfaction": [NOT]},
    )
    assert response.status_code == 302
    case = Case.all_objects.get(pk=story.case.pk)
    assert (case.last_called_on, case.last_call_result) == (corrected, NOT)
    with acting_as(org.secretary_a) as access:
        for rollup in (True, False):
            headline = committee_figures.dashboard(org.a, access, rollup=rollup)["headline"]
            assert (headline.called, headline.satisfied) == (1, 0), rollup


def test_the_migration_keeps_each_cases_latest_call_and_this_resolutions_answer(org, monkeypatch):
    """cases/migrations/0024's fill, on the models as they were at that migration: the latest call
    from the calls; the answer kept only where it is this resolution's."""
    import importlib

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    today = timezone.localdate()
    days = dt.timedelta
    by = org.secretary_a
    S = Case.Status
    made = {
        # name: (status, resolved days ago, satisfaction before, [(called days ago, answer)], expected)
        "reopened": (S.IN_PROGRESS, None, NOT, [(20, NOT)], (20, NOT, "")),
        "again": (S.RESOLVED, 3, NOT, [(32, NOT)], (32, NOT, "")),
        "old call": (S.RESOLVED, 10, SATISFIED, [(140, SATISFIED)], (140, SATISFIED, "")),
        "twice": (S.CLOSED, 20, SATISFIED, [(48, NOT), (5, SATISFIED)], (5, SATISFIED, SATISFIED)),
        "waiting": (S.RESOLVED, 2, MOSTLY, [(1, MOSTLY)], (1, MOSTLY, MOSTLY)),
        "same day": (S.RESOLVED, 4, SATISFIED, [(4, MOSTLY), (4, SATISFIED)], (4, SATISFIED, SATISFIED)),
        "never": (S.RESOLVED, 1, "", [], (None, "", "")),
    }
    cases = {}
    for name, (status, resolved, before, calls, _expected) in made.items():
        c = h.case(
            org.a,
            created_by=by,
            created=today - days(200),
            status=status,
            resolved=today - days(resolved) if resolved is not None else None,
        )
        for ago, answer in calls:
            h.follow_up(c, on=today - days(ago), satisfaction=answer, by=by)
        Case.all_objects.filter(pk=c.pk).update(satisfaction=before, last_called_on=None, last_call_result="")
        cases[name] = c

    state = MigrationExecutor(connection).loader.project_state(("cases", "0024_last_call_fill"))
    migration = importlib.import_module("cases.migrations.0024_last_call_fill")
    monkeypatch.setattr(migration, "BATCH", 2)  # the cases a few ids at a time, as 5,000 at a district
    migration.keep_last_calls(state.apps, connection.schema_editor())

    fields = ("last_called_on", "last_call_result", "satisfaction")
    for name, (*_, (ago, answer, satisfaction)) in made.items():
        got = Case.all_objects.values_list(*fields).get(pk=cases[name].pk)
        assert got == (today - days(ago) if ago is not None else None, answer, satisfaction), name
