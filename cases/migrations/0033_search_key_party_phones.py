from django.db import migrations
from django.db.models import Q


def add_party_phones_to_keys(apps, schema_editor):
    # The case search key now holds the last four digits of each party's phone and household phone
    # (cases/search.py party_phone_token): keys written before did not, and 5678 found none of the
    # cases of 138****5678's resident. Only the cases with a party who has a phone are rewritten, a
    # thousand per update, with the code the services run.
    from cases.search import reindex_cases

    CaseParty = apps.get_model("cases", "CaseParty")
    with_phone = CaseParty._base_manager.filter(
        Q(resident__phone__gt="") | Q(resident__household__phone__gt="")
    )
    reindex_cases(with_phone.order_by("case_id").values_list("case_id", flat=True).distinct().iterator(1000))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0032_event_kinds_capitalised"),
        ("residents", "0022_registry_labels_capitalised"),
    ]
    operations = [migrations.RunPython(add_party_phones_to_keys, migrations.RunPython.noop, elidable=True)]
