"""The dashboard's kept figures made right and ready every night by the scheduler (`manage.py
crontask`): at 00:05 the open-case counters counted again from the cases (reports/open_cases.py),
so that a change written around Case.save heals and yesterday's due dates fold into one row; at
00:20 the summary of every committee's closed months that are missing or stale, so that the first
dashboard of the day (and of a new month, whose last month has just closed) reads them instead of
summarising; at 00:30 each committee's figures as at the last day of the month just ended
(reports/month_end.py), written once, on the 1st, from the records as they stand just after that day
and not when someone first asks for the month's summary.

Idempotent: a second run finds every month current and does nothing (reports/rollup.py), every
counter right.
"""

from crontask import cron
from django.tasks import task
from django.utils import timezone

from committee.models import Committee
from committee.scoping import committee_scope, unscoped
from jobs.reclaim import repeatable
from reports import month_end, open_cases, rollup
from reports.figures import add_months

# A batch of committees per summary: a district's 300 committees in a few dozen queries each.
BATCH = 25


@cron("20 0 * * *")
@task(takes_context=True)
@repeatable
def summarise_closed_months(context) -> int:
    """Summarise the last 12 closed months of every committee where missing or stale, and the
    current month where never summarised (a new month: nothing to read yet; every change of a case
    is then added to it); returns how many committee-months were summarised."""
    today = timezone.localdate()
    months = rollup.months_between(add_months(rollup.first_of(today), -12), today)
    months.append(rollup.first_of(today))
    done = 0
    with unscoped():  # a job across the whole deployment
        ids = list(Committee.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            done += rollup.ensure(ids[start : start + BATCH], months)
    return done


@cron("5 0 * * *")
@task(takes_context=True)
@repeatable
def recount_open_cases(context) -> int:
    """Count every committee's open cases (and this month's resolved) again into the counters;
    returns how many committees' counters were wrong."""
    with unscoped():  # the list of committees: a job across the whole deployment
        ids = list(Committee.objects.order_by("pk").values_list("pk", flat=True))
    drifted = 0
    for committee_id in ids:
        with committee_scope([committee_id]):  # one committee's cases and counters at a time
            drifted += open_cases.recount(committee_id)
    return drifted


@cron("30 0 * * *")
@task(takes_context=True)
@repeatable
def write_month_ends(context) -> int:
    """Write last month's MonthEnd rows where missing (each row once: every later run finds them);
    returns how many committees' rows there are."""
    month = add_months(rollup.first_of(timezone.localdate()), -1)
    with unscoped():  # a job across the whole deployment
        ids = list(Committee.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            month_end.month_end_rows(ids[start : start + BATCH], month)
    return len(ids)
