"""Reads of the registry that span relations, shared by pages and by other apps (the case intake's
resident picker uses search_residents)."""

import re

from django.db.models import Case, Q, QuerySet, Value, When

from committee.scoping import Ids
from residents.addresses import ROOM, without_unit
from residents.models import Resident


def search_terms(q: str) -> list[str]:
    # A NUL byte is dropped: PostgreSQL refuses it in a query (a 500), and no key holds one.
    return [t for t in re.split(r"\s+", (q or "").replace("\x00", "").strip().lower()) if t]


# The registry's own order: pinyin (Resident.sort_key), not the code points of the characters.
PINYIN_ORDER = ("sort_key", "pk")


def _address_digits(term: str) -> Q:
    # A lane, a building number or a room, from its start: '449' is 449弄, not 1449弄.
    return (
        Q(search_key__contains=f" {term}弄")
        | Q(search_key__contains=f" {term}号")
        | Q(search_key__contains=f"号{term}室")
    )


def _term_filter(term: str) -> Q:
    if term.isdigit():
        # A short number is an address (449弄, 12号, 302室); four digits or more may also be the
        # end of a phone (the resident's or the household's).
        if len(term) <= 3:
            return _address_digits(term)
        return _address_digits(term) | Q(search_key__contains=f"{term}#")
    if (term.isascii() and term.isalpha()) or term[0].isdigit():
        # Pinyin or initials, or an address that starts with a number ('12号302', '449弄12号',
        # '12-302'): the start of a token, so 'zq' finds 周勤 and '12号' does not find 112号.
        return Q(search_key__contains=f" {without_unit(term, ROOM)}")
    # Chinese: part of a name or an address ('勤', '12号302', '449弄'). One or two characters are
    # the start of a token (the key holds the name's and the road's bigrams, search_keys.py), which
    # the trigram index serves; three or more have trigrams of their own.
    term = without_unit(term, ROOM) or term
    if len(term) <= 2:
        return Q(search_key__contains=f" {term}")
    return Q(search_key__contains=term)


def _name_rank(term: str) -> Case:
    """0 the name itself, 1 its likeliest pinyin or initials whole ('lh' is 陆辉's initials, only the
    start of 李海华's), 2 another reading's whole (董兰 read zhonglan, zl), 3 a name or reading
    starting with the term, 4 the rest (an address, a middle)."""
    whens = [When(name__iexact=term, then=Value(0))]
    if term.isascii() and term.isalpha():
        # The key starts ' name pinyin initials ' with the likeliest reading (search_keys.search_key).
        whens.append(When(search_key__regex=rf"^ [^ ]+ ([^ ]+ )?{term} ", then=Value(1)))
        whens.append(When(search_key__contains=f" {term} ", then=Value(2)))
        whens.append(When(search_key__contains=f" {term}", then=Value(3)))
    whens.append(When(name__istartswith=term, then=Value(3)))
    return Case(*whens, default=Value(4))


def search_residents(queryset: QuerySet[Resident], q: str, *, worker=None) -> QuerySet[Resident]:
    """Residents matching what was typed in a search box, best first, in one query.

    Every word must match: a name or part of it, full pinyin or initials (`zq` finds 周勤), an
    address fragment (`12号302`, `449弄12号`, `12-302`, a lane, number or room `449`), or the last
    four digits or more of a phone (the resident's or the household's). The keys are written by
    residents.search_keys.

    The order, by the first word that is not a number: the name typed whole, then whole initials
    or pinyin ('lh' puts 陆辉 before 李海华), then names and readings starting with it, then the
    rest; by the first number: an address before a phone. Among equals, the residents on the
    `worker`'s grid first (a join in the same query), then pinyin order.
    """
    terms = search_terms(q)
    if not terms:
        return queryset
    for term in terms:
        queryset = queryset.filter(_term_filter(term))
    name_term = next((t for t in terms if not t.isdigit()), None)
    number = next((t for t in terms if t.isdigit()), None)
    ranks = {}
    if name_term is not None:
        ranks["name_rank"] = _name_rank(name_term)
    if number is not None:
        ranks["number_rank"] = Case(When(_address_digits(number), then=Value(0)), default=Value(1))
    if worker is not None and worker.pk is not None:
        ranks["grid_rank"] = Case(
            When(household__building__grid__worker=worker, then=Value(0)), default=Value(1)
        )
    return queryset.annotate(**ranks).order_by(*ranks, *PINYIN_ORDER)


def care_roster(committee_ids) -> QuerySet[Resident]:
    """The care roster: residents (not archived) in a care category with a visit cadence.

    The one definition shared by /roster/ and the dashboard. Resident.next_visit_due is kept by
    residents.indexing (a cadence after the last visit; the registration date if never visited).
    """
    return Resident.objects.filter(
        committee_id__in=Ids(committee_ids), archived="", next_visit_due__isnull=False
    )


def overdue_on(queryset: QuerySet[Resident], today) -> QuerySet[Resident]:
    """Those of the roster whose next visit was due before today."""
    return queryset.filter(next_visit_due__lt=today)
