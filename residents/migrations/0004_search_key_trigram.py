"""On PostgreSQL, a trigram index lets the search's LIKE '%…%' skip most rows of a whole street.

SQLite has no such index; there the search scans the committee's rows, which is fast enough.
"""

from django.db import DatabaseError, migrations, transaction


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        # A savepoint: a database user that may not create extensions gets no trigram index (the
        # search still works, scanning the covering B-tree index), rather than a failed migration.
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(
                "CREATE INDEX IF NOT EXISTS resident_search_key_trgm "
                "ON residents_resident USING gin (search_key gin_trgm_ops)"
            )
    except DatabaseError:
        print("\n  pg_trgm is not available: the resident search runs without a trigram index.")  # noqa: T201


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS resident_search_key_trgm")


class Migration(migrations.Migration):
    dependencies = [("residents", "0003_search_keys_reveals")]
    operations = [migrations.RunPython(forwards, backwards)]
