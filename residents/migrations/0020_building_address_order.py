from django.db import migrations

import residents.models


def fill_address_order(apps, schema_editor):
    # Buildings sorted as text (10号 before 2号): each gets its place in natural order, a thousand
    # per update, written by the same function the field's pre_save uses.
    from residents.addresses import natural_order

    Building = apps.get_model("residents", "Building")
    rows = list(Building._base_manager.order_by("pk").only("pk", "lane", "number"))
    for row in rows:
        row.address_order = natural_order(row.lane, row.number)
    Building._base_manager.bulk_update(rows, ["address_order"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("residents", "0019_text_limits")]

    operations = [
        migrations.AddField(
            model_name="building",
            name="address_order",
            field=residents.models.AddressOrderField(default="", editable=False, max_length=22),
        ),
        migrations.RunPython(fill_address_order, migrations.RunPython.noop, elidable=True),
        migrations.AlterModelOptions(
            name="building",
            options={
                "ordering": ["road", "address_order", "lane", "number"],
                "verbose_name": "building",
                "verbose_name_plural": "buildings",
            },
        ),
    ]
