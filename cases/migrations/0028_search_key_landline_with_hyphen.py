from django.db import migrations


def mask_landlines_with_a_hyphen_in_keys(apps, schema_editor):
    # A Shanghai landline's eight digits split by a hyphen without the area code (6543-2100) are now
    # masked (common/masking.py): keys written before held them as typed, and a search by their
    # hidden digits (6543) found the case. The same rewrite as 0026 and 0027, which now also finds
    # these texts: only the cases whose texts hold a number or a full-width form.
    from cases.search import reindex_cases_holding_numbers

    Case = apps.get_model("cases", "Case")
    reindex_cases_holding_numbers(Case._base_manager.all())


class Migration(migrations.Migration):
    # The keys are written by today's code (cases.search), which reads the buildings' address order.
    dependencies = [
        ("cases", "0027_search_key_numbers_typed_otherwise"),
        ("residents", "0020_building_address_order"),
    ]
    operations = [
        migrations.RunPython(mask_landlines_with_a_hyphen_in_keys, migrations.RunPython.noop, elidable=True)
    ]
