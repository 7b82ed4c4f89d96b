"""`make check`'s Django checks in one process: no model change without its migration
(`makemigrations --check`) and every string translated (check_translations).

Each Django start costs about a second of CPU (the apps' imports): `make test` ran one per check,
before the tests could start.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "makemigrations --check --dry-run, then check_translations."

    def handle(self, *args, **options) -> None:
        try:
            call_command("makemigrations", check=True, dry_run=True, stdout=self.stdout, stderr=self.stderr)
        except SystemExit as exit:  # makemigrations --check exits 1 when a migration is missing
            if exit.code:
                raise CommandError("A model change has no migration: run makemigrations.") from None
        call_command("check_translations", stdout=self.stdout, stderr=self.stderr)
