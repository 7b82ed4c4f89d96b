"""Queries compiled once and kept (common/kept.py) and the pages that keep them: the worker's home
(cases/selectors.py _queue_kept, reports/open_cases.py _queue_counts_kept, committee/views.py
_news_kept), the case page (cases/selectors.py _detail_kept) and the case list's rows
(cases/selectors.py _page_rows_kept). A kept query reads the rows its
queryset reads; its SQL depends on its arguments only, so the kept compilation is the one the next
request with the same arguments would make, and readers who see different rows get their own."""

import pytest
from django.utils import timezone, translation

from cases import selectors
from cases.models import Case, CaseEvent
from committee.access import acting_as
from committee.scoping import committee_scope, unscoped
from committee.views import _news_kept
from common.kept import PLACEHOLDER, Kept
from reports.open_cases import _queue_counts_kept
from tests.factories import make_case


@pytest.fixture
def cases(org) -> list[Case]:
    with acting_as(org.secretary_a):
        made = [make_case(org.secretary_a, org.a, title=f"事项{n}") for n in range(3)]
        made.append(make_case(org.secretary_a, org.a, title="敏感", sensitive=True))
    return made


def test_kept_rows_are_the_querysets_rows(org, cases):
    """Model rows with their joined relations, and values_list tuples, as the queryset reads them,
    as often as asked."""
    with acting_as(org.secretary_a):
        rows = Case.objects.select_related("building", "household__building").order_by("pk")
        kept = Kept(rows)
        assert [case.pk for case in kept.rows()] == [case.pk for case in rows]
        assert kept.rows()[0].title == rows[0].title
        values = Case.objects.values_list("pk", "title").order_by("pk")
        assert Kept(values).rows() == list(values)


def test_a_placeholder_is_given_to_each_call(org, cases):
    with acting_as(org.secretary_a):
        kept = Kept(Case.objects.filter(pk=PLACEHOLDER), pk=PLACEHOLDER)
        for case in cases:
            assert [row.pk for row in kept.rows(pk=case.pk)] == [case.pk]
        assert kept.rows(pk=PLACEHOLDER) == []
        with pytest.raises(TypeError):
            kept.rows()


def test_a_placeholder_must_be_one_parameter(org):
    with acting_as(org.secretary_a), pytest.raises(ValueError):
        Kept(Case.objects.filter(pk=1), pk=PLACEHOLDER)


def _arguments(org, scope, user):
    return {
        _queue_kept_of: ("default", scope, user.pk, (), (org.a.pk,), 8),
        _detail_kept_of: ("default", scope, user.pk, ()),
        _counts_kept_of: ("default", scope, user.pk, (), (org.a.pk,)),
        _page_rows_kept_of: ("default", scope, user.pk, ()),
    }


def _queue_kept_of(*arguments):
    return tuple((k.sql, k.params) for k in selectors._queue_kept.__wrapped__(*arguments))


def _detail_kept_of(*arguments):
    return tuple((k.sql, k.params) for k in selectors._detail_kept.__wrapped__(*arguments))


def _page_rows_kept_of(*arguments):
    kept = selectors._page_rows_kept.__wrapped__(*arguments)
    return kept.sql, kept.params


def _counts_kept_of(*arguments):
    kept = _queue_counts_kept.__wrapped__(*arguments)
    return kept.sql, kept.params


@pytest.mark.parametrize(
    "compile_kept", [_queue_kept_of, _detail_kept_of, _counts_kept_of, _page_rows_kept_of]
)
def test_a_kept_query_depends_on_its_arguments_only(org, compile_kept):
    """Compiled afresh under another scope, time zone, language and reader than the arguments
    say, the SQL and parameters are the same; under another scope or for another reader they
    differ (each is written into the SQL)."""
    scope = frozenset({org.a.pk, org.b.pk})
    with committee_scope({org.a.pk}), acting_as(org.secretary_a):
        here = compile_kept(*_arguments(org, scope, org.worker_a)[compile_kept])
    with unscoped(), timezone.override("UTC"), translation.override("en"), acting_as(org.worker_b):
        elsewhere = compile_kept(*_arguments(org, scope, org.worker_a)[compile_kept])
    assert here == elsewhere
    with acting_as(org.worker_b):
        other_scope = compile_kept(*_arguments(org, frozenset({org.a.pk}), org.worker_a)[compile_kept])
        other_reader = compile_kept(*_arguments(org, scope, org.worker_b)[compile_kept])
    assert other_scope != here
    assert other_reader != here


def test_the_news_depend_on_the_reader(org):
    assert (
        _news_kept.__wrapped__("default", org.worker_a.pk).params
        != _news_kept.__wrapped__("default", org.worker_b.pk).params
    )


def test_readers_in_turn_each_get_their_own_queue(org, cases):
    """The secretary's and a worker's queues, twice in turn (the second round from the kept
    compilations): each the rows my_queue and unassigned read."""
    with acting_as(org.secretary_a):
        cases[0].assignee = org.worker_a
        cases[0].save()
    selectors._queue_kept.cache_clear()
    for user in (org.secretary_a, org.worker_a, org.viewer_a) * 2:
        with acting_as(user) as access:
            live = list(selectors.my_queue(access)[:8]), list(selectors.unassigned(access, [org.a.pk])[:8])
            kept = selectors.queue_rows(access, [org.a.pk], 8)
        assert [[c.pk for c in rows] for rows in kept] == [[c.pk for c in rows] for rows in live], user
    assert selectors._queue_kept.cache_info().hits >= 3


def test_the_case_page_reads_each_case_and_hides_what_the_reader_may_not_see(org, cases):
    sensitive = cases[-1]
    selectors._detail_kept.cache_clear()
    for _ in range(2):
        with acting_as(org.secretary_a) as access:
            for case in cases:
                read = selectors.case_detail(access, case.pk)
                assert read.pk == case.pk
                assert [e.pk for e in read.timeline] == list(
                    CaseEvent.objects.filter(case=case).order_by("-at", "-pk").values_list("pk", flat=True)
                )
                assert all(event.case is read for event in read.timeline)
        with acting_as(org.viewer_a) as access:
            assert selectors.case_detail(access, sensitive.pk) is None
            assert selectors.case_detail(access, cases[0].pk).pk == cases[0].pk
        with acting_as(org.worker_b) as access:
            assert selectors.case_detail(access, cases[0].pk) is None
    assert selectors._detail_kept.cache_info().hits >= 3


def test_the_case_lists_rows_are_the_visible_ones_of_the_ids_given(org, cases):
    """The list's second step, twice in turn for each reader (the second from the kept
    compilation): the cases of the ids given that the reader may see, with the waiting referral's
    columns, whatever the order of the ids; a page holds at most PAGE_SIZE."""
    sensitive = cases[-1]
    ids = [case.pk for case in reversed(cases)]
    selectors._page_rows_kept.cache_clear()
    for _ in range(2):
        with acting_as(org.secretary_a) as access:
            rows = selectors.page_rows(access, ids)
            assert sorted(case.pk for case in rows) == sorted(ids)
            assert all(case.waiting_referral is None for case in rows)
        with acting_as(org.viewer_a) as access:
            assert sensitive.pk not in {case.pk for case in selectors.page_rows(access, ids)}
            assert selectors.page_rows(access, []) == []
        with acting_as(org.worker_b) as access:
            assert selectors.page_rows(access, ids) == []
    assert selectors._page_rows_kept.cache_info().hits >= 3
    with acting_as(org.secretary_a) as access, pytest.raises(ValueError):
        selectors.page_rows(access, list(range(1, selectors.PAGE_SIZE + 2)))


def test_an_id_out_of_the_columns_range_is_no_case(org):
    """The id is a placeholder's value, not a lookup's: one too large for the column finds no case
    (as the ORM's lookup answers) instead of failing in the driver."""
    with acting_as(org.secretary_a) as access:
        assert selectors.case_detail(access, 2**70) is None
