from django.db import migrations


def mask_numbers_in_keys(apps, schema_editor):
    # The case search key now holds a personal number typed into a case's text as every reader sees
    # it, masked (cases/search.py): keys written before held it as typed, and a search by its hidden
    # digits found the case. Only the cases whose texts hold a number are rewritten, a thousand per
    # update, with the code the services run.
    from cases.search import reindex_cases_holding_numbers

    Case = apps.get_model("cases", "Case")
    reindex_cases_holding_numbers(Case._base_manager.all())


class Migration(migrations.Migration):
    dependencies = [("cases", "0025_case_called_index")]
    operations = [migrations.RunPython(mask_numbers_in_keys, migrations.RunPython.noop, elidable=True)]
