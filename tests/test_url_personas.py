"""Every URL × every persona: allowed 200, other committee 404, wrong role 403, wrong method 405.

Fails when a URL pattern of the project has no row in tests/url_rows/ (admin pages other than its
index are the admin's own business: superusers only, with Django's model permissions).
"""

import importlib
import io
import pkgutil
import zipfile
from types import SimpleNamespace

import pytest
from django.test.utils import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

import tests.url_rows
from tests.conftest import build_org, client_for, client_in_session, rows_kept_for_scope, session_of
from tests.url_matrix import LOGGED_IN, PERSONAS, Row, add_district_officer
from tests.url_rows.district_rows import SENSITIVE_TITLE, TYPED_ID, TYPED_PHONE

MODULES = [
    importlib.import_module(f"tests.url_rows.{m.name}") for m in pkgutil.iter_modules(tests.url_rows.__path__)
]
ROWS: list[Row] = [row for module in MODULES for row in module.ROWS]
# Namespaces whose pages are not walked here, and why.
SKIPPED_NAMESPACES = {"admin"}  # superusers only; Django's admin checks its own permissions


def _url_names(patterns, namespace: str = "") -> list[str]:
    names = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names += _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            names.append(f"{namespace}{pattern.name}" if pattern.name else f"{namespace}<unnamed {pattern}>")
    return names


def test_every_url_has_a_row():
    covered = {row.name for row in ROWS}
    names = [n for n in _url_names(get_resolver().url_patterns) if n.split(":")[0] not in SKIPPED_NAMESPACES]
    missing = sorted(set(names) - covered)
    assert not missing, f"URL patterns without a row in tests/url_rows/: {missing}"
    stale = sorted(covered - set(names) - {"admin:index"})
    assert not stale, f"rows for URL names that no longer exist: {stale}"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The organisation and every object the rows need, built once for the module's ~600 tests.

    Each test rolls back to it (tests/conftest.py rows_kept_for_scope), so a POST that changes a case
    changes it for that test only. The objects here are never changed in memory: rows read their ids.
    Uploads (the attachment, the import waiting for its commit) live in the world's own media folder.
    """
    media = tmp_path_factory.mktemp("world-media")
    with override_settings(MEDIA_ROOT=media), rows_kept_for_scope(django_db_blocker):
        world = SimpleNamespace(**vars(build_org()), media=media)
        add_district_officer(world)
        for module in MODULES:
            if hasattr(module, "populate"):
                module.populate(world)
        world.sessions = {persona: session_of(world.users[persona]) for persona in LOGGED_IN}
        yield world


@pytest.fixture(autouse=True)
def _world_media(_media_in_tmp, settings, request):
    """Tests that use the world read its uploads (this runs after the per-test MEDIA_ROOT)."""
    if "world" in request.fixturenames:
        settings.MEDIA_ROOT = request.getfixturevalue("world").media


def _request(row: Row, world, persona: str, method: str | None = None):
    client = client_in_session(world.sessions.get(persona))
    method = method or row.method
    kwargs = {"headers": dict(row.headers)}
    if method == "post":
        kwargs["data"] = row.data(world)
    return getattr(client, method)(row.path(world), **kwargs)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.id)
def test_persona_gets_expected_status(row: Row, persona: str, world, db):
    response = _request(row, world, persona)
    assert response.status_code == row.expect[persona], (
        f"{persona} {row.method.upper()} {row.path(world)}: got {response.status_code}, "
        f"expected {row.expect[persona]}"
    )
    # Redirects that are not to the login: the language switch, logging out, the site's icon.
    if (
        persona == "anonymous"
        and response.status_code == 302
        and row.name not in {"set_language", "logout", "favicon"}
    ):
        assert response["Location"].startswith("/accounts/login/") or row.name == "admin:index"


@pytest.mark.parametrize("row", [r for r in ROWS if r.wrong_method], ids=lambda r: r.id)
def test_wrong_method_is_refused(row: Row, world, db):
    # The persona the view serves best (a 200 before a redirect) is the one that reaches the method check.
    allowed = min(PERSONAS, key=lambda p: (row.expect[p], p == "anonymous"))
    response = _request(row, world, allowed, method=row.wrong_method)
    assert response.status_code == 405, (
        f"{row.wrong_method.upper()} {row.path(world)} gave {response.status_code}"
    )


def _text_of(response) -> str:
    """What a reader gets: the page, or every sheet and string of an .xlsx export (a photo: nothing)."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as xlsx:
            return "".join(xlsx.read(n).decode() for n in xlsx.namelist() if n.endswith(".xml"))
    if response["Content-Type"].startswith("image/"):
        return ""
    return body.decode()


def _district_reads(world) -> list[str]:
    """Every page and export the district officer may open, and the lists and exports of all cases."""
    urls = [row.path(world) for row in ROWS if row.method == "get" and row.expect["district"] == 200]
    month = f"month={timezone.localdate():%Y-%m}"
    urls += [
        reverse("cases:list") + "?status=",
        reverse("cases:list") + "?status=&q=联系电话",
        reverse("cases:detail", args=[world.typed_case.pk]),
        reverse("cases:print", args=[world.typed_case.pk]),
        reverse("reports:cases_xlsx") + "?status=",
        reverse("reports:ledger") + f"?{month}",
        reverse("dashboard_committee", args=[world.b.pk]),
        reverse("residents:list") + "?q=周勤",
        reverse("residents:list") + "?category=dibao",
    ]
    return urls


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_district_officer_reads_no_sensitive_data_anywhere(world, db, language):
    """Every page and export the district officer reads: numbers masked, no sensitive category, no
    sensitive case, no aid (the street officer's rule, one level up)."""
    client = client_for(world.district)
    resident, household = world.resident_a, world.household_a
    secrets = {
        "the resident's phone": resident.phone,
        "the resident's ID number": resident.id_number,
        "the household's landline": household.phone,
        "a phone typed in a case": TYPED_PHONE,
        "an ID typed in a case": TYPED_ID,
        "a sensitive case": SENSITIVE_TITLE,
        "a case of a category sensitive by default": "困难家庭",
        "a sensitive care category": "低保" if language == "zh-hans" else "Minimum allowance",
    }
    assert all(secrets.values())
    read = 0
    for url in _district_reads(world):
        response = client.get(url, headers={"Accept-Language": language})
        assert response.status_code == 200, url
        text = _text_of(response)
        leaked = [what for what, secret in secrets.items() if secret in text]
        assert not leaked, f"{url} shows {leaked}"
        read += 1
    assert read >= 25
    # The masked forms are there: the officer reads the record, not nothing.
    detail = client.get(reverse("residents:detail", args=[resident.pk])).text
    assert "138****5678" in detail
    case_page = client.get(reverse("cases:detail", args=[world.typed_case.pk])).text
    assert "139****6666" in case_page
