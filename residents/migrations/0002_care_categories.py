"""The care categories every committee starts with (reference data, editable in the admin)."""

from django.db import migrations

CATEGORIES = [
    # code, Chinese, English, visit every (days), sensitive
    ("elderly_alone", "独居老人", "elderly living alone", 7, False),
    ("very_old", "高龄老人", "very old (80+)", 30, False),
    ("dibao", "低保", "minimum allowance (dibao)", 30, True),
    ("low_income", "低收入", "low income", 60, True),
    ("hardship", "困难家庭", "hardship household", 30, True),
    ("disabled", "残疾", "disabled", 30, True),
    ("seriously_ill", "重病", "seriously ill", 14, True),
    ("unemployed", "失业", "unemployed", 60, True),
]


def create(apps, schema_editor):
    CareCategory = apps.get_model("residents", "CareCategory")
    for order, (code, name, name_en, days, sensitive) in enumerate(CATEGORIES):
        CareCategory.objects.update_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "visit_every_days": days, "sensitive": sensitive,
                      "order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("residents", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
