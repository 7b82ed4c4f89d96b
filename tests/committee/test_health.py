"""/healthz never touches the database; /readyz and every page tell a database outage plainly."""

import fcntl
import functools
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings


def test_healthz_answers_without_the_database(client):
    # No django_db mark: any query here would raise "Database access not allowed".
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_answers_200_when_the_database_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["database"] == "up"


# What each outage test asks for: (path, with a session cookie as a logged-in browser sends; loading
# the session needs the database).
REQUESTS = {
    "readyz": ("/readyz", False),
    "healthz": ("/healthz", False),
    "page": ("/", True),
    "readyz_with_session": ("/readyz", True),
    "healthz_with_session": ("/healthz", True),
}


@pytest.fixture(scope="session")
def answers_with_database_down(tmp_path_factory):
    """answers_with_database_down(engine) → the REQUESTS' answers (_serve_with_database_down), served
    once per engine for the whole run: xdist spreads this module's tests over both test processes,
    and each started both servers (four Django starts of 2-3 s instead of two). The processes share
    the answers through a file in the run's own temporary folder, the first one to need them serving
    them under a lock while the other waits."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):  # one process: its folder's parent is not the run's
        return functools.cache(_serve_with_database_down)
    shared = tmp_path_factory.getbasetemp().parent  # the run's folder; each process has one inside

    @functools.cache
    def answers(engine: str) -> dict[str, tuple[int, str]]:
        path = shared / f"health-outage-{engine}.json"
        with open(shared / f"health-outage-{engine}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not path.exists():
                path.write_text(json.dumps(_serve_with_database_down(engine)))
        return {name: tuple(answer) for name, answer in json.loads(path.read_text()).items()}

    return answers


def _serve_with_database_down(engine: str) -> dict[str, tuple[int, str]]:
    """Serve the REQUESTS in one fresh process whose database really cannot be reached (one Django
    start per engine rather than per request: each start takes about a second)."""
    code = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "out = {};\n"
        f"for name, (path, logged_in) in {REQUESTS!r}.items():\n"
        "    c = Client(raise_request_exception=False)\n"
        "    if logged_in: c.cookies['sessionid'] = 'k' * 32\n"
        "    r = c.get(path, headers={'Accept-Language': 'zh-hans'})\n"
        "    out[name] = [r.status_code, r.content.decode()]\n"
        "print(json.dumps(out))"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SQLITE_PATH"}}
    env.update(OUTAGES[engine], DJANGO_SETTINGS_MODULE="needle.settings", ALLOWED_HOSTS="testserver")
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return {name: tuple(answer) for name, answer in json.loads(out.stdout.strip().splitlines()[-1]).items()}


OUTAGES = {
    # Nothing listens on port 1: a PostgreSQL server that is down.
    "postgresql": {"DATABASE_URL": "postgres://postgres@127.0.0.1:1/needle?connect_timeout=2"},
    # A database file in a folder that does not exist cannot be opened.
    "sqlite": {"SQLITE_PATH": "/nonexistent/needle/needle.sqlite3"},
}


@pytest.mark.parametrize("engine", OUTAGES)
def test_readyz_answers_503_when_the_database_is_down(answers_with_database_down, engine):
    status, body = answers_with_database_down(engine)["readyz"]
    assert status == 503
    assert json.loads(body)["database"] == "down"


@pytest.mark.parametrize("engine", OUTAGES)
def test_healthz_still_answers_when_the_database_is_down(answers_with_database_down, engine):
    status, _ = answers_with_database_down(engine)["healthz"]
    assert status == 200


@pytest.mark.parametrize("engine", OUTAGES)
def test_a_page_during_an_outage_is_a_clear_503_not_a_traceback(answers_with_database_down, engine):
    status, body = answers_with_database_down(engine)["page"]
    assert status == 503
    assert "数据库暂时无法连接" in body
    assert "Traceback" not in body


@pytest.mark.parametrize("engine", OUTAGES)
@pytest.mark.parametrize(("name", "expected"), [("healthz_with_session", 200), ("readyz_with_session", 503)])
def test_health_checks_never_load_the_session(answers_with_database_down, engine, name, expected):
    """A monitor or a browser that sends a session cookie gets the health answer, not the HTML 503 page:
    loading (or saving) the session would need the database."""
    status, body = answers_with_database_down(engine)[name]
    assert status == expected
    assert json.loads(body)["status"] in {"ok", "unavailable"}
