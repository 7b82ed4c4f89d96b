"""Reads of the registry that span relations, shared by pages and by other apps (the case intake's
resident picker uses search_residents)."""

import re

from django.db.models import Q, QuerySet

from residents.addresses import ROOM, without_unit
from residents.models import Resident


def search_terms(q: str) -> list[str]:
    # A NUL byte is dropped: PostgreSQL refuses it in a query (a 500), and no key holds one.
    return [t for t in re.split(r"\s+", (q or "").replace("\x00", "").strip().lower()) if t]


def _term_filter(term: str) -> Q:
    if term.isdigit():
        # The last digits of a phone, a room, or a building number.
        return (
            Q(search_key__contains=f"{term}#")
            | Q(search_key__contains=f"号{term}室")
            | Q(search_key__contains=f" {term}号")
        )
    if (term.isascii() and term.isalpha()) or term[0].isdigit():
        # Pinyin or initials, or an address that starts with a number ('12号302', '449弄12号',
        # '12-302'): the start of a token, so 'zq' finds 周勤 and '12号' does not find 112号.
        return Q(search_key__contains=f" {without_unit(term, ROOM)}")
    # Chinese: part of a name or an address ('勤', '12号302', '449弄').
    return Q(search_key__contains=without_unit(term, ROOM) or term)


def search_residents(queryset: QuerySet[Resident], q: str) -> QuerySet[Resident]:
    """Residents matching what was typed in a search box, in one query.

    Every word must match: a name or part of it, full pinyin or initials (`zq` finds 周勤), the last
    digits of a phone (the resident's or the household's), or an address fragment (`12号302`,
    `449弄12号`, `12-302`). The keys are written by residents.search_keys.
    """
    for term in search_terms(q):
        queryset = queryset.filter(_term_filter(term))
    return queryset


def care_roster(committee_ids) -> QuerySet[Resident]:
    """The care roster: residents (not archived) in a care category with a visit cadence.

    The one definition shared by /roster/ and the dashboard. Resident.next_visit_due is kept by
    residents.indexing (a cadence after the last visit; the registration date if never visited).
    """
    return Resident.objects.filter(committee_id__in=committee_ids, archived="", next_visit_due__isnull=False)


def overdue_on(queryset: QuerySet[Resident], today) -> QuerySet[Resident]:
    """Those of the roster whose next visit was due before today."""
    return queryset.filter(next_visit_due__lt=today)
