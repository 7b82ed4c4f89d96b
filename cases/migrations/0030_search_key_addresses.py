from django.db import migrations


def add_addresses_to_keys(apps, schema_editor):
    # The case search key now holds the address of the case's building, or of its household with the
    # room (cases/search.py): keys written before held only the free-text place, and 449弄12号 found
    # none of the building's cases. Only the cases at a building or household are rewritten, a
    # thousand per update, with the code the services run.
    from cases.search import reindex_cases

    Case = apps.get_model("cases", "Case")
    at_a_place = Case._base_manager.filter(building__isnull=False) | Case._base_manager.filter(
        household__isnull=False
    )
    reindex_cases(at_a_place.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=1000))


class Migration(migrations.Migration):
    # Numbered after 0028, which another branch adds; the merge renumbers one of them.
    dependencies = [
        ("cases", "0029_categories_glossary_names"),
        ("residents", "0020_building_address_order"),
    ]
    operations = [migrations.RunPython(add_addresses_to_keys, migrations.RunPython.noop, elidable=True)]
