"""Reads of the registry that span relations, shared by pages and by other apps (the case intake's
resident picker uses search_residents)."""

import functools
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import connections
from django.db.models import Case, Count, Q, QuerySet, Value, When

from committee.scoping import InIds, committee_scope, unscoped, visible_committee_ids
from common import refdata
from common.kept import PLACEHOLDER, Kept
from common.masking import fold, join_masked_phones
from residents.addresses import BRANCH, LANE, ROOM, SUFFIXES, read_typed_building, without_unit
from residents.models import Building, CareCategory, Grid, Resident
from residents.search_keys import name_reading

# A personal number as people type it, made one term before the box is split on spaces: an ID number
# (310101 19500307 001X), a mobile (189 8658 3827, 189-8658-3827, +86 189 8658 3827, 0086…) and a
# landline after its area code (021-6543-7788, (021) 6543 7788): its 8 digits.
_TYPED_ID = re.compile(r"(?<![0-9A-Za-z])(\d{6})[\s-]*(\d{8})[\s-]*(\d{3}[\dXx])(?![0-9A-Za-z])")
# A mobile in any groups of at most four (1898 658 3827: common.masking reads it so in free text).
_TYPED_MOBILE = re.compile(r"(?<![\d+])(?:(?:\+|00)?86[\s-]*)?(1[3-9](?:[\s-]*\d){9})(?!\d)")
_TYPED_LANDLINE = re.compile(r"(?<![\d+])\(?021\)?[\s-]*([2-9]\d{3})[\s-]*(\d{4})(?!\d)")
# The landline's 8 digits in two halves without the area code (6543 7788): the resident search's alone,
# since a case's number is written so too (2026-0042).
_TYPED_LOCAL = re.compile(r"(?<![\d+])([2-9]\d{3})[\s-]+(\d{4})(?!\d)")

# A number as the pages show it masked (138****5678, *******7788, 021-****2100, (021) ****2100,
# 3101**********0017), copied into the box: made one term of its digits and stars, 021****2100.
# One way to read each (no nested repeats: a box of 5,000 stars and hyphens is read in linear time).
_TYPED_SHOWN = re.compile(
    r"(?<![0-9A-Za-z*])(?:\(0\d{2,3}\) ?|0\d{2,3}[ -])?\d*\*+\d{3}[\dXx](?![0-9A-Za-z*])"
)
# An ID number shown masked in groups, as a case's text prints one typed in groups (310101 19500307
# 0017 is shown 3101** ******** 0017, 310101-… 3101**-********-0017, an old 15-digit 310101 500307 017
# 3101** *****7 017) or as people copy or type the page's 3101**********0017 for reading (3101
# ********** 0017, 3101 **** **** ** 0017): its four digits shown, the stars with a space or a hyphen
# (or a few) before any of them, the last four likewise; made one term, 3101**********0017, when its
# stars and digits are as many as an ID's (join_shown_ids). Bounded repeats, each taking one star or
# digit: read in linear time however long the box.
_GROUPED_SHOWN_ID = re.compile(
    r"(?<![0-9A-Za-z*])\d{4}(?:[ -]{0,3}\*){1,14}(?:[ -]{0,3}[\dXx]){4}(?![0-9A-Za-z*])"
)
# That term: the digits shown before the stars (a mobile's first three, an area code, an ID's region),
# the stars (one for each hidden digit), the last four shown.
_SHOWN = re.compile(r"(\d*)(\*+)(\d{3}[\dx])")
# What a page shows before the stars: a mobile's first three digits, a landline's area code (in free
# text: 021-****2100), an ID number's region (3101**********0017). More would be hidden digits.
_SHOWN_PHONE_HEAD = re.compile(r"(?:1[3-9]\d|0\d{2,3})?")
_SHOWN_ID_HEAD = 4
_ID_LENGTHS = (15, 18)

# A full number, as search_terms leaves it: what only who may reveal it searches (full_number_filter).
_FULL_ID = re.compile(r"\d{17}[\dx]")
_FULL_MOBILE = re.compile(r"1[3-9]\d{9}")
_FULL_LANDLINE = re.compile(r"[2-9]\d{7}")  # Shanghai's, after its area code 021 (validators.py)


def _mobile_term(m: re.Match) -> str:
    groups = re.findall(r"\d+", m[1])
    return f" {''.join(groups)} " if len(groups) <= 4 else m[0]


def _shown_term(m: re.Match) -> str:
    shown = re.sub(r"[^0-9Xx*]", "", m[0]).lower()
    return f" {shown} " if _SHOWN.fullmatch(shown) else m[0]


def _id_joined(shown: str) -> str | None:
    joined = re.sub(r"[ -]", "", shown)
    return joined if len(joined) in _ID_LENGTHS and _SHOWN.fullmatch(joined.lower()) else None


def _joined_id(m: re.Match) -> str:
    joined = _id_joined(m[0])
    return f" {joined} " if joined else m[0]


def join_shown_ids(text: str) -> str:
    """The (folded) text with each ID number shown masked in groups made one word, its separators
    dropped: '3101** ******** 0017' reads '3101**********0017', as a resident's page shows it."""
    return _GROUPED_SHOWN_ID.sub(_joined_id, text) if "*" in text else text


def join_shown_numbers(text: str) -> str:
    """The (folded) text with each ID number shown masked in groups made one word (join_shown_ids),
    and each phone typed masked, as a page shows it (common.masking.join_masked_phones: 138 **** 5678,
    138***5678 and 138xxxx5678 read 138****5678; 021 **** 2100 reads 021****2100)."""
    return join_masked_phones(join_shown_ids(text))


def grouped_shown_ids(text: str) -> list[str]:
    """The ID numbers the (folded) text shows masked in groups, each as join_shown_ids makes it."""
    if "*" not in text:
        return []
    found = (_id_joined(m[0]) for m in _GROUPED_SHOWN_ID.finditer(text) if re.search(r"[ -]", m[0]))
    return [joined for joined in found if joined]


def search_terms(q: str, *, local_landlines: bool = False, shown: bool = False) -> list[str]:
    """The words of a search box, lower case, a number typed in groups made one word; full-width
    digits, letters, spaces and dashes as their ASCII (as Chinese input methods type them: the case
    key holds them so, and the registry's numbers and addresses are read so on import). `shown`: a
    number copied masked from a page made one word too, its digits and stars (the registry's key
    holds the numbers' digits, not the pieces of their masks; the case key holds the masked text as
    written, which the case search matches word by word). An ID number shown masked in groups, and a
    phone typed masked, are made one word in both (join_shown_numbers: the case key holds them so)."""
    # A NUL byte is dropped: PostgreSQL refuses it in a query (a 500), and no key holds one.
    q = join_shown_numbers(fold((q or "").replace("\x00", "")))
    if shown:
        q = _TYPED_SHOWN.sub(_shown_term, q)
    q = _TYPED_ID.sub(r" \1\2\3 ", q)
    q = _TYPED_MOBILE.sub(_mobile_term, q)
    q = _TYPED_LANDLINE.sub(r" \1\2 ", q)
    if local_landlines:
        q = _TYPED_LOCAL.sub(r" \1\2 ", q)
    return [t for t in re.split(r"\s+", q.strip().lower()) if t]


def full_number_kind(term: str) -> str | None:
    """ "id_number" or "phone" when the term is a whole ID or phone number (a search term), else None."""
    if _FULL_ID.fullmatch(term):
        return "id_number"
    if _FULL_MOBILE.fullmatch(term) or _FULL_LANDLINE.fullmatch(term):
        return "phone"
    return None


def full_number_kinds(q: str, *, local_landlines: bool = True) -> list[str]:
    """The kinds of the whole numbers a search box holds ("phone", "id_number"), each once, read as
    search_terms reads them (`local_landlines`: as the resident search does, not the case search):
    what the access log notes of a search by who may reveal them (audit.services.record_number_search)."""
    kinds = [full_number_kind(term) for term in search_terms(q, local_landlines=local_landlines)]
    return list(dict.fromkeys(kind for kind in kinds if kind))


def full_number_filter(term: str) -> Q | None:
    """The residents whose ID or phone number (or household's) is this whole number; None when the
    term is none. For who may reveal the number only: the caller limits it to those committees."""
    kind = full_number_kind(term)
    if kind == "id_number":
        return Q(id_number=term.upper())  # the unique index
    if kind == "phone" and len(term) == 8:
        # A landline is kept as 021-XXXXXXXX (residents/validators.py); the key writes its digits.
        return Q(search_key__contains=f" 021{term}#") | Q(search_key__contains=f" {term}#")
    if kind == "phone":
        return Q(search_key__contains=f" {term}#")
    return None


def shown_number_filter(term: str) -> Q | None:
    """The residents whose ID or phone number (or household's) every page shows as this masked
    number (a search term: 138****5678, *******7788, 021****2100, 3101**********0017; its hyphens
    and brackets are read past, as the case search's words keep them), matched by the digits it shows
    and by how many it hides; None when the term is none. For every reader: the digits shown are
    the ones each reader sees (common/masking.py), and a term showing more than a page does (a
    mobile's fourth digit, 1381***5678) matches no one, as the hidden digits themselves never do."""
    shown = _SHOWN.fullmatch(re.sub(r"[()-]", "", term))
    if shown is None:
        return None
    head, hidden, tail = shown[1], len(shown[2]), shown[3]
    found = Q(pk__in=[])
    if tail.isdigit() and _SHOWN_PHONE_HEAD.fullmatch(head):
        # A phone's token is its digits and '#' (search_keys.phone_token): the tail, which the
        # trigram index serves, then the digits shown before it, each hidden one any digit.
        phone = Q(search_key__contains=f"{tail}#")
        if head:
            phone &= Q(search_key__regex=rf" {head}[0-9]{{{hidden}}}{tail}#")
        found |= phone
    if len(head) == _SHOWN_ID_HEAD and len(head) + hidden + len(tail) in _ID_LENGTHS:
        found |= Q(id_number__regex=rf"^{head}[0-9]{{{hidden}}}{tail.upper()}$")
    return found


# The registry's own order: pinyin (Resident.sort_key), not the code points of the characters.
PINYIN_ORDER = ("sort_key", "pk")


def _address_digits(term: str) -> Q:
    # A lane, a building number or a room, from its start: '449' is 449弄, not 1449弄.
    return (
        Q(search_key__contains=f" {term}弄")
        | Q(search_key__contains=f" {term}号")
        | Q(search_key__contains=f"号{term}室")
    )


# Every reader sees a phone's last four digits (common/masking.py): a tail of four matches for all.
_SEEN_TAIL = 4


def _term_filter(term: str, full_in: Collection[int] = ()) -> Q:
    """One word's match. A personal number matches only by what every reader sees of it, its last
    four digits; the hidden ones (the middle, a longer tail, the whole) match for no one, since
    searched digit by digit they would spell the number out. A whole number matches in `full_in`,
    the committees where the reader may reveal it (committee.roles Perm.REVEAL)."""
    shown = shown_number_filter(term)
    if shown is not None:
        return shown  # a number as a page shows it masked (search_terms' `shown`)
    full = full_number_filter(term) if full_in else None
    if full is not None:
        full = Q(committee_id__in=sorted(full_in)) & full
    if term.isdigit():
        # A short number is an address (449弄, 12号, 302室); four digits may also be the end of a
        # phone (the resident's or the household's).
        found = _address_digits(term)
        if len(term) == _SEEN_TAIL:
            found |= Q(search_key__contains=f"{term}#")
        return found | full if full is not None else found
    if full is not None:
        return full  # an ID number ending in x
    if (term.isascii() and term.isalpha()) or term[0].isdigit():
        # Pinyin or initials, or an address that starts with a number ('12号302', '449弄12号',
        # '12-302'): the start of a token, so 'zq' finds 周勤 and '12号' does not find 112号.
        bare = without_unit(term, ROOM)
        if bare.isdigit():
            return _address_digits(bare)  # '302室': a room; never the start of a phone's token
        return Q(search_key__contains=f" {bare}")
    # Chinese: part of a name or an address ('勤', '12号302', '449弄'). One or two characters are
    # the start of a token (the key holds the name's and the road's bigrams, search_keys.py), which
    # the trigram index serves; three or more have trigrams of their own.
    term = without_unit(term, ROOM) or term
    if len(term) <= 2:
        return Q(search_key__contains=f" {term}")
    return Q(search_key__contains=term)


def _words(q: str) -> list[tuple[str, Q | None]]:
    """The box's words for the filter: each term, or a run of pinyin words as one ('zhou qin' is
    zhouqin), with the run's words each matched as before (`alone`) as the other way it matches.

    '#' is dropped: a phone's token ends with it (13812345678#), and no word of a name or an
    address holds one."""
    typed = search_terms(q, local_landlines=True, shown=True)
    terms = [t for t in (term.replace("#", "") for term in typed) if t]
    words: list[tuple[str, Q | None]] = []
    run: list[str] = []
    for term in [*terms, ""]:
        if term and term.isascii() and term.isalpha():
            run.append(term)
            continue
        if len(run) > 1:
            alone = Q()
            for word in run:
                alone &= _term_filter(word)
            words.append(("".join(run), alone))
        elif run:
            words.append((run[0], None))
        run = []
        if term:
            words.append((term, None))
    return words


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


def search_residents(
    queryset: QuerySet[Resident], q: str, *, worker=None, full_numbers_in: Collection[int] = ()
) -> QuerySet[Resident]:
    """Residents matching what was typed in a search box, best first, in one query.

    Every word must match: a name or part of it, full pinyin or initials (`zq` finds 周勤; `zhou qin`
    too), an address fragment (`12号302`, `449弄12号`, `12-302`, a lane, number or room `449`), or
    the last four digits of a phone (the resident's or the household's). A whole ID or phone number,
    typed as people type it (189 8658 3827, +86…), matches in `full_numbers_in` only: the committees
    where the reader may reveal it (_term_filter). The keys are written by residents.search_keys.

    The order, by the first word that is not a number: the name typed whole, then whole initials
    or pinyin ('lh' puts 陆辉 before 李海华), then names and readings starting with it, then the
    rest; by the first number: an address before a phone. Among equals, the residents on the
    `worker`'s grid first (a join in the same query), then pinyin order.
    """
    words = _words(q)
    if not words:
        return queryset.order_by(*PINYIN_ORDER)  # nothing to match ('#' alone): the registry's order
    for term, alone in words:
        found = _term_filter(term, full_numbers_in)
        queryset = queryset.filter(found | alone if alone is not None else found)
    terms = [term for term, _alone in words]
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


class NameTiers(NamedTuple):
    """One Chinese character's matches in search_residents' order, as reads an index can serve."""

    named: QuerySet[Resident]  # the name itself (a one-character name: rare), by id
    starting: QuerySet[Resident]  # the other names starting with it, by pinyin
    rest: QuerySet[Resident]  # the other matches (an address, a name's middle), by pinyin


def name_tiers(queryset: QuerySet[Resident], q: str) -> NameTiers | None:
    """search_residents(queryset, q) as tiers, when q is one Chinese character; else None.

    A common surname matches thousands of residents of a large committee (王: 2,450 of 100,000),
    and search_residents' rank (the name, names starting with it, the rest) needed every match read
    and sorted before the first 25. The names starting with the character are a range of the
    registry's pinyin index (search_keys.name_reading), read in its order; the page and its count
    read the rest only when those run out (tiered_page). The name itself is read apart, by its
    key: where it falls in the range is the database collation's to say. Two characters or more
    match tens of residents, whose sort costs less than planning the tiers' query (王芳 over
    122,000 residents: 0.9 against 1.7 ms). The worker's grid order (the intake's picker) is not a
    tier: it keeps search_residents."""
    terms = search_terms(q)
    if len(terms) != 1 or len(terms[0]) != 1:
        return None
    term = terms[0]
    reading = name_reading(term)
    if reading is None:
        return None
    after = reading[:-1] + chr(ord(reading[-1]) + 1)  # 'wang' → 'wanh': the range's end
    starting = Q(sort_key__gte=reading, sort_key__lt=after, sort_key__contains=f" {term}")
    named = Q(sort_key=f"{reading} {term}")  # search_keys.sort_key of the name itself
    return NameTiers(
        queryset.filter(named).order_by("pk"),
        queryset.filter(starting).exclude(named).order_by(*PINYIN_ORDER),
        queryset.filter(_term_filter(term)).exclude(starting).order_by(*PINYIN_ORDER),
    )


def _compiled(queryset: QuerySet) -> tuple[str, tuple]:
    # Compiled now, with the committee scope active now (as common.paging.count_of).
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    return sql, tuple(params)


def tiered_page(tiers: NameTiers, *, offset: int, size: int, limit: int) -> list[tuple[int, int]]:
    """The ids of rows offset … offset + size of the tiers in order, each with the count of all
    matches capped at limit + 1 (SearchPaginator's rows), in ONE query (tiered_page_sql)."""
    limit = max(limit, offset + size)  # as CappedPaginator's: the count reaches the page's end
    with connections[tiers.starting.db].cursor() as cursor:
        cursor.execute(*tiered_page_sql(tiers, offset=offset, size=size, limit=limit))
        return [(pk, min(counted, limit + 1)) for pk, counted in cursor.fetchall()]


def tiered_page_sql(tiers: NameTiers, *, offset: int, size: int, limit: int) -> tuple[str, tuple]:
    """tiered_page's query (`limit` at least offset + size). The rest is read only when the names
    starting with the character end before this page (a condition on their count, which PostgreSQL
    checks before reading the rest: a One-Time Filter), and counted only when they number no more
    than `limit`. At 100,000 residents the first page of 王 reads 25 keys of the pinyin index and
    counts 1,001 of them, where a sort read all 2,450 matches from the table (6.2 → 2.3 ms)."""
    end = offset + size
    branches, params = [], []
    for tier, queryset in enumerate(tiers):
        sql, branch_params = _compiled(queryset.values_list("pk", "sort_key")[:end])
        branches.append(f"SELECT {tier} AS tier, t.pk, t.sort_key FROM ({sql}) AS t")  # noqa: S608
        params += branch_params
    # The rest's branch: read only when the names starting with the character end before `end`.
    branches[2] += " WHERE (SELECT counted.n FROM counted) < %s"
    params.append(end)
    counted = [_compiled(queryset.order_by().values_list("pk")[: limit + 1]) for queryset in tiers]
    (named, named_params), (starting, starting_params), (rest, rest_params) = counted
    # The SQL is Django's, compiled from the querysets; every value stays a parameter. The starting
    # names' count (a WITH read twice, so computed once) is both the condition for reading the rest
    # and the first part of the count.
    sql = (
        f"WITH counted AS (SELECT (SELECT COUNT(*) FROM ({named}) AS n) "  # noqa: S608
        f"+ (SELECT COUNT(*) FROM ({starting}) AS s) AS n) "
        "SELECT page.pk, (SELECT CASE WHEN counted.n > %s THEN counted.n "
        f"ELSE counted.n + (SELECT COUNT(*) FROM ({rest}) AS r) END FROM counted) "
        f"FROM ({' UNION ALL '.join(branches)}) AS page "
        "ORDER BY page.tier, page.sort_key, page.pk LIMIT %s OFFSET %s"
    )
    return sql, (*named_params, *starting_params, limit, *rest_params, *params, size, offset)


def care_roster(committee_ids) -> QuerySet[Resident]:
    """The care roster: residents (not archived) in a care category with a visit cadence.

    The one definition shared by /roster/ and the dashboard. Resident.next_visit_due is kept by
    residents.indexing (a cadence after the last visit; the registration date if never visited).
    """
    return Resident.objects.filter(
        InIds("committee_id", committee_ids), archived="", next_visit_due__isnull=False
    )


def overdue_on(queryset: QuerySet[Resident], today) -> QuerySet[Resident]:
    """Those of the roster whose next visit was due before today."""
    return queryset.filter(next_visit_due__lt=today)


# The resident list's page: its ids come from the search's own query (with the capped count, one
# query: common/paging.py), then the page's rows from page_rows, by id. Joining the households and
# buildings in the search's query made PostgreSQL join every household of the table before its
# LIMIT (a hash join over all 48,000 households of the bench: 3–20 ms), and read the wide rows of
# every match to sort them (at 100,000 residents a parallel plan whose workers' start cost more
# than the sort).
PAGE_SIZE = 25
_NO_ROW = 0  # an id no resident has: the slots of a page shorter than PAGE_SIZE
_ID_SLOTS = tuple(PLACEHOLDER - i for i in range(PAGE_SIZE))


@dataclass(slots=True)
class ResidentRow:
    """What a row of the resident list shows (residents/rows.py), read as plain values."""

    pk: int
    committee_id: int
    name: str
    archived: str
    birth_date: object
    phone: str
    room: str
    road: str
    lane: str
    number: str
    category_ids: list[int] = field(default_factory=list)


def page_rows(ids: list[int]) -> list[ResidentRow]:
    """The rows of these residents (at most PAGE_SIZE, visible in the active scope), in the order of
    `ids`, with their care categories' ids: one query, its SQL compiled once for each database and
    scope (_page_rows_kept), each id a parameter in a slot of its own."""
    if len(ids) > PAGE_SIZE:
        raise ValueError(f"{len(ids)} ids: a page has at most {PAGE_SIZE}")
    kept = _page_rows_kept(Resident.objects.db, visible_committee_ids("Resident"))
    slots = {f"id{i}": (ids[i] if i < len(ids) else _NO_ROW) for i in range(PAGE_SIZE)}
    rows: dict[int, ResidentRow] = {}
    # One line per resident and care category (a LEFT JOIN: a resident with none has one line).
    for *values, category_id in kept.rows(**slots):
        row = rows.get(values[0])
        if row is None:
            row = rows[values[0]] = ResidentRow(*values)
        if category_id is not None:
            row.category_ids.append(category_id)
    return [rows[pk] for pk in ids if pk in rows]


@functools.lru_cache(maxsize=512)
def _page_rows_kept(using: str, scope: frozenset[int] | None) -> Kept:
    """page_rows' query for the database `using` under the committee scope `scope` (written into
    its SQL), the page's ids placeholders: its SQL is a function of these and of nothing else."""
    with committee_scope(scope) if scope is not None else unscoped():
        residents = Resident.objects.using(using).filter(pk__in=_ID_SLOTS).order_by()
        columns = residents.values_list(
            "pk",
            "committee_id",
            "name",
            "archived",
            "birth_date",
            "phone",
            "household__room",
            "household__building__road",
            "household__building__lane",
            "household__building__number",
            "care_categories__id",
        )
        return Kept(columns, **{f"id{i}": slot for i, slot in enumerate(_ID_SLOTS)})


def care_categories() -> list[CareCategory]:
    """Every care category, in their order (the filter's list and the rows' badges): one query,
    compiled once (not committee data: no scope)."""
    return _categories_kept(CareCategory.objects.db).rows()


@functools.lru_cache(maxsize=8)
def _categories_kept(using: str) -> Kept:
    return Kept(CareCategory.objects.using(using).all())


class GridChoice(NamedTuple):
    pk: int
    name: str


def building_choices(limit: int) -> list[tuple]:
    """(id, road, lane, number) of the first `limit` buildings in the scope, in address order; from
    the cache (common/refdata.py, "places"): a committee's 200 addresses are the same on every page
    of the resident list, and their query cost the page about as much as its search."""
    scope = visible_committee_ids("Building")
    return refdata.cached(
        "places",
        f"buildings:{refdata.ids_key(scope)}:{limit}",
        # The database read inside cached(): the primary, whatever the request reads from.
        lambda: _buildings_kept(Building.objects.db, scope, limit).rows(),
    )


def grid_choices() -> list[GridChoice]:
    """The grids in the scope by name (id and name), from the cache as building_choices."""
    scope = visible_committee_ids("Grid")
    return refdata.cached(
        "places",
        f"grids:{refdata.ids_key(scope)}",
        lambda: [GridChoice(*row) for row in _grids_kept(Grid.objects.db, scope).rows()],
    )


# The resident list's building and grid lists, compiled for the database `using` under the
# committee scope `scope` (and the buildings' `limit`): their SQL is a function of these alone.
@functools.lru_cache(maxsize=512)
def _buildings_kept(using: str, scope: frozenset[int] | None, limit: int) -> Kept:
    with committee_scope(scope) if scope is not None else unscoped():
        return Kept(Building.objects.using(using).values_list("pk", "road", "lane", "number")[:limit])


@functools.lru_cache(maxsize=512)
def _grids_kept(using: str, scope: frozenset[int] | None) -> Kept:
    with committee_scope(scope) if scope is not None else unscoped():
        return Kept(Grid.objects.using(using).values_list("pk", "name"))


def _lane_is(value: str) -> Q:
    """Lane 449 typed: 449弄, its 甲/乙 lanes and its branches (449弄3支弄); a branch typed: itself."""
    if BRANCH in value:
        return Q(lane=value)
    found = Q(lane=value) | Q(lane__startswith=f"{value}{LANE}")
    return found | Q(lane__in=[value + s for s in SUFFIXES]) if value.isdigit() else found


def _number_is(value: str) -> Q:
    """Number 12 typed: 12号 and the 12甲号 beside it; 12甲 typed: itself."""
    return Q(number__in=[value, *(value + s for s in SUFFIXES)]) if value.isdigit() else Q(number=value)


def buildings_typed(text: str) -> QuerySet[Building]:
    """The buildings an address typed to find one names, in natural order (residents.addresses:
    read_typed_building reads 定海路449弄12号, 定海路449, 449-12, ４４９弄 …); none when it names none."""
    typed = read_typed_building(text)
    if not any(typed):
        return Building.objects.none()
    found = Q()
    if typed.road:
        found &= Q(road__contains=typed.road)
    if typed.lane:
        found &= _lane_is(typed.lane)
    if typed.number:
        found &= _number_is(typed.number)
    if typed.either:
        found &= _lane_is(typed.either) | _number_is(typed.either)  # 449: the lane; 12: every 12号
    return Building.objects.filter(found)


def with_home_counts(buildings: list[Building]) -> list[Building]:
    """The buildings of a page, each given its households and (not archived) residents counted, in
    one query for the page's rows only. Counted in the list's own query, every building of a
    district officer's 300 committees was joined to its residents (1,000,000) before the page of
    50 was cut: 3.8 s."""
    counts = {
        pk: (homes, people)
        for pk, homes, people in Building.objects.filter(pk__in=[b.pk for b in buildings])
        .annotate(
            homes=Count("households", distinct=True),
            people=Count("households__members", filter=Q(households__members__archived=""), distinct=True),
        )
        .values_list("pk", "homes", "people")
    }
    for building in buildings:
        building.household_count, building.resident_count = counts.get(building.pk, (0, 0))
    return buildings
