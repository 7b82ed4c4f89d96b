"""A run's bad rows read in the reader's language, whichever language previewed the file: what is
stored is what to say (the message's msgid and parameters), put into words when shown. A run stored
before that still reads as it was written."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from residents.models import ImportRun
from tests.imports.helpers import csv_bytes, person, rows_for

CHINESE = [
    "身份证号校验位不对，可能有一位输错了。",
    "无法识别的值“别墅”。可选：公房（租赁）、售后公房、私房、商品房、其他。",
    "无法识别的关爱类别“空巢”。可选：",
]
ENGLISH = [
    "This ID number's check digit is wrong: a character is probably mistyped.",
    "Unknown value “别墅”. Use one of: public rental housing, purchased public housing, private house, "
    "commercial housing, other.",
    "Unknown care category “空巢”. Use one of: ",
]


def _bad_file() -> bytes:
    rows = rows_for(4)
    number = rows[1]["身份证号"]
    rows[1]["身份证号"] = number[:-2] + str((int(number[-2]) + 1) % 10) + number[-1]
    rows[2]["房屋类型"] = "别墅"
    rows[3]["关爱类别"] = "空巢"
    return csv_bytes(rows)


def _client(as_user, org, language):
    client = as_user(org.secretary_a)
    client.cookies["django_language"] = language
    return client


def _preview(client, run):
    return client.get(reverse("imports:preview", args=[run.pk])).text


def test_a_file_previewed_in_chinese_lists_its_bad_rows_in_english_to_a_reader_of_english(org, as_user):
    chinese = _client(as_user, org, "zh-hans")
    chinese.post(reverse("imports:start"), {"file": SimpleUploadedFile("名单.csv", _bad_file())})
    run = ImportRun.all_objects.get()
    assert run.error_count == 3
    page = _preview(_client(as_user, org, "en"), run)
    for words in ENGLISH:
        assert escape(words) in page, words
    assert "elderly living alone" in page  # the care categories listed in English, as words in the sentence
    assert "校验位" not in page and "无法识别" not in page and "可选" not in page
    page = _preview(chinese, run)
    for words in CHINESE:
        assert words in page, words
    assert "独居老人" in page and "check digit" not in page


def test_a_file_previewed_in_english_lists_its_bad_rows_in_chinese_to_a_reader_of_chinese(org, as_user):
    english = _client(as_user, org, "en")
    english.post(reverse("imports:start"), {"file": SimpleUploadedFile("names.csv", _bad_file())})
    run = ImportRun.all_objects.get()
    page = _preview(_client(as_user, org, "zh-hans"), run)
    for words in CHINESE:
        assert words in page, words
    assert "check digit" not in page and "Use one of" not in page
    page = _preview(english, run)
    for words in ENGLISH:
        assert escape(words) in page, words


def test_a_run_stored_with_its_words_still_reads_as_written(org, as_user):
    """Runs from before the words were kept as msgid and params: their stored message is shown."""
    run = ImportRun.all_objects.create(
        committee=org.a,
        original_name="旧名单.csv",
        created_by=org.secretary_a,
        counts={
            "rows": 2,
            "bad_rows": 1,
            "error_count": 1,
            **{
                part: {"created": 1, "updated": 0, "unchanged": 0}
                for part in ("buildings", "households", "residents")
            },
        },
        errors=[
            {
                "row": 3,
                "column": "身份证号",
                "name": "居民1",
                "value": "3101**********0011",
                "message": "身份证号校验位不对，可能有一位输错了。",
            }
        ],
    )
    for language in ("zh-hans", "en"):
        page = _preview(_client(as_user, org, language), run)
        assert "身份证号校验位不对，可能有一位输错了。" in page and "3101**********0011" in page


def test_a_number_typed_into_a_choice_column_is_masked_in_every_language(org, as_user):
    rows = [person(0), person(1, 与户主关系="13912345678")]
    client = _client(as_user, org, "zh-hans")
    client.post(reverse("imports:start"), {"file": SimpleUploadedFile("名单.csv", csv_bytes(rows))})
    run = ImportRun.all_objects.get()
    assert "13912345678" not in str(run.errors)
    for language in ("zh-hans", "en"):
        page = _preview(_client(as_user, org, language), run)
        assert "“139****5678”" in page and "13912345678" not in page


def test_a_file_refused_as_a_whole_says_why_in_the_readers_language(org, as_user):
    """A refused file's reason ("旧版 Excel", the missing columns) was kept in the uploader's words:
    now as what to say, like a bad row's, and an older run still reads as it was refused."""
    chinese = _client(as_user, org, "zh-hans")
    headers_only = "姓名,备注\n王芳,\n".encode()
    page = chinese.post(reverse("imports:start"), {"file": SimpleUploadedFile("名单.csv", headers_only)}).text
    assert "缺少以下必填列：路名、号、室" in page and "前 10 行中没有找到列标题行" in page
    run = ImportRun.all_objects.get()
    english = _preview(_client(as_user, org, "en"), run)
    assert "these required columns are missing: 路名、号、室" in english and "缺少" not in english
    assert "缺少以下必填列" in _preview(chinese, run)
    ImportRun.all_objects.filter(pk=run.pk).update(problem="旧的原因。", problem_said={})
    assert "旧的原因。" in _preview(_client(as_user, org, "en"), run)


def test_english_words_are_read_whichever_case_a_file_writes_them(org, load):
    """The English labels are capitalised as labels (Head of household, Elderly living alone); a file
    written before, or typed by hand, in lower or upper case reads the same."""
    from residents.models import Resident

    rows = [
        person(0, 与户主关系="head of household", 关爱类别="elderly living alone"),
        person(1, 与户主关系="Spouse", 关爱类别="Minimum allowance (dibao)、VERY OLD (80+)"),
    ]
    for row, written in zip(
        rows, ({"男": "male", "女": "female"}, {"男": "Male", "女": "FEMALE"}), strict=True
    ):
        row["性别"] = written[row["性别"]]  # as the ID number says, in English of either case
    report = load(org.a, "names.csv", csv_bytes(rows), commit=True)
    assert report.ok, report.errors
    head, spouse = Resident.all_objects.order_by("name")
    assert (head.relation_to_head, spouse.relation_to_head) == ("head", "spouse")
    assert {c.code for c in head.care_categories.all()} == {"elderly_alone"}
    assert {c.code for c in spouse.care_categories.all()} == {"dibao", "very_old"}


def test_the_figures_heads_are_capitalised_in_english_as_labels(org, as_user):
    """The preview's table of what would change: "New / Updated / Unchanged" in English (its labels
    are capitalised, as the rows' Buildings, Households, Residents), 新增 / 更新 / 不变 in Chinese."""
    client = _client(as_user, org, "en")
    client.post(reverse("imports:start"), {"file": SimpleUploadedFile("names.csv", csv_bytes(rows_for(2)))})
    run = ImportRun.all_objects.get()
    for language, heads in (("en", ["New", "Updated", "Unchanged"]), ("zh-hans", ["新增", "更新", "不变"])):
        page = _preview(_client(as_user, org, language), run)
        thead = re.search(r'import-counts">\s*<table class="data">\s*<thead>(.*?)</thead>', page)
        assert re.findall(r"<th[^>]*>([^<]*)</th>", thead[1])[1:] == heads
