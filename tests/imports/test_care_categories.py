"""A filled 关爱类别 cell adds to the care categories recorded and never silently drops one: a street's
list of 低保 households leaves 独居老人 and 高龄老人 where they are. A category is taken off only when
the cell says so with a minus sign (-独居老人); the preview names what each row adds and takes off,
and counts the residents who lose one. The template's instructions say the rule."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from residents.models import Building, CareCategory, Household, ImportRun, Resident
from residents.validators import birth_date_from_id, gender_from_id
from tests.imports.helpers import csv_bytes, make_id, person

WANG = make_id(425, birth=datetime.date(1942, 3, 15))


@pytest.fixture
def wang(org):
    """王桂英, 84, living alone at 定海路449弄12号701室: 独居老人、高龄老人."""
    building = Building.all_objects.create(committee=org.a, road="定海路", lane="449", number="12")
    home = Household.all_objects.create(committee=org.a, building=building, room="701")
    resident = Resident.all_objects.create(
        committee=org.a,
        household=home,
        name="王桂英",
        id_number=WANG,
        birth_date=birth_date_from_id(WANG),
        gender=gender_from_id(WANG),
        relation_to_head="head",
    )
    resident.care_categories.set(CareCategory.objects.filter(code__in=["elderly_alone", "very_old"]))
    return resident


def _row(care: str) -> dict:
    row = person(
        1, 姓名="王桂英", 号="12", 室="701", 与户主关系="", 出生日期="", 性别="", 联系电话="", 关爱类别=care
    )
    row["身份证号"] = WANG
    return row


def _client(as_user, org, language="zh-hans"):
    client = as_user(org.secretary_a)
    client.cookies["django_language"] = language
    return client


def _upload(client, care: str) -> tuple[ImportRun, str]:
    response = client.post(
        reverse("imports:start"), {"file": SimpleUploadedFile("低保名单.csv", csv_bytes([_row(care)]))}
    )
    assert response.status_code == 302, response.text
    run = ImportRun.all_objects.latest("pk")
    return run, client.get(response["Location"]).text


def _codes(resident) -> set[str]:
    return set(resident.care_categories.values_list("code", flat=True))


def test_a_filled_cell_adds_its_category_and_keeps_those_recorded(
    org, as_user, wang, django_capture_on_commit_callbacks
):
    client = _client(as_user, org)
    run, page = _upload(client, "低保")
    assert "增加 低保" in page and "去掉" not in page
    english = _client(as_user, org, "en").get(reverse("imports:preview", args=[run.pk])).text
    assert "adds Minimum allowance (dibao)" in english and "takes off" not in english
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:commit", args=[run.pk]))
    assert _codes(wang) == {"elderly_alone", "very_old", "dibao"}


def test_a_category_marked_with_a_minus_sign_is_taken_off_and_the_preview_says_so(
    org, as_user, wang, django_capture_on_commit_callbacks
):
    client = _client(as_user, org)
    run, page = _upload(client, "低保、－独居老人")
    assert "增加 低保" in page and "去掉 独居老人" in page
    assert "1 位居民将去掉关爱类别（文件中以减号标明）。" in page
    english = _client(as_user, org, "en").get(reverse("imports:preview", args=[run.pk])).text
    assert "takes off Elderly living alone" in english
    assert "1 resident loses a care category, marked with a minus sign in the file." in english
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:commit", args=[run.pk]))
    assert _codes(wang) == {"very_old", "dibao"}


def test_a_cell_that_adds_and_takes_off_one_category_is_a_bad_row(org, as_user, wang):
    run, page = _upload(_client(as_user, org), "低保、-低保")
    assert run.error_count == 1
    assert "同一个关爱类别在此单元格中既被添加又被去掉，请只保留一种写法。" in page
    assert _codes(wang) == {"elderly_alone", "very_old"}


def test_the_registry_export_imports_back_without_changing_any_category(org, as_user, wang):
    run, _page = _upload(_client(as_user, org), "独居老人、高龄老人")
    assert run.counts["residents"] == {"created": 0, "updated": 0, "unchanged": 1}


def test_the_templates_instructions_state_the_rule(org, as_user):
    response = _client(as_user, org).get(reverse("imports:template"))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    guide = [cell for row in workbook["填写说明"].iter_rows(values_only=True) for cell in row if cell]
    assert any("关爱类别只会在已登记的类别上增加，不会整体替换" in str(text) for text in guide)
    assert any("-独居老人" in str(text) for text in guide)
