"""The read replica (common/db_routers.py), tested with a second alias on the same server.

The alias "replica" is default's test database under a connection of its own (a test mirror), added
for this module only: no other test carries it in its databases. Its queries are seen apart from
default's (CaptureQueriesContext on each connection). The tests commit (transaction=True): a second
connection cannot see the rows of a test transaction that is never committed, and the router sends
every read inside a transaction on default to default anyway.
"""

import copy
import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessRecord
from cases import reference
from cases.models import Case
from committee.access import Access
from committee.roles import Role
from committee.scoping import ScopeError, committee_scope
from common.db_routers import REPLICA, pause_replica, reading_from_replica
from reports import month_end, rollup
from tests.factories import make_case, make_district, make_user
from tests.reports import helpers as h

pytestmark = pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])

# What the middleware reads before the view (the session and its user) stays on default, and so
# does who may see what: the user's posts (committee/access.py), never decided from a copy behind.
BEFORE_THE_VIEW = {"django_session", "committee_user"}
ROLES = {
    "committee_membership",
    "committee_committee",
    "committee_street",
    "committee_district",
    "committee_streetofficer",
    "committee_districtofficer",
}
# The reference data kept in the cache (common/refdata.py: categories, staff, committees' names,
# when the morning reminders last ran), read from default when the cache is cold, as it is in
# these tests.
REFERENCE = {"cases_casecategory", "jobs_jobrun"}
ON_DEFAULT = BEFORE_THE_VIEW | ROLES
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|COPY)\b", re.IGNORECASE)


@pytest.fixture(scope="module", autouse=True)
def replica(django_db_setup):
    """Add the "replica" alias (a mirror of default's test database) and the router, for this module."""
    if REPLICA in connections.settings:  # the run has DATABASE_REPLICA_URL: settings made it a mirror
        yield
        return
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    mirror = copy.deepcopy(primary)
    mirror["TEST"] = {**primary["TEST"], "MIRROR": DEFAULT_DB_ALIAS, "NAME": None}
    connections.settings[REPLICA] = mirror
    try:
        with override_settings(DATABASE_ROUTERS=["common.db_routers.ReplicaRouter"]):
            yield
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


@pytest.fixture
def world(org, settings):
    """Committee A's cases of this month and of two months ago, with every month summarised
    already (as the nightly task leaves them: the closed months, and the current one, which every
    change of a case then keeps), so that a dashboard only reads."""
    settings.REPORTS_CACHE_SECONDS = 0
    today = timezone.localdate()
    for days, title in ((0, "楼道积水"), (1, "路灯不亮"), (62, "旧事项")):
        h.case(org.a, created_by=org.secretary_a, created=today - dt.timedelta(days=days), title=title)
    h.resident(org.a, "王建华")
    months = [*rollup.months_between(today - dt.timedelta(days=400), today), today.replace(day=1)]
    rollup.ensure([org.a.pk, org.b.pk], months)
    return org


def _tables(queries) -> set[str]:
    return {
        table
        for query in queries
        for table in re.findall(r'(?:FROM|JOIN|INTO|UPDATE)\s+"?(\w+)"?', query["sql"])
    }


def _writes(queries) -> list[str]:
    return [query["sql"] for query in queries if WRITE.match(query["sql"])]


def _get(client, url, params=None):
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as default,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        response = client.get(url, params or {})
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return default, replica


def _last_month() -> str:
    return f"{(timezone.localdate().replace(day=1) - dt.timedelta(days=1)):%Y-%m}"


PAGES = {
    # name: (URL name, query: "month" for a month of committee A, what the page reads, an export?)
    # The secretary's dashboard counts nothing live: its figures are the rollup's and the counters'.
    "dashboard": ("dashboard", None, "reports_caserollup", False),
    "committee_dashboard": ("dashboard_committee", None, "reports_caserollup", False),
    "cases_xlsx": ("reports:cases_xlsx", {"status": "open"}, "cases_case", True),
    "ledger_xlsx": ("reports:ledger", "month", "cases_case", True),
    "summary_txt": ("reports:summary_txt", "month", "cases_case", False),
    "registry_export": ("imports:export", None, "residents_resident", True),
}


@pytest.mark.parametrize("page", PAGES)
def test_the_dashboards_and_exports_read_the_replica(world, as_user, page):
    name, params, reads, export = PAGES[page]
    url = reverse(name, args=[world.a.pk] if name == "dashboard_committee" else [])
    if params == "month":
        params = {"month": _last_month(), "committee": world.a.pk}
        # The month's figures as at its last day, written by the nightly job on the 1st (the first
        # summary of a month without them writes them, once, and reads on from default after it).
        month_end.month_end_rows([world.a.pk], dt.datetime.strptime(_last_month(), "%Y-%m").date())
    default, replica = _get(as_user(world.secretary_a), url, params)
    assert reads in _tables(replica.captured_queries)
    # Default reads only what the middleware reads before the view; an export's access record is
    # written there, and nothing is ever written to the replica.
    default_reads = [q for q in default.captured_queries if not WRITE.match(q["sql"])]
    assert ON_DEFAULT <= _tables(default_reads) <= ON_DEFAULT | REFERENCE
    assert _writes(replica.captured_queries) == []
    written = [_tables([{"sql": sql}]) for sql in _writes(default.captured_queries)]
    assert written == ([{"audit_accessrecord"}] if export else [])


def test_the_district_overview_reads_the_replica(world, as_user):
    yangpu = make_district("杨浦区")
    world.street.district = yangpu
    world.street.save()
    officer = make_user("district", district=yangpu, full_name="吴志明")
    default, replica = _get(as_user(officer), reverse("dashboard_district"))
    assert "cases_case" in _tables(replica.captured_queries)
    assert _tables(default.captured_queries) == ON_DEFAULT
    assert _writes(replica.captured_queries) == []


def test_an_export_writes_its_access_record_to_default(world, as_user):
    _get(as_user(world.secretary_a), reverse("reports:cases_xlsx"))
    assert AccessRecord.all_objects.filter(user=world.secretary_a, kind=AccessRecord.Kind.EXPORT).count() == 1


def test_the_case_list_after_logging_a_case_reads_default(world, as_user):
    client = as_user(world.worker_a)
    new_case = {
        "title": "电梯停运",
        "category": "drainage",
        "source": "walk_in",
        "priority": "normal",
        "committee": str(world.a.pk),
        "token": "t",
    }
    with CaptureQueriesContext(connections[REPLICA]) as replica:
        assert client.post(reverse("cases:new"), new_case).status_code == 302
        listed = client.get(reverse("cases:list"))
    assert replica.captured_queries == []
    assert "电梯停运" in listed.content.decode()


def test_a_dashboard_that_summarises_a_stale_month_reads_it_back_from_default(world, as_user):
    """A change to a case of a closed month marks the month stale; the next view summarises it on
    default and must read the rows it wrote from there, not the replica's (a few seconds behind)."""
    old = Case.all_objects.get(title="旧事项")
    old.status = Case.Status.RESOLVED
    old.resolved_at = old.created_at + dt.timedelta(hours=2)
    old.save()
    default, replica = _get(as_user(world.secretary_a), reverse("dashboard"))
    assert any("reports_caserollup" in sql for sql in _writes(default.captured_queries))
    assert _writes(replica.captured_queries) == []
    # After the summary's writes, the view read the rollup's rows from default, none from the replica.
    first_write = next(i for i, q in enumerate(default.captured_queries) if WRITE.match(q["sql"]))
    read_after = [q for q in default.captured_queries[first_write:] if not WRITE.match(q["sql"])]
    assert "reports_caserollup" in _tables(read_after)
    assert "reports_caserollup" not in _tables(replica.captured_queries)


def test_inside_the_context_reads_go_to_the_replica_until_a_write(world):
    with committee_scope([world.a.pk]), reading_from_replica():
        assert router.db_for_read(Case) == REPLICA
        assert Case.objects.count() == 3
        case = Case.objects.get(title="楼道积水")
        assert case._state.db == REPLICA
        # A write goes to default, and so does every read after it in the same block.
        make_case(world.secretary_a, world.a, title="新事项")
        assert router.db_for_read(Case) == DEFAULT_DB_ALIAS
        assert Case.objects.count() == 4


def test_reads_in_a_transaction_go_to_default(world):
    with committee_scope([world.a.pk]), reading_from_replica():
        with transaction.atomic():
            assert router.db_for_read(Case) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Case) == REPLICA


def test_outside_the_context_everything_reads_default_even_an_object_read_from_the_replica(world):
    with committee_scope([world.a.pk]):
        assert router.db_for_read(Case) == DEFAULT_DB_ALIAS
        with reading_from_replica():
            case = Case.objects.select_related(None).get(title="楼道积水")
        assert case._state.db == REPLICA
        with CaptureQueriesContext(connections[REPLICA]) as replica:
            assert case.committee == world.a  # a relation read after the block
            case.title = "楼道积水（已改）"
            case.save()
        assert replica.captured_queries == []
        assert Case.all_objects.get(pk=case.pk).title == "楼道积水（已改）"


def test_the_scope_filters_the_replicas_queries(world):
    make_case(world.worker_b, world.b, title="波阳事项")
    with reading_from_replica():
        with committee_scope([world.b.pk]):
            assert list(Case.objects.values_list("title", flat=True)) == ["波阳事项"]
        with pytest.raises(ScopeError):
            Case.objects.count()


def test_the_replica_is_related_to_default_and_never_migrated():
    case_a, case_b = Case(), Case()
    case_a._state.db, case_b._state.db = DEFAULT_DB_ALIAS, REPLICA
    assert router.allow_relation(case_a, case_b) is True
    assert router.allow_migrate(REPLICA, "cases") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "cases") is True


@pytest.fixture
def replica_down():
    """The replica alias pointed at a database that does not answer, for one test."""
    working = connections.settings[REPLICA]
    down = copy.deepcopy(working)
    if down["ENGINE"].endswith("sqlite3"):
        down["NAME"] = "/nonexistent/replica.sqlite3"
    else:
        down["PORT"] = "1"  # nothing listens there: refused at once
    connections[REPLICA].close()
    del connections[REPLICA]
    connections.settings[REPLICA] = down
    yield
    connections[REPLICA].close()
    del connections[REPLICA]
    connections.settings[REPLICA] = working
    pause_replica(0)


@pytest.mark.parametrize(
    "name, reads", [("dashboard", "reports_caserollup"), ("reports:cases_xlsx", "cases_case")]
)
def test_a_replica_that_does_not_answer_costs_no_page(world, as_user, replica_down, caplog, name, reads):
    with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as default:
        response = as_user(world.secretary_a).get(reverse(name), {"q": "13812345678"}, follow=True)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    assert reads in _tables(default.captured_queries)
    # The view failed on its first read of the replica, before writing anything, and ran again on
    # default: an export is recorded once.
    exports = AccessRecord.all_objects.filter(user=world.secretary_a, kind=AccessRecord.Kind.EXPORT).count()
    assert exports == (1 if name.endswith("xlsx") else 0)
    assert "The read replica failed (down)" in caplog.text
    assert "13812345678" not in caplog.text and "q=" not in caplog.text
    # For a while the replica is left alone: no page waits for it again.
    with reading_from_replica():
        assert router.db_for_read(Case) == DEFAULT_DB_ALIAS
    pause_replica(0)
    with reading_from_replica():
        assert router.db_for_read(Case) == REPLICA


def test_who_may_see_what_is_read_from_default_inside_a_replica_view(world):
    """A worker removed from the committee a second ago must not download its registry from a
    standby that has not yet replayed the removal: the roles query always reads default."""
    with (
        reading_from_replica(),
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as default,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        roles = Access(world.worker_a).roles
    assert roles == {world.a.pk: Role.WORKER}
    assert "committee_membership" in _tables(default.captured_queries)
    assert replica.captured_queries == []


def test_reference_data_kept_in_the_cache_is_read_from_default_inside_a_replica_view(world):
    """The cache keeps names under the version a change made; filled from a replica seconds behind,
    it would keep the names from before the change for minutes."""
    cache.clear()
    with (
        reading_from_replica(),
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as default,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        labels = reference.category_labels()
        workers = dict(reference.case_worker_names([world.a.pk]))
    assert labels and workers[world.worker_a.pk] == "李敏"
    assert {"cases_casecategory", "committee_user"} <= _tables(default.captured_queries)
    assert "cases_casecategory" not in _tables(replica.captured_queries)
