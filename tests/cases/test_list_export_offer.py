"""The case list's Export button: the file holds the cases the list's filters ask for, so it is offered
only while every filter is applied. Beside a filter said not applied (a "from" after its "to", a date
that cannot be read) the list shows more than was asked and the export refuses it (reports/ledger.py
case_list_xlsx): the button gave way to a refusal after a click, as if the file followed the filter.
It now waits for the correction, and says so in its place, in both languages."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cases import services
from cases.rules import Action
from committee.access import Access
from tests.cases.page_text import text_of
from tests.factories import make_case

EXPORT = re.compile(r'<a class="button small" href="(/[^"]*/cases\.xlsx[^"]*)"')
WAITS = {"zh-hans": "修改筛选条件后才能导出。", "en": "To export, correct the filters first."}


def _results(client, query: str, language: str) -> str:
    response = client.get(reverse("cases:list") + "?" + query, headers={"accept-language": language})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_export_is_offered_beside_a_filter_not_applied(org, as_user, language):
    make_case(org.worker_a, org.a, title="楼道积水")
    client = as_user(org.secretary_a)
    for bad in ("status=&created_from=2026-12-31&created_to=2026-12-01", "status=&due_from=2026-99-01"):
        page = _results(client, bad, language)
        assert "not-applied" in page
        assert not EXPORT.search(page), bad
        assert WAITS[language] in text_of(page)
    # Corrected, the button is back, and the words are gone.
    page = _results(client, "status=&created_from=2026-12-01&created_to=2026-12-31", language)
    assert EXPORT.search(page) and WAITS[language] not in text_of(page)


def test_the_offered_export_holds_the_rows_the_list_shows(org, as_user):
    """The button's link is the list's own filters (the bare list's implied "open" written out): the
    file's cases are the list's."""
    make_case(org.worker_a, org.a, title="楼道积水")
    done = make_case(org.worker_a, org.a, title="路面坑洼", assignee=org.worker_a)
    services.transition(access=Access(org.worker_a), case=done, action=Action.RESOLVE, text="已处理")
    client = as_user(org.secretary_a)
    for query, titles in (("", {"楼道积水"}), ("status=", {"楼道积水", "路面坑洼"})):
        page = _results(client, query, "zh-hans")
        listed = {title for title in ("楼道积水", "路面坑洼") if title in page}
        assert listed == titles
        href = EXPORT.search(page)[1].replace("&amp;", "&")
        response = client.get(href)
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        cells = {cell for row in sheet.iter_rows(values_only=True) for cell in row}
        assert cells & {"楼道积水", "路面坑洼"} == titles, (query, href)


def test_a_reader_who_may_not_export_is_told_nothing_of_it(org, as_user):
    page = _results(as_user(org.viewer_a), "status=&created_from=2026-12-31&created_to=2026-12-01", "en")
    assert "not-applied" in page and not EXPORT.search(page) and WAITS["en"] not in text_of(page)
