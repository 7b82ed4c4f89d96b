"""Every bad input gets an answer, never a 500: a fixed set of hostile values sent to every URL's query
parameters and every form field, as the secretary and a worker, walking the URL × persona table.

Which query parameters a page reads is not declared anywhere, so the test asks the page: a first,
plain request records every key the view (or its filter form) looks up in request.GET; each hostile
value is then sent in all of them at once. A form's fields are those of the row's data and every
field of the page's own form (its GET); each hostile value is sent in all fields at once, and each
field gets a value of its own while the others keep the row's valid data (a view that stops at its
first bad field still has every field tried). Ids in the path are replaced by one past 64 bits.

Kept fast without losing what it covers (about 800 requests instead of 1,500):
- a page that reads no query parameter, or a form of no fields, is not sent the same request again for
  each value (a third of the requests were such repeats);
- one test per row, both personas inside it: the row's own form page is fetched once, not per persona;
- each persona's client logs in once for the module (its session is a row of the module's world, so
  every test rolls back to it; its cookies are reset to that session before each test, so a row that
  logs out, logs in again or picks a language leaves the next test as a fresh login would);
- the personas a row allows share the values and the fields between them, so every URL meets every
  value and every field is tried, not every value × field × persona;
- no two values test the same thing: "١２" stands for every Unicode digit that int() accepts
  (full-width, Arabic-Indic), one string holds the script and the quote of an injection (and is not a
  number), and a date alone is also a datetime to Django's fields and to fromisoformat.
"""

import re
import traceback
from http.cookies import SimpleCookie

import django.core.handlers.wsgi
import pytest
from django.conf import settings
from django.http import QueryDict

from tests.conftest import client_for
from tests.test_url_personas import ROWS, _world_media, world  # noqa: F401 (fixtures)
from tests.url_matrix import Row

HOSTILE = [
    "²",  # str.isdigit says yes, int() fails
    "١２",  # an Arabic-Indic and a full-width digit: int() reads 12
    "-1",
    str(2**64),  # one past 64 bits
    "9" * 5000,  # past every length limit, and past 64 bits too
    "0001-01-01",  # year 1: a date, and midnight to a datetime field
    "9999-12-31",
    "a\x00b",  # NUL: PostgreSQL refuses it in text
    "1e400",  # a float past its range: inf
    "<script>alert(1)</script>' OR 1=1 --",  # not a number; markup and SQL quoting
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


TESTED = [row for row in ROWS if any(_allowed(row, p) for p in PERSONAS)]


@pytest.fixture(scope="module")
def clients(world, django_db_blocker):  # noqa: F811
    """One logged-in client per persona for the module, and the session cookie each started with."""
    with django_db_blocker.unblock():  # inside the world's transaction: every test rolls back to it
        made = {persona: client_for(getattr(world, persona)) for persona in PERSONAS}
    return {p: (c, c.cookies[settings.SESSION_COOKIE_NAME].value) for p, c in made.items()}


def _client(clients, persona: str):
    client, session = clients[persona]
    # As just logged in, whatever the last test did (logged out, chose a language, left a message).
    client.cookies = SimpleCookie({settings.SESSION_COOKIE_NAME: session})
    return client


@pytest.mark.parametrize("row", TESTED, ids=[r.id for r in TESTED])
def test_no_hostile_value_gets_a_500(row: Row, world, clients, db, recording_get):  # noqa: F811
    path = row.path(world)
    base, _, query = path.partition("?")
    headers = dict(row.headers)
    failures: list[str] = []
    allowed = [p for p in PERSONAS if _allowed(row, p)]
    fields: set[str] = set()
    if row.method == "post":
        data = row.data(world)
        # The form's own page, when the action has one (as the first persona: the fields are the form's).
        page = _send(_client(clients, allowed[0]), "get", path, [], "")
        fields = set(data)
        if page is not None and page.status_code == 200 and not page.streaming:
            fields |= _form_fields(page.text)

    for persona in allowed:
        client = _client(clients, persona)
        values = _share(row, persona, HOSTILE)
        if row.method == "get":
            recording_get.clear()
            plain = _send(client, "get", path, failures, f"GET {path} as {persona}", headers=headers)
            if plain is not None and plain.status_code != row.expect[persona]:
                # The shared client is not who it should be (logged out by an earlier test?).
                failures.append(f"GET {path} as {persona}: {plain.status_code}, not {row.expect[persona]}")
            keys = set(recording_get) | set(QueryDict(query).keys())
            # A page that reads no parameter would get the plain request again for every value.
            for value in values if keys else []:
                params = {**QueryDict(query).dict(), **dict.fromkeys(keys, value)}
                _send(
                    client,
                    "get",
                    base,
                    failures,
                    f"GET {base} {sorted(keys)}={value!r} as {persona}",
                    data=params,
                    headers=headers,
                )
            continue
        # A form of no fields (a button) is posted once, not once per value: the posts would be the same.
        for value in values if fields else values[:1]:
            _send(
                client,
                "post",
                path,
                failures,
                f"POST {path} every field={value!r} as {persona}",
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
                f"POST {path} {field}={value!r} as {persona}",
                data={**data, field: value},
                headers=headers,
            )

    if re.search(r"/\d+/", base):
        far = _path_past_64_bits(base)
        client = _client(clients, allowed[0])
        _send(client, row.method, far, failures, f"{row.method.upper()} {far}", headers=headers)
    assert not failures, "\n".join(failures)
