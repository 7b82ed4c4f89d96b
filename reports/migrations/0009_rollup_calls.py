# The satisfaction counted by each case's latest follow-up call, on its day (cases 0023 keeps it on
# the case): the rollup's CALLED and CALLED_FROM rows, the overviews' index over the latter too, and
# every summarised month marked stale, so that each is summarised again with them (by the nightly
# task, or by the first page that reads it) before it is read: the RESOLVED rows held the
# satisfaction by the day resolved until now. The new index is built before the old one goes, none
# of them blocking the rollup (common/migration_operations.py): every change of a case writes there.

from django.db import migrations, models
from django.db.models import F

from common.migration_operations import AddIndexConcurrently, RemoveIndexConcurrently


def summarise_again(apps, schema_editor):
    """reports.rollup.forget, on the model as it is here: every month stale, the current one too."""
    RollupMonth = apps.get_model("reports", "RollupMonth")
    RollupMonth.objects.using(schema_editor.connection.alias).update(
        changed=F("changed") + 1, computed_at=None
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('cases', '0024_last_call_fill'),
        ('reports', '0008_open_totals'),
    ]

    operations = [
        migrations.AlterField(
            model_name='caserollup',
            name='figure',
            field=models.CharField(choices=[('created', 'Created'), ('building_total', 'Building Total'), ('building', 'Building'), ('resolved', 'Resolved'), ('created_total', 'Created Total'), ('resolved_days', 'Resolved Days'), ('resolved_from', 'Resolved From'), ('called', 'Called'), ('called_from', 'Called From')], max_length=20),
        ),
        AddIndexConcurrently(
            model_name='caserollup',
            index=models.Index(condition=models.Q(('figure__in', ['created_total', 'resolved_days', 'resolved_from', 'called_from'])), fields=['figure', 'month', 'day'], name='case_rollup_overviews'),
        ),
        RemoveIndexConcurrently(
            model_name='caserollup',
            name='case_rollup_overview',
        ),
        migrations.RunPython(summarise_again, migrations.RunPython.noop, atomic=True, elidable=True),
    ]
