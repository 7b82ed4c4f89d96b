from django.db import migrations, models

from common.migration_operations import AddIndexConcurrently


class Migration(migrations.Migration):
    # Built without blocking the rollup (common/migration_operations.py): every change of a case
    # writes its kept counts there.
    atomic = False

    dependencies = [
        ("cases", "0015_sensitive_case_indexes"),
        ("committee", "0003_remove_street_district_label"),
        ("reports", "0003_rollup_committee_read_through_its_index"),
        ("residents", "0012_care_roster_index"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="caserollup",
            index=models.Index(fields=["committee", "month"], name="case_rollup_months"),
        ),
    ]
