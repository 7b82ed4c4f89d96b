"""Writing the access log: one INSERT per page or export, whatever it shows."""

from collections.abc import Iterable

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
    AccessRecord.all_objects.create(
        committee_id=committee_id,
        user=user,
        kind=kind,
        resident=resident,
        household=household,
        case=case,
        detail=_detail(detail),
    )


def record_export(*, user, committee_ids: Iterable[int], detail: str, rows: int) -> None:
    """Note an export of a list that holds residents: its name and filters, and how many rows. A
    street-wide export is noted in each committee it covered (one INSERT for all of them)."""
    text = _detail(detail)
    AccessRecord.all_objects.bulk_create(
        [
            AccessRecord(committee_id=committee_id, user=user, kind=Kind.EXPORT, detail=text, rows=rows)
            for committee_id in sorted(set(committee_ids))
        ]
    )


def _detail(text: str) -> str:
    # Filters may hold what a user typed into a search box: never a full number in the log either.
    return mask_numbers_in_text(text or "")[:300]
