from django.db import migrations


def fold_wide_stars_in_keys(apps, schema_editor):
    # The search boxes now read a full-width star (＊, as a Chinese input method types it) and ✱ as *
    # (common/masking.py fold), and the case search key folds its texts the same way: keys written
    # before held such a star as typed, which the box no longer sends. Only the cases whose texts
    # hold one are rewritten, with the code the services run.
    from cases.search import holds_wide_star, reindex_cases_holding_numbers

    Case = apps.get_model("cases", "Case")
    reindex_cases_holding_numbers(Case._base_manager.all(), holding=holds_wide_star)


class Migration(migrations.Migration):
    dependencies = [("cases", "0035_search_key_grouped_mobiles")]
    operations = [migrations.RunPython(fold_wide_stars_in_keys, migrations.RunPython.noop, elidable=True)]
