# The latest call's day indexed (0024 fills it): built apart from 0024's UPDATEs (PostgreSQL refuses
# CREATE INDEX on a table with pending trigger events in the same transaction), and CONCURRENTLY, so
# that a district's cases stay writable meanwhile.

from django.db import migrations, models

from common.migration_operations import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('cases', '0024_last_call_fill'),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='case',
            index=models.Index(condition=models.Q(('last_called_on__isnull', False)), fields=['committee', 'last_called_on'], name='case_committee_called'),
        ),
    ]
