"""The list's count stops being exact past a cap (common/paging.py): no page counts every case, and
the pager still pages on and reads naturally in both languages."""

import pytest
from django.urls import reverse

from common import paging
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
