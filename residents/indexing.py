"""Keeps the registry's derived columns in step with the residents they describe, in the database.

The columns: Resident.search_key and sort_key (written by residents.search_keys), and last_visit_at and
next_visit_due (the care schedule, residents.care), which make the care roster one indexed query.

Every write path that changes residents, households or buildings in bulk (services, the demo seed)
calls reindex_residents with the residents it touched, after its writes and inside the same
transaction. Resident.save() refreshes its own search key. The importer computes the same columns
from what it holds (search_key, next_due) and writes each row once; a test checks that it agrees
with reindex_residents.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection
from django.db.models import Max

from residents.care import next_due, shortest_cadence
from residents.models import Resident, Visit
from residents.search_keys import search_key_for, sort_key

_BATCH = 1000


def reindex_residents(resident_ids: Iterable[int]) -> None:
    """Refresh the search keys and the care schedule of these residents.

    Three reads and one bulk update per thousand residents, whatever else changed.
    """
    ids = sorted(set(resident_ids))
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        residents = list(
            Resident.all_objects.filter(pk__in=batch).select_related("household__building").order_by()
        )
        cadences: dict[int, list[int]] = defaultdict(list)
        through = Resident.care_categories.through.objects.filter(
            resident_id__in=batch, carecategory__visit_every_days__isnull=False
        ).values_list("resident_id", "carecategory__visit_every_days")
        for resident_id, days in through:
            cadences[resident_id].append(days)
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
            resident.sort_key = sort_key(resident.name)
            resident.last_visit_at = last[resident.pk]
            resident.next_visit_due = (
                None
                if resident.archived
                else next_due(
                    shortest_cadence(cadences[resident.pk]), resident.last_visit_at, resident.created_at
                )
            )
        _write_derived(residents)


def _write_derived(residents) -> None:
    """Write the derived columns of a batch. Django's bulk_update builds a CASE of a thousand WHENs
    per column, which took 100 s of a 100,000-row import: PostgreSQL gets one UPDATE from unnested
    arrays per batch, SQLite one prepared UPDATE run for each row (cheap in-process)."""
    meta = Resident._meta
    table, quote = meta.db_table, connection.ops.quote_name
    ids = [r.pk for r in residents]
    keys = [r.search_key for r in residents]
    sorts = [r.sort_key for r in residents]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {quote(table)} AS r SET search_key = v.key, sort_key = v.sort, "  # noqa: S608
                "last_visit_at = v.last, next_visit_due = v.due FROM (SELECT unnest(%s::bigint[]) AS id, "
                "unnest(%s::text[]) AS key, unnest(%s::text[]) AS sort, unnest(%s::timestamptz[]) AS last, "
                "unnest(%s::date[]) AS due) AS v WHERE r.id = v.id",
                [
                    ids,
                    keys,
                    sorts,
                    [r.last_visit_at for r in residents],
                    [r.next_visit_due for r in residents],
                ],
            )
        else:
            ops = connection.ops
            cursor.executemany(
                f"UPDATE {quote(table)} SET search_key = %s, sort_key = %s, last_visit_at = %s, "  # noqa: S608
                "next_visit_due = %s WHERE id = %s",
                [
                    (
                        key,
                        r.sort_key,
                        ops.adapt_datetimefield_value(r.last_visit_at),
                        ops.adapt_datefield_value(r.next_visit_due),
                        pk,
                    )
                    for key, r, pk in zip(keys, residents, ids, strict=True)
                ],
            )


def reindex_household(household) -> None:
    reindex_residents(Resident.all_objects.filter(household=household).values_list("pk", flat=True))


def reindex_building(building) -> None:
    reindex_residents(Resident.all_objects.filter(household__building=building).values_list("pk", flat=True))
