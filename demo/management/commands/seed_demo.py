"""Fill an empty database with the demo: the street, two committees, accounts, and each area's data."""

from django.core.management.base import BaseCommand, CommandError

from cases import events
from committee.models import Street
from committee.scoping import unscoped
from demo import organisation as demo
from demo.safety import demo_superuser_left, server_signs

# Where a real committee starts instead (README "Starting a new committee").
REAL_START = "For a real committee start with `make serve` (README: Starting a new committee)"


class Command(BaseCommand):
    help = "Create the demo street, committees, accounts and data (only on an empty database)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing, quietly, when the database already has data."
        )
        parser.add_argument(
            "--on-server",
            action="store_true",
            help="Seed (or keep) the demo even though the settings look like a server's.",
        )

    def handle(self, *args, if_empty: bool = False, on_server: bool = False, **options) -> None:
        # The demo's accounts, a superuser among them, share a password printed in the README: not on
        # a machine others reach unless asked for by name (review 10, F-I: `make run` on an office PC).
        signs = [] if on_server else server_signs()
        if Street.objects.exists():
            if signs and if_empty and demo_superuser_left():
                raise CommandError(
                    f"These settings look like a server's ({'; '.join(signs)}), and the demo's superuser "
                    f"`admin` still has the published password {demo.DEMO_PASSWORD}: anyone who can reach "
                    f"this server can log in as it. {REAL_START}, on a database without the demo; to show "
                    "the demo here anyway, run `manage.py seed_demo --if-empty --on-server`."
                )
            if if_empty:
                return
            raise CommandError(
                "The database already has data (a street is entered); seed_demo only fills an empty one, "
                "so that no demo account or made-up resident is mixed with a committee's records."
            )
        if signs:
            raise CommandError(
                f"Not seeding the demo: these settings look like a server's ({'; '.join(signs)}). The "
                f"demo's accounts, a superuser among them, all have the published password "
                f"{demo.DEMO_PASSWORD}. {REAL_START}; to seed the demo here anyway, run "
                "`manage.py seed_demo --on-server`."
            )
        # The demo writes months of history through the services: it tells nobody (events.history).
        with unscoped(), events.history():
            org = demo.seed_organisation()
            for seed in demo_seeders():
                seed(org, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data created."))


def demo_seeders() -> list:
    """Each area's demo data, in dependency order; an area adds itself here when it lands."""
    from demo import cases as cases_demo
    from demo import residents as residents_demo

    return [residents_demo.seed, cases_demo.seed, residents_demo.seed_b, cases_demo.seed_b]
