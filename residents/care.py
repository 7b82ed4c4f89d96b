"""The care schedule's rules: the cadence a resident is visited at, and when the next visit is due.

Pure functions (no models): the registry's indexing, the importer, the pages and the demo share them.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The care categories meant for residents of an age (the category's code → the youngest age): 高龄老人
# is "very old (80+)". The registry import warns when a resident's birth date says otherwise (the
# secretary may know better, and a file is not corrected row by row); the resident form and the
# admin refuse it (age_refusals), by the care categories.
CARE_MIN_AGE = {"very_old": 80}
TOO_YOUNG = _(
    "“%(category)s” is for residents aged %(least)d and over; by the birth date this resident is "
    "%(age)d: untick it or correct the birth date."
)


def too_young_for(code: str, age: int | None) -> int | None:
    """The youngest age care category `code` is meant for, when a resident of `age` is younger
    (None: the category has no age, the age is unknown, or old enough)."""
    least = CARE_MIN_AGE.get(code)
    if least is None or age is None or age >= least:
        return None
    return least


def age_refusals(categories: Iterable, age: int | None, *, kept: Iterable[str] = ()) -> dict:
    """A form's refusal of each of `categories` (CareCategory: code, label) meant for older residents
    than `age` (Resident.age, from the birth date typed), save those whose code is in `kept`: a
    contradiction already on file that the form leaves as it was (the category kept, the birth date
    not changed), such as one the import let through, so that the resident's other fields can
    still be corrected. {category: ValidationError}, in the categories' order."""
    kept = set(kept)
    refusals = {}
    for category in categories:
        least = too_young_for(category.code, age)
        if least is not None and category.code not in kept:
            refusals[category] = ValidationError(
                TOO_YOUNG, code="too_young", params={"category": category.label, "least": least, "age": age}
            )
    return refusals


def shortest_cadence(days: Iterable[int | None]) -> int | None:
    """A resident in several care categories is visited at the shortest of their cadences (in
    days); None when none of the categories has one (the resident is not on the roster)."""
    return min((d for d in days if d is not None), default=None)


def shortest_cadence_sql(categories: str = "care_categories") -> Min:
    """The same rule inside a query over residents (NULL cadences are ignored by MIN)."""
    return Min(f"{categories}__visit_every_days")


def next_due(
    cadence_days: int | None, last_visit_at: datetime.datetime | None, registered: datetime.datetime
) -> datetime.date | None:
    """When the next visit is due: a cadence after the last visit, or at once if never visited."""
    if cadence_days is None:
        return None
    if last_visit_at is None:
        return timezone.localdate(registered)
    return timezone.localdate(last_visit_at) + datetime.timedelta(days=cadence_days)
