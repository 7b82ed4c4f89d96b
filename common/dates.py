"""Dates a person types, kept in a sensible range: the one check each model's rule goes through.

A smoke test saved 0001-01-01 and 9999-12-31 into due dates, referrals, follow-up calls, aid,
visits and birth dates. Each model says its own range beside the reason for it (Case.check_due_date,
Referral.check_dates, FollowUp.check_called_on, Aid.check_dates, Resident.check_birth_date,
Resident.check_archived_on, Visit.check_visited_at, HolidayYear.check_year, Case.check_times); the
services apply them, so the forms, the admin and the import obey the same words. A value stored
before a rule and left unchanged is never checked again: old data does not lock a record.
"""

import datetime as dt

from django.core.exceptions import ValidationError


def years_after(day: dt.date, years: int) -> dt.date:
    """The same day `years` years on (or back, for a negative number): 28 February for a 29th in a
    year without one, and the first or last day a date can hold for a day already near it (a stored
    9999-12-31 or 0001-01-01 is still compared, not a crash)."""
    year = day.year + years
    if year > dt.MAXYEAR:
        return dt.date.max
    if year < dt.MINYEAR:
        return dt.date.min
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February: the 28th, that year
        return day.replace(year=year, day=28)


def outside_range(day, earliest, latest, too_early, too_late) -> ValidationError | None:
    """The error for a value set by hand outside [earliest, latest] (None inside): `too_early` or
    `too_late`, a message that names the nearest value allowed as %(day)s (a day, or a year)."""
    if day < earliest:
        return ValidationError(too_early, code="too_early", params={"day": earliest})
    if day > latest:
        return ValidationError(too_late, code="too_late", params={"day": latest})
    return None
