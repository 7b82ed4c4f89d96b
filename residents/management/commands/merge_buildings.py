"""Read every building's address as new input is read and merge a building stored twice (what
residents/migrations/0024 did on upgrade), e.g. after rows were loaded straight into the database:

    python manage.py merge_buildings                   # the whole deployment
    python manage.py merge_buildings --committee 3     # one committee, by its id (as in the admin)
    python manage.py merge_buildings --dry-run         # say what it would do, change nothing

One transaction per committee; the buildings it cannot read are listed and left as they are.
"""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from committee.models import Committee
from committee.scoping import unscoped
from common import refdata
from residents.merging import merge_buildings


class Command(BaseCommand):
    help = "Read buildings' addresses as typed input is read; merge a building stored twice."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--committee", type=int, help="Only this committee (its id).")
        parser.add_argument("--dry-run", action="store_true", help="Say what would change; change nothing.")

    def handle(self, *args, committee: int | None = None, dry_run: bool = False, **options) -> None:
        if committee and not Committee.objects.filter(pk=committee).exists():
            raise CommandError(f"No committee with the id {committee}.")
        committees = [committee] if committee else None
        with unscoped():
            if dry_run:
                with transaction.atomic():
                    done = merge_buildings(apps, committee_ids=committees)
                    transaction.set_rollback(True)
            else:
                done = merge_buildings(apps, committee_ids=committees)
                if done.changed:
                    refdata.bump("places")
        self.stdout.write(
            ("Dry run, nothing changed. " if dry_run else "")
            + f"Addresses read again: {done.rewritten:,}. Buildings merged: {done.buildings_merged:,} "
            f"(households moved: {done.households_moved:,}, merged: {done.households_merged:,})."
        )
        for pk, address in done.unread:
            self.stdout.write(f"Left as it is, not an address as the forms read it: #{pk} {address}")
