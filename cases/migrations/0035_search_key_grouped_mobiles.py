from django.db import migrations


def join_grouped_mobiles_in_keys(apps, schema_editor):
    # The case search key now holds a mobile typed masked in groups (138 **** 5678) also as one word,
    # 138****5678 (cases/search.py _text_tokens), which the search box makes of it and every page
    # shows: keys written before held only the groups. Only the cases whose texts hold such a number
    # are rewritten, with the code the services run.
    from cases.search import holds_grouped_mobile, reindex_cases_holding_numbers

    Case = apps.get_model("cases", "Case")
    reindex_cases_holding_numbers(Case._base_manager.all(), holding=holds_grouped_mobile)


class Migration(migrations.Migration):
    dependencies = [("cases", "0034_search_key_grouped_ids")]
    operations = [
        migrations.RunPython(join_grouped_mobiles_in_keys, migrations.RunPython.noop, elidable=True)
    ]
