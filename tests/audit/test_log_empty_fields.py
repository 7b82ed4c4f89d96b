"""The access log's and the reveal log's filters sent without JavaScript: the browser sends every field
of the form (includes/log_filters.html), the empty ones too, `?who=&kind=&date_from=&date_to=`. As the
case list, the resident list and the roster do (common/querystrings.py), both logs answer such a GET
with the same query without its empty fields. An empty filter and an absent one mean the same there
(audit/forms.py: each optional, an empty value filters on nothing; `page=` is the first page, as
none), so the rows are the same at both addresses; the export's link is the page's query, and an
export sent its empty fields (an older link) is answered as before, with the same rows."""

import datetime
import io
import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit import services
from audit.models import AccessRecord
from tests.factories import make_building, make_household, make_resident
from tests.residents.test_reveal_log_export import _log as _reveal_world

HTMX = {"HX-Request": "true"}  # never redirected: the query as sent, read as it is
FIELDS = ("who", "kind", "date_from", "date_to")
ACCESS, ACCESS_EXPORT = reverse("audit:log"), reverse("audit:export")
REVEALS, REVEALS_EXPORT = reverse("residents:reveals"), reverse("residents:reveals_export")


def _as_sent(resident=None, **chosen) -> str:
    """The log's filter form as a browser sends it: the hidden resident first when the form has it,
    then every field in the page's order, what was not chosen empty."""
    sent = [("resident", str(resident))] if resident else []
    return urlencode(sent + [(name, chosen.get(name, "")) for name in FIELDS])


def _clean(resident=None, **chosen) -> str:
    sent = [("resident", str(resident))] if resident else []
    return urlencode(sent + [(name, chosen[name]) for name in FIELDS if chosen.get(name)])


def _rows(response) -> list:
    """The page's lines: an access record's id, or a reveal's or an export's (the reveal log)."""
    assert response.status_code == 200
    return [
        ("reveal", line.reveal.pk)
        if getattr(line, "reveal", None)
        else ("record", getattr(line, "export", line).pk)
        for line in response.context["page"].object_list
    ]


def _export_link(page: str, export: str) -> str:
    match = re.search(rf'href="({re.escape(export)}[^"]*)"', page)
    assert match, "no export link"
    return (
        match.group(1).replace("&amp;", "&").removesuffix("?")
    )  # Django's {% querystring %} of nothing: "?"


def _book(response) -> list[tuple]:
    """The export's rows under its headers (the lines above them say when it was made, and by whom)."""
    assert response.status_code == 200, response.headers.get("Location")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)][2:]


def _same_rows_at_both(client, log: str, export: str, resident, chosen: dict) -> list:
    sent, clean = _as_sent(resident, **chosen), _clean(resident, **chosen)
    response = client.get(f"{log}?{sent}")
    assert response.status_code == 302, chosen
    assert response.url == (f"{log}?{clean}" if clean else log), chosen
    redirected = client.get(response.url)
    rows = _rows(redirected)
    assert rows == _rows(client.get(f"{log}?{sent}", headers=HTMX)), chosen
    # The page's export link is its query as answered, without the empty fields.
    assert _export_link(redirected.text, export) == (f"{export}?{clean}" if clean else export), chosen
    return rows


@pytest.fixture
def looked(org):
    household = make_household(make_building(org.a, "12"), "302")
    wang, li = make_resident(household, "王芳"), make_resident(household, "李强")
    services.record(user=org.worker_a, kind=AccessRecord.Kind.RESIDENT, committee_id=org.a.pk, resident=wang)
    services.record(user=org.secretary_a, kind=AccessRecord.Kind.RESIDENT, committee_id=org.a.pk, resident=li)
    services.record_export(user=org.secretary_a, committee_ids=[org.a.pk], detail="居民名单", rows=3)
    AccessRecord.all_objects.filter(kind=AccessRecord.Kind.EXPORT).update(
        at=timezone.now() - datetime.timedelta(days=40)
    )
    return wang


def test_the_access_logs_form_sent_without_javascript_is_answered_without_its_empty_fields(
    org, looked, as_user
):
    client = as_user(org.secretary_a)
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    everything = _same_rows_at_both(client, ACCESS, ACCESS_EXPORT, None, {})
    assert len(everything) == 3
    assert len(_same_rows_at_both(client, ACCESS, ACCESS_EXPORT, None, {"who": "李敏"})) == 1
    assert len(_same_rows_at_both(client, ACCESS, ACCESS_EXPORT, None, {"kind": "export"})) == 1
    assert len(_same_rows_at_both(client, ACCESS, ACCESS_EXPORT, None, {"date_from": since})) == 2
    assert len(_same_rows_at_both(client, ACCESS, ACCESS_EXPORT, looked.pk, {})) == 1  # one resident's
    # An export sent its empty fields (a link from before) is answered as before, the same rows.
    sent, clean = _as_sent(kind="resident"), _clean(kind="resident")
    assert _book(client.get(f"{ACCESS_EXPORT}?{sent}")) == _book(client.get(f"{ACCESS_EXPORT}?{clean}"))


def test_the_reveal_logs_form_sent_without_javascript_is_answered_without_its_empty_fields(org):
    client, wang, _li = _reveal_world(org)
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    assert len(_same_rows_at_both(client, REVEALS, REVEALS_EXPORT, None, {})) == 3
    assert len(_same_rows_at_both(client, REVEALS, REVEALS_EXPORT, None, {"kind": "exports"})) == 1
    assert len(_same_rows_at_both(client, REVEALS, REVEALS_EXPORT, None, {"date_from": since})) == 2
    assert len(_same_rows_at_both(client, REVEALS, REVEALS_EXPORT, wang.pk, {"who": "周"})) == 2
    sent, clean = _as_sent(), _clean()
    assert _book(client.get(f"{REVEALS_EXPORT}?{sent}")) == _book(client.get(f"{REVEALS_EXPORT}?{clean}"))


@pytest.mark.parametrize("log", [ACCESS, REVEALS])
def test_a_query_without_empty_fields_a_bad_value_and_htmx_are_answered_in_place(org, looked, as_user, log):
    client = as_user(org.secretary_a)
    for query in ("", "?kind=nonsense&date_from=0001-99-99", f"?resident={looked.pk}", "?page=2"):
        assert client.get(f"{log}{query}").status_code == 200, query
    assert client.get(f"{log}?{_as_sent()}", headers=HTMX).status_code == 200
