"""Recompute every resident's search key and care schedule, e.g. after an upgrade changed how keys
are written (pinyin readings, address forms) or after a correction made straight in the database.

    python manage.py reindex_residents                 # the whole deployment
    python manage.py reindex_residents --committee 3   # one committee, by its id (as in the admin)

Safe to run while people work: it goes in batches of a thousand, each in its own transaction.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from committee.models import Committee
from committee.scoping import unscoped
from residents.indexing import reindex_residents
from residents.models import Resident

BATCH = 1000


class Command(BaseCommand):
    help = "Recompute residents' search keys and next visit dates."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--committee", type=int, help="Only this committee (its id).")

    def handle(self, *args, committee: int | None = None, **options) -> None:
        with unscoped():
            residents = Resident.all_objects.order_by("pk")
            if committee:
                if not Committee.objects.filter(pk=committee).exists():
                    raise CommandError(f"No committee with the id {committee}.")
                residents = residents.filter(committee_id=committee)
            ids = list(residents.values_list("pk", flat=True))
            for start in range(0, len(ids), BATCH):
                with transaction.atomic():
                    reindex_residents(ids[start : start + BATCH])
        self.stdout.write(f"Reindexed {len(ids):,} residents.")
