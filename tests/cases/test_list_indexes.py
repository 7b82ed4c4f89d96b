"""The case lists' page queries read an index in order (cases/models/case.py Case.Meta.indexes).

An index serves an ORDER BY only when it matches it exactly (the partial index's condition, the
open-first rank's expression): a change to the list's query that no longer matches would bring
back the fetch-and-sort of every open case unnoticed, so the plans are checked here. Sorting is
discouraged so that even these few rows show which index the planner can use. PostgreSQL only:
SQLite's planner picks its indexes from statistics that a handful of rows do not give it (the
indexes exist there too; it may scan).
"""

import re

import pytest
from django.db import connection
from django.db.models import Count
from django.http import QueryDict
from django.utils import timezone

from cases import selectors
from cases.filters import CaseFilterForm, filter_cases
from cases.models import Case
from committee.access import acting_as
from tests.conftest import copy_of_the_module, rows_of_the_module
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


def _make_cases(org):
    for n in range(5):
        make_case(org.worker_a, org.a, title=f"事项{n}", assignee=org.worker_a if n % 2 else None)


@pytest.fixture(scope="module")
def _cases_of_the_module(request, _org_of_the_module, django_db_blocker):
    yield from rows_of_the_module(request, _org_of_the_module, django_db_blocker, "cases", _make_cases)


@pytest.fixture
def cases(_cases_of_the_module, org):
    """_make_cases's rows, written once for the module's tests (tests/conftest.py, rows_of_the_module)."""
    return copy_of_the_module(_cases_of_the_module, _make_cases, org)


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


def _covering_index(queryset) -> str | None:
    """The partial index of open cases holding every column of the case table that the query
    names, if any: PostgreSQL then counts from the index alone (an index-only scan: 25 ms → 1.5 ms
    for 11,600 open cases at 300,000, EXPLAIN ANALYZE with bench_cases). Checked by the columns, not
    by a plan: the planner chooses an index-only scan only where VACUUM could mark the table's pages
    all-visible, which any open transaction on the server (another test process's) prevents."""
    sql, _params = queryset.query.sql_with_params()
    assert "JOIN" not in sql, sql
    named = set(re.findall(r'"cases_case"\."(\w+)"', sql))
    for index in Case._meta.indexes:
        columns = {Case._meta.get_field(name).column for name in index.fields}
        if index.name.startswith("case_open_") and index.fields and named <= columns:
            return index.name
    return None


def test_the_open_case_counts_are_covered_by_the_partial_indexes(org, cases):
    """The queue's two counts and the pager's capped count of open cases name only columns of the
    partial indexes (the visibility rule's too)."""
    with acting_as(org.worker_a) as access:
        form = CaseFilterForm(QueryDict("status=open"), access=access)
        form.is_valid()
        queries = [
            selectors.my_queue(access).order_by().values("pk"),
            selectors.unassigned(access, [org.a.pk]).order_by().values("pk"),
            filter_cases(selectors.visible_cases(access), form.cleaned_data).order_by().values("pk"),
        ]
        for queryset in queries:
            assert _covering_index(queryset) is not None, queryset.query


def test_the_dashboards_open_cases_are_covered_by_the_partial_index(org, cases):
    """The workload table (and from its sums the headline's open and overdue) counts the open cases
    apart from the month's resolved ones (reports.workload.workload), from the index alone; so does
    a street's or the district's count of open cases per committee (reports.overviews.headlines)."""
    from reports.figures import Period, count_filters

    filters = count_filters(Period(timezone.localdate()))
    for user in (org.secretary_a, org.worker_a, org.officer):
        with acting_as(user) as access:
            open_cases = selectors.visible_cases(access).filter(filters["open"])
            rows = open_cases.values("committee_id", "assignee_id", "status").annotate(
                open=Count("pk"), overdue=Count("pk", filter=filters["overdue"])
            )
            assert _covering_index(rows.order_by()) is not None, rows.query
