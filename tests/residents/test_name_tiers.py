"""One Chinese character in the search box (王, 周): the names starting with it are read from the
registry's pinyin index in order, the other matches only when those run out (name_tiers and
tiered_page), and the page must read exactly as search_residents' one sorted query did. The tests
that build rows of their own are in test_name_tiers_own_rows.py."""

import pytest
from django.db import connection
from django.urls import reverse

from residents.filters import narrow_residents
from residents.models import Resident
from residents.selectors import name_tiers, search_residents, tiered_page
from tests.conftest import copy_of_the_module, rows_of_the_module
from tests.factories import make_building, make_household, make_resident

ACTIVE = {"status": "active", "building": None, "grid": None}


def _make_wangs(org):
    """Names starting with 王 (and the name itself), a name of the same reading that is not 王 (汪),
    王 inside a name, a road starting with 王, an archived 王, and 王 in the other committee."""
    lane = make_household(make_building(org.a, "3", road="王家路", lane="12"), "101")
    home = make_household(make_building(org.a, "5", lane="365"), "201")
    for name in ["王志强", "王芳", "王", "王阿姨", "王建国", "王芳", "汪洋", "李王华", "周勤"]:
        make_resident(home, name)
    make_resident(lane, "张伟")  # on 王家路: an address match
    make_resident(lane, "王五", archived="moved_out")
    make_resident(org.b, "王小明")
    return home


@pytest.fixture(scope="module")
def _wangs_of_the_module(request, _org_of_the_module, django_db_blocker):
    """_make_wangs's rows, written once for the module's tests."""
    yield from rows_of_the_module(request, _org_of_the_module, django_db_blocker, "wangs", _make_wangs)


@pytest.fixture
def wangs(_wangs_of_the_module, org):
    """_make_wangs's rows, a copy for each test (tests/conftest.py, rows_of_the_module)."""
    return copy_of_the_module(_wangs_of_the_module, _make_wangs, org)


def _search_order(q: str, committee_id: int | None = None) -> list[int]:
    residents = Resident.all_objects.filter(committee_id=committee_id or _a())
    listed = narrow_residents(residents, {"q": q, **ACTIVE})
    return list(search_residents(listed, q).values_list("pk", flat=True))


def _a() -> int:
    return Resident.all_objects.get(name="周勤").committee_id


@pytest.mark.parametrize("size", [1, 2, 3, 25])
def test_every_page_reads_as_the_one_sorted_query_did(wangs, size):
    """The exact name first, then names starting with 王 by pinyin (not 汪洋), then the rest (李王华,
    the resident of 王家路), each page and its count, whatever the page size and the offset."""
    expected = _search_order("王")
    names = dict(Resident.all_objects.values_list("pk", "name"))
    in_order = ["王", "王阿姨", "王芳", "王芳", "王建国", "王志强", "李王华", "张伟"]
    assert [names[pk] for pk in expected] == in_order
    listed = narrow_residents(Resident.all_objects.filter(committee_id=_a()), {"q": "王", **ACTIVE})
    tiers = name_tiers(listed, "王")
    read = []
    for offset in range(0, len(expected) + size, size):
        rows = tiered_page(tiers, offset=offset, size=size, limit=1000)
        assert all(counted == len(expected) for _pk, counted in rows)
        read += [pk for pk, _counted in rows]
    assert read == expected


def test_the_count_stops_past_the_limit_in_either_tier(wangs):
    listed = narrow_residents(Resident.all_objects.filter(committee_id=_a()), {"q": "王", **ACTIVE})
    tiers = name_tiers(listed, "王")
    # Six names start with 王: past a limit of 3 the rest is not counted.
    assert {counted for _pk, counted in tiered_page(tiers, offset=0, size=2, limit=3)} == {4}
    # A limit of 6 is reached only with the rest (8 matches): still "more than 6".
    assert {counted for _pk, counted in tiered_page(tiers, offset=0, size=2, limit=6)} == {7}
    assert {counted for _pk, counted in tiered_page(tiers, offset=6, size=2, limit=7)} == {8}


def test_more_than_one_character_or_a_word_of_letters_is_not_read_in_tiers(wangs):
    listed = Resident.all_objects.all()
    assert name_tiers(listed, "王芳") is None and name_tiers(listed, "王 12") is None
    assert name_tiers(listed, "wang") is None and name_tiers(listed, "449") is None


def test_the_list_shows_one_character_in_the_search_order_with_its_count(wangs, org, as_user):
    client = as_user(org.worker_a)
    page = client.get(reverse("residents:list"), {"q": "王"}).context["page"]
    assert [r.pk for r in page.object_list] == _search_order("王")
    assert page.paginator.exact and page.paginator.count == 8  # not 王五 (moved out), not 王小明
    archived = client.get(reverse("residents:list"), {"q": "王", "status": "archived"}).context["page"]
    assert [r.name for r in archived.object_list] == ["王五"]
    assert page.paginator.tiers is not None  # one committee: read in tiers
    # The street officer's several committees keep the sort (the index's ranges are per committee).
    street = as_user(org.officer).get(reverse("residents:list"), {"q": "王"}).context["page"]
    assert street.paginator.tiers is None
    assert [r.name for r in street.object_list][:2] == ["王", "王阿姨"] and street.paginator.count == 9


@pytest.mark.skipif(connection.vendor != "postgresql", reason="an ICU collation of PostgreSQL")
def test_the_name_itself_comes_first_under_a_collation_that_ignores_spaces(wangs):
    """Under a collation that ignores spaces ('wang 王' after 'wangayi 王阿姨', as glibc's locales
    may order), the name itself is still first: it is read apart, not from the pinyin range."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the rows' checks, before ALTER TABLE
        cursor.execute("CREATE COLLATION spaces_ignored (provider = icu, locale = 'und-u-ka-shifted')")
        cursor.execute(
            "ALTER TABLE residents_resident ALTER COLUMN sort_key TYPE varchar(120) COLLATE spaces_ignored"
        )
        cursor.execute("SELECT 'wang 王' > 'wangayi 王阿姨' COLLATE spaces_ignored")
        assert cursor.fetchone()[0]  # the collation is one that would put the name itself later
    expected = _search_order("王")
    listed = narrow_residents(Resident.all_objects.filter(committee_id=_a()), {"q": "王", **ACTIVE})
    tiers = name_tiers(listed, "王")
    pages = [tiered_page(tiers, offset=offset, size=2, limit=100) for offset in range(0, 9, 2)]
    read = [pk for page in pages for pk, _counted in page]
    assert read == expected and Resident.all_objects.get(pk=read[0]).name == "王"
