"""Keeps the registry's search keys in step with the residents they describe.

Every write path that changes residents, households or buildings in bulk (services, the importer,
the demo seed) calls reindex_residents with the residents it touched, after its writes and inside
the same transaction.
"""

from collections.abc import Iterable


def reindex_residents(resident_ids: Iterable[int]) -> None:
    """Refresh the search keys of these residents.

    Placeholder until the registry search lands: there are no keys to refresh yet. The signature
    is the contract between the importer and the search.
    """
    return None
