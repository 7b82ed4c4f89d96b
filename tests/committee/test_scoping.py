"""One mechanism scopes every query for committee data, and it fails closed."""

import os
import subprocess
import sys
import threading

import pytest
from django import forms
from django.conf import settings
from django.db import connection, connections
from django.db.models import Q

from committee.access import Access, acting_as
from committee.roles import Perm, Role
from committee.scoping import InIds, ScopeError, committee_scope, unscoped
from residents.models import Building
from tests.factories import make_user


def _building(committee, number="1"):
    return Building.all_objects.create(committee=committee, road="定海路", lane="449", number=number)


def _visible_buildings(user):
    """What Building.objects returns inside a request of this user."""
    with acting_as(user):
        return set(Building.objects.values_list("number", flat=True))


@pytest.fixture
def buildings(org):
    return _building(org.a, "1"), _building(org.b, "2"), _building(org.c, "3")


def test_a_query_outside_any_scope_raises_naming_the_model(buildings):
    with pytest.raises(ScopeError, match="Building was queried outside any committee scope"):
        list(Building.objects.all())
    with pytest.raises(ScopeError, match="Building"):
        Building.objects.count()
    # A queryset may be built outside a scope (at import time); it is the query that fails.
    queryset = Building.objects.filter(number="1")
    with committee_scope([buildings[0].committee_id]):
        assert queryset.count() == 1


def test_a_related_manager_outside_any_scope_raises(org, buildings):
    from residents.models import Grid

    grid = Grid.all_objects.create(committee=org.a, name="一网格")
    with pytest.raises(ScopeError, match="Building"):
        list(grid.buildings.all())


@pytest.mark.django_db(transaction=True)
def test_a_thread_that_forgot_its_scope_fails_on_its_first_query(org, buildings):
    """A scope belongs to the context it was activated in: a new thread starts with none, even when
    started inside one, and must choose its own."""
    outcome = {}

    def work():
        try:
            try:
                Building.objects.count()
            except ScopeError as error:
                outcome["error"] = str(error)
            with committee_scope([org.a.pk]):
                outcome["scoped"] = Building.objects.count()
        finally:
            # The thread's own connection, closed whatever happened: close_old_connections() left
            # a persistent one open (CONN_MAX_AGE), and PostgreSQL then refused to drop the test
            # database at the end of the run ("being accessed by other users").
            connections.close_all()

    with committee_scope([org.a.pk]):
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
    assert "Building was queried outside any committee scope" in outcome["error"]
    assert outcome["scoped"] == 1


def test_a_management_command_that_forgot_its_scope_fails_loudly():
    """As in production: `manage.py shell -c` is a command like any other, with no scope of its own."""
    code = "from residents.models import Building; print(Building.objects.count())"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "needle.settings"}
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode != 0
    assert "ScopeError: Building was queried outside any committee scope" in out.stderr


def test_all_objects_looks_across_committees_on_purpose(buildings):
    assert Building.all_objects.count() == 3


def test_committee_staff_see_only_their_committee(org, buildings):
    assert _visible_buildings(org.secretary_a) == {"1"}
    assert _visible_buildings(org.viewer_a) == {"1"}
    assert _visible_buildings(org.worker_b) == {"2"}


def test_street_officer_sees_every_committee_of_their_street_and_no_other(org, buildings):
    assert _visible_buildings(org.officer) == {"1", "2"}


def test_superuser_sees_every_committee(org, buildings):
    assert _visible_buildings(org.superuser) == {"1", "2", "3"}


def test_user_without_a_role_sees_nothing(org, buildings):
    assert _visible_buildings(make_user("nobody")) == set()


def test_deactivated_user_sees_nothing(org, buildings):
    org.secretary_a.is_active = False
    org.secretary_a.save()
    assert _visible_buildings(org.secretary_a) == set()


def test_committee_scope_context_narrows_to_the_given_committees(org, buildings):
    with committee_scope([org.b.pk]):
        assert set(Building.objects.values_list("number", flat=True)) == {"2"}
        with unscoped():
            assert Building.objects.count() == 3
        assert Building.objects.count() == 1


def test_id_lists_are_written_into_the_sql_as_numbers(org, buildings):
    """The scope's committees and InIds(...) are numbers in the SQL, not a parameter each (a district's
    300 committees in several places of a query cost more to pass than to run); on PostgreSQL one
    array constant, one id a bigint (what the committee-keyed GIN index answers)."""
    a, b = sorted((org.a.pk, org.b.pk))
    with committee_scope([org.b.pk, org.a.pk]):
        mine = Building.objects.filter(InIds("committee_id", [org.b.pk, org.a.pk, org.a.pk]))
        assert sorted(mine.values_list("number", flat=True)) == ["1", "2"]
        sql, params = mine.query.sql_with_params()
        # Written once: the scope's own condition would only repeat it (_InScope._implied).
        if connection.vendor == "postgresql":
            assert sql.count(f"= ANY('{{{a},{b}}}'::bigint[])") == 1 and params == ()
        else:
            assert sql.count(f"IN ({a}, {b})") == 1 and params == ()
        one = Building.objects.filter(InIds("committee_id", [org.a.pk]))
        assert [x.number for x in one] == ["1"]
        cast = "::bigint" if connection.vendor == "postgresql" else ""
        assert f"= {a}{cast}" in str(one.query) or f"IN ({a})" in str(one.query)
        assert not Building.objects.filter(InIds("committee_id", [])).exists()
        # Negated and OR-ed as any condition.
        assert [x.number for x in Building.objects.filter(~Q(InIds("committee_id", [a])))] == ["2"]
        assert Building.objects.filter(Q(InIds("committee_id", [a])) | Q(number="2")).count() == 2
    with pytest.raises(ValueError):
        InIds("committee_id", ["1) OR (1 = 1"])  # never text into the SQL


def test_the_scope_is_left_out_of_the_sql_only_where_the_query_keeps_within_it_already(org, buildings):
    """An InIds on the committee, ANDed with the rest, of committees all in the scope implies the
    scope's condition; asking for a committee outside the scope, or under OR or NOT, does not."""
    a, b = org.a.pk, org.b.pk

    def numbers(queryset) -> list[str]:
        return sorted(queryset.values_list("number", flat=True))

    def conditions(queryset) -> int:  # how many times the committee is tested
        return str(queryset.query).count('"committee_id" IN') + str(queryset.query).count('"committee_id" =')

    with committee_scope([a]):
        inside = Building.objects.filter(InIds("committee_id", [a]), number__gt="")
        assert numbers(inside) == ["1"] and conditions(inside) == 1
        outside = Building.objects.filter(InIds("committee_id", [a, b]))
        assert numbers(outside) == ["1"] and conditions(outside) == 2
        either = Building.objects.filter(Q(InIds("committee_id", [a])) | Q(number="2"))
        assert numbers(either) == ["1"] and conditions(either) == 2
        negated = Building.objects.filter(~Q(InIds("committee_id", [b])))
        assert numbers(negated) == ["1"] and conditions(negated) == 2
    with unscoped():
        assert conditions(Building.objects.filter(InIds("committee_id", [a, b]))) == 1
        assert conditions(Building.objects.all()) == 1


class PickBuilding(forms.Form):
    # Built at import time, outside any scope, as form fields are: the scope is read when it runs.
    building = forms.ModelChoiceField(queryset=Building.objects.all())


def test_form_choices_built_at_import_time_follow_the_scope_they_run_in(org, buildings):
    with committee_scope([org.a.pk]):
        assert PickBuilding(data={"building": buildings[0].pk}).is_valid()
        form = PickBuilding(data={"building": buildings[1].pk})  # B's building, posted by hand
        assert not form.is_valid()
        assert [b.number for b in PickBuilding().fields["building"].queryset] == ["1"]


def test_reverse_relations_are_scoped(org, buildings):
    from residents.models import Grid

    grid = Grid.all_objects.create(committee=org.a, name="一网格")
    Building.all_objects.filter(pk__in=[b.pk for b in buildings]).update(grid=grid)  # a bad row, on purpose
    with committee_scope([org.a.pk]):
        assert [b.number for b in grid.buildings.all()] == ["1"]


@pytest.mark.parametrize(
    ("persona", "committee", "expected_role"),
    [
        ("secretary_a", "a", Role.SECRETARY),
        ("worker_a", "a", Role.WORKER),
        ("viewer_a", "a", Role.VIEWER),
        ("worker_a", "b", None),
        ("worker_b", "b", Role.WORKER),
        ("officer", "a", Role.STREET_OFFICER),
        ("officer", "b", Role.STREET_OFFICER),
        ("officer", "c", None),
        ("superuser", "c", Role.ADMIN),
    ],
)
def test_role_per_committee(org, persona, committee, expected_role):
    assert Access(getattr(org, persona)).role(getattr(org, committee)) == expected_role


def test_a_committee_role_outranks_a_street_post(org):
    from committee.models import Membership

    Membership.objects.create(user=org.officer, committee=org.a, role=Role.SECRETARY)
    access = Access(org.officer)
    assert access.role(org.a) == Role.SECRETARY
    assert access.role(org.b) == Role.STREET_OFFICER


def test_roles_are_read_in_one_query(org, django_assert_num_queries):
    with django_assert_num_queries(1):
        Access(org.officer).roles  # noqa: B018


@pytest.mark.parametrize(
    ("persona", "perm", "allowed"),
    [
        ("secretary_a", Perm.REVEAL, True),
        ("secretary_a", Perm.MANAGE_CASES, True),
        ("worker_a", Perm.LOG_CASE, True),
        ("worker_a", Perm.MANAGE_CASES, False),
        ("worker_a", Perm.REVEAL, False),
        ("worker_a", Perm.VIEW_SENSITIVE, True),
        ("viewer_a", Perm.VIEW, True),
        ("viewer_a", Perm.VIEW_SENSITIVE, False),
        ("viewer_a", Perm.LOG_CASE, False),
        ("officer", Perm.VIEW, True),
        ("officer", Perm.VIEW_SENSITIVE, False),
        ("officer", Perm.LOG_CASE, False),
        ("superuser", Perm.LOG_CASE, False),
        ("worker_b", Perm.VIEW, False),  # in committee A
    ],
)
def test_what_each_role_may_do_in_committee_a(org, persona, perm, allowed):
    assert Access(getattr(org, persona)).can(perm, org.a) is allowed
