"""The rollup's overview rows (CaseRollup CREATED_TOTAL, RESOLVED_DAYS, RESOLVED_FROM): derived from
the CREATED and RESOLVED rows already summarised, as summarise derives them (reports.rollup
overview_rows), so that no month has to be summarised again from its cases. The full district
(300 committees, 2,000,000 cases, 12 months summarised): see the README's figures."""

from django.db import migrations, models
from django.db.models import Sum

NEW = ["created_total", "resolved_days", "resolved_from"]


def fill(apps, schema_editor):
    from common.bulk import insert_rows
    from reports.rollup import overview_rows

    CaseRollup = apps.get_model("reports", "CaseRollup")
    rows = CaseRollup.objects.using(schema_editor.connection.alias)
    rows.filter(figure__in=NEW).delete()
    created = (
        rows.filter(figure="created")
        .values("committee_id", "month", "figure", "sensitive")
        .annotate(n=Sum("n"))
        .order_by()
    )
    resolved = (
        rows.filter(figure="resolved")
        .values("committee_id", "month", "figure", "sensitive", "day", "days")
        .annotate(n=Sum("n"), called=Sum("called"), satisfied=Sum("satisfied"))
        .order_by()
    )
    insert_rows(CaseRollup, overview_rows([*created, *resolved]))


def unfill(apps, schema_editor):
    CaseRollup = apps.get_model("reports", "CaseRollup")
    CaseRollup.objects.using(schema_editor.connection.alias).filter(figure__in=NEW).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_rollup_months_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="caserollup",
            name="figure",
            field=models.CharField(
                choices=[
                    ("created", "Created"),
                    ("building_total", "Building Total"),
                    ("building", "Building"),
                    ("resolved", "Resolved"),
                    ("created_total", "Created Total"),
                    ("resolved_days", "Resolved Days"),
                    ("resolved_from", "Resolved From"),
                ],
                max_length=20,
            ),
        ),
        migrations.RunPython(fill, unfill),
    ]
