"""Keeps the registry's derived columns in step with the residents they describe.

Resident.search_key is what the search box matches (residents/selectors.py): one lower-case string of
space-separated tokens, each written so that a LIKE '%…%' finds it the way people type:

    周勤 zhouqin zhouqi zq 13812345678# 02165431234# 12号302室 449弄12号302室 定海路449弄12号302室 12-302

Names (contains), full pinyin and initials with every reading of heteronyms (a token prefix, ' zq'),
phone numbers ending in '#' (a tail, '5678#'), and the address as people write it. Resident.last_visit_at
and next_visit_due make the care roster one indexed query.

Every write path that changes residents, households or buildings in bulk (services, the demo seed)
calls reindex_residents with the residents it touched, after its writes and inside the same
transaction. Resident.save() refreshes its own search key. The importer computes the same columns
from what it holds (search_key, next_due) and writes each row once; a test checks that it agrees
with reindex_residents.
"""

import datetime
import functools
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection
from django.db.models import Max
from django.utils import timezone
from pypinyin import Style, pinyin

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


def phone_token(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    return f"{digits}#" if digits else ""


def address_tokens(road: str, lane: str, number: str, room: str) -> list[str]:
    number, room = number.lower(), room.lower()
    lane = f"{lane}弄" if lane else ""
    return [
        f"{number}号{room}室",
        f"{lane}{number}号{room}室",
        f"{road}{lane}{number}号{room}室",
        f"{number}-{room}",
    ]


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


def search_key(name: str, phones: list[str], address: list[str]) -> str:
    """The key from its parts; the importer calls it with what it holds, before inserting."""
    name, *pinyin_tokens = name_tokens(name) or [""]
    fixed = [name, *(phone_token(p) for p in phones), *address]
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


def next_due(
    cadence_days: int | None, last_visit_at: datetime.datetime | None, registered: datetime.datetime
) -> datetime.date | None:
    """When the next visit is due: a cadence after the last visit, or at once if never visited."""
    if cadence_days is None:
        return None
    if last_visit_at is None:
        return timezone.localdate(registered)
    return timezone.localdate(last_visit_at) + datetime.timedelta(days=cadence_days)


def reindex_residents(resident_ids: Iterable[int]) -> None:
    """Refresh the search keys and the care schedule of these residents.

    Three reads and one bulk update per thousand residents, whatever else changed.
    """
    from residents.models import Resident, Visit

    ids = sorted(set(resident_ids))
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        residents = list(
            Resident.all_objects.filter(pk__in=batch).select_related("household__building").order_by()
        )
        cadence: dict[int, int] = {}
        through = Resident.care_categories.through.objects.filter(
            resident_id__in=batch, carecategory__visit_every_days__isnull=False
        ).values_list("resident_id", "carecategory__visit_every_days")
        for resident_id, days in through:
            cadence[resident_id] = min(days, cadence.get(resident_id, days))
        last: dict[int, datetime.datetime] = defaultdict(lambda: None)
        for row in (
            Visit.all_objects.filter(resident_id__in=batch)
            .order_by()
            .values("resident_id")
            .annotate(last=Max("visited_at"))
        ):
            last[row["resident_id"]] = row["last"]
        for resident in residents:
            resident.search_key = search_key_for(resident)
            resident.last_visit_at = last[resident.pk]
            resident.next_visit_due = (
                None
                if resident.archived
                else next_due(cadence.get(resident.pk), resident.last_visit_at, resident.created_at)
            )
        _write_derived(residents)


def _write_derived(residents) -> None:
    """Write the derived columns of a batch. Django's bulk_update builds a CASE of a thousand WHENs
    per column, which took 100 s of a 100,000-row import: PostgreSQL gets one UPDATE from unnested
    arrays per batch, SQLite one prepared UPDATE run for each row (cheap in-process)."""
    from residents.models import Resident

    meta = Resident._meta
    table, quote = meta.db_table, connection.ops.quote_name
    ids = [r.pk for r in residents]
    keys = [r.search_key for r in residents]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {quote(table)} AS r SET search_key = v.key, last_visit_at = v.last, "  # noqa: S608
                "next_visit_due = v.due FROM (SELECT unnest(%s::bigint[]) AS id, unnest(%s::text[]) AS key, "
                "unnest(%s::timestamptz[]) AS last, unnest(%s::date[]) AS due) AS v WHERE r.id = v.id",
                [ids, keys, [r.last_visit_at for r in residents], [r.next_visit_due for r in residents]],
            )
        else:
            ops = connection.ops
            cursor.executemany(
                f"UPDATE {quote(table)} SET search_key = %s, last_visit_at = %s, "  # noqa: S608
                "next_visit_due = %s WHERE id = %s",
                [
                    (
                        key,
                        ops.adapt_datetimefield_value(r.last_visit_at),
                        ops.adapt_datefield_value(r.next_visit_due),
                        pk,
                    )
                    for key, r, pk in zip(keys, residents, ids, strict=True)
                ],
            )


def reindex_household(household) -> None:
    from residents.models import Resident

    reindex_residents(Resident.all_objects.filter(household=household).values_list("pk", flat=True))


def reindex_building(building) -> None:
    from residents.models import Resident

    reindex_residents(Resident.all_objects.filter(household__building=building).values_list("pk", flat=True))
