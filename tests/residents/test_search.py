"""The search box: name, full pinyin, initials (with heteronyms), phone tail, address fragment."""

import pytest

from residents.models import Resident
from residents.selectors import search_residents
from tests.factories import make_building, make_household, make_resident


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
