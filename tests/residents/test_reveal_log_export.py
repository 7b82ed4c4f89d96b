"""The reveal log's export (/reveals/export/): the log as its page filters it, as .xlsx in the reader's
language with its filters above the headers (as the access log's export), what a secretary hands an
auditor. No number is in it (the log keeps none); a reason is masked as the page shows it. The export
is itself noted in the access log, with the filters it applied; a filter it cannot read is refused
(and no export offered beside it), as is a file past EXPORT_MAX_ROWS."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit import exported
from audit import services as audit
from audit.models import AccessRecord
from residents.models import Resident, RevealLog
from tests.cases.page_text import text_of
from tests.conftest import client_for
from tests.factories import make_building, make_household, make_resident, valid_id

LOG, EXPORT = reverse("residents:reveals"), reverse("residents:reveals_export")
ABOUT = 2  # the lines above the headers: the filters, when and by whom


def _book(response) -> list[tuple]:
    assert response.status_code == 200, response.headers.get("Location")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def _registry_export(org, reason: str, *, days_ago: int = 0) -> None:
    audit.record_export(
        user=org.secretary_a,
        committee_ids=[org.a.pk],
        exported=exported.registry(org.a.name, timezone.localdate(), numbers=4, reason=reason),
        rows=2,
        full_numbers=True,
    )
    at = timezone.now() - datetime.timedelta(days=days_ago)
    AccessRecord.all_objects.filter(pk=AccessRecord.all_objects.latest("pk").pk).update(at=at)


def _log(org):
    """王芳's phone revealed 10 days ago (its reason holding a number), the registry exported with full
    numbers 5 days ago, 李强's ID number revealed today; and a reveal in committee C, never shown."""
    home = make_household(make_building(org.a, "12"), "302")
    wang = make_resident(home, "王芳", phone="13812345678")
    li = make_resident(home, "李强", phone="13912345678", id_number=valid_id(datetime.date(1960, 5, 1)))
    month_ago = timezone.now() - datetime.timedelta(days=30)
    Resident.all_objects.filter(pk__in=[wang.pk, li.pk]).update(created_at=month_ago)
    client = client_for(org.secretary_a)
    client.post(
        reverse("residents:reveal", args=[wang.pk]), {"field": "phone", "reason": "联系女儿13900001111"}
    )
    RevealLog.all_objects.filter(resident=wang).update(
        revealed_at=timezone.now() - datetime.timedelta(days=10)
    )
    _registry_export(org, "年度人口核对", days_ago=5)
    client.post(reverse("residents:reveal", args=[li.pk]), {"field": "id_number", "reason": "办理低保复核"})
    far = make_resident(make_household(make_building(org.c, "5"), "201"), "孙丽", phone="13700001111")
    RevealLog.all_objects.create(
        committee_id=org.c.pk, resident=far, field="phone", reason="别处", revealed_by=org.superuser
    )
    return client, wang, li


@pytest.mark.parametrize(
    ("language", "heads", "lines", "filtered", "said"),
    [
        (
            "zh-hans",
            (
                "时间",
                "操作人",
                "账号",
                "内容",
                "号码",
                "对象",
                "地址",
                "事由",
                "居民数",
                "完整号码数",
                "居委会",
            ),
            [
                ("号码查看记录", "身份证号", "李强", "办理低保复核", None, None),
                ("导出（含完整号码）", "", "导出定海居民区登记册", "年度人口核对", 2, 4),
                ("号码查看记录", "电话", "王芳", "联系女儿139****1111", None, None),
            ],
            "导出号码查看记录（查阅人：王；查阅内容：号码查看）",
            "导出号码查看记录",
        ),
        (
            "en",
            (
                "When",
                "By",
                "Account",
                "What",
                "Number",
                "Whose",
                "Address",
                "Reason",
                "Residents",
                "Full numbers",
                "Committee",
            ),
            [
                ("Reveal of a number", "ID number", "李强", "办理低保复核", None, None),
                ("Export with full numbers", "", "Registry export of 定海居民区", "年度人口核对", 2, 4),
                ("Reveal of a number", "Phone", "王芳", "联系女儿139****1111", None, None),
            ],
            "Reveal log export (Who: 王; What: Reveals of a number)",
            "Reveal log export",
        ),
    ],
)
def test_the_export_holds_the_lines_the_page_shows_in_the_readers_language(
    org, language, heads, lines, filtered, said
):
    client, _wang, _li = _log(org)
    headers = {"accept-language": language}
    rows = _book(client.get(EXPORT, headers=headers))
    assert rows[0][0] == said and org.secretary_a.display_name in rows[1][0]
    assert rows[ABOUT] == heads
    body = rows[ABOUT + 1 :]
    assert [(r[3], r[4] or "", r[5], r[7], r[8], r[9]) for r in body] == lines
    assert isinstance(body[0][0], datetime.datetime) and body[0][0] > body[1][0] > body[2][0]
    assert {r[10] for r in body} == {org.a.name} and body[0][6] == body[2][6] == "定海路449弄12号302室"
    assert {r[1] for r in body} == {org.secretary_a.display_name} and {r[2] for r in body} == {"secretary_a"}
    # No number is in it: the reason's masked as the page shows it; another committee's line is not.
    everything = repr(rows)
    assert "13900001111" not in everything and "13812345678" not in everything and "孙丽" not in everything
    # Its filters applied, and said above the headers.
    filtered_rows = _book(client.get(EXPORT, {"who": "王", "kind": "reveals"}, headers=headers))
    assert filtered_rows[0][0] == filtered
    # 王芳's lines alone: her reveal, and the export since she was registered, for the page's days.
    since = (timezone.localdate() - datetime.timedelta(days=20)).isoformat()
    until = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    theirs = _book(client.get(EXPORT, {"resident": _wang.pk, "date_from": since, "date_to": until}))
    assert [r[5] for r in theirs[ABOUT + 1 :]] == ["导出定海居民区登记册", "王芳"]
    assert "王芳" in theirs[0][0]


def test_the_export_is_itself_noted_in_the_access_log_with_its_filters(org, as_user):
    client, _wang, _li = _log(org)
    before = AccessRecord.all_objects.count()
    _book(client.get(EXPORT, {"kind": "exports"}))
    noted = AccessRecord.all_objects.exclude(kind=AccessRecord.Kind.REVEAL).order_by("-pk")[:1].get()
    assert AccessRecord.all_objects.count() == before + 1
    assert (noted.kind, noted.user, noted.committee_id, noted.rows) == (
        AccessRecord.Kind.EXPORT,  # the numbers are none of its: not an export with full numbers
        org.secretary_a,
        org.a.pk,
        1,
    )
    assert noted.exported == {"list": "reveal_log", "filters": [["kind", "exports"]]}
    assert noted.detail_said == "导出号码查看记录（查阅内容：含完整号码的导出）"
    page = as_user(org.secretary_a).get(reverse("audit:log"), headers={"accept-language": "en"}).text
    assert "Reveal log export (What: Exports with full numbers)" in text_of(page)
    # Not a line of the reveal log itself: it held no number.
    assert len(_book(client.get(EXPORT))) == ABOUT + 1 + 3


@pytest.mark.parametrize(
    ("language", "offered", "waits"),
    [
        ("zh-hans", "导出（.xlsx）", "修改筛选条件后才能导出。"),
        ("en", "Export (.xlsx)", "To export, correct the filters first."),
    ],
)
def test_the_page_offers_the_export_with_its_filters_and_not_beside_one_not_applied(
    org, language, offered, waits
):
    client, _wang, _li = _log(org)
    headers = {"accept-language": language}
    page = client.get(LOG, {"kind": "reveals", "page": "1"}, headers=headers).text
    assert f'href="{EXPORT}?kind=reveals"' in page and offered in text_of(page) and waits not in text_of(page)
    bad = client.get(LOG, {"date_from": "2026-99-01"}, headers=headers).text
    assert EXPORT not in bad and waits in text_of(bad)
    # Asked for all the same, it is refused, back to the log with the filter kept, saying which.
    response = client.get(EXPORT, {"date_from": "2026-99-01"}, headers=headers, follow=True)
    assert response.redirect_chain == [(f"{LOG}?date_from=2026-99-01", 302)]
    assert ("没有导出" if language == "zh-hans" else "Nothing was exported") in text_of(response.text)


def test_an_export_past_the_limit_goes_back_to_the_log_saying_why(org, settings):
    client, _wang, _li = _log(org)
    settings.EXPORT_MAX_ROWS = 2
    noted = AccessRecord.all_objects.count()
    response = client.get(EXPORT, {"who": "sec"}, follow=True)
    assert response.redirect_chain[-1][0] == f"{LOG}?who=sec"
    assert "超过 2 行" in text_of(response.text)
    assert AccessRecord.all_objects.count() == noted
    assert _book(client.get(EXPORT, {"kind": "reveals"}))  # two lines: within it


def test_the_export_costs_the_same_at_few_and_many_lines(org):
    """The reveals and the exports each read in one query (with their people, residents, homes and
    committees), merged newest first: not a query per line, nor per batch of lines."""
    client, wang, li = _log(org)

    def queries(**params) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            rows = _book(client.get(EXPORT, params))
        return len(captured), len(rows) - ABOUT - 1

    few, few_lines = queries()
    filtered, _lines = queries(who="sec", resident=wang.pk, date_from="2026-01-01")
    for n in range(30):
        client.post(
            reverse("residents:reveal", args=[(wang, li)[n % 2].pk]),
            {"field": "phone", "reason": f"核对家属电话{n}"},
        )
        _registry_export(org, f"核对{n}")
    many, many_lines = queries()
    assert many_lines == few_lines + 60 and many == few
    assert queries(who="sec", resident=wang.pk, date_from="2026-01-01")[0] == filtered


@pytest.mark.parametrize(
    ("language", "waits"),
    [("zh-hans", "修改筛选条件后才能导出。"), ("en", "To export, correct the filters first.")],
)
def test_the_access_log_says_why_its_export_waits_too(org, language, waits):
    client = client_for(org.secretary_a)
    headers = {"accept-language": language}
    bad = client.get(reverse("audit:log"), {"date_from": "2026-99-01"}, headers=headers).text
    assert reverse("audit:export") not in bad and waits in text_of(bad)
    good = client.get(reverse("audit:log"), {"date_from": "2026-01-01"}, headers=headers).text
    assert reverse("audit:export") in good and waits not in text_of(good)
