from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from reports.models import CaseRollup, OpenCount, OpenTotal, RollupMonth


class BenchCommand(BaseCommand):
    """A benchmark command fills its own committees in whichever database DATABASE_URL names. A new,
    empty database (`createdb needle_bench`) is migrated first, as `python -m bench.http` does, rather
    than failing at its first table with a traceback. STATIC_ROOT is made when missing: whitenoise
    warns about it for every test client otherwise (the pages are timed without their static files)."""

    def execute(self, *args, **options):
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stdout.write("Migrating the database first (manage.py migrate)…")
            call_command("migrate", interactive=False, verbosity=0)
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        return super().execute(*args, **options)

    def settle_counts(self) -> None:
        """The open-case counters and the rollup as autovacuum keeps them, after a run rewrote them
        (a recount, summaries, the pages that summarise months again: a DELETE and a COPY each
        time). This server runs with autovacuum off: without this, the computed dashboard read a
        rollup of mostly dead rows (110 MB for 11 MB of live ones at 300,000 cases) with the
        statistics of its empty table (its hotspots' query 7–12 ms instead of 1), and the district
        overview, expecting 25 of the counters' 22,951 rows, sorted them rather than hash them
        (8.7 → 4.9 ms). VACUUM cannot run inside a transaction (the commands' tests run in one)."""
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            return
        with connection.cursor() as cursor:
            for table in (CaseRollup, RollupMonth, OpenCount, OpenTotal):
                cursor.execute(f"VACUUM ANALYZE {table._meta.db_table}")
