# The overviews' 90 days read from an index of their own (CaseRollup's case_rollup_since), built
# without blocking the rollup (common/migration_operations.py): every change of a case writes there.

from django.db import migrations, models

from common.migration_operations import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("reports", "0009_rollup_calls"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="caserollup",
            index=models.Index(
                condition=models.Q(("figure__in", ["resolved_from", "called_from"])),
                fields=["day", "figure", "committee", "sensitive", "n", "called", "satisfied"],
                name="case_rollup_since",
            ),
        ),
    ]
