"""One Chinese character in the search box, where test_name_tiers.py's shared wangs do not fit: the
reading itself (no rows; every test under tests/residents reads the database, _care_categories), a
common surname's first page and long names, each test writing residents of its own.
Apart so that test_name_tiers.py's tests share one wangs (tests/conftest.py, rows_of_the_module)."""

import importlib

import pytest
from django.apps import apps
from django.db import connection

from committee.scoping import unscoped
from residents.filters import narrow_residents
from residents.models import Resident
from residents.search_keys import name_reading, sort_key
from residents.selectors import name_tiers, tiered_page, tiered_page_sql
from tests.factories import make_building, make_household, make_resident
from tests.residents.test_name_tiers import ACTIVE, _search_order


def test_the_reading_is_the_sort_keys_start_for_chinese_only():
    assert name_reading("王") == "wang"
    assert name_reading("曾") in {"zeng", "ceng"}  # the likeliest, as sort_key writes it
    assert name_reading("w") is None and name_reading("5") is None and name_reading("") is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_the_first_page_of_a_common_surname_does_not_read_the_rest(org):
    """Past the count's limit, names starting with 王 are enough: the other matches are neither
    read nor counted (their branch of the plan never runs)."""
    home = make_household(make_building(org.a, "5", road="王家路", lane="365"), "201")
    make_resident(home, "李王华")
    with unscoped():
        template = make_resident(home, "王芳")
        fields = {f.attname: getattr(template, f.attname) for f in Resident._meta.concrete_fields}
        names = [f"王{chr(0x4E00 + 200 + i % 500)}" for i in range(300)]
        Resident.all_objects.bulk_create(
            Resident(**{**fields, "id": None, "name": n, "id_number": None, "sort_key": sort_key(n)})
            for n in names
        )
    listed = narrow_residents(Resident.all_objects.filter(committee=org.a), {"q": "王", **ACTIVE})
    tiers = name_tiers(listed, "王")
    sql, params = tiered_page_sql(tiers, offset=0, size=25, limit=100)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE residents_resident")
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # Both reads of the rest (its rows and its count) search the key: neither ran. A node's line
    # says whether it ran; its conditions follow it.
    nodes, node = [], ""
    for line in plan.splitlines():
        if "actual rows" in line or "never executed" in line:
            node = line
        elif "search_key ~~" in line:
            nodes.append(node)
    assert len(nodes) == 2 and all("never executed" in line for line in nodes), plan
    rows = tiered_page(tiers, offset=0, size=25, limit=100)
    assert len(rows) == 25 and {count for _pk, count in rows} == {101}


LONG = "王" + "窗" * 20  # wang + 20 × chuang: 124 letters of reading, more than the key holds
EXACT_FIT = "王" + "庄" * 19 + "阿"  # 119 letters: the cut fell on the space before the name


def test_a_long_name_keeps_its_name_at_the_end_of_its_sort_key():
    for name in (LONG, EXACT_FIT, "王芳"):
        key = sort_key(name)
        assert len(key) <= 120 and key.endswith(f" {name}") and key.startswith("wang")


def test_a_long_name_starting_with_the_character_is_read_with_the_names(org):
    """A name whose reading fills the key is still among the names starting with 王 (the reading is
    cut, not the name), on every page."""
    home = make_household(make_building(org.a, "5", lane="365"), "201")
    for name in ["王芳", LONG, EXACT_FIT, "李王华"]:
        make_resident(home, name)
    expected = _search_order("王", org.a.pk)
    listed = narrow_residents(Resident.all_objects.filter(committee_id=org.a.pk), {"q": "王", **ACTIVE})
    tiers = name_tiers(listed, "王")
    for size in (1, 2, 4):
        pages = [tiered_page(tiers, offset=offset, size=size, limit=100) for offset in range(0, 4, size)]
        assert [pk for page in pages for pk, _counted in page] == expected
    names = dict(Resident.all_objects.values_list("pk", "name"))
    assert names[expected[-1]] == "李王华"


def test_the_migration_rewrites_the_keys_that_lost_their_name(org):
    """Keys written before (the whole key cut at 120 characters) are rewritten by 0013; others stay."""
    home = make_household(make_building(org.a, "5", lane="365"), "201")
    long, short = make_resident(home, LONG), make_resident(home, "王芳")
    old_key = "wang" + "chuang" * 20  # what the key was: the reading, cut, and no name
    Resident.all_objects.filter(pk=long.pk).update(sort_key=old_key[:120])
    migration = importlib.import_module("residents.migrations.0013_sort_key_keeps_the_name")
    with unscoped():  # the migration's own (historical) model has no committee scope
        migration.refresh_long_keys(apps, None)
    long.refresh_from_db()
    short.refresh_from_db()
    assert long.sort_key == sort_key(LONG) and long.sort_key.endswith(f" {LONG}")
    assert short.sort_key == sort_key("王芳")
