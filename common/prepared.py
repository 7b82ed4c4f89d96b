"""A large query planned once per connection: prepared on PostgreSQL with its values written in.

The dashboards' and overviews' counts are one UNION ALL each (reports/unions.py) over a reader's
committees: at a district, eight branches with an array of 300 committee ids each, which PostgreSQL
took 5–6 ms to plan and 3–7 ms to run (EXPLAIN, 300,000 cases). Its text is the same all day for one
reader, so a plan made once serves every later request on the connection: the values are written
into the SQL by psycopg's own quoting (ClientCursor.mogrify, as Django's client-side binding does
anyway), and the statement, which then has no parameters, is run on a cursor that psycopg prepares
from its DATABASE_PREPARE_THRESHOLD-th run. A statement without parameters is always run on its one
plan, which is the plan of these very values, so no value is planned for wrongly (the risk that keeps
`plan_cache_mode=force_custom_plan` for DATABASE_PREPARED_STATEMENTS); a new day or reader is a new
text, prepared anew, and psycopg keeps the 100 most recent per connection.

Django's own queries run on client-side binding cursors, which never prepare: only what goes through
here does. Off (DATABASE_PREPARED_COUNTS=false) behind a pooler that cannot carry prepared statements
(PgBouncer in transaction mode before 1.21), and on SQLite, where it is a plain query.
"""

import psycopg
from django.conf import settings
from django.db import connections


def fetch_all(using: str, sql: str, params) -> list[tuple]:
    """The rows of `sql` with `params` on the `using` database, as cursor.fetchall() gives them."""
    connection = connections[using]
    if connection.vendor != "postgresql" or not settings.DATABASE_PREPARED_COUNTS:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    connection.ensure_connection()
    literal = psycopg.ClientCursor(connection.connection).mogrify(sql, list(params))
    # Django's cursor wrapper around psycopg's server-binding cursor: the query is logged, counted
    # (assertNumQueries) and passes the connection's execute wrappers like any other.
    raw = psycopg.Cursor(connection.connection)
    wrapped = connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)
    with wrapped as cursor:
        cursor.execute(literal)
        return cursor.fetchall()
