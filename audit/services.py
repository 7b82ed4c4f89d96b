"""Writing the access log: one INSERT per page or export, whatever it shows."""

import re
from collections.abc import Iterable

from django.db import connections, router, transaction

from audit.models import AccessRecord
from common.masking import mask_numbers_in_text

Kind = AccessRecord.Kind


def record(
    *,
    user,
    kind: str,
    committee_id: int,
    resident=None,
    household=None,
    case=None,
    detail: str = "",
) -> None:
    """Note that `user` looked at one person's data (a resident's, household's or case's page, a
    reveal, an admin page). `all_objects`: writing a record needs no scope, and must not fail for lack
    of one."""
    row = AccessRecord(
        committee_id=committee_id,
        user=user,
        kind=kind,
        resident=resident,
        household=household,
        case=case,
        detail=_detail(detail),
    )
    alias = router.db_for_write(AccessRecord)
    if kind in PAGE_VIEWS and _commits_alone(alias):
        with transaction.atomic(using=alias):
            with connections[alias].cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            row.save(force_insert=True, using=alias)
    else:
        row.save(force_insert=True, using=alias)


# A page view's record commits without waiting for its WAL to reach the disk (PostgreSQL's
# asynchronous commit): that wait was 3.3 ms of every case page on this machine's disk (pgbench, one
# INSERT: 3.3 ms synchronous, 0.07 ms asynchronous), a fifth of the page. What it risks: the records
# of the last ~0.6 s (3 × wal_writer_delay) of views if the database server itself crashes; the
# database stays consistent. Nothing acts on a view's record the moment it is written; a reveal of a
# full number, an export and an admin's page are acts the log must keep for certain, and wait.
PAGE_VIEWS = frozenset({Kind.CASE, Kind.RESIDENT, Kind.HOUSEHOLD})


def _commits_alone(alias: str) -> bool:
    """True on PostgreSQL outside any transaction: SET LOCAL then covers the record's own commit
    only. Inside a caller's transaction it would cover the caller's writes too, so those wait."""
    connection = connections[alias]
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def record_export(
    *,
    user,
    committee_ids: Iterable[int],
    rows: int,
    exported: dict | None = None,
    detail: str = "",
    full_numbers: bool = False,
) -> None:
    """Note an export of a list that holds residents: what it held and how many rows. A street-wide
    export is noted in each committee it covered (one INSERT for all of them), with how many
    committees that was. `exported`: the export and the filters it applied, in no language
    (audit/exported.py); `detail`: words, for an export that has none of those (a file's name).
    `full_numbers`: its ID and phone numbers were not masked."""
    text = _detail(detail)
    about = _exported(exported) if exported else None
    ids = sorted(set(committee_ids))
    kind = Kind.EXPORT_FULL if full_numbers else Kind.EXPORT
    shared = len(ids) if len(ids) > 1 else None
    AccessRecord.all_objects.bulk_create(
        [
            AccessRecord(
                committee_id=pk,
                user=user,
                kind=kind,
                detail=text,
                exported=about,
                rows=rows,
                committees=shared,
            )
            for pk in ids
        ]
    )


def record_number_search(
    *, user, committee_ids: Iterable[int], kinds: Iterable[str], found: Iterable[tuple[int, int]] = ()
) -> None:
    """Note a search by a whole ID or phone number (residents.selectors.full_number_kinds), by one
    who may reveal it there: a record in each committee whose full numbers it searched (one INSERT
    for all), its detail the kind of number ("phone", "id_number", as a reveal's), never the number.
    `found`: (resident id, committee id) of the residents it found; one alone is named on its
    committee's record, so that "who looked at this resident" lists the search."""
    found = list(found)
    named = dict((committee_id, pk) for pk, committee_id in found) if len(found) == 1 else {}
    detail = " ".join(kinds)
    AccessRecord.all_objects.bulk_create(
        [
            AccessRecord(
                committee_id=pk, user=user, kind=Kind.SEARCH_FULL, detail=detail, resident_id=named.get(pk)
            )
            for pk in sorted(set(committee_ids))
        ]
    )


# Control characters (a NUL from "%00" in a query string) cannot be stored in PostgreSQL's text.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _detail(text: str) -> str:
    # Filters may hold what a user typed into a search box: never a full number in the log either.
    return mask_numbers_in_text(_CONTROL.sub(" ", text or ""))[:300]


def _exported(value):
    """Every text in an export's filters as a detail's: what was typed into its search masked, and
    without the control characters PostgreSQL's jsonb cannot hold (\\u0000)."""
    if isinstance(value, str):
        return _detail(value)
    if isinstance(value, dict):
        return {key: _exported(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_exported(item) for item in value]
    return value
