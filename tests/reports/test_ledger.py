"""The monthly ledger (.xlsx): opens with openpyxl, matches the month's data, masks every number."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Aid, Case, CaseParty
from reports.figures import add_months
from tests.cases.page_text import field_of, text_of
from tests.reports import helpers as h

PHONE, ID_NUMBER = "13912345678", "310110195003041234"


@pytest.fixture
def month(org):
    """Last month's data in committee A, with a case from the month before and B's case as noise."""
    first = add_months(timezone.localdate().replace(day=1), -1)
    sec, worker = org.secretary_a, org.worker_a
    person = h.resident(org.a, "王建华", phone=PHONE, id_number=ID_NUMBER)
    where = h.building(org.a, "12")
    flood = h.case(
        org.a,
        created_by=sec,
        created=first,
        assignee=worker,
        where=where,
        title="底楼返水",
        source=Case.Source.PHONE,
    )
    h.party(flood, person)
    aid_case = h.case(
        org.a,
        created_by=sec,
        created=first + dt.timedelta(days=3),
        status=Case.Status.RESOLVED,
        resolved=first + dt.timedelta(days=9),
        satisfaction="satisfied",
        assignee=worker,
        title=f'=HYPERLINK("http://x") 电话{PHONE}',
    )
    h.party(aid_case, person, CaseParty.Role.BENEFICIARY)
    h.referral(flood, sent=first + dt.timedelta(days=1), expected=first + dt.timedelta(days=8), by=sec)
    h.aid(
        aid_case,
        applied=first + dt.timedelta(days=4),
        paid=first + dt.timedelta(days=12),
        amount="800.00",
        donors="+同事捐款",
    )
    h.visit(person, on=first + dt.timedelta(days=2), by=worker)
    h.case(org.a, created_by=sec, created=first - dt.timedelta(days=3))  # the month before: not in the ledger
    h.case(org.b, created_by=org.worker_b, created=first)  # another committee
    return first


def _workbook(response) -> openpyxl.Workbook:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _all_text(workbook) -> str:
    return "\n".join(
        str(value)
        for ws in workbook.worksheets
        for row in ws.iter_rows(values_only=True)
        for value in row
        if value
    )


def test_the_ledger_has_four_chinese_sheets_with_the_months_rows(org, month, as_user):
    response = as_user(org.secretary_a).get(reverse("reports:ledger"), {"month": f"{month:%Y-%m}"})
    workbook = _workbook(response)
    assert workbook.sheetnames == ["事项", "走访", "转办", "救助"]
    cases = workbook["事项"]
    rows = list(cases.iter_rows(values_only=True))
    assert rows[0][:4] == ("事项编号", "居委会", "登记日期", "来源")
    assert len(rows) == 3  # header + the two cases logged in the month, not the month before, not B's
    first_case = rows[1]
    assert first_case[2] == dt.datetime.combine(month, dt.time())  # a real date, not text
    assert cases["C2"].number_format == "yyyy-mm-dd"
    assert first_case[3] == "电话" and first_case[5] == "定海路449弄12号"
    assert cases.freeze_panes == "A2"
    assert cases.column_dimensions["H"].width > 20
    # Every choice in words, in Chinese: status, satisfaction, the party's role, how, what aid.
    assert first_case[9] == "新登记" and "王建华（反映人" in first_case[6]
    assert rows[0][10] == "办理期限" and isinstance(first_case[10], dt.datetime)  # the due date, a date
    assert rows[2][9] == "已办结" and rows[2][12] == "满意" and "王建华（受助人" in rows[2][6]
    visits = list(workbook["走访"].iter_rows(values_only=True))
    assert len(visits) == 2 and visits[1][5] == "上门走访"
    assert len(list(workbook["转办"].iter_rows())) == 2
    aid = list(workbook["救助"].iter_rows(values_only=True))
    assert len(aid) == 2 and aid[1][6] == 800
    assert aid[1][5] == "民政补助" and aid[1][7] == "已发放"


def test_every_sheet_of_the_ledger_prints_a4_landscape_one_page_wide_with_its_header_on_each_page(
    org, month, as_user
):
    """Review 5: 事项's 14 columns printed across portrait pages with the header on the first only."""
    response = as_user(org.secretary_a).get(reverse("reports:ledger"), {"month": f"{month:%Y-%m}"})
    for ws in _workbook(response).worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert int(ws.page_setup.paperSize) == 9, ws.title  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        # One page wide (1, Excel's default, is left out of the file), as many pages long as it takes.
        assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0), ws.title
        assert ws.print_title_rows == "$1:$1", ws.title


def test_every_number_in_the_ledger_is_masked(org, month, as_user):
    workbook = _workbook(as_user(org.secretary_a).get(reverse("reports:ledger"), {"month": f"{month:%Y-%m}"}))
    text = _all_text(workbook)
    assert PHONE not in text and ID_NUMBER not in text
    assert "139****5678" in text and "3101**********1234" in text


def test_text_that_looks_like_a_formula_stays_text(org, month, as_user):
    workbook = _workbook(as_user(org.secretary_a).get(reverse("reports:ledger"), {"month": f"{month:%Y-%m}"}))
    cases = workbook["事项"]
    titles = [row[7] for row in cases.iter_rows(min_row=2)]
    formula = next(cell for cell in titles if str(cell.value).startswith("="))
    assert formula.data_type == "s"
    donors = next(
        cell for cell in next(workbook["救助"].iter_rows(min_row=2)) if str(cell.value).startswith("+")
    )
    assert donors.data_type == "s"


def test_the_officer_gets_the_streets_ledger_and_not_another_street(org, month, as_user):
    workbook = _workbook(as_user(org.officer).get(reverse("reports:ledger"), {"month": f"{month:%Y-%m}"}))
    committees = {row[1] for row in workbook["事项"].iter_rows(min_row=2, values_only=True)}
    assert committees == {"定海居民区", "波阳居民区"}
    response = as_user(org.officer).get(
        reverse("reports:ledger"), {"month": f"{month:%Y-%m}", "committee": org.c.pk}
    )
    assert response.status_code == 400  # not one of the officer's committees


def test_a_worker_does_not_get_sensitive_cases_they_may_not_see(org, month, as_user):
    h.case(org.a, created_by=org.secretary_a, created=month, sensitive=True, title="家庭隐私")
    for persona, expected in (("worker_a", False), ("secretary_a", True)):
        workbook = _workbook(
            as_user(getattr(org, persona)).get(reverse("reports:ledger"), {"month": f"{month:%Y-%m}"})
        )
        assert ("家庭隐私" in _all_text(workbook)) is expected


def test_a_bad_month_is_refused(org, as_user):
    response = as_user(org.secretary_a).get(reverse("reports:ledger"), {"month": "2026-13"})
    assert response.status_code == 400
    # The reports page again, whole: the month with its error, and the case export's filters.
    body = response.content.decode()
    assert 'class="field has-error' in body and 'id="id_month"' in body
    assert 'class="export-form"' in body and 'name="status"' in body


@pytest.mark.parametrize("name", ["reports:ledger", "reports:summary", "reports:summary_txt"])
@pytest.mark.parametrize(
    ("month", "chinese", "english"),
    [
        ("9999-12", "请选择 2999 年或之前的月份。", "Choose a month in 2999 or earlier."),
        ("3000-01", "请选择 2999 年或之前的月份。", "Choose a month in 2999 or earlier."),
        ("0001-01", "请选择 1900 年或之后的月份。", "Choose a month in 1900 or later."),
        ("1899-12", "请选择 1900 年或之后的月份。", "Choose a month in 1900 or later."),
    ],
)
def test_a_month_at_the_end_of_the_calendar_is_refused_not_a_500(org, as_user, name, month, chinese, english):
    """Valid months whose neighbours are no dates (the ledger and the summary read the month before
    and after): the reports page again with the month's error, as for any bad month. The error names
    the one bound the month broke: "between 1900 and 2999" was said to 9999-12 and 0001-01 alike."""
    client = as_user(org.secretary_a)
    client.raise_request_exception = False
    for language, words in (("zh-hans", chinese), ("en", english)):
        response = client.get(reverse(name), {"month": month}, headers={"Accept-Language": language})
        assert response.status_code == 400
        field = text_of(field_of(response.content.decode(), "month"))
        assert words in field
        assert ("1900" in field) != ("2999" in field), field  # one bound, not both


def test_the_officer_gets_each_committees_visit_counts_not_the_care_roster(org, month, as_user):
    """Review 9, finding 2: the street officer, refused the care roster, got it from the 走访 sheet:
    each roster resident's name, room and health notes ("血压偏高"). The officer gets each committee's
    counts, a sensitive category's visits counted too (counts name no one); the worker, who may open
    the roster, gets each visit."""
    from residents.models import CareCategory

    dibao = CareCategory.objects.create(code="t-dibao", name="低保", name_en="Dibao", sensitive=True)
    person = h.resident(org.a, "低保户甲", phone="13600000000", room="909")
    person.care_categories.add(dibao)
    visit = h.visit(person, on=month + dt.timedelta(days=5), by=org.worker_a)
    visit.findings, visit.follow_up_needed = "血压偏高，已提醒按时服药。", True
    visit.save()
    query = {"month": f"{month:%Y-%m}"}
    workbook = _workbook(as_user(org.officer).get(reverse("reports:ledger"), query))
    rows = list(workbook["走访"].iter_rows(values_only=True))
    assert rows[0][0] == (
        "每次走访都写明关爱名册上的居民和走访情况，仅限书记和居委干部查看。此处为各居委会的走访次数。"
    )
    assert rows[1:] == [
        ("居委会", "方式", "走访次数", "走访居民数", "需跟进"),
        ("定海居民区", "上门走访", 2, 2, 1),
    ]
    text = "\n".join(str(value) for row in rows for value in row)
    for secret in ("低保户甲", "王建华", "909", "血压偏高", "身体尚可"):
        assert secret not in text, secret

    workbook = _workbook(as_user(org.worker_a).get(reverse("reports:ledger"), query))
    rows = list(workbook["走访"].iter_rows(min_row=2, values_only=True))
    assert {row[2] for row in rows} == {"王建华", "低保户甲"}
    assert "血压偏高，已提醒按时服药。" in {row[7] for row in rows}


def test_a_ledger_too_large_for_one_file_goes_back_to_the_reports_page(org, month, as_user, settings):
    """Past EXPORT_MAX_ROWS cases and visits (a district's month ran 26 s), the ledger sends the user
    back to the month they chose with a message; at the limit it is written, and only then noted."""
    client = as_user(org.secretary_a)
    query = {"month": f"{month:%Y-%m}", "committee": org.a.pk}  # two cases and one visit of A
    settings.EXPORT_MAX_ROWS = 3
    assert _workbook(client.get(reverse("reports:ledger"), query)).sheetnames[0] == "事项"
    settings.EXPORT_MAX_ROWS = 2
    back_to = f"{reverse('reports:index')}?month={month:%Y-%m}&committee={org.a.pk}"
    page = h.refused_export(client, reverse("reports:ledger"), query, back_to)
    assert "超过 2 件事项和走访" in page


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", "{name} {month} 的台账将超过 2 件事项和走访，一个文件放不下。请用下方“导出事项清单”"),
        ("en", "The ledger of {name} for {month} would hold more than 2 cases and visits"),
    ],
)
def test_a_committee_too_large_for_one_file_is_told_to_export_its_cases_in_parts(
    org, month, as_user, settings, language, expected
):
    """The secretary has one committee: there is nothing smaller to choose, so the message does not
    ask for one; it names the case-list export on the same page and the administrator."""
    settings.EXPORT_MAX_ROWS = 2
    client = as_user(org.secretary_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    back_to = f"{reverse('reports:index')}?month={month:%Y-%m}&committee={org.a.pk}"
    page = h.refused_export(client, reverse("reports:ledger"), {"month": f"{month:%Y-%m}"}, back_to)
    assert expected.format(name=org.a.name, month=f"{month:%Y-%m}") in page
    assert "选择一个居委会" not in page and "Choose one committee" not in page
    assert ("请联系管理员" in page) if language == "zh-hans" else ("ask the administrator" in page)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", "本月台账将超过 2 件事项和走访，一个文件放不下。请选择一个居委会后再导出。"),
        ("en", "more than 2 cases and visits, more than one file can take. Choose one committee and export"),
    ],
)
def test_a_street_too_large_for_one_file_is_told_to_choose_one_committee(
    org, month, as_user, settings, language, expected
):
    """The street officer asked for all the street's committees (A's two cases and visit, B's case):
    choosing one of them is what makes the ledger smaller."""
    settings.EXPORT_MAX_ROWS = 2
    client = as_user(org.officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    back_to = f"{reverse('reports:index')}?month={month:%Y-%m}"
    page = h.refused_export(client, reverse("reports:ledger"), {"month": f"{month:%Y-%m}"}, back_to)
    assert expected in page


def test_goods_given_with_no_value_leave_the_amount_empty(org, month, as_user):
    """Goods with no value set read "0.00" in the amount column, as if nothing had been given."""
    [aid_case] = [a.case for a in Aid.all_objects.all()]
    h.aid(aid_case, applied=month + dt.timedelta(days=5), amount="0", kind=Aid.Kind.GOODS)
    workbook = _workbook(as_user(org.secretary_a).get(reverse("reports:ledger"), {"month": f"{month:%Y-%m}"}))
    rows = list(workbook["救助"].iter_rows(values_only=True))
    goods = [row for row in rows[1:] if row[5] == "物资"]
    assert len(goods) == 1 and goods[0][6] is None and goods[0][2] == "王建华"


def test_a_reopened_cases_call_reads_as_the_earlier_rounds(org, month, as_user):
    """Reopened since its call (its satisfaction emptied, in progress again): the ledger says
    上次回访：满意, as the case page and the printed sheet, not 满意 beside no resolution."""
    reopened = h.case(
        org.a,
        created_by=org.secretary_a,
        created=month + dt.timedelta(days=5),
        status=Case.Status.IN_PROGRESS,
        assignee=org.worker_a,
        title="电线又打火",
        last_call=(month + dt.timedelta(days=7), "satisfied"),
    )
    # In Chinese whoever reads it (LEDGER_LANGUAGE): the ledger is the committee's record.
    response = as_user(org.secretary_a).get(reverse("reports:ledger"), {"month": f"{month:%Y-%m}"})
    rows = list(_workbook(response).worksheets[0].iter_rows(values_only=True))
    (row,) = [r for r in rows if r[0] == reopened.number]
    assert row[12] == "上次回访：满意"
    assert [r[12] for r in rows[1:] if r[0] != reopened.number and r[12]] == ["满意"]  # called, not reopened


# The session, the user's scope, the month's cases and their sheets, and the visit counts: one query
# for the counts however many visits the month had.
QUERIES_FOR_THE_OFFICERS_LEDGER = 11


@pytest.mark.parametrize("visits", [1, 25])
def test_the_officers_visit_counts_take_the_same_queries_at_few_and_many_visits(org, month, as_user, visits):
    """One aggregate for the counts sheet, whatever the month's visits: the street's 753 visits were
    753 rows; they are now a few rows a committee, from one query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    person = h.resident(org.b, "居民乙", room="303")
    for day in range(visits):
        h.visit(person, on=month + dt.timedelta(days=day % 27), by=org.worker_b)
    client = as_user(org.officer)
    client.get(reverse("reports:ledger"), {"month": f"{month:%Y-%m}"})  # warm the session's reads
    with CaptureQueriesContext(connection) as queries:
        workbook = _workbook(client.get(reverse("reports:ledger"), {"month": f"{month:%Y-%m}"}))
    counted = list(workbook["走访"].iter_rows(min_row=3, values_only=True))
    assert ("波阳居民区", "上门走访", visits, 1, 0) in counted
    assert len(queries) == QUERIES_FOR_THE_OFFICERS_LEDGER, [q["sql"][:80] for q in queries]
