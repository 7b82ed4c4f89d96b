from django.db import migrations


def join_grouped_ids_in_keys(apps, schema_editor):
    # The case search key now holds an ID number written in groups (310101 19500307 0017, shown
    # 3101** ******** 0017) also as one word, 3101**********0017 (cases/search.py _text_tokens), which
    # the search box makes of a grouped masked ID and a resident's page shows: keys written before
    # held only the groups. Only the cases whose texts hold such a number are rewritten, with the
    # code the services run.
    from cases.search import holds_grouped_id, reindex_cases_holding_numbers

    Case = apps.get_model("cases", "Case")
    reindex_cases_holding_numbers(Case._base_manager.all(), holding=holds_grouped_id)


class Migration(migrations.Migration):
    dependencies = [("cases", "0033_search_key_party_phones")]
    operations = [migrations.RunPython(join_grouped_ids_in_keys, migrations.RunPython.noop, elidable=True)]
