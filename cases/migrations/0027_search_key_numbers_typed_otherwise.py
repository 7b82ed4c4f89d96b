from django.db import migrations


def mask_numbers_typed_otherwise_in_keys(apps, schema_editor):
    # Numbers typed in full-width digits or brackets, split by an ideographic space, a full-width
    # hyphen or a dash, in uneven groups, or a landline in two groups without its area code (6543
    # 2100) are now masked (common/masking.py), and the key folds full-width forms (５６７８ is
    # 5678): keys written before held such numbers as typed, and a search by their hidden digits
    # found the case. The same rewrite as 0026, which now also finds these texts: only the cases
    # whose texts hold a number or a full-width form, a thousand per update.
    from cases.search import reindex_cases_holding_numbers

    Case = apps.get_model("cases", "Case")
    reindex_cases_holding_numbers(Case._base_manager.all())


class Migration(migrations.Migration):
    dependencies = [("cases", "0026_search_key_numbers_masked")]
    operations = [
        migrations.RunPython(mask_numbers_typed_otherwise_in_keys, migrations.RunPython.noop, elidable=True)
    ]
