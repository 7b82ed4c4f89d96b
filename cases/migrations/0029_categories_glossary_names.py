from django.db import migrations

# The glossary's words (../shared/context/GLOSSARY.md: 动迁/旧改, 违章搭建), which the demo's case
# titles and the committees use; 0002 wrote 旧改征收 and 违法搭建. A name a committee has edited in
# the admin since is its own choice and stays.
RENAMED = {
    "relocation": ("旧改征收", "动迁旧改"),
    "illegal_construction": ("违法搭建", "违章搭建"),
}


def to_glossary_names(apps, schema_editor):
    CaseCategory = apps.get_model("cases", "CaseCategory")
    for code, (old, new) in RENAMED.items():
        CaseCategory.objects.filter(code=code, name=old).update(name=new)


def back(apps, schema_editor):
    CaseCategory = apps.get_model("cases", "CaseCategory")
    for code, (old, new) in RENAMED.items():
        CaseCategory.objects.filter(code=code, name=new).update(name=old)


class Migration(migrations.Migration):
    dependencies = [("cases", "0028_search_key_landline_with_hyphen")]
    operations = [migrations.RunPython(to_glossary_names, back)]
