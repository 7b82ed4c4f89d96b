"""Every bad input gets an answer, never a 500: a fixed set of hostile values sent to every URL's query
parameters and every form field, as the secretary and a worker, walking the URL × persona table.

Which query parameters a page reads is not declared anywhere, so the test asks the page: a first,
plain request records every key the view (or its filter form) looks up in request.GET; each hostile
value is then sent in all of them at once. A form's fields are those of the row's data and every
field of the page's own form (its GET); each hostile value is sent in all fields at once, and each
field gets a value of its own while the others keep the row's valid data (a view that stops at its
first bad field still has every field tried). Ids in the path are replaced by one past 64 bits.

Sampling keeps it fast: the personas a row allows share the values and the fields between them, so
every URL meets every value and every field is tried, not every value × field × persona.
"""

import re
import traceback

import django.core.handlers.wsgi
import pytest
from django.http import QueryDict

from tests.conftest import client_for
from tests.test_url_personas import ROWS, _world_media, world  # noqa: F401 (fixtures)
from tests.url_matrix import Row

HOSTILE = [
    "²",
    "１２",
    "abc",
    "-1",
    str(2**64),
    "0001-01-01",
    "9999-12-31",
    "a\x00b",
    "' OR 1=1 --",
    "9" * 5000,
    "<script>alert(1)</script>",
    "0001-01-01T00:00",
    "1e400",
    "٣",  # an Arabic-Indic digit: str.isdigit says yes
]
PERSONAS = ("secretary_a", "worker_a")
# Fields a form carries that are not the user's input.
NOT_FIELDS = {"csrfmiddlewaretoken"}

_read_keys: set[str] = set()


class _RecordingQueryDict(QueryDict):
    """request.GET that notes every key a view looks up."""

    def __getitem__(self, key):
        _read_keys.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        _read_keys.add(key)
        return super().__contains__(key)

    def getlist(self, key, default=None):
        _read_keys.add(key)
        return super().getlist(key, default)


@pytest.fixture
def recording_get(monkeypatch):
    monkeypatch.setattr(django.core.handlers.wsgi, "QueryDict", _RecordingQueryDict)
    _read_keys.clear()
    return _read_keys


def _send(client, method: str, path: str, failures: list, what: str, **kwargs):
    try:
        response = getattr(client, method)(path, **kwargs)
        if response.streaming:
            b"".join(response.streaming_content)
    except Exception as error:  # the test client raises what the view raised: a 500 for a user
        failures.append(f"{what[:200]}: {type(error).__name__}: {str(error)[:200]} at {_where(error)}")
        return None
    if response.status_code >= 500:
        failures.append(f"{what}: {response.status_code}")
    return response


def _where(error: Exception) -> str:
    """The last frame of the project's own code in the traceback: where to fix it."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if "/.venv/" not in f.filename]
    return f"{frames[-1].filename.rsplit('/', 2)[-2:]}:{frames[-1].lineno}" if frames else "?"


def _form_fields(html: str) -> set[str]:
    names = re.findall(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"', html)
    return {n for n in names if n not in NOT_FIELDS}


def _path_past_64_bits(path: str) -> str:
    return re.sub(r"/\d+/", f"/{2**64}/", path, count=1)


def _allowed(row: Row, persona: str) -> bool:
    return row.expect[persona] < 400


def _share(row: Row, persona: str, items: list) -> list:
    """This persona's share of `items`: the personas the row allows split them between them."""
    allowed = [p for p in PERSONAS if _allowed(row, p)]
    return items[allowed.index(persona) :: len(allowed)]


CASES = [(row, persona) for row in ROWS for persona in PERSONAS if _allowed(row, persona)]


@pytest.mark.parametrize(("row", "persona"), CASES, ids=[f"{r.id}-{p}" for r, p in CASES])
def test_no_hostile_value_gets_a_500(row: Row, persona: str, world, db, recording_get):  # noqa: F811
    client = client_for(getattr(world, persona))
    path = row.path(world)
    base, _, query = path.partition("?")
    headers = dict(row.headers)
    failures: list[str] = []
    values = _share(row, persona, HOSTILE)

    if row.method == "get":
        _send(client, "get", path, failures, f"GET {path}", headers=headers)
        keys = set(recording_get) | set(QueryDict(query).keys())
        for value in values:
            params = {**QueryDict(query).dict(), **dict.fromkeys(keys, value)}
            _send(
                client,
                "get",
                base,
                failures,
                f"GET {base} {sorted(keys)}={value!r}",
                data=params,
                headers=headers,
            )
    else:
        data = row.data(world)
        page = _send(client, "get", path, [], "")  # the form's own page, when the action has one
        fields = set(data)
        if page is not None and page.status_code == 200 and not page.streaming:
            fields |= _form_fields(page.text)
        for value in values:
            _send(
                client,
                "post",
                path,
                failures,
                f"POST {path} every field={value!r}",
                data={**data, **dict.fromkeys(fields, value)},
                headers=headers,
            )
        # Each field alone, the others valid: every field gets one value, the values taking turns.
        for i, field in _share(row, persona, list(enumerate(sorted(fields)))):
            value = HOSTILE[i % len(HOSTILE)]
            _send(
                client,
                "post",
                path,
                failures,
                f"POST {path} {field}={value!r}",
                data={**data, field: value},
                headers=headers,
            )

    if re.search(r"/\d+/", base) and persona == PERSONAS[0]:
        far = _path_past_64_bits(base)
        _send(client, row.method, far, failures, f"{row.method.upper()} {far}", headers=headers)
    assert not failures, "\n".join(failures)
