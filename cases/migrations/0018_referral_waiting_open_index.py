# The late referrals' index with the case's state (0017): built apart from 0017's UPDATEs (PostgreSQL
# refuses CREATE INDEX on a table with pending trigger events in the same transaction), and
# CONCURRENTLY, so that a district's referrals stay writable meanwhile.

from django.db import migrations, models

from common.migration_operations import AddIndexConcurrently, RemoveIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('cases', '0017_referral_case_state'),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='referral',
            index=models.Index(condition=models.Q(('case_open', True), ('replied_on__isnull', True)), fields=['committee', 'reply_expected_by', 'case_sensitive'], name='referral_waiting_open'),
        ),
        RemoveIndexConcurrently(
            model_name='referral',
            name='referral_waiting_expected',
        ),
    ]
