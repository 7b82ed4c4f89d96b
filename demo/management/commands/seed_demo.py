"""Fill an empty database with the demo: the street, two committees, accounts, and each area's data."""

from django.core.management.base import BaseCommand, CommandError

from cases import events
from committee.models import Street
from committee.scoping import unscoped
from demo import organisation as demo


class Command(BaseCommand):
    help = "Create the demo street, committees, accounts and data (only on an empty database)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing, quietly, when the database already has data."
        )

    def handle(self, *args, if_empty: bool = False, **options) -> None:
        if Street.objects.exists():
            if if_empty:
                return
            raise CommandError("The database already has data; seed_demo only fills an empty one.")
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
