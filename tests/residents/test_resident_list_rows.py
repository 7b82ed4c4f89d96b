"""The resident list as the worker reads it, after its rows came to be written in Python
(residents/rows.py), its page read as ids then rows (residents.selectors.page_rows), the search's
count read beside its sort (SearchPaginator) and the building and grid filters kept in the cache."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from committee.scoping import committee_scope, unscoped
from common import paging
from residents import selectors
from residents.models import Grid, Resident
from tests.factories import make_building, make_grid, make_household, make_resident


def _results(client, **params) -> str:
    response = client.get(reverse("residents:list"), params)
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('<div id="results"') :]


def _years_ago(years: int) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=1)


@pytest.fixture
def family(org):
    home = make_household(make_building(org.a, "12", road="定海路", lane="449"), "302")
    old = make_resident(
        home,
        "周勤",
        phone="13812345678",
        birth=_years_ago(81),
        categories=["dibao", "very_old", "elderly_alone"],
    )
    gone = make_resident(home, "周强", archived=Resident.Archived.MOVED_OUT)
    return old, gone


def test_a_row_shows_name_address_age_masked_phone_and_categories_in_their_order(org, as_user, family):
    old, _gone = family
    html = _results(as_user(org.worker_a), q="周勤")
    assert f'<li><a href="/residents/{old.pk}/">' in html
    assert '<div class="row-title">周勤</div>' in html
    assert "<span>定海路449弄12号302室</span>" in html
    assert "<span>81岁</span>" in html
    assert '<span class="num">138****5678</span>' in html and "13812345678" not in html
    # The categories in their own order (elderly alone, very old, then dibao), the sensitive amber.
    badges = html.split('<div class="row-meta"><span class="badge')[1].split("</div>")[0]
    assert badges.index("独居") < badges.index("高龄") < badges.index("低保")
    assert 'amber">低保' in badges


def test_a_reader_sees_no_sensitive_category_in_the_rows(org, as_user, family):
    html = _results(as_user(org.viewer_a), q="周勤")
    assert "高龄" in html and "低保" not in html


def test_a_moved_out_resident_says_so_in_the_active_language(org, as_user, family):
    client = as_user(org.worker_a)
    html = _results(client, q="周强", status="all")
    assert '<div class="row-title">周强 <span class="badge">迁出</span></div>' in html
    english = client.get(
        reverse("residents:list"), {"q": "周强", "status": "all"}, headers={"Accept-Language": "en"}
    )
    assert '周强 <span class="badge">Moved out</span>' in english.content.decode()  # a label


def test_names_and_addresses_are_escaped(org, as_user):
    make_resident(make_household(make_building(org.a, "9", road="<b>路"), "101"), "<i>周</i>")
    html = _results(as_user(org.worker_a), q="周")
    assert "&lt;i&gt;周&lt;/i&gt;" in html and "&lt;b&gt;路" in html and "<i>周" not in html


def test_the_search_counts_its_matches_and_says_more_than_past_the_cap(org, as_user, monkeypatch):
    """SearchPaginator counts beside its sort (COUNT(*) OVER ()), and says what CappedPaginator
    says: exact up to the cap, "more than" past it; a page past the last is Django's last page."""
    monkeypatch.setattr(paging, "CAP", 3)
    for i in range(30):
        make_resident(org.a, f"周{i}")
    client = as_user(org.worker_a)
    response = client.get(reverse("residents:list"), {"q": "周"})
    assert not response.context["page"].paginator.exact
    assert "超过 25 位居民" in response.content.decode()
    assert [r.name for r in response.context["page"].object_list][:2] == ["周0", "周1"]
    last = client.get(reverse("residents:list"), {"q": "周", "page": 2})
    assert last.context["page"].paginator.exact and len(last.context["page"].object_list) == 5
    assert "30 位居民" in last.content.decode()
    past = client.get(reverse("residents:list"), {"q": "周", "page": 9})
    assert past.context["page"].number == 2 and len(past.context["page"].object_list) == 5
    nobody = client.get(reverse("residents:list"), {"q": "不存在"})
    assert (
        nobody.context["page"].paginator.count == 0 and "没有与“不存在”匹配的居民" in nobody.content.decode()
    )


def test_page_rows_reads_only_the_scopes_residents_in_the_order_given(org):
    mine = [make_resident(org.a, f"周{i}") for i in range(3)]
    theirs = make_resident(org.b, "周外")
    with committee_scope({org.a.pk}):
        rows = selectors.page_rows([mine[2].pk, theirs.pk, mine[0].pk])
        assert [row.pk for row in rows] == [mine[2].pk, mine[0].pk]
        assert selectors.page_rows([]) == []
        with pytest.raises(ValueError):
            selectors.page_rows(list(range(1, selectors.PAGE_SIZE + 2)))


def test_the_kept_page_query_depends_on_the_scope_only(org):
    with committee_scope({org.a.pk}):
        here = selectors._page_rows_kept.__wrapped__("default", frozenset({org.a.pk}))
    with unscoped():
        elsewhere = selectors._page_rows_kept.__wrapped__("default", frozenset({org.a.pk}))
        other = selectors._page_rows_kept.__wrapped__("default", frozenset({org.b.pk}))
    assert here == elsewhere and here != other


def test_a_new_building_or_grid_shows_in_the_filters_on_the_next_page(org, as_user):
    """They come from the cache (common/refdata.py "places"): a save renews it."""
    client = as_user(org.worker_a)
    make_resident(org.a, "周勤")
    assert "中山路1号" not in client.get(reverse("residents:list")).content.decode()
    make_building(org.a, "1", road="中山路", lane="")
    grid = make_grid(org.a, "新网格")
    html = client.get(reverse("residents:list")).content.decode()
    assert "中山路1号</option>" in html and f'<option value="{grid.pk}">新网格</option>' in html
    with unscoped():
        Grid.all_objects.filter(pk=grid.pk).get().delete()
    assert "新网格" not in client.get(reverse("residents:list")).content.decode()


def test_an_imported_building_shows_in_the_filter(org, as_user, tmp_path):
    """The import writes buildings with bulk_create, which sends no signal: the writer renews the
    cache itself (residents/imports/writer.py)."""
    from residents.imports.importer import run_import
    from residents.imports.reading import detect_kind
    from tests.imports.helpers import csv_bytes, person, write

    client = as_user(org.secretary_a)
    assert "延安路449弄1号" not in client.get(reverse("residents:list")).content.decode()
    path = write(tmp_path, "new.csv", csv_bytes([person(1, 路名="延安路")]))
    run_import(org.a, path, detect_kind(path, "new.csv"), commit=True)
    assert "延安路449弄1号</option>" in client.get(reverse("residents:list")).content.decode()
