from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from backups.archive import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore an archive made by `manage.py backup` into the configured database, which must be new "
        "and empty (no migrations run), and its uploaded files into MEDIA_ROOT."
    )
    requires_system_checks = []  # an empty database has no tables for the checks to read
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--no-media", action="store_true", help="restore the database only")

    def handle(self, *args, archive, no_media=False, **options):
        try:
            manifest, found = restore(Path(archive), media=not no_media)
        except BackupError as error:
            raise CommandError(str(error)) from error
        made = timezone.localtime(parse_datetime(manifest["made_at"]))
        self.stdout.write(
            _(
                "Restored %(archive)s (made %(made)s): %(tables)s tables, %(rows)s rows, %(files)s files; "
                "every table's rows as when it was made."
            )
            % {
                "archive": archive,
                "made": f"{made:%Y-%m-%d %H:%M}",
                "tables": len(found["rows"]),
                "rows": sum(found["rows"].values()),
                "files": 0 if no_media else len(manifest["files"]),
            }
        )
