from django.db import migrations

import residents.models


def fill_room_order(apps, schema_editor):
    # Households sorted by their room as text (1002室 before 302室): each gets its place in natural
    # order, a thousand per update, written by the same function the field's pre_save uses; read a
    # thousand at a time too (a district has hundreds of thousands of households).
    from residents.addresses import room_order

    Household = apps.get_model("residents", "Household")
    pks = list(Household._base_manager.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), 1000):
        rows = list(Household._base_manager.filter(pk__in=pks[start : start + 1000]).only("pk", "room"))
        for row in rows:
            row.room_order = room_order(row.room)
        Household._base_manager.bulk_update(rows, ["room_order"])


class Migration(migrations.Migration):
    dependencies = [("residents", "0022_registry_labels_capitalised")]

    operations = [
        migrations.AddField(
            model_name="household",
            name="room_order",
            field=residents.models.RoomOrderField(default="", editable=False, max_length=8),
        ),
        migrations.RunPython(fill_room_order, migrations.RunPython.noop, elidable=True),
        migrations.AlterModelOptions(
            name="household",
            options={
                "ordering": ["building", "room_order", "room"],
                "verbose_name": "household",
                "verbose_name_plural": "households",
            },
        ),
    ]
