"""Without DATABASE_REPLICA_URL nothing changes: no "replica" alias, no router, every query on default.
With it, settings add the alias with default's connection options (tests/test_db_routers_replica.py
tests the routing itself, with a second alias on the same server)."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case
from common.db_routers import REPLICA, reading_from_replica
from tests.factories import make_case

SHOW_DATABASES = (
    "import json, needle.settings as s; "
    "routers = getattr(s, 'DATABASE_ROUTERS', []); "
    "print(json.dumps({'databases': s.DATABASES, 'routers': routers}, default=str))"
)


def _settings_with(**env) -> dict:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")} | env
    out = subprocess.run(
        [sys.executable, "-c", SHOW_DATABASES],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_a_replica_url_adds_the_alias_with_defaults_options_and_the_router():
    found = _settings_with(
        DATABASE_URL="postgres://needle@db:5432/needle",
        DATABASE_REPLICA_URL="postgres://needle@standby:5432/needle?options=-c%20statement_timeout%3D30000",
    )
    replica = found["databases"]["replica"]
    assert replica["HOST"] == "standby"
    assert replica["CONN_MAX_AGE"] == found["databases"]["default"]["CONN_MAX_AGE"] == 600
    assert replica["CONN_HEALTH_CHECKS"] is True
    assert replica["OPTIONS"] == {
        "connect_timeout": 5,
        "options": "-c statement_timeout=30000 -c jit=off -c random_page_cost=1.1",
        "prepare_threshold": 2,  # the dashboards' counts, which the replica serves (common/prepared.py)
    }
    assert replica["TEST"] == {"MIRROR": "default"}
    assert found["routers"] == ["common.db_routers.ReplicaRouter"]


def test_without_a_replica_url_there_is_no_alias_and_no_router():
    found = _settings_with(DATABASE_URL="postgres://needle@db:5432/needle")
    assert list(found["databases"]) == ["default"]
    assert found["routers"] == []


@pytest.mark.skipif(bool(os.environ.get("DATABASE_REPLICA_URL")), reason="this run has a replica")
def test_the_dashboard_reads_default_when_there_is_no_replica(org, as_user, settings):
    assert REPLICA not in connections and settings.DATABASE_ROUTERS == []
    settings.REPORTS_CACHE_SECONDS = 0
    make_case(org.secretary_a, org.a)
    with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as default:
        assert as_user(org.secretary_a).get(reverse("dashboard")).status_code == 200
    assert any('"cases_case"' in query["sql"] for query in default.captured_queries)
    with reading_from_replica():
        assert router.db_for_read(Case) == DEFAULT_DB_ALIAS
        assert router.db_for_write(Case) == DEFAULT_DB_ALIAS
