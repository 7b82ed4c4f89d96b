"""A sensitive case (and a resident in a sensitive care category) reaches no one who may not see it,
in any report: the ledger, the case export, the monthly summary (page and text) and the dashboard."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from residents.indexing import reindex_residents
from tests.reports import helpers as h

SECRET_TITLE = "家暴求助隐私事项"
SECRET_NAME = "冯低保"


@pytest.fixture
def secret(org):
    today = timezone.localdate()
    h.case(org.a, created_by=org.secretary_a, created=today, sensitive=True, title=SECRET_TITLE)
    dibao = h.care_category("t-dibao", 7)
    dibao.sensitive = True
    dibao.save()
    person = h.resident(org.a, SECRET_NAME, room="701")
    person.care_categories.add(dibao)
    h.visit(person, on=today, by=org.worker_a)
    reindex_residents([person.pk])
    return today


def _xlsx_text(response) -> str:
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    workbook = load_workbook(io.BytesIO(content))
    return " ".join(str(v) for ws in workbook for row in ws.iter_rows(values_only=True) for v in row if v)


def _everything(client, today) -> str:
    month = {"month": f"{today:%Y-%m}"}
    texts = [
        _xlsx_text(client.get(reverse("reports:ledger"), month)),
        _xlsx_text(client.get(reverse("reports:cases_xlsx"))),
        client.get(reverse("reports:summary"), month).text,
        client.get(reverse("reports:summary_txt"), month).text,
        client.get(reverse("dashboard")).text,
    ]
    return "\n".join(texts)


@pytest.mark.parametrize(("persona", "sees"), [("secretary_a", True), ("worker_a", None), ("officer", False)])
def test_sensitive_rows_reach_only_those_who_may_see_them(org, secret, as_user, persona, sees):
    text = _everything(as_user(getattr(org, persona)), secret)
    # The worker sees sensitive care categories (and visited the resident) but not the secretary's
    # sensitive case; the officer sees neither.
    assert (SECRET_TITLE in text) is bool(sees)
    assert (SECRET_NAME in text) is (sees is not False)
