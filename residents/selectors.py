"""Reads of the registry that span relations, shared by pages and by other apps (the case intake's
resident picker uses search_residents)."""

from django.db.models import QuerySet

from residents.models import Resident


def search_residents(queryset: QuerySet[Resident], q: str) -> QuerySet[Resident]:
    """Residents matching what was typed in a search box.

    Placeholder until the registry search lands: matches the name only. The residents feature
    replaces the body (name, pinyin, initials, phone tail, address fragment); the signature stays.
    """
    q = q.strip()
    if not q:
        return queryset
    return queryset.filter(name__contains=q)
