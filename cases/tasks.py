"""Case work that runs in the worker."""

from django.tasks import task

from cases import due_dates
from jobs.reclaim import repeatable
from jobs.running import retried


@task(takes_context=True)
@repeatable
@retried
def recount_due_dates(years: list[int]) -> int:
    """Queued by the holiday schedule's admin when a year is entered, corrected or removed."""
    return due_dates.recount(years)
