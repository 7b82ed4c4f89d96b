from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


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
