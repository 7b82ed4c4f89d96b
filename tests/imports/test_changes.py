"""What an import changes, said before it is written: an ID number recorded under another name is a
bad row (never a rename, nor a move, of whoever holds it), every update is listed old → new, a move
reads as a move, and a household the file leaves without its head is named."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from residents.models import Building, Household, ImportRun, Resident
from residents.validators import birth_date_from_id, gender_from_id
from tests.imports.helpers import csv_bytes, make_id, message, person
from tests.imports.test_commit import _snapshot

HEAD_ID = make_id(101)  # 严俊杰, head of 定海路449弄12号302室


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def family(org):
    """严俊杰 (head), his wife and their son at 定海路449弄12号302室; 居民1 at 449弄1号101室."""
    building = Building.all_objects.create(committee=org.a, road="定海路", lane="449", number="12")
    home = Household.all_objects.create(committee=org.a, building=building, room="302")
    people = {}
    for name, relation, n in (("严俊杰", "head", 101), ("王丽", "spouse", 102), ("严小明", "child", 103)):
        people[name] = Resident.all_objects.create(
            committee=org.a,
            household=home,
            name=name,
            id_number=make_id(n),
            birth_date=birth_date_from_id(make_id(n)),
            gender=gender_from_id(make_id(n)),
            phone=f"138000001{n - 100:02d}",
            relation_to_head=relation,
        )
    return home, people


def _row(name: str, n: int, **cells) -> dict:
    """A row for resident n (make_id(n)) at 定海路449弄12号302室 unless the cells say otherwise."""
    row = person(n, 姓名=name, 号="12", 室="302", 与户主关系="", 出生日期="", 性别="", 联系电话="")
    row["身份证号"] = make_id(n)
    row.update(cells)
    return row


def _upload(client, rows, name="名单.csv"):
    response = client.post(reverse("imports:start"), {"file": SimpleUploadedFile(name, csv_bytes(rows))})
    assert response.status_code == 302, response.text
    return ImportRun.all_objects.latest("pk"), response["Location"]


def test_an_id_number_recorded_under_another_name_is_a_bad_row_and_nothing_is_written(org, as_user, family):
    """The walkthrough's file: a row with 严俊杰's ID number, someone else's name and another address
    would have renamed and moved him. It is refused, naming the recorded name; nothing is written."""
    home, people = family
    before = _snapshot()
    rows = [person(1), _row("已登记别人", 101, 号="1", 室="101"), person(2)]
    client = as_user(org.secretary_a)
    run, url = _upload(client, rows)
    assert run.error_count == 1 and run.counts["residents"]["updated"] == 0
    (error,) = run.errors
    assert (error["row"], error["column"], error["value"]) == (3, "姓名", "已登记别人")
    assert "严俊杰" in message(error)
    page = client.get(url).text
    assert "全部 3 行均无误" not in page and "确认导入" not in page
    assert "这个身份证号登记的是严俊杰" in page
    client.post(reverse("imports:commit", args=[run.pk]))
    assert _snapshot() == before
    head = Resident.all_objects.get(pk=people["严俊杰"].pk)
    assert (head.name, head.household_id, head.relation_to_head) == ("严俊杰", home.pk, "head")


def test_the_recorded_name_is_masked_as_pages_show_names(org, load, family):
    _home, people = family
    Resident.all_objects.filter(pk=people["王丽"].pk).update(name="王丽13712345678")
    report = load(org.a, "r.csv", csv_bytes([_row("王莉", 102)]))
    said = message(report.errors[0])
    assert "王丽137****5678" in said and "13712345678" not in said
    assert "13712345678" not in str(report.errors)


def test_a_name_written_with_other_spaces_or_widths_is_the_same_name_and_is_kept(org, load, family):
    _home, people = family
    Resident.all_objects.filter(pk=people["王丽"].pk).update(name="欧阳 丽")
    report = load(org.a, "r.csv", csv_bytes([_row("欧阳丽", 102), _row("严俊杰 ", 101)]), commit=True)
    assert report.ok, report.errors
    assert report.residents.unchanged == 2 and report.changes == []
    assert Resident.all_objects.get(pk=people["王丽"].pk).name == "欧阳 丽"


def test_the_preview_lists_each_update_old_to_new_masked(org, as_user, family):
    _home, people = family
    rows = [
        _row("王丽", 102, 联系电话="13912340000", 与户主关系="户主", 居住状态="租户", 备注="腿脚不便"),
        _row("严小明", 103),  # unchanged: not listed
    ]
    client = as_user(org.secretary_a)
    run, url = _upload(client, rows)
    assert run.error_count == 0 and run.counts["residents"]["updated"] == 1
    page = client.get(url).text
    assert "将更新的内容" in page and "第2行" in page
    assert f'href="{reverse("residents:detail", args=[people["王丽"].pk])}">王丽</a>' in page
    for old, new in (("138****0102", "139****0000"), ("配偶", "户主"), ("户籍", "租户"), ("—", "腿脚不便")):
        assert f'<span class="import-old">{old}</span>' in page, old
        assert f'<span class="import-new">{new}</span>' in page, new
    assert "13912340000" not in page and "13800000102" not in page
    assert "严小明" not in page
    # The same run read in English: the columns and the choices in English.
    client.cookies["django_language"] = "en"
    english = client.get(url).text
    assert "What would be updated" in english
    # The fields' names are labels, capitalised in English as the page's others (the columns found too).
    assert re.findall(r"<dt>([^<]*)</dt>", english) == [
        "Phone",
        "Relation to head",
        "Residency status",
        "Notes",
    ]
    assert re.findall(r"<dt>([^<]*)</dt>", page) == ["联系电话", "与户主关系", "居住状态", "备注"]
    assert "<strong>Phone</strong>" in english and "<strong>Relation to head</strong>" in english
    assert '<span class="import-old">Spouse</span>' in english  # the choices as labels
    assert '<span class="import-new">Head of household</span>' in english


def test_a_move_of_the_head_reads_as_a_move_and_names_the_household_left_without_a_head(
    org, as_user, family, django_capture_on_commit_callbacks
):
    home, people = family
    client = as_user(org.secretary_a)
    run, url = _upload(client, [_row("严俊杰", 101, 号="1", 室="101")])
    assert run.error_count == 0 and run.counts["residents"]["updated"] == 1
    page = client.get(url).text
    assert "搬迁</strong> 定海路449弄12号302室" in page and "定海路449弄1号101室" in page
    warning = "导入后定海路449弄12号302室没有户主：户主严俊杰（第2行）迁往定海路449弄1号101室。"
    assert warning in page and "确认导入" in page  # a move may be right: said, not refused
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:commit", args=[run.pk]))
    head = Resident.all_objects.select_related("household__building").get(pk=people["严俊杰"].pk)
    assert head.household.address == "定海路449弄1号101室" and head.name == "严俊杰"
    assert set(Resident.all_objects.filter(household=home).values_list("name", flat=True)) == {
        "王丽",
        "严小明",
    }
    # The committed run keeps what was written, in the same words.
    run.refresh_from_db()
    assert run.status == "committed"
    committed = client.get(url).text
    assert "已更新的内容" in committed and warning in committed


@pytest.mark.parametrize(
    ("rows", "warned"),
    [
        # Someone else of the household becomes its head in the same file.
        ([_row("严俊杰", 101, 室="101"), _row("王丽", 102, 与户主关系="户主")], False),
        # A new resident comes in as its head.
        ([_row("严俊杰", 101, 室="101"), _row("严大伟", 104, 与户主关系="户主")], False),
        # The whole household moves: nobody is left there.
        ([_row(n, i, 室="101") for n, i in (("严俊杰", 101), ("王丽", 102), ("严小明", 103))], False),
        # The head stays but is no longer the head.
        ([_row("严俊杰", 101, 与户主关系="配偶")], True),
        # The head moves and a new resident who is not the head comes in.
        ([_row("严俊杰", 101, 室="101"), _row("严大伟", 104, 与户主关系="子女")], True),
    ],
)
def test_a_household_is_said_to_be_without_a_head_only_when_it_is(org, load, family, rows, warned):
    preview = load(org.a, "r.csv", csv_bytes(rows))
    assert preview.ok, preview.errors
    assert bool(preview.without_head) is warned, preview.without_head
    # The commit (rows written before the check) says the same.
    committed = load(org.a, "r.csv", csv_bytes(rows), commit=True)
    assert [message(w) for w in committed.without_head] == [message(w) for w in preview.without_head]
    if warned and "配偶" in str(rows):
        assert (
            message(preview.without_head[0])
            == "导入后定海路449弄12号302室没有户主：严俊杰（第2行）不再是户主。"
        )


def test_a_housing_type_change_is_listed_with_its_household(org, as_user, family):
    home, _people = family
    client = as_user(org.secretary_a)
    run, url = _upload(client, [_row("严俊杰", 101, 房屋类型="商品房")])
    assert run.counts["households"]["updated"] == 1 and run.counts["residents"]["unchanged"] == 1
    page = client.get(url).text
    assert f'href="{reverse("residents:household", args=[home.pk])}">定海路449弄12号302室</a>' in page
    assert '<span class="import-old">公房（租赁）</span>' in page
    assert '<span class="import-new">商品房</span>' in page


def test_the_changes_list_is_capped_and_says_so(org, as_user, load, monkeypatch):
    from residents.imports import changes

    monkeypatch.setattr(changes, "MAX_CHANGES_KEPT", 3)
    load(org.a, "r.csv", csv_bytes([person(n) for n in range(5)]), commit=True)
    client = as_user(org.secretary_a)
    run, url = _upload(client, [person(n, 备注="改过") for n in range(5)])
    assert run.counts["residents"]["updated"] == 5 and len(run.changes["residents"]) == 3
    assert "列出了 5 位更新居民中的前 3 位" in client.get(url).text


def test_a_row_with_another_bad_cell_is_told_of_the_name_too(org, load, family):
    report = load(org.a, "r.csv", csv_bytes([_row("已登记别人", 101, 房屋类型="别墅")]))
    told = [(e["column"], "严俊杰" in message(e)) for e in report.errors]
    assert told == [("房屋类型", False), ("姓名", True)]
