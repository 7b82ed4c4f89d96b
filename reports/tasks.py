"""The dashboard's rollup kept ready: every night the scheduler (`manage.py crontask`) queues the
summary of every committee's closed months that are missing or stale, so that the first dashboard
of the day (and of a new month, whose last month has just closed) reads them instead of summarising.

Idempotent: a second run finds every month current and does nothing (reports/rollup.py).
"""

from crontask import cron
from django.tasks import task
from django.utils import timezone

from committee.models import Committee
from committee.scoping import unscoped
from reports import rollup

# A batch of committees per summary: a district's 300 committees in a few dozen queries each.
BATCH = 25


@cron("20 0 * * *")
@task(takes_context=True)
def summarise_closed_months(context) -> int:
    """Summarise the last 12 closed months of every committee where missing or stale; returns how
    many committee-months were summarised."""
    today = timezone.localdate()
    months = rollup.months_between(rollup.add_months(rollup.first_of(today), -12), today)
    done = 0
    with unscoped():  # a job across the whole deployment
        ids = list(Committee.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            done += rollup.ensure(ids[start : start + BATCH], months)
    return done
