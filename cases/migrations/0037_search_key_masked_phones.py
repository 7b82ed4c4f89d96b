from django.db import migrations


def read_masked_phones_as_one_in_keys(apps, schema_editor):
    # A phone typed masked into a case's text (138***5678, 138xxxx5678, 138 **** 5678, 021 **** 2100,
    # 021-6xxx-2100) is now one masked number, shown as the rule shows one typed whole (138****5678,
    # 021 ****2100), and the case search key holds a landline with its area code also as one word,
    # 021****2100, which the search box makes of any form of it (common/masking.py). Keys written
    # before held such numbers as typed, word by word. Only the cases whose texts hold one are
    # rewritten, with the code the services run.
    from cases.search import holds_masked_phone, reindex_cases_holding_numbers

    Case = apps.get_model("cases", "Case")
    reindex_cases_holding_numbers(Case._base_manager.all(), holding=holds_masked_phone)


class Migration(migrations.Migration):
    dependencies = [("cases", "0036_search_key_wide_stars")]
    operations = [
        migrations.RunPython(read_masked_phones_as_one_in_keys, migrations.RunPython.noop, elidable=True)
    ]
