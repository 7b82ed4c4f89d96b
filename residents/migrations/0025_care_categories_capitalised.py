from django.db import migrations

# The care categories' English names as 0002 wrote them, and as labels (badges, filters, the roster's
# table) read beside the app's other labels: "Elderly living alone" as "Head of household". A name an
# administrator has edited since is their own and stays; inside a sentence (an import's "Use one of:
# …") a name reads in lower case (common.choices.label_in_sentence).
SEEDED = [
    "elderly living alone",
    "very old (80+)",
    "minimum allowance (dibao)",
    "low income",
    "hardship household",
    "disabled",
    "seriously ill",
    "unemployed",
]


def capitalise(apps, schema_editor):
    CareCategory = apps.get_model("residents", "CareCategory")
    for name in SEEDED:
        CareCategory.objects.filter(name_en=name).update(name_en=name[:1].upper() + name[1:])


def back(apps, schema_editor):
    CareCategory = apps.get_model("residents", "CareCategory")
    for name in SEEDED:
        CareCategory.objects.filter(name_en=name[:1].upper() + name[1:]).update(name_en=name)


class Migration(migrations.Migration):
    dependencies = [("residents", "0024_merge_buildings")]
    operations = [migrations.RunPython(capitalise, back)]
