"""The list's count stops being exact past a cap (common/paging.py): no page counts every case, and
the pager still pages on and reads naturally in both languages."""

import pytest
from django.core.paginator import Paginator
from django.urls import reverse

from cases import views as case_views
from cases.models import Case
from committee.scoping import committee_scope
from common import paging
from common.paging import CappedPaginator
from tests.factories import make_case, make_resident


@pytest.fixture
def cap_of_three(monkeypatch):
    monkeypatch.setattr(paging, "CAP", 3)


def _page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response, response.content.decode()


def test_below_the_cap_the_count_is_exact(org, as_user, cap_of_three):
    for i in range(3):
        make_case(org.worker_a, org.a, title=f"积水{i}")
    response, html = _page(as_user(org.secretary_a), reverse("cases:list"))
    assert response.context["page"].paginator.exact
    assert "3 件" in html


def test_past_the_cap_the_list_says_more_than_and_pages_on(org, as_user, cap_of_three):
    for i in range(30):
        make_case(org.worker_a, org.a, title=f"积水{i}")
    client = as_user(org.secretary_a)
    response, html = _page(client, reverse("cases:list"))
    assert not response.context["page"].paginator.exact
    # The first page counts up to the end of its 25 rows (past the cap of 3): more than 25.
    assert "超过 25 件" in html and "第 1 页" in html and "共" not in html.split("第 1 页")[1][:5]
    assert 'rel="next"' in html and len(response.context["cases"]) == 25
    # The second page is the last: its count reaches the end, so it is exact again.
    response, html = _page(client, reverse("cases:list"), status="open", page=2)
    assert response.context["page"].paginator.exact and len(response.context["cases"]) == 5
    assert "30 件" in html and 'rel="next"' not in html and "第 2 页，共 2 页" in html
    english = client.get(reverse("cases:list"), {"status": "open"}, headers={"Accept-Language": "en"})
    html = english.content.decode()
    assert "More than 25 cases" in html and "Page 1<" in html


def test_the_resident_list_is_capped_too(org, as_user, cap_of_three):
    for i in range(4):
        make_resident(org.a, f"王{i}芳")
    response, html = _page(as_user(org.secretary_a), reverse("residents:list"), q="王")
    # 4 rows fit on the first page of 25: the count reaches them all, exact.
    assert response.context["page"].paginator.exact and "4 位居民" in html
    for i in range(30):
        make_resident(org.a, f"李{i}")
    response, html = _page(as_user(org.secretary_a), reverse("residents:list"))
    assert not response.context["page"].paginator.exact and "超过 25 位居民" in html


# --- One query: the page's ids and the capped count together (CappedPaginator(one_query=True)) ---


def _ids_of(org):
    return Case.objects.filter(committee=org.a).order_by("-pk").values_list("pk", flat=True)


def _pager(org, **kwargs) -> CappedPaginator:
    return CappedPaginator(_ids_of(org), 2, one_query=True, **kwargs)


def test_one_query_gives_the_page_and_the_exact_count_below_the_cap(org, django_assert_num_queries):
    cases = [make_case(org.worker_a, org.a, title=f"积水{i}") for i in range(5)]
    newest_first = [case.pk for case in reversed(cases)]
    with committee_scope([org.a.pk]):
        with django_assert_num_queries(1):
            page = _pager(org, cap=10).get_page("2")
            ids = list(page.object_list)
        # The same rows, in the same order, as Django's pager gives.
        assert ids == newest_first[2:4] == list(Paginator(_ids_of(org), 2).get_page(2).object_list)
    assert page.paginator.exact and page.paginator.count == 5 and page.paginator.num_pages == 3
    assert page.number == 2 and page.has_next() and page.has_previous()


def test_one_query_past_the_cap_says_more_than_and_pages_on(org, django_assert_num_queries):
    for i in range(9):
        make_case(org.worker_a, org.a, title=f"积水{i}")
    with committee_scope([org.a.pk]):
        with django_assert_num_queries(1):
            page = _pager(org, cap=3).get_page(None)  # no page asked for: the first
        # Counted up to the cap and one more: "more than 3", and Next stays.
        assert not page.paginator.exact and page.paginator.shown_count == 3
        assert page.number == 1 and page.has_next() and len(page.object_list) == 2
        # Page 3 ends at row 6, past the cap: counted up to 7, more than 6.
        page = _pager(org, cap=3).get_page(3)
        assert not page.paginator.exact and page.paginator.shown_count == 6 and page.has_next()
        # Page 5 reaches the end: exact again, the last page.
        page = _pager(org, cap=3).get_page(5)
        assert page.paginator.exact and page.paginator.count == 9 and not page.has_next()
        assert len(page.object_list) == 1


def test_one_query_past_the_last_page_falls_back_to_the_last(org, django_assert_num_queries):
    for i in range(3):
        make_case(org.worker_a, org.a, title=f"积水{i}")
    with committee_scope([org.a.pk]):
        # The page's query finds no rows: the count, then the last page (Django's answer).
        with django_assert_num_queries(3):
            page = _pager(org).get_page(7)
            ids = list(page.object_list)
        assert page.number == 2 and page.paginator.count == 3 and len(ids) == 1
        # Page 0 and words are Django's to answer, as without one_query: the last page, the first.
        assert _pager(org).get_page(0).number == 2
        assert _pager(org).get_page("abc").number == 1


def test_one_query_on_no_rows_at_all_is_one_empty_page(org, django_assert_num_queries):
    with committee_scope([org.a.pk]), django_assert_num_queries(1):
        page = _pager(org).get_page(1)
    assert list(page.object_list) == [] and page.paginator.count == 0 and page.paginator.exact
    assert page.number == 1 and not page.has_other_pages()


def test_the_case_list_counts_in_its_page_query(org, as_user, cap_of_three):
    """The list's page (as the tests above, through the view): past the cap of 3 its page 2 says
    "more than 50", the last page is exact, and a page past the last shows the last one."""
    for i in range(55):
        make_case(org.worker_a, org.a, title=f"积水{i}")
    client = as_user(org.secretary_a)
    response, html = _page(client, reverse("cases:list"), status="open", page=2)
    assert "超过 50 件" in html and "第 2 页" in html and len(response.context["cases"]) == 25
    response, html = _page(client, reverse("cases:list"), status="open", page=3)
    assert "55 件" in html and "第 3 页，共 3 页" in html and len(response.context["cases"]) == 5
    response, html = _page(client, reverse("cases:list"), status="open", page=9)
    assert response.context["page"].number == 3 and "第 3 页，共 3 页" in html


def test_a_search_counts_its_matches_up_to_its_own_lower_cap(org, as_user, monkeypatch):
    """Searches stop counting sooner than lists (cases.views.SEARCH_CAP, 100; 30 here): the same
    40 cases are "more than 30" when searched for and 40 when listed, and the search's last page
    counts them all."""
    monkeypatch.setattr(case_views, "SEARCH_CAP", 30)
    for i in range(40):
        make_case(org.worker_a, org.a, title=f"积水{i}")
    client = as_user(org.secretary_a)
    response, html = _page(client, reverse("cases:list"), q="积水")
    assert not response.context["page"].paginator.exact and "超过 30 件" in html
    response, html = _page(client, reverse("cases:list"), status="open")
    assert response.context["page"].paginator.exact and "40 件" in html
    response, html = _page(client, reverse("cases:list"), q="积水", page=2)
    assert "40 件" in html and "第 2 页，共 2 页" in html and len(response.context["cases"]) == 15
