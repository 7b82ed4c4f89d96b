"""The case search's trigram index keyed by committee too: GIN over (committee_id, search_key), with
btree_gin for the committee's part. A search is always within the reader's committees; with the
trigram index alone PostgreSQL read every committee's matches of a common word and kept one
committee's (a district: 222,736 cases with 积水 read for one committee's 733, 27 ms; 3 ms by
committee). Multi-column GIN serves the key alone too (a superuser's search), so the old index goes.

Built and dropped CONCURRENTLY (atomic = False): a district's 2,000,000 cases take ~25 s to index,
and the cases table stays writable meanwhile. Without btree_gin (a database user that may not
create it) the old index stays and the search works as before.
"""

from django.db import DatabaseError, migrations, transaction


def _has_trigrams(schema_editor) -> bool:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return cursor.fetchone() is not None


def _build(schema_editor, name: str, columns: str) -> bool:
    """CREATE INDEX CONCURRENTLY, whatever a run before left: a concurrent build that failed or was
    cut off leaves an INVALID index of that name, which IF NOT EXISTS would take for built. True
    when the index is there and valid, so that the index it replaces may go."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass(%s)", [name])
        row = cursor.fetchone()
        if row is not None and not row[0]:
            cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        cursor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON cases_case USING gin ({columns})")
        cursor.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass(%s)", [name])
        row = cursor.fetchone()
    return row is not None and row[0]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql" or not _has_trigrams(schema_editor):
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    except DatabaseError:
        print("\n  btree_gin is not available: the case search keeps its trigram index alone.")  # noqa: T201
        return
    if _build(schema_editor, "case_search_committee_trgm", "committee_id, search_key gin_trgm_ops"):
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS case_search_key_trgm")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql" or not _has_trigrams(schema_editor):
        return
    if _build(schema_editor, "case_search_key_trgm", "search_key gin_trgm_ops"):
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS case_search_committee_trgm")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("cases", "0013_referral_waiting_index")]
    operations = [migrations.RunPython(forwards, backwards)]
