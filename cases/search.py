"""The case search key: what the case list's search box matches (cases/filters.py).

Case.search_key is one lower-case string of space-separated tokens, personal numbers masked as every
reader sees them (a whole number is searched apart: full_number_filter):

    ' 2026-0042 楼道积水 楼道 道积 积水 水 3号楼 3号 号楼 楼 王芳 wangfang wf 芳 '

the case number, the title, description, place and work order number as written, each run of
Chinese characters again as its bigrams (every character with the one after it, the run's last
character alone), the parties' names with their pinyin and initials (residents.search_keys), the
last four digits of each party's phone and household phone (what every page shows of them: 5678 finds
the case of 138****5678's resident, as the resident search finds the resident; party_phone_token), and
the address of the case's building, or of its household with the room, as people type it
(residents.addresses.address_forms: 12号 449弄12号 定海路449弄12号 449-12 12号302室 … 12-302, and
the road's bigrams). The address does not go through the masking: its numbers are a lane, a number
and a room, which every reader sees on the case's page, never a person's number.

Why bigrams (measured, README "Search"): on PostgreSQL a trigram index (pg_trgm, GIN) serves
LIKE '%…%' only when the pattern yields a trigram. '%积水%' yields none (two characters, no word
edge): the planner scans every case. '% 积水%' does (a word start: '  积', ' 积水'), so with every
bigram written as a token of its own, a one- or two-character term is matched at a token start and
uses the index; a term of three characters or more has trigrams of its own and is matched anywhere
in the text as written. No Chinese word segmenter is needed (zhparser is not in Debian's packages;
a segmenter would also miss the words it does not know, which is what people type).

SQLite has no such index and scans; the same LIKE patterns give the same rows there.
"""

import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable

from django.db import connection
from django.db.models import Q, QuerySet

from common.masking import fold, holds_numbers, landlines_as_one, mask_numbers_in_text, masked_phones
from residents.addresses import address_forms
from residents.models import Resident
from residents.search_keys import bigram_tokens, name_tokens
from residents.selectors import full_number_filter as resident_filter
from residents.selectors import full_number_kind, grouped_shown_ids
from residents.selectors import shown_number_filter as resident_shown_filter

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_BATCH = 1000


def _text_tokens(text: str) -> list[str]:
    """The text as every reader sees it (its personal numbers masked: 138****5678, so that no search
    matches the digits the page hides), full-width forms folded (as search_terms folds the box: 5678
    finds １３８****５６７８), lower case, split on spaces; an ID number typed in groups, shown so
    (3101** ******** 0017), also as one word (3101**********0017: what the box makes of it and of
    the page's whole form, residents.selectors.grouped_shown_ids), and a landline with its area code,
    shown 021 ****2100 or (021)****2100, also as 021****2100 (common.masking.landlines_as_one: what
    the box makes of any form of it); then each Chinese run's bigrams. A mobile, typed whole or masked
    (138 1234 5678, 138***5678, 138 xxxx 5678), is shown as one word already: 138****5678."""
    shown = fold(mask_numbers_in_text(text or "")).lower()
    words = shown.split()
    tokens = [*words, *grouped_shown_ids(shown), *landlines_as_one(text or "")]
    for word in words:
        for run in _HAN.findall(word):
            tokens.extend(run[i : i + 2] for i in range(len(run)))
    return tokens


_TAIL = 4  # the digits of a phone every reader sees (common/masking.py)
# ASCII digits as their full-width forms: a party's last four in the key (party_phone_token).
_WIDE = str.maketrans("0123456789", "０１２３４５６７８９")


def party_phone_token(phone: str) -> str:
    """A party's phone in the case key: its last four digits (all a page shows of it: 138****5678,
    ****2100), in full-width digits, then '#': ５６７８#. Full width, because every search term is
    folded to ASCII (search_terms) and every text of the key too: only a four-digit term's own
    pattern (term_filter) reaches the token, never a shorter or longer run of digits matched
    anywhere in the key (449, a lane, finding every party whose phone ends 4491 or 1449 would drown
    the lane's cases)."""
    digits = re.sub(r"\D", "", phone or "")
    return f"{digits[-_TAIL:].translate(_WIDE)}#" if len(digits) >= _TAIL else ""


def search_key(
    *,
    number: str,
    texts: Iterable[str],
    names: Iterable[str],
    address: Iterable[str] = (),
    phones: Iterable[str] = (),
) -> str:
    """The key from its parts (pure: the services, the reindex and the benchmark's COPY use it);
    `phones`: the parties' phones and their households' (party_phone_token)."""
    tokens = [number]
    for text in texts:
        tokens.extend(_text_tokens(text))
    tokens.extend(address)
    tokens.extend(party_phone_token(phone) for phone in phones)
    for name in names:
        spelled = name_tokens(name)  # the name, its pinyin and initials
        tokens.extend(spelled)
        if spelled:
            tokens.extend(_text_tokens(spelled[0])[1:])  # the name's bigrams: 芳 finds 王芳
    return " " + " ".join(dict.fromkeys(t for t in tokens if t)) + " "


def address_tokens(road: str, lane: str, number: str, room: str = "") -> list[str]:
    """A case's address in the key: the building's forms, the household's with its room, and the
    road's bigrams ('定海' finds 定海路 at a token's start), folded and lower case as the box is."""
    road, lane, number, room = (fold(part or "").lower() for part in (road, lane, number, room))
    forms = address_forms(road, lane, number)
    if room:
        forms += address_forms(road, lane, number, room)
    return forms + bigram_tokens(road)


def case_address(case) -> list[str]:
    """The address tokens of the case's household (with its room), or else of its building."""
    household = case.household if case.household_id else None
    building = household.building if household else (case.building if case.building_id else None)
    if building is None:
        return []
    return address_tokens(building.road, building.lane, building.number, household.room if household else "")


def key_for(
    case, names: Iterable[str], address: Iterable[str] | None = None, phones: Iterable[str] = ()
) -> str:
    """The case's key; `address` (address_tokens) when the caller holds it, else read from the case's
    building and household (loaded with it by reindex_cases); `phones`: its parties' (search_key)."""
    return search_key(
        number=case.number,
        texts=[case.title, case.description, case.place, case.work_order_number],
        names=names,
        address=case_address(case) if address is None else address,
        phones=phones,
    )


def term_filter(term: str) -> Q:
    """One search term (lower case, no spaces). One or two characters: the start of a token (every
    bigram and initials are tokens of their own), which a trigram index can serve; three or more:
    anywhere in the text (its own trigrams serve it). Four digits are also the end of a party's phone
    (party_phone_token), as the resident search reads them: a second pattern on the same key and
    index, so a year (2026) still finds the texts that hold it and adds the few parties' phones
    ending so."""
    if len(term) <= 2:
        return Q(search_key__contains=f" {term}")
    found = Q(search_key__contains=term)
    if len(term) == _TAIL and term.isascii() and term.isdigit():
        found |= Q(search_key__contains=f" {party_phone_token(term)}")
    return found


# A whole number in a case's text, however typed (138 1234 5678, +86…, 021-…, １３８－１２３４－５６７８):
# its digits, ASCII or full-width, with spaces or dashes allowed between any two (common.masking's
# separators), not part of a longer number. Read by who may reveal it only, rarely: a scan of their
# committees' cases, where the key (masked) cannot answer.
_SEP = "[ \u3000\u00a0\u2010-\u2015\u2212\ufe58\ufe63\uff0d-]{0,3}"
_NOT_DIGIT = "[^0-9\uff10-\uff19]"
_BEFORE = {
    "id_number": "(^|[^0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a])",
    "mobile": f"(^|{_NOT_DIGIT}|[8８][6６]{_SEP})",
    "landline": f"(^|{_NOT_DIGIT}|[0０][2２][1１][ )）]*{_SEP})",
}
_AFTER = {
    "id_number": "([^0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]|$)",
    "mobile": f"({_NOT_DIGIT}|$)",
    "landline": f"({_NOT_DIGIT}|$)",
}
_TEXTS = ("title", "description", "place", "work_order_number")


def _typed(character: str) -> str:
    """A digit (or an ID's x) as a pattern that matches it typed in ASCII or full width."""
    if character == "x":
        return "[xXｘＸ]"
    return f"[{character}{chr(0xFF10 + int(character))}]"


def full_number_filter(term: str, committee_ids: Collection[int]) -> Q | None:
    """The cases of these committees (where the reader may reveal numbers) that hold this whole ID
    or phone number (a search term: residents.selectors.full_number_kind) in their text, or whose
    parties' records hold it; None when the term is no whole number."""
    from cases.models import CaseParty

    kind = full_number_kind(term)
    if kind is None or not committee_ids:
        return None
    if kind == "phone":
        kind = "mobile" if len(term) == 11 else "landline"
    pattern = _BEFORE[kind] + _SEP.join(_typed(c) for c in term.lower()) + _AFTER[kind]
    in_text = Q()
    for name in _TEXTS:
        in_text |= Q(**{f"{name}__iregex": pattern})
    ids = sorted(committee_ids)
    holders = Resident.all_objects.filter(resident_filter(term), committee_id__in=ids).values("pk")
    parties = CaseParty.all_objects.filter(resident_id__in=holders).values("case_id")
    return Q(committee_id__in=ids) & (in_text | Q(pk__in=parties))


def shown_number_filter(term: str) -> Q | None:
    """The cases whose parties' records hold the number a page shows masked as this term (138****5678
    copied from a resident's page; residents.selectors.shown_number_filter: by the digits it shows,
    for every reader); None when the term is no masked number. The parties are read in the reader's
    scope. The case's own text holding it masked is matched by the key (term_filter)."""
    from cases.models import CaseParty

    holders = resident_shown_filter(term)
    if holders is None:
        return None
    residents = Resident.objects.filter(holders).values("pk")
    return Q(pk__in=CaseParty.all_objects.filter(resident_id__in=residents).values("case_id"))


# What of a case's building and household its key holds (read with the cases, in the same query).
_PLACE_FIELDS = (
    *(f"building__{part}" for part in ("road", "lane", "number")),
    "household__room",
    *(f"household__building__{part}" for part in ("road", "lane", "number")),
)


def reindex_cases(case_ids: Iterable[int]) -> None:
    """Refresh the search keys of these cases: two reads and one write per thousand cases.

    Every service that changes what the key holds calls it after its writes (a case logged, edited,
    joined by reporters or parties; a resident renamed), inside the same transaction."""
    from cases.models import Case, CaseParty

    ids = sorted(set(case_ids))
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        cases = list(
            Case.all_objects.filter(pk__in=batch)
            .select_related("building", "household__building")
            .only("year", "seq", "title", "description", "place", "work_order_number", *_PLACE_FIELDS)
            .order_by()
        )
        names: dict[int, list[str]] = defaultdict(list)
        phones: dict[int, list[str]] = defaultdict(list)
        parties = (
            CaseParty.all_objects.filter(case_id__in=batch)
            .order_by("pk")
            .values_list("case_id", "resident__name", "resident__phone", "resident__household__phone")
        )
        for case_id, name, phone, home_phone in parties:
            names[case_id].append(name)
            phones[case_id] += [phone, home_phone]
        _write([(case.pk, key_for(case, names[case.pk], phones=phones[case.pk])) for case in cases])


def reindex_cases_holding_numbers(cases: QuerySet, holding: Callable[..., bool] | None = None) -> int:
    """Rewrite the keys of the cases whose texts hold a personal number (keys written before they
    were masked held it as typed; before full-width digits, dashes and a landline in two groups
    were read as numbers, those as typed) or full-width forms (folded in the key since); `cases`:
    the cases to look through (a migration's model too); `holding`: which texts' keys to rewrite,
    if not those (holds_grouped_id). Returns how many were rewritten."""
    holding = holding or _key_changed
    ids = [
        pk
        for pk, *texts in cases.order_by("pk").values_list("pk", *_TEXTS).iterator(chunk_size=_BATCH)
        if holding(*(text or "" for text in texts))
    ]
    reindex_cases(ids)
    return len(ids)


def _key_changed(*texts: str) -> bool:
    return holds_numbers(*texts) or any(fold(text) != text for text in texts)


def holds_grouped_id(*texts: str) -> bool:
    """Whether any of these texts holds an ID number in groups (310101 19500307 0017, with hyphens,
    or typed masked so), which the key holds joined as well since cases migration 0034."""
    return any(grouped_shown_ids(fold(mask_numbers_in_text(text)).lower()) for text in texts)


def holds_grouped_mobile(*texts: str) -> bool:
    """Whether any of these texts holds a mobile typed masked in groups (138 **** 5678), which the
    key holds joined as well since cases migration 0035."""
    found = (pair for text in texts for pair in masked_phones(text))
    return any(one.startswith("1") and re.search(r"[ -]", typed) for typed, one in found)


def holds_masked_phone(*texts: str) -> bool:
    """Whether any of these texts holds a phone typed masked (138***5678, 138xxxx5678, 021 **** 2100,
    021-6xxx-2100), shown as one masked number since cases migration 0037 (138****5678, 021 ****2100),
    or a landline with its area code (typed whole or masked), which the key holds as one word since
    (021****2100)."""
    return any(masked_phones(text) or landlines_as_one(text) for text in texts)


def holds_wide_star(*texts: str) -> bool:
    """Whether any of these texts holds a star typed full width (＊, a Chinese input method's) or ✱,
    which the key holds as * since cases migration 0036 (common.masking.fold), as the box reads it."""
    return any("＊" in text or "✱" in text for text in texts)


def reindex_cases_at(*, building=None, household=None) -> None:
    """A building's or a household's address changed: the keys of the cases there (a building's:
    its own cases and its households')."""
    from cases.models import Case

    if household is not None:
        at = Q(household=household)
    else:
        at = Q(building=building) | Q(household__building=building)
    reindex_cases(Case.all_objects.filter(at).values_list("pk", flat=True))


def reindex_cases_of_residents(resident_ids: Iterable[int]) -> None:
    """A resident's name or phone changed, or their household (its phone): the keys of the cases
    they are a party to."""
    from cases.models import CaseParty

    ids = list(resident_ids)
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        reindex_cases(
            CaseParty.all_objects.filter(resident_id__in=batch).values_list("case_id", flat=True).distinct()
        )


def reindex_cases_of_household(household) -> None:
    """A household's phone changed: the keys of the cases its members are parties to."""
    from cases.models import CaseParty

    parties = CaseParty.all_objects.filter(resident__household=household)
    reindex_cases(parties.values_list("case_id", flat=True).distinct())


def _write(rows: list[tuple[int, str]]) -> None:
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE cases_case AS c SET search_key = v.key FROM (SELECT unnest(%s::bigint[]) AS id, "
                "unnest(%s::text[]) AS key) AS v WHERE c.id = v.id",
                [[pk for pk, _ in rows], [key for _, key in rows]],
            )
        else:
            cursor.executemany(
                "UPDATE cases_case SET search_key = %s WHERE id = %s", [(key, pk) for pk, key in rows]
            )
