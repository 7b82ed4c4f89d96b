"""The dashboard read from the rollup (closed months summarised once) gives the live computation's
numbers, for every reader, and still does after a case of an old month is edited or reopened."""

import datetime as dt

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case
from cases.rules import Action
from committee.access import acting_as
from committee.models import Committee
from holidays.models import HolidayYear
from reports import committee_figures, overviews
from reports.models import RollupMonth
from reports.rollup import ensure, months_between
from reports.tasks import summarise_closed_months
from tests.conftest import copy_of_the_module, rows_of_the_module
from tests.reports import helpers as h

S = Case.Status
HEADLINE = (
    "open",
    "overdue",
    "new_this_month",
    "resolved_this_month",
    "recently_resolved",
    "called",
    "satisfied",
    "median_days",
    "late_referrals",
)


def _make_old_cases(org):
    """Cases logged and resolved over the past year, some sensitive (the secretary's, the worker's
    own, someone else's), in three buildings, two categories and several sources."""
    today = timezone.localdate()
    first = today.replace(day=1)
    sec, worker = org.secretary_a, org.worker_a
    drains, noise = h.category("t-drains", "排水", "Drainage", 1), h.category("t-noise", "噪音", "Noise", 2)
    places = [h.building(org.a, n) for n in ("12", "14", "16")]
    made = {}
    for i, days_ago in enumerate((20, 35, 50, 70, 85, 100, 130, 160, 200, 260, 330, 400)):
        logged = first - dt.timedelta(days=days_ago)
        resolved = logged + dt.timedelta(days=3 + i % 9) if i % 4 != 3 else None
        made[days_ago] = h.case(
            org.a,
            created_by=sec if i % 3 else worker,
            created=logged,
            cat=drains if i % 2 else noise,
            status=S.RESOLVED if resolved else S.IN_PROGRESS,
            resolved=resolved,
            assignee=worker if i % 2 else sec,
            source=[Case.Source.PHONE, Case.Source.HOTLINE, Case.Source.WALK_IN][i % 3],
            where=places[i % 3] if i % 5 else None,
            satisfaction=["satisfied", "", "mostly", "not_satisfied"][i % 4] if resolved else "",
            sensitive=i % 3 == 0,
        )
    # This month's, counted live.
    h.case(org.a, created_by=sec, created=first, where=places[0], cat=drains)
    h.case(org.a, created_by=sec, created=first, status=S.RESOLVED, resolved=today, satisfaction="satisfied")
    return made


@pytest.fixture(scope="module")
def _old_cases_of_the_module(request, _org_of_the_module, django_db_blocker):
    """_make_old_cases's rows, written once for the module (the tests that ask for none are in
    test_rollup_own_cases.py)."""
    yield from rows_of_the_module(
        request, _org_of_the_module, django_db_blocker, "old_cases", _make_old_cases
    )


@pytest.fixture
def old_cases(_old_cases_of_the_module, org):
    """_make_old_cases's cases, a copy for each test (tests/conftest.py, rows_of_the_module)."""
    return copy_of_the_module(_old_cases_of_the_module, _make_old_cases, org)


COMPARED = ("by_status", "by_source", "workload", "hotspots", "charts", "trend_rows", "category_rows")


def _comparable(ctx: dict) -> dict:
    headline = ctx["headline"]
    compared = {key: ctx[key] for key in (*COMPARED, "category_names")}
    return {"headline": {name: getattr(headline, name) for name in HEADLINE}, **compared}


def _both(user, committee) -> tuple[dict, dict]:
    with acting_as(user) as access:
        summarised = _comparable(committee_figures.dashboard(committee, access))
        live = _comparable(committee_figures.dashboard(committee, access, rollup=False))
    return summarised, live


PERSONAS = ["secretary_a", "worker_a", "officer"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_rollup_gives_the_live_figures(org, old_cases, persona):
    summarised, live = _both(getattr(org, persona), org.a)
    assert summarised == live
    assert sum(live["charts"]["by_category"]["series"][0]["data"]) > 0
    with acting_as(getattr(org, persona)) as access:
        by_rollup = overviews.street_overview([org.a, org.b], access)
        by_live = overviews.street_overview([org.a, org.b], access, rollup=False)
    for row, plain in zip(by_rollup["rows"], by_live["rows"], strict=True):
        assert [getattr(row["figures"], n) for n in HEADLINE] == [
            getattr(plain["figures"], n) for n in HEADLINE
        ]


def test_old_months_are_summarised_once_and_again_only_after_a_change(org, old_cases):
    today = timezone.localdate()
    closed = months_between(today - dt.timedelta(days=365), today)
    assert ensure([org.a.pk], closed) == len(closed)  # the first time: every closed month
    assert ensure([org.a.pk], closed) == 0  # then none
    # A note changes no figure: no month to summarise again.
    with acting_as(org.secretary_a) as access:
        services.add_note(access=access, case=old_cases[130], text="回访了")
    assert ensure([org.a.pk], closed) == 0
    # Reopened: the month it was resolved in (and the one it was logged in) is summarised again.
    with acting_as(org.secretary_a) as access:
        services.transition(access=access, case=old_cases[130], action=Action.REOPEN, text="又漏了")
    assert ensure([org.a.pk], closed) == 2
    # Every month the dashboards read is fresh (the case's own month, before the year shown, is
    # marked too, and summarised if a window ever reads it).
    stale = RollupMonth.objects.filter(committee=org.a, month__in=closed, summarised__lt=F("changed"))
    assert not stale.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_after_old_cases_are_edited_reopened_and_called_back_the_rollup_still_agrees(org, old_cases, persona):
    user = getattr(org, persona)
    before, _ = _both(user, org.a)  # every closed month summarised
    with acting_as(org.secretary_a) as access:
        # Reopened (resolved months ago), called back late, moved to another category, made sensitive.
        services.transition(access=access, case=old_cases[100], action=Action.REOPEN, text="又漏了")
        services.record_follow_up(access=access, case=old_cases[50], satisfaction="satisfied")
        services.record_follow_up(access=access, case=old_cases[85], satisfaction="not_satisfied")
        other = h.category("t-other", "其他", "Other", 3)
        services.edit(access=access, case=old_cases[160], changes={"category": other, "sensitive": True})
    summarised, live = _both(user, org.a)
    assert summarised == live
    assert summarised != before  # the changes show (and were not read from a stale rollup)


def test_the_views_read_the_rollup_and_each_tile_still_equals_its_list(org, old_cases, as_user):
    """The tiles of the months the rollup serves (the 90 days' satisfaction, the 12 months' sources
    and hotspots) open lists with the same counts."""
    client = as_user(org.secretary_a)
    client.get(reverse("dashboard"))
    with acting_as(org.secretary_a) as access:
        services.transition(access=access, case=old_cases[35], action=Action.REOPEN, text="又漏了")
    ctx = client.get(reverse("dashboard")).context
    pairs = [("recently_resolved", ctx["headline"].recently_resolved, ctx["links"]["recently_resolved"])]
    pairs += [("called", ctx["headline"].called, ctx["links"]["called"])]
    pairs += [(s["label"], s["count"], s["url"]) for s in ctx["by_source"]]
    pairs += [(b["address"], b["total"], b["url"]) for b in ctx["hotspots"]]
    for what, figure, url in pairs:
        assert client.get(url).context["page"].paginator.count == figure, what


def test_the_nightly_task_summarises_what_is_missing_or_stale_and_then_nothing(org, old_cases, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    first = summarise_closed_months.enqueue()
    # Every committee's 12 closed months, and its current month (then kept by every change).
    assert first.return_value == 13 * Committee.objects.count()
    assert summarise_closed_months.enqueue().return_value == 0
    with acting_as(org.secretary_a) as access:
        services.transition(access=access, case=old_cases[130], action=Action.REOPEN, text="又漏了")
    assert summarise_closed_months.enqueue().return_value == 2  # logged and resolved in two months
    # A corrected holiday calendar changes working days: every month is summarised again.
    HolidayYear.objects.create(year=timezone.localdate().year - 1)
    assert summarise_closed_months.enqueue().return_value == 13 * Committee.objects.count()


def test_a_building_moved_to_another_committee_keeps_its_address_in_the_old_committees_hotspots(
    org, old_cases, as_user
):
    """The rollup's rows of a building stay with the committee whose cases they count; its address
    is read whatever committee it belongs to now (the scoped manager left it out: a 500)."""
    moved = next(c.building for c in old_cases.values() if c.building is not None)
    with acting_as(org.secretary_a):
        ensure([org.a.pk], months_between(timezone.localdate().replace(month=1, day=1), timezone.localdate()))
    type(moved).all_objects.filter(pk=moved.pk).update(committee=org.b)
    response = as_user(org.secretary_a).get(reverse("dashboard"))
    assert response.status_code == 200
    assert moved.pk in {b["id"] for b in response.context["hotspots"]}
    assert f"{moved.lane}弄{moved.number}号" in response.text
