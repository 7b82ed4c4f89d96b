from django.db import migrations


def merge_buildings(apps, schema_editor):
    # Buildings stored before addresses were read as typed (lane "449弄", shown 定海路449弄弄12号号;
    # ４４９; spaces) read as new input is, and a building then stored twice merged into one, its
    # households, residents, cases, kept counts and history moved (residents/merging.py, which the
    # merge_buildings command runs too). An empty database has nothing to read.
    from common import refdata
    from residents.merging import merge_buildings

    if merge_buildings(apps).changed:
        refdata.bump("places")  # the resident list's building filter, kept in the cache


class Migration(migrations.Migration):
    # After the latest migration of each app whose rows it moves: the keys are written by the running
    # code (residents.indexing, cases.search), which reads every column of these tables.
    dependencies = [
        ("residents", "0023_household_room_order"),
        ("cases", "0032_event_kinds_capitalised"),
        ("reports", "0009_rollup_calls"),
        ("audit", "0005_access_kinds_capitalised"),
    ]
    operations = [migrations.RunPython(merge_buildings, migrations.RunPython.noop, elidable=True)]
