from django.db import migrations, models

from common.migration_operations import AddIndexConcurrently, RemoveIndexConcurrently


class Migration(migrations.Migration):
    # Built and dropped without blocking the residents table (common/migration_operations.py). The
    # new index is built before the old one goes, so the roster is never without one.
    atomic = False

    dependencies = [
        ("committee", "0003_remove_street_district_label"),
        ("residents", "0011_importrun_in_background"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="resident",
            index=models.Index(
                condition=models.Q(("archived", ""), ("next_visit_due__isnull", False)),
                fields=["committee", "next_visit_due"],
                name="resident_care_roster",
            ),
        ),
        RemoveIndexConcurrently(
            model_name="resident",
            name="resident_next_visit_due",
        ),
    ]
