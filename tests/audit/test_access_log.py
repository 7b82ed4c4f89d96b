"""The access log: written once per look, append-only, read by the secretary and the street, pruned.
The tests that commit are in test_access_log_commits.py."""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from audit import services
from audit.checks import retention_is_long_enough
from audit.models import AccessRecord
from cases.models import CaseParty
from tests.factories import make_building, make_case, make_household, make_resident

Kind = AccessRecord.Kind


def test_a_record_is_one_row_and_never_changed(org, family, django_assert_num_queries):
    wang, _li = family
    with django_assert_num_queries(1):
        services.record(user=org.worker_a, kind=Kind.RESIDENT, committee_id=org.a.pk, resident=wang)
    record = AccessRecord.all_objects.get()
    assert (record.user, record.kind, record.resident_id) == (org.worker_a, "resident", wang.pk)
    record.kind = Kind.CASE
    with pytest.raises(ValueError, match="append-only"):
        record.save()


def test_an_export_is_noted_in_each_committee_it_covered_in_one_insert(org, django_assert_num_queries):
    with django_assert_num_queries(1):
        services.record_export(
            user=org.officer, committee_ids=[org.a.pk, org.b.pk], detail="事项 q=13812345678", rows=42
        )
    rows = AccessRecord.all_objects.order_by("committee_id")
    assert [r.committee_id for r in rows] == sorted([org.a.pk, org.b.pk])
    assert {r.rows for r in rows} == {42}
    assert "13812345678" not in rows[0].detail and "138****5678" in rows[0].detail


def _log(client, query: str = "") -> str:
    response = client.get(reverse("audit:log") + query)
    assert response.status_code == 200
    return response.text


def test_the_secretary_reads_their_committee_and_the_street_officer_their_street(org, family, as_user):
    wang, _li = family
    other = make_resident(make_household(make_building(org.b, "3"), "101"), "赵敏")
    far = make_resident(make_household(make_building(org.c, "5"), "201"), "孙丽")
    services.record(user=org.worker_a, kind=Kind.RESIDENT, committee_id=org.a.pk, resident=wang)
    services.record(user=org.worker_b, kind=Kind.RESIDENT, committee_id=org.b.pk, resident=other)
    services.record(user=org.superuser, kind=Kind.RESIDENT, committee_id=org.c.pk, resident=far)
    secretary = _log(as_user(org.secretary_a))
    assert "王芳" in secretary and "李敏" in secretary and "居民页面" in secretary
    assert "赵敏" not in secretary and "孙丽" not in secretary
    officer = _log(as_user(org.officer))
    assert "王芳" in officer and "赵敏" in officer and "孙丽" not in officer


def test_filters_by_who_what_and_when(org, family, as_user):
    wang, _li = family
    services.record(user=org.worker_a, kind=Kind.RESIDENT, committee_id=org.a.pk, resident=wang)
    services.record_export(user=org.secretary_a, committee_ids=[org.a.pk], detail="居民名单", rows=3)
    AccessRecord.all_objects.filter(kind=Kind.EXPORT).update(at=timezone.now() - datetime.timedelta(days=40))
    client = as_user(org.secretary_a)
    assert "居民名单" not in _log(client, "?who=李敏") and "王芳" in _log(client, "?who=李敏")
    assert "王芳" not in _log(client, "?kind=export") and "3 行" in _log(client, "?kind=export")
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    assert "居民名单" not in _log(client, f"?date_from={since}") and "王芳" in _log(
        client, f"?date_from={since}"
    )


def test_who_looked_at_one_resident_includes_household_and_case_pages_and_reveals(org, family, as_user):
    wang, li = family
    case = make_case(org.worker_a, org.a, title="地漏返水")
    CaseParty.all_objects.create(case=case, committee=org.a, resident=wang)
    services.record(user=org.worker_a, kind=Kind.CASE, committee_id=org.a.pk, case=case)
    services.record(user=org.viewer_a, kind=Kind.HOUSEHOLD, committee_id=org.a.pk, household=wang.household)
    services.record(user=org.secretary_a, kind=Kind.REVEAL, committee_id=org.a.pk, resident=wang)
    services.record(user=org.worker_a, kind=Kind.RESIDENT, committee_id=org.a.pk, resident=li)
    page = _log(as_user(org.secretary_a), f"?resident={wang.pk}")
    assert f"事项 {case.number}" in page and "地漏返水" not in page  # a case by number only
    assert "陈晓燕" in page and "号码查看" in page
    assert "李强" not in page


def test_the_log_page_costs_the_same_at_few_and_many_records(org, family, as_user, django_assert_num_queries):
    wang, _li = family
    client = as_user(org.secretary_a)
    client.get(reverse("audit:log"))  # session and roles warm

    def cost() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            _log(client)
        return len(queries)

    services.record(user=org.worker_a, kind=Kind.RESIDENT, committee_id=org.a.pk, resident=wang)
    few = cost()
    for _ in range(60):
        services.record(
            user=org.worker_a, kind=Kind.HOUSEHOLD, committee_id=org.a.pk, household=wang.household
        )
    assert cost() == few


def test_prune_removes_only_records_past_the_retention(org, family, settings):
    wang, _li = family
    settings.AUDIT_RETENTION_DAYS = 200
    for days in (10, 199, 201, 400):
        services.record(user=org.worker_a, kind=Kind.RESIDENT, committee_id=org.a.pk, resident=wang)
        AccessRecord.all_objects.filter(pk=AccessRecord.all_objects.latest("pk").pk).update(
            at=timezone.now() - datetime.timedelta(days=days)
        )
    call_command("prune_access_log", stdout=open("/dev/null", "w"))  # noqa: SIM115 (as in production: no scope)
    left = sorted((timezone.now() - r.at).days for r in AccessRecord.all_objects.all())
    assert left == [10, 199]


def test_retention_under_six_months_is_refused():
    with override_settings(AUDIT_RETENTION_DAYS=90):
        assert [e.id for e in retention_is_long_enough(None)] == ["audit.E001"]
    with override_settings(AUDIT_RETENTION_DAYS=183):
        assert retention_is_long_enough(None) == []


def test_opening_a_resident_household_reveal_and_export_are_each_recorded_once(org, family, as_user):
    wang, _li = family
    worker = as_user(org.worker_a)
    worker.get(reverse("residents:detail", args=[wang.pk]))
    worker.get(reverse("residents:household", args=[wang.household_id]))
    secretary = as_user(org.secretary_a)
    type(wang).all_objects.filter(pk=wang.pk).update(phone="13812345678")
    secretary.post(reverse("residents:reveal", args=[wang.pk]), {"field": "phone", "reason": "联系家属"})
    export = secretary.get(reverse("imports:export"))
    b"".join(export.streaming_content)
    kinds = list(AccessRecord.all_objects.order_by("pk").values_list("user__username", "kind", "rows"))
    assert kinds == [
        ("worker_a", "resident", None),
        ("worker_a", "household", None),
        ("secretary_a", "reveal", None),
        ("secretary_a", "export", 2),
    ]


def test_the_secretary_sees_who_looked_on_the_resident_page_and_the_worker_does_not(org, family, as_user):
    wang, _li = family
    as_user(org.viewer_a).get(reverse("residents:detail", args=[wang.pk]))
    page = as_user(org.secretary_a).get(reverse("residents:detail", args=[wang.pk])).text
    assert "谁查阅过此居民" in page and "陈晓燕" in page
    assert "谁查阅过此居民" not in as_user(org.worker_a).get(reverse("residents:detail", args=[wang.pk])).text


def test_an_admin_opening_a_resident_is_recorded(org, family, as_user):
    wang, _li = family
    assert (
        as_user(org.superuser).get(reverse("admin:residents_resident_change", args=[wang.pk])).status_code
        == 200
    )
    assert AccessRecord.all_objects.get().kind == Kind.ADMIN


def test_the_admins_list_names_what_was_looked_at_not_its_ids(org, family, as_user):
    wang, _li = family
    case = make_case(org.worker_a, org.a, title="王芳家漏水")
    for kind, looked_at in ((Kind.RESIDENT, {"resident": wang}), (Kind.CASE, {"case": case})):
        AccessRecord.all_objects.create(committee=org.a, user=org.secretary_a, kind=kind, **looked_at)
    # A household since removed (the record keeps its id, with no constraint): said so, not an id.
    AccessRecord.all_objects.create(
        committee=org.a, user=org.secretary_a, kind=Kind.HOUSEHOLD, household_id=987654
    )
    page = as_user(org.superuser).get(reverse("admin:audit_accessrecord_changelist"))
    assert '<td class="field-household_ref">（已不存在）</td>' in page.text
    cells = re.findall(r'<td class="field-(resident_ref|case_ref)">([^<]*)</td>', page.text)
    # The resident by name and the case by its number only, as the app's log (a title may be sensitive).
    assert sorted(cell for cell in cells if cell[1] != "-") == [
        ("case_ref", case.number),
        ("resident_ref", "王芳"),
    ]
    record = AccessRecord.all_objects.filter(kind=Kind.CASE).get()
    title = as_user(org.superuser).get(reverse("admin:audit_accessrecord_change", args=[record.pk]))
    shown = timezone.localtime(record.at).strftime("%Y-%m-%d %H:%M")
    assert f"<title>周勤 · 事项页面 · {shown} |" in title.text  # who, what, Shanghai time; not ids and codes


def test_case_exports_and_the_ledger_are_recorded_with_their_rows(org, as_user):
    make_case(org.worker_a, org.a, title="地漏返水 王芳 13812345678")
    client = as_user(org.worker_a)  # who may not search by a whole number: the words are its filter
    b"".join(
        client.get(
            reverse("reports:cases_xlsx") + "?status=open&q=13812345678", follow=True
        ).streaming_content
    )
    record = AccessRecord.all_objects.get()
    assert record.kind == Kind.EXPORT and record.rows == 0
    assert record.exported["filters"][0] == ["q", "138****5678"] and "13812345678" not in str(record.exported)


def test_an_exports_record_names_the_filters_given_not_every_empty_field(org, as_user):
    """The list's form sends every field: "q=&status=&category=&…" made a line no phone could wrap
    (the access log 1,258 px wide on a 375 px screen)."""
    make_case(org.worker_a, org.a, title="地漏返水")
    client = as_user(org.secretary_a)
    query = "?q=&status=open&category=&assignee=&source=&created_from=&building="
    b"".join(client.get(reverse("reports:cases_xlsx") + query, follow=True).streaming_content)
    assert AccessRecord.all_objects.get().exported == {"list": "cases", "filters": [["status", "open"]]}
    page = client.get(reverse("audit:log")).content.decode()
    assert 'class="access-detail">导出事项清单（状态：未结）<' in page and "q=" not in page


@pytest.mark.parametrize("typed", ["138 1234 5678", "138-1234-5678", "(021)6543 1234", "王芳 13812345678"])
def test_a_number_searched_for_is_masked_in_the_exports_record_however_it_was_typed(org, as_user, typed):
    """The filters are noted as typed, not URL-encoded: "138 1234 5678" travels as "138+1234+5678",
    which the masking did not read as a number, and the access log showed it in full."""
    client = as_user(org.secretary_a)
    b"".join(
        client.post(reverse("reports:cases_xlsx"), {"status": "", "q": typed}, follow=True).streaming_content
    )
    # (A whole number searched by the secretary is noted as such too: its kind, never the number.)
    detail = " ".join(str(r.exported) + r.detail_said for r in AccessRecord.all_objects.all())
    digits = re.sub(r"\D", "", detail)
    assert "13812345678" not in digits and "65431234" not in digits, detail


def test_a_registry_export_with_full_numbers_is_its_own_kind_and_its_date_is_not_masked(org, family, as_user):
    """The file's date (20261207) read as a landline and was logged as "****1207"; the only sign that
    full numbers went out was "-full" in an English file name."""
    secretary = as_user(org.secretary_a)
    b"".join(secretary.get(reverse("imports:export")).streaming_content)
    full = {"committee": org.a.pk, "full": "1", "reason": "年度人口核对"}
    b"".join(secretary.post(reverse("imports:export"), full).streaming_content)
    masked, full = AccessRecord.all_objects.order_by("pk")
    today = timezone.localdate().isoformat()
    assert masked.kind == Kind.EXPORT and today in masked.detail_said
    assert full.kind == Kind.EXPORT_FULL and today in full.detail_said and full.rows == 2
    page = secretary.get(reverse("audit:log")).text
    assert "导出（含完整号码）" in page and "****" not in page
    assert secretary.get(reverse("audit:log") + "?kind=export_full").text.count("导出（含完整号码）") >= 1


def test_an_export_over_several_committees_says_its_rows_are_shared(org, as_user):
    """A street's export noted its 497 rows in each committee's log as if each held them all."""
    services.record_export(
        user=org.officer, committee_ids=[org.a.pk, org.b.pk], detail="ledger-2026-11.xlsx", rows=497
    )
    services.record_export(
        user=org.secretary_a, committee_ids=[org.a.pk], detail="cases-2026-12-01.xlsx", rows=12
    )
    page = as_user(org.secretary_a).get(reverse("audit:log")).text
    assert "2 个居委会合计 497 行" in page and "12 行" in page


def _export_book(response) -> list[tuple]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]


ABOUT = 2  # the lines above the headers: the export's filters, when and by whom


def _export_sheet(response) -> list[tuple]:
    """The headers and the rows, below the lines that say what the file holds."""
    return _export_book(response)[ABOUT:]


@pytest.mark.parametrize(
    ("language", "filtered", "unfiltered"),
    [
        ("en", "Access log export (What: Reveal of a number)", "Access log export"),
        ("zh-hans", "导出查阅记录（查阅内容：号码查看记录）", "导出查阅记录"),
    ],
)
def test_the_access_log_export_says_its_filters_above_its_headers(
    org, family, as_user, language, filtered, unfiltered
):
    """Review 7, item 11: an auditor's file did not say which filters it held, though the log notes
    them: its first line says them in the reader's language, as the log does, then when and by whom."""
    wang, _li = family
    services.record(user=org.worker_a, kind=Kind.REVEAL, committee_id=org.a.pk, resident=wang, detail="phone")
    client = as_user(org.secretary_a)
    headers = {"accept-language": language}
    rows = _export_book(client.get(reverse("audit:export") + "?kind=reveal", headers=headers))
    assert rows[0][0] == filtered and set(rows[0][1:]) <= {None}
    assert org.secretary_a.display_name in rows[1][0] and str(timezone.localdate()) in rows[1][0]
    assert rows[ABOUT][0] == ("When" if language == "en" else "时间")
    assert rows[0][0] in AccessRecord.all_objects.filter(kind=Kind.EXPORT).get().detail_said
    assert _export_book(client.get(reverse("audit:export"), headers=headers))[0][0] == unfiltered
    # Beside a filter said not applied, no export is offered (it would be refused).
    assert reverse("audit:export") in client.get(reverse("audit:log") + "?kind=reveal").text
    assert reverse("audit:export") not in client.get(reverse("audit:log") + "?date_from=2026-99-01").text


def test_the_access_log_exports_what_the_page_shows_and_is_itself_logged(org, family, as_user):
    """A street officer hands the log to an auditor: the same filters as the page, the street's
    committees only, names and times readable, and the export noted in the log."""
    wang, _li = family
    far = make_resident(make_household(make_building(org.c, "5"), "201"), "孙丽")
    services.record(user=org.worker_a, kind=Kind.RESIDENT, committee_id=org.a.pk, resident=wang)
    services.record(user=org.worker_a, kind=Kind.HOUSEHOLD, committee_id=org.a.pk, household=wang.household)
    services.record(user=org.superuser, kind=Kind.RESIDENT, committee_id=org.c.pk, resident=far)
    officer = as_user(org.officer)
    response = officer.get(reverse("audit:export") + "?kind=resident")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    rows = _export_sheet(response)
    assert rows[0][:5] == ("时间", "查阅人", "账号", "查阅内容", "查阅对象")
    assert [(r[1], r[3], r[4], r[7]) for r in rows[1:]] == [("李敏", "居民页面", "王芳", org.a.name)]
    assert isinstance(rows[1][0], datetime.datetime)
    noted = AccessRecord.all_objects.filter(kind=Kind.EXPORT, user=org.officer)
    assert {r.committee_id for r in noted} == {org.a.pk, org.b.pk} and {r.rows for r in noted} == {1}
    assert noted.first().detail_said == "导出查阅记录（查阅内容：居民页面）"
    page = officer.get(reverse("audit:log")).text
    assert reverse("audit:export") in page


@pytest.mark.parametrize(
    ("language", "heads", "values"),
    [
        (
            "en",
            ("When", "Who", "Account", "What", "Looked at", "Detail", "Rows", "Committee"),
            [("Reveal of a number", "phone: 核对"), ("Resident page", "")],
        ),
        (
            "zh-hans",
            ("时间", "查阅人", "账号", "查阅内容", "查阅对象", "详情", "行数", "居委会"),
            [("号码查看记录", "电话: 核对"), ("居民页面", "")],
        ),
    ],
)
def test_the_access_log_export_is_written_in_the_readers_language(
    org, family, as_user, language, heads, values
):
    """Its headers, its kinds and its details in the language the reader exported it in, as the page
    they exported it from: an English reader's file was all Chinese."""
    wang, _li = family
    services.record(user=org.worker_a, kind=Kind.RESIDENT, committee_id=org.a.pk, resident=wang)
    services.record(
        user=org.worker_a, kind=Kind.REVEAL, committee_id=org.a.pk, resident=wang, detail="phone: 核对"
    )
    client = as_user(org.secretary_a)
    client.cookies["django_language"] = language
    rows = _export_sheet(client.get(reverse("audit:export")))
    assert rows[0] == heads
    assert [(r[3], r[5] or "") for r in rows[1:]] == values
    assert {r[4] for r in rows[1:]} == {"王芳"}


def test_an_access_log_export_past_the_limit_goes_back_to_the_page_saying_why(org, family, as_user, settings):
    wang, _li = family
    settings.EXPORT_MAX_ROWS = 2
    for _ in range(3):
        services.record(user=org.worker_a, kind=Kind.RESIDENT, committee_id=org.a.pk, resident=wang)
    response = as_user(org.secretary_a).get(reverse("audit:export") + "?who=worker", follow=True)
    assert response.redirect_chain[-1][0] == reverse("audit:log") + "?who=worker"
    assert "超过 2 条" in response.text
    assert not AccessRecord.all_objects.filter(kind=Kind.EXPORT).exists()


def test_the_access_log_export_costs_the_same_at_few_and_many_records(org, family, as_user):
    wang, _li = family
    client = as_user(org.secretary_a)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            b"".join(client.get(reverse("audit:export")).streaming_content)
        return len(captured)

    services.record(user=org.worker_a, kind=Kind.RESIDENT, committee_id=org.a.pk, resident=wang)
    few = queries()
    for _ in range(30):
        services.record(
            user=org.worker_a, kind=Kind.CASE, committee_id=org.a.pk, case=make_case(org.worker_a, org.a)
        )
    assert queries() == few


def test_a_reveal_and_a_search_by_a_full_number_name_the_number_in_words(org, family, as_user):
    """The log named the kind of number by its code: "王芳 phone", "王芳 id_number" on a Chinese page."""
    wang, _li = family
    type(wang).all_objects.filter(pk=wang.pk).update(phone="13812345678")
    secretary = as_user(org.secretary_a)
    secretary.post(reverse("residents:reveal", args=[wang.pk]), {"field": "phone", "reason": "联系家属"})
    secretary.post(reverse("residents:list"), follow=True, data={"q": "138 1234 5678"})
    assert sorted(AccessRecord.all_objects.values_list("kind", "detail")) == [
        ("reveal", "phone: 联系家属"),
        ("search_full", "phone"),
    ]
    page = secretary.get(reverse("audit:log")).content.decode()
    assert re.findall(r'class="access-detail">([^<]*)<', page) == ["电话", "电话: 联系家属"]
    assert AccessRecord(kind=Kind.SEARCH_FULL, detail="phone id_number").detail_said == "电话 · 身份证号"


def test_a_reveals_reason_after_its_kind_is_kept_as_typed(org):
    """Only the codes before the reason are said in words; a detail in words already is left alone."""
    record = AccessRecord(kind=Kind.REVEAL, detail="home_phone: 核对 phone 号码")
    assert record.detail_said == "家庭电话: 核对 phone 号码"
    assert AccessRecord(kind=Kind.REVEAL, detail="工作电话 li: 更正").detail_said == "工作电话 li: 更正"
    assert AccessRecord(kind=Kind.EXPORT, detail="phone").detail_said == "phone"


@pytest.mark.parametrize(("language", "kind_said"), [("zh-hans", "电话"), ("en", "phone")])
def test_a_reveals_reason_is_in_the_log_and_its_export_with_its_numbers_masked(
    org, family, as_user, language, kind_said
):
    """The log and its export read "号码查看记录 | 王芳 | 电话": why it was revealed was only on /reveals/,
    which a street office auditing from the exported log never sees."""
    wang, _li = family
    type(wang).all_objects.filter(pk=wang.pk).update(phone="13812345678")
    secretary = as_user(org.secretary_a)
    reveal = reverse("residents:reveal", args=[wang.pk])
    secretary.post(reveal, {"field": "phone", "reason": "联系女儿13900001111摔倒"})
    page = secretary.get(reverse("audit:log") + "?kind=reveal", headers={"accept-language": language}).text
    assert re.findall(r'class="access-detail">([^<]*)<', page) == [f"{kind_said}: 联系女儿139****1111摔倒"]
    assert "13900001111" not in page and "13812345678" not in page
    rows = _export_sheet(secretary.get(reverse("audit:export") + "?kind=reveal"))
    assert [(r[3], r[4], r[5]) for r in rows[1:]] == [
        ("号码查看记录", "王芳", "电话: 联系女儿139****1111摔倒")
    ]


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("zh-hans", "未按此筛选：从“2026-12-09”。晚于截止日期（2026-12-01）。"),
        ("en", "Not applied: From “2026-12-09”. It is later than the “To” date (2026-12-01)."),
    ],
)
def test_a_from_date_after_the_to_date_is_said_not_an_unexplained_empty_list(
    org, family, as_user, language, said
):
    wang, _li = family
    at = timezone.make_aware(datetime.datetime(2026, 11, 20, 10))
    AccessRecord.all_objects.create(
        committee=org.a, user=org.worker_a, kind=Kind.RESIDENT, resident=wang, at=at
    )
    secretary = as_user(org.secretary_a)
    query = "?date_from=2026-12-09&date_to=2026-12-01"
    response = secretary.get(reverse("audit:log") + query, headers={"accept-language": language})
    assert said in response.text
    # A link to the field to correct it (includes/not_applied.html), the filters as asked.
    link = "修改筛选条件" if language == "zh-hans" else "Correct the filters"
    assert (
        f'<a href="{reverse("audit:log")}?date_from=2026-12-09&amp;date_to=2026-12-01#id_date_from" '
        f"data-open-filters>{link}</a>"
    ) in response.text
    # The "to" day is still applied: the record before it is listed, not an empty page.
    assert len(response.context["lines"]) == 1
    # The export refuses it, as any filter it cannot apply, and writes nothing.
    refused = secretary.get(reverse("audit:export") + query, follow=True)
    assert refused.redirect_chain and not AccessRecord.all_objects.filter(kind=Kind.EXPORT).exists()
