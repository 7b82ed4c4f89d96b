"""Buildings stored before addresses were read as typed (lane "449弄", shown 定海路449弄弄12号号;
full-width digits; spaces) are read again on upgrade (residents/migrations/0024, residents/merging.py),
and one then stored twice is merged into the clean one: its households (one in a room the clean one
has, merged into that household), residents, cases, access records, kept counts and history move to
it, the address reads right and the search finds them all by it. A building that cannot be read is
left as it is; another committee's building at the same address is another building."""

import importlib

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import QueryDict
from django.urls import reverse

from audit.models import AccessRecord
from cases import selectors
from cases.filters import CaseFilterForm, filter_cases
from cases.models import Case
from committee.access import acting_as
from committee.scoping import unscoped
from reports.models import CaseRollup
from residents.addresses import natural_order
from residents.models import Building, Household, Resident
from tests.factories import make_building, make_case, make_household, make_resident


def _stored_as_typed(building: Building, **parts) -> Building:
    """The building's parts as the forms stored them before they read them (no check, no clean)."""
    Building.all_objects.filter(pk=building.pk).update(**parts)
    building.refresh_from_db()
    return building


def _migrate() -> None:
    """residents/migrations/0024's function, on the models as they are at that migration."""
    state = MigrationExecutor(connection).loader.project_state(("residents", "0024_merge_buildings"))
    migration = importlib.import_module("residents.migrations.0024_merge_buildings")
    with unscoped():
        migration.merge_buildings(state.apps, connection.schema_editor())


def _cases_found(user, q: str) -> set[str]:
    with acting_as(user) as access:
        form = CaseFilterForm(QueryDict(f"status=&q={q}"), access=access)
        assert form.is_valid(), form.errors
        return {c.title for c in filter_cases(selectors.visible_cases(access), form.cleaned_data)}


def _residents_found(client, q: str) -> set[str]:
    response = client.get(reverse("residents:list"), {"q": q})
    assert response.status_code == 200
    return {row.name for row in response.context["page"].object_list}


@pytest.fixture
def twice(org):
    """定海路449弄12号 stored clean (room 302: 周勤) and again as typed before the rules, lane "449弄",
    number "12号" (room ３０２: 王芳, a case; room 401: 李明, a case at the building)."""
    with unscoped():
        clean = make_building(org.a, "12", lane="449")
        home = make_household(clean, "302", phone="")
        make_resident(home, "周勤")
        bad = _stored_as_typed(make_building(org.a, "99", lane="449"), lane="449弄", number="12号")
        same_room = make_household(bad, "３０２", phone="021-65430000")
        Household.all_objects.filter(pk=same_room.pk).update(notes="楼下漏水")
        other_room = make_household(bad, "401")
        make_resident(same_room, "王芳")
        make_resident(other_room, "李明")
        make_case(org.worker_a, org.a, title="漏水到楼下", household=same_room, building=bad)
        make_case(org.worker_a, org.a, title="楼道积水", building=bad)
        make_case(org.worker_a, org.a, title="门铃坏了", building=clean)
        AccessRecord.objects.create(
            user=org.secretary_a, kind=AccessRecord.Kind.HOUSEHOLD, committee_id=org.a.pk, household=same_room
        )
    assert bad.address == "定海路449弄弄12号号"
    return {"clean": clean, "home": home, "bad": bad, "same_room": same_room, "other_room": other_room}


def test_a_building_stored_twice_becomes_one_with_everything_at_it(org, twice, as_user):
    clean, home, bad = twice["clean"], twice["home"], twice["bad"]
    _migrate()
    with unscoped():
        assert list(Building.all_objects.filter(committee=org.a).values_list("pk", flat=True)) == [clean.pk]
        rooms = dict(Household.all_objects.filter(building=clean).values_list("room", "pk"))
        # ３０２ is room 302: merged into the clean building's household; 401 moved as it is.
        assert rooms == {"302": home.pk, "401": twice["other_room"].pk}
        assert not Household.all_objects.filter(pk=twice["same_room"].pk).exists()
        homes = dict(Resident.all_objects.values_list("name", "household_id"))
        assert homes == {"周勤": home.pk, "王芳": home.pk, "李明": twice["other_room"].pk}
        at = {c.title: (c.building_id, c.household_id) for c in Case.all_objects.all()}
        assert at == {
            "漏水到楼下": (clean.pk, home.pk),
            "楼道积水": (clean.pk, None),
            "门铃坏了": (clean.pk, None),
        }
        assert AccessRecord.all_objects.get().household_id == home.pk
        merged_home = Household.all_objects.get(pk=home.pk)
        assert (merged_home.phone, merged_home.notes) == ("021-65430000", "楼下漏水")  # filled, not lost
        assert Resident.all_objects.get(name="李明").household.address == "定海路449弄12号401室"
    page = as_user(org.secretary_a).get(reverse("residents:building", args=[clean.pk])).text
    assert "定海路449弄12号" in page and "弄弄" not in page and "号号" not in page
    assert as_user(org.secretary_a).get(reverse("residents:building", args=[bad.pk])).status_code == 404


def test_the_merged_building_is_found_by_its_address(org, twice, as_user):
    _migrate()
    client = as_user(org.secretary_a)
    assert _residents_found(client, "449弄12号") == {"周勤", "王芳", "李明"}
    assert _residents_found(client, "449弄12号401") == {"李明"}
    assert _residents_found(client, "12号302") == {"周勤", "王芳"}
    assert _cases_found(org.secretary_a, "449弄12号") == {"漏水到楼下", "楼道积水", "门铃坏了"}
    assert _cases_found(org.secretary_a, "12号302室") == {"漏水到楼下"}
    with unscoped():
        assert "弄弄" not in Case.all_objects.get(title="楼道积水").search_key
        assert "号号" not in Resident.all_objects.get(name="李明").search_key


def test_the_history_of_both_is_the_kept_ones_with_a_row_saying_what_was_done(org, twice):
    clean, bad = twice["clean"], twice["bad"]
    _migrate()
    with unscoped():
        history = list(Building.history.filter(id=clean.pk).order_by("history_date", "history_id"))
        assert not Building.history.filter(id=bad.pk).exists()
        assert len(history) == 3  # both creations, then the merge
        last = history[-1]
        assert (last.history_type, last.lane, last.number) == ("~", "449", "12")
        assert last.history_change_reason == f"merged #{bad.pk} 定海路449弄弄12号号"
        moved = Household.history.filter(id=twice["other_room"].pk).latest("history_id")
        assert moved.building_id == clean.pk and moved.history_change_reason.startswith("moved with building")
        assert not Household.history.filter(building_id=bad.pk).exists()


def test_the_dashboards_counts_by_building_become_one_row_that_counts_on(org, twice):
    clean = twice["clean"]
    _migrate()
    with unscoped():
        totals = CaseRollup.objects.filter(figure=CaseRollup.Figure.BUILDING_TOTAL, committee=org.a)
        assert list(totals.values_list("building_id", "n")) == [(clean.pk, 3)]
        make_case(org.worker_a, org.a, title="外墙渗水", building=clean)  # raises the one row
        assert list(totals.values_list("building_id", "n")) == [(clean.pk, 4)]


@pytest.mark.parametrize(
    ("road", "lane", "number"),
    [("定海路", "４４９", "１２"), ("定海路 ", " 449 ", "12 "), ("定海路", "449弄", "１２号")],
)
def test_a_building_stored_as_typed_alone_is_read_again_in_place(org, as_user, road, lane, number):
    with unscoped():
        building = _stored_as_typed(make_building(org.a, "1"), road=road, lane=lane, number=number)
        make_resident(make_household(building, "302"), "周勤")
        Building.all_objects.filter(pk=building.pk).update(address_order="")
    _migrate()
    with unscoped():
        building.refresh_from_db()
    assert (building.road, building.lane, building.number) == ("定海路", "449", "12")
    assert building.address_order == natural_order("449", "12")
    assert building.version == 2  # a form opened before is stale, not an overwrite
    assert _residents_found(as_user(org.secretary_a), "定海路449弄12号302") == {"周勤"}


def test_what_cannot_be_read_is_left_as_it_is_and_other_committees_stay_apart(org):
    with unscoped():
        unread = _stored_as_typed(make_building(org.a, "1"), lane="abc")
        road_with_digits = _stored_as_typed(make_building(org.a, "2"), road="定海路449弄", lane="")
        make_resident(make_household(unread, "302"), "周勤")
        elsewhere = make_building(org.b, "12", lane="449")  # committee B's own 定海路449弄12号
        mine = _stored_as_typed(make_building(org.a, "3"), lane="449弄", number="12号")
        before = {b.pk: (b.road, b.lane, b.number) for b in (unread, road_with_digits, elsewhere)}
    _migrate()
    with unscoped():
        after = {b.pk: (b.road, b.lane, b.number) for b in Building.all_objects.filter(pk__in=before)}
        assert after == before
        assert Resident.all_objects.get(name="周勤").household.building_id == unread.pk
        mine.refresh_from_db()
        assert (mine.committee_id, mine.lane, mine.number) == (org.a.pk, "449", "12")


def test_a_second_run_finds_nothing_to_do(org, twice):
    _migrate()
    with unscoped():
        before = list(Building.all_objects.values_list("pk", "road", "lane", "number", "version"))
        history = Building.history.count()
    _migrate()
    with unscoped():
        assert list(Building.all_objects.values_list("pk", "road", "lane", "number", "version")) == before
        assert Building.history.count() == history


def test_the_command_says_what_it_would_do_then_does_it(org, twice, capsys):
    call_command("merge_buildings", "--dry-run", "--committee", str(org.a.pk))
    assert "Dry run, nothing changed. Addresses read again: 0. Buildings merged: 1" in capsys.readouterr().out
    with unscoped():
        assert Building.all_objects.filter(pk=twice["bad"].pk).exists()
    call_command("merge_buildings")
    out = capsys.readouterr().out
    assert "Buildings merged: 1 (households moved: 1, merged: 1)." in out
    with unscoped():
        assert not Building.all_objects.filter(pk=twice["bad"].pk).exists()
        assert set(Resident.all_objects.values_list("household__building_id", flat=True)) == {
            twice["clean"].pk
        }
