"""The access log's writes that commit (threads and connections of their own, transaction=True): a page
view's record committed without waiting for the disk, a reveal's waiting; a case page's record on
every database. Apart from test_access_log.py so that its tests share the module's organisation
(tests/conftest.py, _org_of_the_module), which a test that commits cannot."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit import services
from audit.models import AccessRecord
from tests.factories import make_case

Kind = AccessRecord.Kind


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


def _statement(sql: str) -> str:
    return sql if sql.startswith("SET") else sql.split()[0]


@pytest.fixture
def waiting_commits():
    """Commits that wait for the disk, as in production (the suite's sessions do not wait: conftest)."""
    before = _synchronous_commit()
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO on")
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"SET synchronous_commit TO {before}")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="asynchronous commit is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_page_view_commits_without_waiting_for_the_disk_and_a_reveal_waits(org, family, waiting_commits):
    """A page view's record commits asynchronously, in a transaction of its own: it is written all
    the same, and the setting ends with it (the next writes on the connection wait again). A reveal
    is an act the log must keep for certain: it waits for the disk."""
    wang, _li = family
    assert not connection.in_atomic_block
    with CaptureQueriesContext(connection) as view:
        services.record(user=org.worker_a, kind=Kind.RESIDENT, committee_id=org.a.pk, resident=wang)
    assert _synchronous_commit() == "on"
    with CaptureQueriesContext(connection) as reveal:
        services.record(user=org.worker_a, kind=Kind.REVEAL, committee_id=org.a.pk, resident=wang)
    # Its own transaction: BEGIN, the setting for that transaction alone, the row, COMMIT.
    assert [_statement(q["sql"]) for q in view.captured_queries] == [
        "BEGIN",
        "SET LOCAL synchronous_commit TO OFF",
        "INSERT",
        "COMMIT",
    ]
    assert not any("synchronous_commit" in q["sql"] for q in reveal.captured_queries)
    assert list(AccessRecord.all_objects.order_by("pk").values_list("kind", flat=True)) == [
        "resident",
        "reveal",
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="asynchronous commit is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_page_view_inside_a_callers_transaction_leaves_its_commit_waiting(org, family, waiting_commits):
    """Inside a caller's transaction SET LOCAL would make the caller's own writes commit without
    waiting too: there the record is written as any other row."""
    wang, _li = family
    with transaction.atomic():
        services.record(user=org.worker_a, kind=Kind.RESIDENT, committee_id=org.a.pk, resident=wang)
        assert _synchronous_commit() == "on"
    assert AccessRecord.all_objects.filter(resident=wang).count() == 1


@pytest.mark.django_db(transaction=True)
def test_opening_a_case_page_writes_its_record_on_every_database(org, as_user):
    case = make_case(org.worker_a, org.a, title="楼道积水")
    response = as_user(org.secretary_a).get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    assert list(AccessRecord.all_objects.values_list("kind", "case_id", "user_id")) == [
        ("case", case.pk, org.secretary_a.pk)
    ]
