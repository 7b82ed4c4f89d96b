from django.db import migrations, models

from common.migration_operations import AddIndexConcurrently, RemoveIndexConcurrently


class Migration(migrations.Migration):
    # The rollup's read indexes again, each with the columns its reads need after those it is found
    # by (reports/models.py: the dashboard reads them from the index alone). The new ones are built
    # before the old ones go, none of them blocking the rollup (common/migration_operations.py):
    # every change of a case writes its kept counts there.
    atomic = False

    dependencies = [
        ("reports", "0006_rollup_overview_index"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="caserollup",
            index=models.Index(
                condition=models.Q(("figure", "building"), _negated=True),
                fields=[
                    "committee",
                    "figure",
                    "month",
                    "category",
                    "source",
                    "days",
                    "day",
                    "building",
                    "sensitive",
                    "n",
                    "called",
                    "satisfied",
                ],
                name="case_rollup_figures",
            ),
        ),
        AddIndexConcurrently(
            model_name="caserollup",
            index=models.Index(
                condition=models.Q(("figure", "building")),
                fields=["building", "month", "committee", "category", "sensitive", "n"],
                name="case_rollup_hotspots",
            ),
        ),
        RemoveIndexConcurrently(model_name="caserollup", name="case_rollup_read"),
        RemoveIndexConcurrently(model_name="caserollup", name="case_rollup_building"),
    ]
