from django.db import migrations, models

from common.migration_operations import AddIndexConcurrently


class Migration(migrations.Migration):
    # Built without blocking the rollup (common/migration_operations.py): every change of a case
    # writes its kept counts there.
    atomic = False

    dependencies = [
        ("reports", "0005_rollup_overview_rows"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="caserollup",
            index=models.Index(
                condition=models.Q(("figure__in", ["created_total", "resolved_days", "resolved_from"])),
                fields=["figure", "month", "day"],
                name="case_rollup_overview",
            ),
        ),
    ]
