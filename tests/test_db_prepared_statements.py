"""The PostgreSQL connection's settings (needle/settings.py): the session settings every connection
gets (jit off, random_page_cost 1.1) unless DATABASE_URL's options name them, and prepared
statements (DATABASE_PREPARED_STATEMENTS, off by default): parameters bound by the server, a query
run DATABASE_PREPARE_THRESHOLD times kept prepared on its connection, always planned for its own
values (plan_cache_mode force_custom_plan). The whole PostgreSQL suite passes with them on
(README, "Running it for a street or a district")."""

import datetime as dt

import pytest
from django.db import connection
from django.db.backends.postgresql.base import DatabaseWrapper
from django.test.utils import CaptureQueriesContext, override_settings

from common import prepared
from tests.test_db_routers import _settings_with

POSTGRES = "postgres://needle@db:5432/needle"
SESSION = "-c jit=off -c random_page_cost=1.1"

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's settings")


def test_off_by_default_every_connection_gets_the_session_settings():
    """Only common/prepared.py's statements are prepared by default: Django's cursors bind on the
    client, and psycopg's client-binding cursor never prepares, whatever the threshold."""
    found = _settings_with(DATABASE_URL=POSTGRES)
    assert found["databases"]["default"]["OPTIONS"] == {
        "connect_timeout": 5,
        "options": SESSION,
        "prepare_threshold": 2,
    }
    without = _settings_with(DATABASE_URL=POSTGRES, DATABASE_PREPARED_COUNTS="false")
    assert without["databases"]["default"]["OPTIONS"] == {"connect_timeout": 5, "options": SESSION}


def test_on_parameters_bound_by_the_server_prepared_at_the_second_run_planned_each_time():
    found = _settings_with(DATABASE_URL=POSTGRES, DATABASE_PREPARED_STATEMENTS="true")
    assert found["databases"]["default"]["OPTIONS"] == {
        "connect_timeout": 5,
        "options": f"{SESSION} -c plan_cache_mode=force_custom_plan",
        "server_side_binding": True,
        "prepare_threshold": 2,
    }
    later = _settings_with(
        DATABASE_URL=POSTGRES, DATABASE_PREPARED_STATEMENTS="true", DATABASE_PREPARE_THRESHOLD="5"
    )
    assert later["databases"]["default"]["OPTIONS"]["prepare_threshold"] == 5


def test_a_setting_named_in_the_urls_options_is_kept():
    found = _settings_with(DATABASE_URL=f"{POSTGRES}?options=-c%20random_page_cost%3D4")
    assert found["databases"]["default"]["OPTIONS"]["options"] == "-c random_page_cost=4 -c jit=off"


def test_sqlite_is_left_alone():
    options = _settings_with()["databases"]["default"]["OPTIONS"]
    assert "options" not in options and "server_side_binding" not in options


@postgres_only
def test_the_session_settings_reach_the_server(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('random_page_cost'), current_setting('jit')")
        assert cursor.fetchone() == ("1.1", "off")


@postgres_only
def test_a_prepared_connection_prepares_after_the_second_run_and_never_plans_generically(db):
    """A connection of its own with the settings DATABASE_PREPARED_STATEMENTS=true gives: the query
    is prepared after its second run, answers as on an ordinary connection, and is planned for its
    values every time (PostgreSQL's default would use one generic plan from the sixth run)."""
    settings_dict = {**connection.settings_dict}
    options = settings_dict["OPTIONS"]
    settings_dict["OPTIONS"] = {
        **options,
        "options": f"{options.get('options', '')} -c plan_cache_mode=force_custom_plan",
        "server_side_binding": True,
        "prepare_threshold": 2,
    }
    prepared = DatabaseWrapper(settings_dict, alias="prepared")
    sql = "SELECT n FROM generate_series(1, 10) AS n WHERE n > %s ORDER BY n"
    try:
        with prepared.cursor() as cursor:
            answers = []
            for _ in range(10):
                cursor.execute(sql, [7])
                answers.append([row[0] for row in cursor.fetchall()])
            cursor.execute(
                "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
                ["%generate_series%"],
            )
            plans = cursor.fetchall()
        with connection.cursor() as cursor:
            cursor.execute(sql, [7])
            plain = [row[0] for row in cursor.fetchall()]
    finally:
        prepared.close()
    assert answers == [plain] * 10 == [[8, 9, 10]] * 10
    # Prepared after its second run: the other eight ran the prepared statement, each planned for
    # its value (without force_custom_plan: (3, 5), a generic plan from the sixth).
    assert plans == [(0, 8)]


COUNT_SQL = (
    "SELECT count(*), min(n) FROM generate_series(1, 10) AS n"
    " WHERE n = ANY(%s) AND %s::date < '2027-01-01' AND 'a%%b' LIKE %s"
)
COUNT_PARAMS = [[3, 5, 8], dt.date(2026, 12, 7), "a%"]


def _prepared_counts() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE 'SELECT count(*), min(n)%%'"
        )
        return cursor.fetchall()


@postgres_only
def test_a_count_is_prepared_with_its_values_written_in_and_planned_once(db):
    """common/prepared.py: the values written into the statement by psycopg's quoting (an array,
    a date, a string with %), the statement prepared at its second run and then run on its one
    plan; each run is one query as Django counts them, and answers as a plain query does."""
    with connection.cursor() as cursor:
        cursor.execute(COUNT_SQL, COUNT_PARAMS)
        plain = cursor.fetchall()
    with CaptureQueriesContext(connection) as queries:
        answers = [prepared.fetch_all("default", COUNT_SQL, COUNT_PARAMS) for _ in range(6)]
    assert plain == [(3, 3)]
    assert answers == [plain] * 6
    assert len(queries) == 6
    [(statement, generic, custom)] = _prepared_counts()
    assert "ANY('{3,5,8}'" in statement and "'2026-12-07'" in statement and "'a%b' LIKE 'a%'" in statement
    # Prepared at the second run; the other four ran its one plan, none planned again.
    assert (generic, custom) == (5, 0)


@postgres_only
@override_settings(DATABASE_PREPARED_COUNTS=False)
def test_off_a_count_is_a_plain_query(db):
    answers = [prepared.fetch_all("default", COUNT_SQL, COUNT_PARAMS) for _ in range(3)]
    assert answers == [[(3, 3)]] * 3
    assert _prepared_counts() == []
