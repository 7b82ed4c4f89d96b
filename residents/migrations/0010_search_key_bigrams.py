from django.db import migrations


def refresh_keys(apps, schema_editor):
    # The keys now end with the name's and the road's bigrams (residents/search_keys.py), so that a
    # one- or two-character name is found at a token start through the trigram index. The same
    # code `manage.py reindex_residents` runs, a thousand residents per update.
    from residents.indexing import reindex_residents

    Resident = apps.get_model("residents", "Resident")
    reindex_residents(Resident._base_manager.values_list("pk", flat=True))


class Migration(migrations.Migration):
    dependencies = [("residents", "0009_resident_sort_key")]
    operations = [migrations.RunPython(refresh_keys, migrations.RunPython.noop, elidable=True)]
