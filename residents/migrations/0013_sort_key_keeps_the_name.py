from django.db import migrations
from django.db.models.functions import Length


def refresh_long_keys(apps, schema_editor):
    # search_keys.sort_key now cuts a long name's reading rather than the name itself, so that every
    # key ends with ' <name>' (the resident search finds names starting with 王 by ' 王'). Only a
    # key of the full 120 characters can have been cut: those residents are re-indexed, with the
    # same code `manage.py reindex_residents` runs.
    from residents.indexing import reindex_residents

    Resident = apps.get_model("residents", "Resident")
    cut = Resident._base_manager.annotate(length=Length("sort_key")).filter(length__gte=120)
    reindex_residents(cut.values_list("pk", flat=True))


class Migration(migrations.Migration):
    dependencies = [("residents", "0012_care_roster_index")]
    operations = [migrations.RunPython(refresh_long_keys, migrations.RunPython.noop, elidable=True)]
