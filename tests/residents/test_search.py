"""The search box: name, full pinyin, initials (with heteronyms), phone tail, address fragment."""

import pytest

from residents.models import Resident
from residents.selectors import search_residents
from tests.factories import make_building, make_grid, make_household, make_resident


@pytest.fixture
def people(org):
    building = make_building(org.a, "12")
    home = make_household(building, "302", phone="021-65437788")
    other = make_household(make_building(org.a, "3", lane="511"), "101")
    return {
        "zhouqin": make_resident(home, "周勤", phone="13812345678"),
        "zeng": make_resident(other, "曾小红", phone="13900001111"),
        "shan": make_resident(other, "单伟", phone=""),
        "wang": make_resident(other, "王志强", phone="13700002222"),
    }


def _names(q: str) -> set[str]:
    return set(search_residents(Resident.all_objects.all(), q).values_list("name", flat=True))


def test_it_finds_by_name_and_part_of_a_name(people):
    assert _names("周勤") == {"周勤"}
    assert _names("勤") == {"周勤"}


def test_it_finds_by_full_pinyin_and_its_start(people):
    assert _names("zhouqin") == {"周勤"}
    assert _names("ZHOU") == {"周勤"}


def test_it_finds_by_pinyin_initials(people):
    assert _names("zq") == {"周勤"}
    assert _names("wzq") == {"王志强"}


def test_it_finds_heteronym_surnames_by_either_reading(people):
    assert _names("zengxiaohong") == {"曾小红"}
    assert _names("cxh") == {"曾小红"}
    assert _names("shanwei") == {"单伟"}
    assert _names("danwei") == {"单伟"}


def test_it_finds_by_the_last_digits_of_a_phone(people):
    assert _names("5678") == {"周勤"}
    assert _names("2222") == {"王志强"}
    assert _names("7788") == {"周勤"}  # the household's landline


def test_a_middle_of_a_phone_number_is_not_a_match(people):
    assert _names("1234") == set()


def test_it_finds_by_address_fragment(people):
    assert _names("12号302") == {"周勤"}
    assert _names("449弄12号302室") == {"周勤"}
    assert _names("12-302") == {"周勤"}
    assert _names("302") == {"周勤"}
    assert _names("511弄") == {"曾小红", "单伟", "王志强"}


def test_an_address_number_matches_from_its_start(people, org):
    make_resident(make_household(make_building(org.a, "112"), "302"), "钱丽")
    assert _names("12号302") == {"周勤"}
    assert _names("112号") == {"钱丽"}
    assert _names("12号302室") == {"周勤"}


def test_words_narrow_each_other(people):
    assert _names("511弄 wzq") == {"王志强"}
    assert _names("") == {"周勤", "曾小红", "单伟", "王志强"}


def test_editing_a_building_reindexes_its_residents(people, as_user, org):
    resident = people["zhouqin"]
    building = resident.household.building
    response = as_user(org.worker_a).post(
        f"/buildings/{building.pk}/edit/",
        {"committee": org.a.pk, "road": "定海路", "lane": "449", "number": "14", "version": 1},
    )
    assert response.status_code == 302
    assert _names("14号302") == {"周勤"}
    assert _names("12号302") == set()


def test_reindex_command_rewrites_stale_keys(org, people):
    """After an upgrade changes how keys are written, the command brings every key up to date."""
    from django.core.management import CommandError, call_command

    elsewhere = make_resident(make_household(make_building(org.b, "7"), "201"), "李敏")
    Resident.all_objects.update(search_key=" stale ")
    assert _names("zhouqin") == set()
    with pytest.raises(CommandError):
        call_command("reindex_residents", "--committee", "999999")
    call_command("reindex_residents", "--committee", str(org.a.pk))
    assert _names("zhouqin") == {"周勤"}
    elsewhere.refresh_from_db()
    assert elsewhere.search_key == " stale "  # only the committee asked for
    call_command("reindex_residents")
    assert not Resident.all_objects.filter(search_key=" stale ").exists()


def _ranked(q: str, worker=None) -> list[str]:
    return list(search_residents(Resident.all_objects.all(), q, worker=worker).values_list("name", flat=True))


def test_whole_initials_come_before_initials_that_only_start_a_name(org):
    other = make_household(make_building(org.a, "5", lane="365"), "201")
    for name in ["李海华", "陆辉", "刘海"]:
        make_resident(other, name)
    assert _ranked("lh") == ["刘海", "陆辉", "李海华"]  # whole initials in pinyin order, then the start


def test_the_name_typed_whole_comes_first(org):
    other = make_household(make_building(org.a, "5", lane="365"), "201")
    for name in ["周勤华", "阿周勤", "周勤"]:
        make_resident(other, name)
    assert _ranked("周勤") == ["周勤", "周勤华", "阿周勤"]


def test_a_likelier_reading_comes_before_a_rarer_one(org):
    other = make_household(make_building(org.a, "5", lane="365"), "201")
    make_resident(other, "董兰")  # zl only if 董 is read zhong
    make_resident(other, "周莉")
    assert _ranked("zl") == ["周莉", "董兰"]


def test_a_short_number_is_an_address_not_a_phone_tail(people, org):
    make_resident(make_household(make_building(org.a, "7", lane="365"), "101"), "钱丽", phone="13800000449")
    assert _names("449") == {"周勤"}  # 449弄, not the phone ending in 449
    assert _names("11") == set() and _names("511") == {"曾小红", "单伟", "王志强"}


def test_four_digits_match_an_address_before_a_phone_tail(org):
    make_resident(make_household(make_building(org.a, "7", lane="365"), "101"), "钱丽", phone="13800001202")
    make_resident(make_household(make_building(org.a, "9", lane="1202"), "101"), "孙伟")
    assert _ranked("1202") == ["孙伟", "钱丽"]


def test_among_equals_the_workers_own_grid_comes_first(org):
    grid = make_grid(org.a, worker=org.worker_a)
    mine = make_household(make_building(org.a, "8", lane="365", grid=grid), "101")
    theirs = make_household(make_building(org.a, "9", lane="365"), "101")
    make_resident(theirs, "李海")
    make_resident(mine, "刘红")
    assert _ranked("lh") == ["李海", "刘红"]
    assert _ranked("lh", worker=org.worker_a) == ["刘红", "李海"]


def test_the_resident_list_is_in_pinyin_order(org, as_user):
    other = make_household(make_building(org.a, "5", lane="365"), "201")
    for name in ["张伟", "安华", "李海"]:  # code-point order would be 安 张 李
        make_resident(other, name)
    page = as_user(org.worker_a).get("/residents/").context["page"]
    assert [r.name for r in page.object_list] == ["安华", "李海", "张伟"]


def test_a_ranked_search_is_one_query_at_few_and_many_rows(org, django_assert_num_queries):
    grid = make_grid(org.a, worker=org.worker_a)
    home = make_household(make_building(org.a, "5", lane="365", grid=grid), "201")
    for count in (3, 60):
        while Resident.all_objects.count() < count:
            make_resident(home, "刘海")
        with django_assert_num_queries(1):
            results = list(
                search_residents(
                    Resident.all_objects.select_related("household__building"), "lh 365", worker=org.worker_a
                )[:8]
            )
        assert [str(r.household.building) for r in results]  # the address, read without a query
