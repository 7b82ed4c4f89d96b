"""Printed by `make serve` (a committee's own start, no demo): where Needle is served and, on a
database without an administrator yet, how to create the first one. In the demo's app because it
refuses a database the demo was seeded into (demo/safety.py), which no runtime module imports."""

from django.core.management.base import BaseCommand, CommandError

from committee.models import User
from demo.safety import demo_superuser_left


class Command(BaseCommand):
    help = "Print where Needle is served and what to do first on an empty database (make serve)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, url: str, **options) -> None:
        # `make serve` is the start without the demo: a database the demo was seeded into would serve
        # its superuser with the published password (review 10, F-I). `make run` serves the demo.
        if demo_superuser_left():
            raise CommandError(
                "This database holds the demo: its superuser `admin` still has the published password. "
                "`make serve` starts a committee's own database; use `make run` for the demo, or set "
                "SQLITE_PATH or DATABASE_URL to another database."
            )
        out = self.stdout
        out.write("")
        out.write(self.style.SUCCESS(f"Needle 绣花针 is running at {url} (no demo data)"))
        if not User.objects.filter(is_superuser=True, is_active=True).exists():
            out.write(
                self.style.WARNING(
                    "No administrator yet. In another terminal: .venv/bin/python manage.py createsuperuser, "
                    f'then log in at {url}admin/ and follow the README\'s "Starting a new committee".'
                )
            )
        out.write("Press Ctrl+C to stop.\n")
