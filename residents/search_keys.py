"""The registry's search key: what the search box matches (residents/selectors.py).

Resident.search_key is one lower-case string of space-separated tokens, each written so that a
LIKE '%…%' finds it the way people type:

    周勤 zhouqin zhouqi zq 13812345678# 02165431234# 12号302室 449弄12号302室 定海路449弄12号302室 12-302

Names (contains), full pinyin and initials with every reading of heteronyms (a token prefix, ' zq'),
phone numbers ending in '#' (a tail, '5678#'), and the address as people write it.

Pure functions of a resident's values (no models, no database): Resident.save() computes its own
key here, residents.indexing refreshes keys in bulk, and the importer computes new residents' keys
from what it holds before inserting them.
"""

import functools
import itertools
import re

from pypinyin import Style, pinyin

from residents.addresses import address_forms

# Enough readings to find 曾 as zeng or ceng, 单 as shan or dan, without a key of hundreds of tokens.
_MAX_VARIANTS = 12
_BATCH = 1000


# A Han character, or a run of anything else (latin letters keep together as one reading).
_PIECES = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\u3400-\u9fff\uf900-\ufaff]+")


@functools.lru_cache(maxsize=16384)
def _piece_readings(piece: str) -> tuple[tuple[str, ...], ...]:
    """pypinyin's readings of one character (or one non-Han run), looked up once per process: a
    committee's names use a few thousand characters, and a 100,000-row import would otherwise
    spend ten seconds in pypinyin's segmenter."""
    readings = []
    for options in pinyin(piece, style=Style.NORMAL, heteronym=True, errors="ignore"):
        options = tuple(dict.fromkeys(o.lower() for o in options if o.isascii() and o.isalpha()))
        if options:
            readings.append(options)
    return tuple(readings)


def _readings(name: str) -> list[tuple[str, ...]]:
    """The readings of each character: all of the surname's, the first two of the others. Each
    character is read on its own (not as part of a phrase), so a given name's every common
    reading is kept whatever the characters around it."""
    readings = []
    for piece in _PIECES.findall(name):
        for options in _piece_readings(piece):
            readings.append(options if not readings else options[:2])
    return readings


def name_tokens(name: str) -> list[str]:
    name = re.sub(r"\s+", "", name or "")
    if not name:
        return []
    tokens = [name.lower()]
    readings = _readings(name)
    if readings:
        full, initials = [], []
        for combo in _combinations(readings):
            full.append("".join(combo))
            initials.append("".join(part[0] for part in combo))
        # The first reading of each first, so that a tight budget keeps the likeliest.
        for token in [full[0], initials[0], *full[1:], *initials[1:]]:
            if token not in tokens:
                tokens.append(token)
    return tokens


def _combinations(readings: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """At most _MAX_VARIANTS readings of the whole name: first every reading of the surname with the
    given name's likeliest, then the likeliest surname with the given name's other readings, so
    that a long given name cannot crowd out 曾's ceng or 单's shan."""
    surname, rest = readings[0], readings[1:]
    likeliest_rest = tuple(options[0] for options in rest)
    combos = [(s, *likeliest_rest) for s in surname]
    for other in itertools.islice(itertools.product(*rest), 1, None):
        if len(combos) >= _MAX_VARIANTS:
            break
        combos.append((surname[0], *other))
    return combos[:_MAX_VARIANTS]


def sort_key(name: str) -> str:
    """The name's likeliest pinyin, then the name: the registry's order (李海华 among the l's, not
    after every name that sorts before 李 by code point), with namesakes' spelling kept apart."""
    name = re.sub(r"\s+", "", name or "")
    reading = "".join(options[0] for options in _readings(name))
    # The reading is cut, not the name: ' <name>' always ends the key (residents.selectors.name_tiers
    # finds the names starting with 王 by ' 王'), and a name's first readings still order it.
    kept = max(_SORT_KEY_LENGTH - len(name) - 1, 0)
    return f"{reading[:kept]} {name.lower()}"[:_SORT_KEY_LENGTH]


_SORT_KEY_LENGTH = 120  # Resident.sort_key's max_length


def name_reading(text: str) -> str | None:
    """What sort_key starts with for every name that starts with `text` (Chinese characters): its
    characters' likeliest readings. None unless every character of `text` is Chinese and has one.

    sort_key is '<reading> <name>' and its only space is before the name, so the names starting with
    王 are the keys from 'wang' up to 'wanh' that hold ' 王': a range of the registry's pinyin index
    (residents.selectors.name_tiers)."""
    if not text or not _HAN_RUN.fullmatch(text):
        return None
    readings = [_piece_readings(character) for character in text]
    if not all(readings):
        return None
    return "".join(reading[0][0] for reading in readings)


def phone_token(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    return f"{digits}#" if digits else ""


def address_tokens(road: str, lane: str, number: str, room: str) -> list[str]:
    """The address as people type it (residents.addresses.address_forms): from the number on
    (12号302室), from the lane on, whole, and the 12-302 shorthand."""
    return address_forms(road, lane, number, room)


# The key is also the last column of a covering index (SQLite scans it without touching the table);
# PostgreSQL's B-tree entries must stay under 2,704 bytes, so pinyin variants fill a budget.
_KEY_BUDGET = 700  # characters


def search_key_for(resident) -> str:
    """The search key of one resident (its household and building are read if not loaded)."""
    household = resident.household
    building = household.building
    return search_key(
        resident.name,
        [resident.phone, household.phone],
        address_tokens(building.road, building.lane, building.number, household.room),
    )


_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


def bigram_tokens(*texts: str) -> list[str]:
    """Each run of Chinese characters as its bigrams, the run's last character alone: 王芳 gives
    '王芳 芳', 定海路 '定海 海路 路'. A one- or two-character term is then the start of a token
    (' 芳'), which PostgreSQL's trigram index serves; '%芳%' has no trigram and scans every row."""
    tokens = []
    for text in texts:
        for run in _HAN_RUN.findall(text.lower()):
            tokens.extend(run[i : i + 2] for i in range(len(run)))
    return tokens


def search_key(name: str, phones: list[str], address: list[str]) -> str:
    """The key from its parts; the importer calls it with what it holds, before inserting.

    The name's and the road's bigrams go last: the ranking reads the key's first tokens as the
    name, its pinyin and initials (residents/selectors.py)."""
    name, *pinyin_tokens = name_tokens(name) or [""]
    # The road: the Chinese the whole address (address_tokens' third) starts with.
    road = _HAN_RUN.match(address[2]) if len(address) > 2 else None
    fixed = [name, *(phone_token(p) for p in phones), *address]
    fixed += bigram_tokens(name, road[0] if road else "")
    budget = _KEY_BUDGET - sum(len(t) + 1 for t in fixed)
    tokens = [name]
    for token in pinyin_tokens:
        if len(token) + 1 > budget:
            break
        tokens.append(token)
        budget -= len(token) + 1
    seen: list[str] = []
    for token in tokens + fixed[1:]:
        if token and token not in seen:
            seen.append(token)
    return " " + " ".join(seen) + " "
