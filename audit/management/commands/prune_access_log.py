"""Removes access records older than AUDIT_RETENTION_DAYS (run daily by the scheduler or cron)."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from audit.models import AccessRecord

BATCH = 10_000


class Command(BaseCommand):
    help = "Remove access records older than AUDIT_RETENTION_DAYS."

    def handle(self, *args, **options) -> None:
        cutoff = timezone.now() - datetime.timedelta(days=settings.AUDIT_RETENTION_DAYS)
        # Across every committee on purpose (all_objects), in batches so a big first run holds no
        # long lock on the table.
        removed = 0
        while True:
            ids = list(AccessRecord.all_objects.filter(at__lt=cutoff).values_list("pk", flat=True)[:BATCH])
            if not ids:
                break
            removed += AccessRecord.all_objects.filter(pk__in=ids).delete()[0]
        self.stdout.write(f"Removed {removed} access records older than {cutoff:%Y-%m-%d}.")
