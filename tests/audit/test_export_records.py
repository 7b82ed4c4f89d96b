"""What the access log says of an export (the filters it applied, in the reader's words), an export
refused when a filter could not be read, the files' names, and repeated looks at one page folded."""

import datetime
import io
import re
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit import services
from audit.models import AccessRecord
from cases.models import CaseCategory
from tests.factories import make_building, make_case, make_household, make_resident

Kind = AccessRecord.Kind
ENGLISH = {"accept-language": "en"}


def _download(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def _details(client, query: str = "", **kwargs) -> list[str]:
    """The access-detail words of the log page, line by line."""
    page = client.get(reverse("audit:log") + query, **kwargs).content.decode()
    return re.findall(r'class="access-detail">([^<]*)<', page)


def test_a_case_list_exports_record_reads_as_its_filters_in_the_readers_language(org, as_user):
    make_case(org.worker_a, org.a, title="地漏返水")
    drainage = CaseCategory.objects.get(code="drainage")
    secretary = as_user(org.secretary_a)
    query = {
        "status": "open",
        "category": "drainage",
        "assignee": org.worker_a.pk,
        "created_from": "2026-11-01",
        "overdue": "on",
        "q": "",
        "sort": "newest",  # an order, no filter: not said
    }
    _download(secretary.get(reverse("reports:cases_xlsx"), query))
    record = AccessRecord.all_objects.get()
    assert record.detail == "" and record.exported == {
        "list": "cases",
        "filters": [
            ["status", "open"],
            ["category", "drainage"],
            ["assignee", str(org.worker_a.pk), "李敏"],
            ["overdue", True],
            ["created_from", "2026-11-01"],
        ],
    }
    said = f"导出事项清单（状态：未结；类别：{drainage.name}；承办人：李敏；仅看逾期；登记起：2026-11-01）"
    assert _details(secretary) == [said]
    assert _details(secretary, headers=ENGLISH) == [
        f"Case list export (Status: Open; Category: {drainage.name_en or drainage.name}; Assignee: 李敏; "
        "Overdue only; Logged from: 2026-11-01)"
    ]


def test_an_export_with_a_filter_it_cannot_read_is_refused_not_written_as_every_case(org, as_user):
    """created_from=2026-99-01: the export left it out and wrote all 451 cases, and the log read as
    if November had been exported. Now nothing is written nor noted, and the list says why."""
    make_case(org.worker_a, org.a, title="地漏返水")
    secretary = as_user(org.secretary_a)
    response = secretary.get(reverse("reports:cases_xlsx"), {"status": "open", "created_from": "2026-99-01"})
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:list") + "?status=open&created_from=2026-99-01"
    assert not AccessRecord.all_objects.exists()
    page = secretary.get(response["Location"]).text
    assert "没有导出：有筛选条件无法识别。登记起：" in page and "请改正后再导出" in page
    # The valid filters alone still export, and are noted as applied.
    _download(secretary.get(reverse("reports:cases_xlsx"), {"status": "open", "created_from": "2026-11-01"}))
    assert _details(secretary) == ["导出事项清单（状态：未结；登记起：2026-11-01）"]


def test_an_access_log_export_with_a_filter_it_cannot_read_is_refused_and_the_page_says_it(org, as_user):
    household = make_household(make_building(org.a, "12"), "302")
    services.record(user=org.worker_a, kind=Kind.HOUSEHOLD, committee_id=org.a.pk, household=household)
    secretary = as_user(org.secretary_a)
    response = secretary.get(reverse("audit:export"), {"date_from": "2026-99-01"})
    assert response.status_code == 302
    assert response["Location"] == reverse("audit:log") + "?date_from=2026-99-01"
    assert not AccessRecord.all_objects.filter(kind=Kind.EXPORT).exists()
    page = secretary.get(response["Location"]).text
    assert "没有导出" in page and "未按此筛选：从“2026-99-01”。" in page
    _download(secretary.get(reverse("audit:export"), {"kind": "household", "date_from": "2026-11-01"}))
    assert _details(secretary)[0] == "导出查阅记录（查阅内容：户页面；从：2026-11-01）"


def test_a_records_kept_before_the_filters_were_stored_read_as_they_were(org, as_user):
    old = "cases-2026-12-07.xlsx status=open"
    AccessRecord.all_objects.create(
        committee=org.a, user=org.secretary_a, kind=Kind.EXPORT, detail=old, rows=75
    )
    assert _details(as_user(org.secretary_a)) == [old]


def test_the_admin_reads_an_exports_record_in_words_too(org, as_user):
    secretary = as_user(org.secretary_a)
    _download(secretary.get(reverse("reports:cases_xlsx"), {"status": "open"}))
    record = AccessRecord.all_objects.get()
    page = as_user(org.superuser).get(reverse("admin:audit_accessrecord_change", args=[record.pk])).text
    assert "导出事项清单（状态：未结）" in page


def test_the_ledger_is_named_and_noted_in_the_readers_language(org, as_user):
    secretary = as_user(org.secretary_a)
    response = secretary.get(reverse("reports:ledger"), {"month": "2026-11"})
    _download(response)
    assert response["Content-Disposition"] == (
        'attachment; filename="ledger-2026-11.xlsx"; '
        "filename*=UTF-8''" + quote("定海居民区台账-2026-11.xlsx")
    )
    record = AccessRecord.all_objects.get()
    assert record.exported == {"list": "ledger", "of": "定海居民区", "month": "2026-11"}
    assert _details(secretary) == ["导出定海居民区台账（月份：2026-11）"]
    assert _details(secretary, headers=ENGLISH) == ["Ledger export of 定海居民区 (Month: 2026-11)"]


def test_the_case_list_summary_and_access_log_files_are_named_in_the_readers_language(org, as_user):
    secretary = as_user(org.secretary_a)
    day = f"{timezone.localdate():%Y-%m-%d}"
    cases = secretary.get(reverse("reports:cases_xlsx"), {"status": "open"})
    _download(cases)
    assert cases["Content-Disposition"] == (
        f"attachment; filename=\"cases-{day}.xlsx\"; filename*=UTF-8''" + quote(f"事项清单-{day}.xlsx")
    )
    summary = secretary.get(reverse("reports:summary_txt"), {"month": "2026-11"})
    assert summary["Content-Disposition"] == (
        'attachment; filename="summary-2026-11.txt"; '
        "filename*=UTF-8''" + quote("定海居民区月度小结-2026-11.txt")
    )
    log = secretary.get(reverse("audit:export"))
    _download(log)
    assert log["Content-Disposition"] == (
        f"attachment; filename=\"access-log-{day}.xlsx\"; filename*=UTF-8''" + quote(f"查阅记录-{day}.xlsx")
    )
    # In English the case list's name is plain ASCII: one `filename`, as Django writes it.
    english = secretary.get(reverse("reports:cases_xlsx"), {"status": "open"}, headers=ENGLISH)
    _download(english)
    assert english["Content-Disposition"] == f'attachment; filename="cases-{day}.xlsx"'


def test_the_import_template_is_named_in_the_readers_language(org, as_user):
    """It was needle-import-template.xlsx in either language."""
    secretary = as_user(org.secretary_a)
    chinese = secretary.get(reverse("imports:template"))
    _download(chinese)
    assert chinese["Content-Disposition"] == (
        'attachment; filename="registry-import-template.xlsx"; '
        "filename*=UTF-8''" + quote("登记册导入模板.xlsx")
    )
    english = secretary.get(reverse("imports:template"), headers=ENGLISH)
    _download(english)
    assert english["Content-Disposition"] == 'attachment; filename="registry-import-template.xlsx"'


def test_the_registry_is_named_and_noted_in_the_readers_language(org, as_user):
    """It was needle-registry-c1-2026-12-07-full.xlsx in either language, and that English name was
    all its access record said."""
    make_resident(make_household(make_building(org.a)), name="王芳", phone="13812345678")
    secretary = as_user(org.secretary_a)
    day = timezone.localdate().isoformat()
    full = secretary.post(
        reverse("imports:export"), {"committee": org.a.pk, "full": "1", "reason": "年度人口核对"}
    )
    _download(full)
    assert full["Content-Disposition"] == (
        f'attachment; filename="registry-{org.a.code}-{day}-full.xlsx"; '
        "filename*=UTF-8''" + quote(f"{org.a.name}登记册-{day}（含完整号码）.xlsx")
    )
    english = secretary.get(reverse("imports:export"), headers=ENGLISH)
    _download(english)
    # The committee's name is Chinese: the English name too is sent in UTF-8, with the ASCII fallback.
    assert english["Content-Disposition"] == (
        f'attachment; filename="registry-{org.a.code}-{day}.xlsx"; '
        "filename*=UTF-8''" + quote(f"{org.a.name}-registry-{day}.xlsx")
    )
    records = AccessRecord.all_objects.order_by("pk")
    assert [(r.kind, r.detail, r.exported, r.rows) for r in records] == [
        (
            Kind.EXPORT_FULL,
            "",
            {"list": "registry", "of": org.a.name, "day": day, "numbers": 1, "reason": "年度人口核对"},
            1,
        ),
        (Kind.EXPORT, "", {"list": "registry", "of": org.a.name, "day": day}, 1),
    ]
    said = f"导出{org.a.name}登记册（日期：{day}）"
    assert _details(secretary) == [
        said,
        f"导出{org.a.name}登记册（日期：{day}；1 个完整号码；事由：年度人口核对）",
    ]
    said = f"Registry export of {org.a.name} (Date: {day})"
    assert _details(secretary, headers=ENGLISH) == [
        said,
        f"Registry export of {org.a.name} (Date: {day}; 1 full number; Reason: 年度人口核对)",
    ]
    page = secretary.get(reverse("audit:log")).text
    assert "导出（含完整号码）" in page and "needle-registry" not in page and "****" not in page
    # In English the records' kinds are labels, capitalised as the case page's are.
    english = secretary.get(reverse("audit:log"), headers=ENGLISH).text
    assert '<span class="badge">Export with full numbers</span>' in english
    assert '<span class="badge">Export</span>' in english


def test_a_name_with_a_slash_or_quote_makes_a_safe_file_name():
    from common.exports import attachment

    assert attachment('定海/"路"台账.xlsx', 'ledger "x".xlsx') == (
        "attachment; filename=\"ledger_x_.xlsx\"; filename*=UTF-8''" + quote("定海_路_台账.xlsx")
    )


# --- Repeated looks folded -------------------------------------------------------------------------------


def _looks(org, user, case, minutes_ago: list[float]) -> None:
    now = timezone.now()
    for minutes in minutes_ago:
        services.record(user=user, kind=Kind.CASE, committee_id=org.a.pk, case=case)
        AccessRecord.all_objects.filter(pk=AccessRecord.all_objects.latest("pk").pk).update(
            at=now - datetime.timedelta(minutes=minutes)
        )


def _lines(client) -> list[str]:
    """The log page's lines as text: who, what, how many looks."""
    page = client.get(reverse("audit:log")).content.decode()
    rows = re.findall(r'<div class="row-title">(.*?)</div>', page, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


def test_one_persons_repeated_looks_at_a_case_read_as_one_line_and_stay_a_row_each(org, as_user):
    """Working a case for two minutes wrote eight identical 事项页面 rows. They read as one line
    with the count and the minutes; each look is still a row, and the export lists all of them."""
    case = make_case(org.worker_a, org.a, title="地漏返水")
    other = make_case(org.worker_a, org.a, title="楼道堆物")
    _looks(org, org.worker_a, case, [60, 11, 2.5, 2, 1.5, 1, 0.5])  # an hour ago; a run since 11 min ago
    _looks(org, org.viewer_a, case, [0.4])  # someone else: a line of their own
    _looks(org, org.worker_a, other, [0.3])  # another case: a line of its own
    wang = make_resident(make_household(make_building(org.a, "12"), "302"), "王芳")
    services.record(user=org.worker_a, kind=Kind.REVEAL, committee_id=org.a.pk, resident=wang, detail="phone")
    services.record(user=org.worker_a, kind=Kind.REVEAL, committee_id=org.a.pk, resident=wang, detail="phone")
    secretary = as_user(org.secretary_a)
    assert _lines(secretary) == [
        "李敏 号码查看记录",  # a reveal is an act of its own: never folded
        "李敏 号码查看记录",
        "李敏 事项页面",
        "陈晓燕 事项页面",
        "李敏 事项页面 查阅 6 次",  # 11 minutes ago to now, each within ten minutes of the next
        "李敏 事项页面",  # an hour ago: a look of its own
    ]
    assert AccessRecord.all_objects.filter(kind=Kind.CASE, case=case, user=org.worker_a).count() == 7
    book = load_workbook(io.BytesIO(_download(secretary.get(reverse("audit:export")))), read_only=True)
    assert sum(1 for row in book.worksheets[0].iter_rows(values_only=True) if row[4] == case.number) == 8


@pytest.mark.django_db(transaction=True)
def test_actions_on_a_case_page_note_no_look_of_their_own(org, as_user):
    """An action answered with the case page again (htmx) is the page already open: not a new look.
    Opening the page is one."""
    case = make_case(org.worker_a, org.a, title="地漏返水")
    worker = as_user(org.worker_a)
    worker.get(reverse("cases:detail", args=[case.pk]))
    note = reverse("cases:act", args=[case.pk, "note"])
    posted = {"text": "已联系物业", "version": case.version}
    response = worker.post(note, posted, headers={"hx-request": "true"})
    assert response.status_code == 200 and "已联系物业" in response.text
    assert AccessRecord.all_objects.filter(kind=Kind.CASE).count() == 1


def test_the_log_costs_the_same_with_few_and_many_exports_and_folded_looks(org, as_user):
    case = make_case(org.worker_a, org.a, title="地漏返水")
    secretary = as_user(org.secretary_a)
    _download(secretary.get(reverse("reports:cases_xlsx"), {"status": "open", "category": "drainage"}))
    secretary.get(reverse("audit:log"))  # session, roles and the categories' cache warm

    def cost() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert secretary.get(reverse("audit:log")).status_code == 200
        return len(queries)

    few = cost()
    for _ in range(20):
        query = {"status": "open", "assignee": org.worker_a.pk}
        _download(secretary.get(reverse("reports:cases_xlsx"), query))
        _download(secretary.get(reverse("reports:ledger"), {"month": "2026-11"}))
    _looks(org, org.worker_a, case, [i / 10 for i in range(30)])
    assert AccessRecord.all_objects.count() > 60
    assert cost() == few
