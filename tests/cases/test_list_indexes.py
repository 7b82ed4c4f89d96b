"""The case lists' page queries read an index in order (cases/models.py Case.Meta.indexes).

An index serves an ORDER BY only when it matches it exactly (the partial index's condition, the
open-first rank's expression): a change to the list's query that no longer matches would bring
back the fetch-and-sort of every open case unnoticed, so the plans are checked here. Sorting is
discouraged so that even these few rows show which index the planner can use. PostgreSQL only:
SQLite's planner picks its indexes from statistics that a handful of rows do not give it (the
indexes exist there too; it may scan).
"""

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.http import QueryDict
from django.utils import timezone

from cases import selectors
from cases.filters import CaseFilterForm, filter_cases
from committee.access import acting_as
from tests.factories import make_case

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        for setting in ("enable_seqscan", "enable_sort", "enable_bitmapscan"):
            cursor.execute(f"SET LOCAL {setting} = off")  # until the test's transaction ends
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(" ".join(map(str, row)) for row in cursor.fetchall())


def _list_page(user, query: str):
    with acting_as(user) as access:
        form = CaseFilterForm(QueryDict(query), access=access)
        form.is_valid()
        ids = filter_cases(selectors.visible_cases(access), form.cleaned_data)
        return _plan(ids.values_list("pk", flat=True)[:25])


@pytest.fixture
def cases(org):
    for n in range(5):
        make_case(org.worker_a, org.a, title=f"事项{n}", assignee=org.worker_a if n % 2 else None)


@pytest.mark.parametrize(
    ("query", "index"), [("status=open", "case_open_due"), ("status=", "case_open_rank_due")]
)
def test_the_case_list_reads_its_page_from_its_index(org, cases, query, index):
    plan = _list_page(org.worker_a, query)
    assert index in plan
    assert "Sort" not in plan  # read in order, not sorted afterwards


@pytest.mark.parametrize(
    ("query", "index"), [("status=open", "case_open_due_all"), ("status=", "case_open_rank_due_all")]
)
def test_a_street_officers_list_reads_its_page_in_order_across_committees(org, cases, query, index):
    """Several committees (a street, a district): the committee-first indexes would need every
    open case of them all fetched and sorted; the cross-committee ones are read in order."""
    make_case(org.worker_b, org.b, title="波阳的事项")
    plan = _list_page(org.officer, query)
    assert index in plan
    assert "Sort" not in plan


def test_the_workers_queue_reads_its_page_from_its_index(org, cases):
    with acting_as(org.worker_a) as access:
        plan = _plan(selectors.my_queue(access)[:9])
    # With a handful of rows the planner may prefer another of the case indexes for the joined
    # query (seen once in a whole run); what must hold is that the page is read in order, not sorted.
    assert "Index Scan using case_" in plan
    assert "Sort" not in plan


def _covered_plan(sql: str, params) -> str:
    """The plan after VACUUM has marked the table's pages all-visible (as autovacuum would; bench_cases
    does after its fill): PostgreSQL then counts from an index alone, an Index Only Scan, when the
    index holds every column the query names. (Hence a test outside the usual transaction: VACUUM
    cannot run in one.)"""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE cases_case")
        with transaction.atomic():
            for setting in ("enable_seqscan", "enable_bitmapscan"):
                cursor.execute(f"SET LOCAL {setting} = off")
            cursor.execute("EXPLAIN " + sql, params)
            return "\n".join(" ".join(map(str, row)) for row in cursor.fetchall())


@pytest.mark.django_db(transaction=True)
def test_the_open_case_counts_are_covered_by_the_partial_indexes(org, cases):
    """The queue's two counts and the pager's capped count of open cases name only columns of the
    partial indexes (the visibility rule's too), so they are counted from the index alone instead
    of a table page per open case (25 ms → 1.5 ms for 11,600 open cases at 300,000, EXPLAIN)."""
    with acting_as(org.worker_a) as access:
        queries = [
            selectors.my_queue(access).order_by().values("pk"),
            selectors.unassigned(access, [org.a.pk]).order_by().values("pk"),
        ]
        form = CaseFilterForm(QueryDict("status=open"), access=access)
        form.is_valid()
        queries.append(
            filter_cases(selectors.visible_cases(access), form.cleaned_data).order_by().values("pk")
        )
        for queryset in queries:
            sql, params = queryset.query.sql_with_params()
            plan = _covered_plan(f"SELECT COUNT(*) FROM ({sql}) counted", params)  # noqa: S608 (Django's SQL)
            # Either partial index covers these (the planner picks by size).
            assert "Index Only Scan using case_open_" in plan, plan


@pytest.mark.django_db(transaction=True)
def test_the_dashboards_open_cases_are_covered_by_the_partial_index(org, cases):
    """The workload table (and from its sums the headline's open and overdue) counts the open cases
    apart from the month's resolved ones (reports.figures.workload), from the index alone."""
    from reports.figures import Period, count_filters

    filters = count_filters(Period(timezone.localdate()))
    with acting_as(org.secretary_a) as access:
        open_cases = selectors.visible_cases(access).filter(filters["open"], committee=org.a)
        rows = open_cases.values("assignee_id", "status").annotate(
            open=Count("pk"), overdue=Count("pk", filter=filters["overdue"])
        )
        sql, params = rows.order_by().query.sql_with_params()
        plan = _covered_plan(sql, params)
    assert "Index Only Scan using case_open_" in plan, plan
