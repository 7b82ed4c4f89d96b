"""One- and two-character Chinese terms match at a token start (the key ends with the name's and the
road's bigrams, residents/search_keys.py), which PostgreSQL's trigram index serves."""

import pytest
from django.db import connection

from committee.scoping import unscoped
from residents.models import Resident
from residents.search_keys import search_key
from residents.selectors import search_residents
from tests.factories import make_building, make_household, make_resident


def _names(q: str) -> set[str]:
    return set(search_residents(Resident.all_objects.all(), q).values_list("name", flat=True))


def test_any_part_of_a_name_or_road_of_one_or_two_characters(org):
    home = make_household(make_building(org.a, "12"), "302")
    make_resident(home, "曾小红")
    make_resident(home, "王志强")
    assert _names("小红") == {"曾小红"}
    assert _names("红") == {"曾小红"}
    assert _names("志强") == {"王志强"}
    assert _names("曾小") == {"曾小红"}
    assert _names("红王") == set()  # not across two names
    road = home.building.road
    assert _names(road[-2:]) == {"曾小红", "王志强"}  # the end of the road's name


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's trigram index")
@pytest.mark.parametrize("q", ["王芳", "芳", "志强"])
def test_a_short_name_uses_the_trigram_index(org, q):
    home = make_household(make_building(org.a, "12"), "302")
    make_resident(home, "王芳")
    make_resident(home, "王志强")
    template = make_resident(home, "李四")
    with unscoped():
        fields = {f.attname: getattr(template, f.attname) for f in Resident._meta.concrete_fields}
        rows = []
        for i in range(3000):
            name = f"李{chr(0x4E00 + 200 + i % 500)}{chr(0x4E00 + 900 + i % 300)}"
            rows.append(
                Resident(
                    **{
                        **fields,
                        "id": None,
                        "name": name,
                        "id_number": None,
                        "search_key": search_key(name, [], []),
                    }
                )
            )
        Resident.all_objects.bulk_create(rows)
    queryset = search_residents(Resident.all_objects.filter(committee=org.a, archived=""), q)
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE residents_resident")
        cursor.execute("SELECT gin_clean_pending_list('resident_search_key_trgm')")  # as VACUUM would
        cursor.execute("SET LOCAL enable_seqscan = off")  # of the indexes, the key's must be chosen
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "resident_search_key_trgm" in plan, plan
