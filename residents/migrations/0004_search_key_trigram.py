"""On PostgreSQL, a trigram index lets the search's LIKE '%…%' skip most rows of a whole street.

SQLite has no such index; there the search scans the committee's rows, which is fast enough.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS resident_search_key_trgm "
        "ON residents_resident USING gin (search_key gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS resident_search_key_trgm")


class Migration(migrations.Migration):
    dependencies = [("residents", "0003_search_keys_reveals")]
    operations = [migrations.RunPython(forwards, backwards)]
