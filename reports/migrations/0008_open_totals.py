import django.db.models.deletion
from django.db import migrations, models


def add_up_the_counters(apps, schema_editor):
    """OpenTotal filled from the open-case counters, as reports.open_cases.totals adds them up
    (written out here: a migration cannot import the app's code of later days)."""
    OpenCount = apps.get_model("reports", "OpenCount")
    OpenTotal = apps.get_model("reports", "OpenTotal")
    added = {}
    rows = OpenCount.objects.filter(month__isnull=True).values_list("committee_id", "sensitive", "due_date", "n")
    for committee_id, sensitive, due_date, n in rows.iterator():
        for key in ((committee_id, sensitive, None), (committee_id, sensitive, due_date)):
            added[key] = added.get(key, 0) + n
    OpenTotal.objects.bulk_create(
        (
            OpenTotal(committee_id=committee_id, sensitive=sensitive, due_date=due_date, n=n)
            for (committee_id, sensitive, due_date), n in added.items()
            if n
        ),
        batch_size=2000,
    )


class Migration(migrations.Migration):

    dependencies = [
        ("committee", "0003_remove_street_district_label"),
        ("reports", "0007_rollup_covering_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="OpenTotal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("sensitive", models.BooleanField(default=False)),
                ("due_date", models.DateField(null=True)),
                ("n", models.IntegerField(default=0)),
                (
                    "committee",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="committee.committee"
                    ),
                ),
            ],
        ),
        migrations.RunPython(add_up_the_counters, migrations.RunPython.noop),
    ]
