"""Export of a filtered case list: the list's own filters, the user's scope, masked numbers."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from tests.reports import helpers as h

PHONE = "13712345678"


@pytest.fixture
def cases(org):
    today = timezone.localdate()
    person = h.resident(org.a, "王建华", phone=PHONE)
    for i in range(4):
        c = h.case(
            org.a,
            created_by=org.secretary_a,
            created=today - dt.timedelta(days=i),
            status=Case.Status.NEW if i % 2 else Case.Status.RESOLVED,
            resolved=None if i % 2 else today,
            title=f"楼道堆物{i}",
        )
        h.party(c, person)
    h.case(org.a, created_by=org.secretary_a, created=today, sensitive=True, title="敏感事项")
    h.case(org.b, created_by=org.worker_b, created=today, title="波阳事项")
    return today


def _rows(response) -> list[tuple]:
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.worksheets[0].iter_rows(values_only=True))


def test_the_export_holds_the_same_rows_as_the_filtered_list(org, cases, as_user):
    client = as_user(org.secretary_a)
    query = {"status": "open", "committee": org.a.pk}
    listed = client.get(reverse("cases:list"), query).context["page"].paginator.count
    rows = _rows(client.get(reverse("reports:cases_xlsx"), query))
    assert len(rows) - 1 == listed == 3  # two open, plus the sensitive one the secretary sees
    assert rows[0][0] == "事项编号"


def test_the_export_keeps_to_the_users_scope(org, cases, as_user):
    # Another committee's id is no choice of theirs: refused (nothing written), as any filter the
    # export cannot apply (tests/audit/test_export_records.py), never A's cases.
    other = as_user(org.worker_b).get(reverse("reports:cases_xlsx"), {"committee": org.a.pk})
    assert other.status_code == 302 and other["Location"] == f"{reverse('cases:list')}?committee={org.a.pk}"
    titles = {r[7] for r in _rows(as_user(org.worker_b).get(reverse("reports:cases_xlsx")))[1:]}
    assert titles == {"波阳事项"}
    titles = {r[7] for r in _rows(as_user(org.worker_a).get(reverse("reports:cases_xlsx")))[1:]}
    assert "敏感事项" not in titles and "楼道堆物0" in titles


def test_the_export_masks_phone_numbers(org, cases, as_user):
    rows = _rows(as_user(org.secretary_a).get(reverse("reports:cases_xlsx")))
    text = "\n".join(str(v) for row in rows for v in row if v)
    assert PHONE not in text and "137****5678" in text


def test_the_viewer_cannot_export(org, cases, as_user):
    assert as_user(org.viewer_a).get(reverse("reports:cases_xlsx")).status_code == 403


def test_the_reports_page_offers_the_case_lists_filters_for_the_export(org, cases, as_user):
    response = as_user(org.secretary_a).get(reverse("reports:index"))
    assert f'action="{reverse("reports:cases_xlsx")}"' in response.text
    for name in ("status", "category", "assignee", "created_from", "resolved_to", "overdue"):
        assert f'name="{name}"' in response.text


def test_one_rule_for_formula_text_in_every_spreadsheet():
    """The registry export and the ledgers agree on what would run as a formula (common.spreadsheets)."""
    from common.spreadsheets import export_text, looks_like_formula

    for text in ("=1+1", "+86", "-3", "@王五"):
        assert looks_like_formula(text)
        assert export_text(text) == "'" + text
    assert export_text("王五") == "王五" and export_text(None) == ""


def test_a_control_character_pasted_into_a_text_does_not_break_the_export(org, as_user):
    """Word's manual line break is a vertical tab (\\x0b), which a worksheet cannot hold: openpyxl
    refused the cell and the whole export answered 500. It is written as a space."""
    today = timezone.localdate()
    h.case(org.a, created_by=org.secretary_a, created=today, title="楼道\x0b积水\x1b")
    rows = _rows(as_user(org.secretary_a).get(reverse("reports:cases_xlsx"), {"status": ""}))
    assert [r[7] for r in rows[1:]] == ["楼道 积水 "]


def test_an_export_too_large_for_one_file_goes_back_to_the_list(org, cases, as_user, settings):
    """Past EXPORT_MAX_ROWS (a district's every case would run for minutes and pass Excel's rows),
    the export sends the user to the same list with a message in their language; at the limit it
    exports, and nothing is recorded as exported when nothing was."""
    client = as_user(org.secretary_a)
    query = {"status": "", "committee": org.a.pk}  # five cases of A, the sensitive one too
    settings.EXPORT_MAX_ROWS = 5
    assert len(_rows(client.get(reverse("reports:cases_xlsx"), query))) - 1 == 5
    settings.EXPORT_MAX_ROWS = 4
    back_to = f"{reverse('cases:list')}?status=&committee={org.a.pk}"
    page = h.refused_export(client, reverse("reports:cases_xlsx"), query, back_to)
    assert "超过 4 件" in page and "缩小" in page


def test_a_case_open_again_exports_its_resolution_as_the_previous_one(org, as_user):
    """The case page says 上次处理结果 for a case open again (not satisfied at the call, reopened);
    the export printed the old text as if it were this time's."""
    today = timezone.localdate()
    again = h.case(org.a, created_by=org.secretary_a, created=today, status=Case.Status.IN_PROGRESS)
    done = h.case(
        org.a, created_by=org.secretary_a, created=today, status=Case.Status.RESOLVED, resolved=today
    )
    Case.all_objects.filter(pk=again.pk).update(resolution="已疏通")
    Case.all_objects.filter(pk=done.pk).update(resolution="已修复")
    rows = _rows(as_user(org.secretary_a).get(reverse("reports:cases_xlsx"), {"status": ""}))
    assert sorted(r[13] for r in rows[1:]) == ["上次处理结果：已疏通", "已修复"]


def test_the_export_of_a_search_by_a_full_number_holds_the_cases_the_list_found(org, cases, as_user):
    """The secretary may search a whole phone number (cases/filters.py full_numbers_in): the list's
    export holds what the list found, not nothing (the key holds the number masked), and the search
    is noted in the access log, as the list's is."""
    from audit.models import AccessRecord

    client = as_user(org.secretary_a)
    query = {"status": "", "q": "137 1234 5678"}
    # As the forms send it (POST), answered at the list's address with a key, never the number.
    listed = client.post(reverse("cases:list"), query, follow=True).context["page"].paginator.count
    noted = AccessRecord.all_objects.filter(kind=AccessRecord.Kind.SEARCH_FULL).count()
    rows = _rows(client.post(reverse("reports:cases_xlsx"), query, follow=True))
    assert len(rows) - 1 == listed == 4
    assert AccessRecord.all_objects.filter(kind=AccessRecord.Kind.SEARCH_FULL).count() > noted
    # Who may not reveal it finds nothing by it, on the list as in its export.
    worker = as_user(org.worker_a)
    assert worker.post(reverse("cases:list"), query, follow=True).context["page"].paginator.count == 0
    assert len(_rows(worker.post(reverse("reports:cases_xlsx"), query, follow=True))) == 1
