"""A database the background processes cannot reach, for a while, as the tests make it: on SQLite
another connection holds the write lock (what a backup or a stray `sqlite3` shell does); on
PostgreSQL every other connection to the test database is cut and new ones are refused, as during
a restart. The test's own connection is left alone."""

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

from django.db import connection


@contextmanager
def database_unreachable() -> Iterator[None]:
    if connection.vendor == "sqlite":
        holder = sqlite3.connect(str(connection.settings_dict["NAME"]), timeout=0, isolation_level=None)
        try:
            holder.execute("BEGIN EXCLUSIVE")
            yield
            holder.execute("ROLLBACK")
        finally:
            holder.close()
        return
    import psycopg

    name = str(connection.settings_dict["NAME"])
    quoted = connection.ops.quote_name(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (own,) = cursor.fetchone()
    # From another database: PostgreSQL does not let a session shut its own database.
    parts = urlsplit(os.environ["DATABASE_URL"])
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as admin:
        admin.execute(f"ALTER DATABASE {quoted} ALLOW_CONNECTIONS false")
        try:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> %s",
                [name, own],
            )
            yield
        finally:
            admin.execute(f"ALTER DATABASE {quoted} ALLOW_CONNECTIONS true")
