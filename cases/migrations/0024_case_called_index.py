# The latest call's day indexed (0020 fills it): built apart from 0020's UPDATEs (PostgreSQL refuses
# CREATE INDEX on a table with pending trigger events in the same transaction), and CONCURRENTLY, so
# that a district's cases stay writable meanwhile.

from django.db import migrations, models

from common.migration_operations import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('cases', '0023_last_call'),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='case',
            index=models.Index(condition=models.Q(('last_called_on__isnull', False)), fields=['committee', 'last_called_on'], name='case_committee_called'),
        ),
    ]
