"""The dashboard's rollup: each committee's closed months summarised once (reports/rollup.py).

The dashboard reads closed months from here and computes only the current month live, so that its
cost does not grow with a committee's years of cases. A row holds every case, sensitive or not
(`sensitive` is a dimension): who may see what is applied when the rows are read, as for the cases.
"""

from django.conf import settings
from django.db import models

from committee.models import CommitteeOwned


class RollupMonth(models.Model):
    """One committee's month: summarised when `computed_at` is set and no change came after it.

    A change to a case of the month raises `changed`; a refresh records the `changed` it read before
    reading the cases as `summarised`. A change that commits while a refresh runs is therefore never
    lost: the month stays stale (summarised < changed) and is summarised again.
    """

    committee = models.ForeignKey("committee.Committee", models.CASCADE, related_name="+")
    month = models.DateField()  # the first day
    changed = models.PositiveIntegerField(default=0)
    summarised = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["committee", "month"], name="rollup_month_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.committee_id} {self.month:%Y-%m}"


class CaseRollup(models.Model):
    """Counts of one committee's cases in one month, by the dimensions one figure needs: a closed
    month summarised from its cases, the current month kept by every change of a case.

    - CREATED (month logged): category × source → n (cases per month by category, by source);
    - BUILDING_TOTAL (month logged): building → n (which buildings are the hotspots), and
      BUILDING (month logged): building × category → n (read for the ten hotspots only);
    - RESOLVED (month resolved): day resolved × working days to resolve → n (the resolution trend's
      medians, the cases resolved over the last 90 days);
    - CALLED (month of the latest follow-up call): day of that call → called (the cases), satisfied
      (those whose answer was satisfied or mostly): the satisfaction over the last 90 days, each case
      once, by its latest call (Case.last_called_on, last_call_result). n stays 0, called and
      satisfied stay 0 on every other figure: a read may add RESOLVED and CALLED rows up together.

    And for the street and district overviews, which read hundreds of committees at once, the same
    counts with fewer dimensions (derived from the rows above: `rollup.overview_rows`), so that a
    committee's headline is a few rows, not hundreds:
    - CREATED_TOTAL (month logged): → n (new this month);
    - RESOLVED_DAYS (month resolved): working days to resolve → n (this month's median);
    - RESOLVED_FROM (month resolved): day → n of the cases resolved on that day of the month or
      later (the 90 days' resolved: a closed month's row of its 1st, the first month's of the 90
      days' first day; this month's resolved from the row of its 1st), and CALLED_FROM (month of
      the latest call): day → called, satisfied of the cases last called on that day of the month
      or later (the 90 days' satisfaction, read the same way). A month's row of the 1st is kept
      current by every change; its later days' rows are the summary's, read only once the month is
      closed, and a change to the month (which marks it stale) has it summarised again before then.
    """

    class Figure(models.TextChoices):
        CREATED = "created"
        BUILDING_TOTAL = "building_total"
        BUILDING = "building"
        RESOLVED = "resolved"
        CREATED_TOTAL = "created_total"
        RESOLVED_DAYS = "resolved_days"
        RESOLVED_FROM = "resolved_from"
        CALLED = "called"
        CALLED_FROM = "called_from"

    # No index of its own (case_rollup_months below, and case_rollup_figures, lead with it): with
    # one, PostgreSQL read the hotspots' totals through it, every row of the committee's rollup
    # filtered for one figure (4.6 of the dashboard's ms at 300,000 cases, against 0.7 through
    # case_rollup_figures' predecessor).
    committee = models.ForeignKey("committee.Committee", models.CASCADE, related_name="+", db_index=False)
    month = models.DateField()
    figure = models.CharField(max_length=20, choices=Figure)
    sensitive = models.BooleanField(default=False)
    category = models.ForeignKey("cases.CaseCategory", models.CASCADE, null=True, related_name="+")
    source = models.CharField(max_length=20, blank=True)
    building = models.ForeignKey("residents.Building", models.CASCADE, null=True, related_name="+")
    day = models.DateField(null=True)
    days = models.IntegerField(null=True)
    # Signed: the current month's rows are kept by adding each change of a case (+1 to its new
    # row, -1 to its old one, reports/rollup.py), and a change may come before its row's count.
    n = models.IntegerField(default=0)
    called = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)

    class Meta:
        indexes = [
            # The dashboard's figures of a committee's months (reports/rollup_reads.py) with every
            # column they read after the three they are found by (as cases 0011's indexes: SQLite
            # has no INCLUDE), so that PostgreSQL answers them from the index alone (an index-only
            # scan) instead of reading each row from the table, where the summaries' DELETEs and
            # COPYs scatter a committee's rows over its pages: at 300,000 cases the dashboard's UNION
            # ALL read 1,346 pages for its 7,300 rows. Without the BUILDING rows, four in five of
            # the rollup, which only the hotspots' categories read (by building, below).
            models.Index(
                fields=[
                    "committee",
                    "figure",
                    "month",
                    "category",
                    "source",
                    "days",
                    "day",
                    "building",
                    "sensitive",
                    "n",
                    "called",
                    "satisfied",
                ],
                condition=~models.Q(figure="building"),
                name="case_rollup_figures",
            ),
            # A summary's DELETE of its months' rows (reports/rollup.py summarise): without it (and
            # without the committee's own index) PostgreSQL read the whole table.
            models.Index(fields=["committee", "month"], name="case_rollup_months"),
            # The overviews' rows of a day (reports/overview_union.py compile_overview), for any number
            # of committees: one range each, the committees filtered in it. Through the committee-led
            # index the district's 300 committees were 300 descents per figure and month (5,400 buffers,
            # 7 ms at 2,000,000 cases, against 40 and 2 ms).
            models.Index(
                fields=["figure", "month", "day"],
                condition=models.Q(
                    figure__in=["created_total", "resolved_days", "resolved_from", "called_from"]
                ),
                name="case_rollup_overviews",
            ),
            # The 90 days' closed months (compile_overview's `since`): each month's row of one day (the
            # first month's of the 90 days' first day, the others' of their 1st) for every committee,
            # with the columns read, so that PostgreSQL counts them from the index alone. Through
            # case_rollup_overviews, an OR of (month, day) pairs, it read each row from the table, where
            # the summaries scatter them (1,563 rows on 1,320 pages at 100,000 cases; 2,246 buffers
            # against 27). Led by the day: a day's rows are its month's (rollup.overview_rows), so the
            # three days alone find them, three ranges of one index.
            models.Index(
                fields=["day", "figure", "committee", "sensitive", "n", "called", "satisfied"],
                condition=models.Q(figure__in=["resolved_from", "called_from"]),
                name="case_rollup_since",
            ),
            # The hotspots' categories, read for ten buildings out of hundreds, from the index alone
            # as above.
            models.Index(
                fields=["building", "month", "committee", "category", "sensitive", "n"],
                condition=models.Q(figure="building"),
                name="case_rollup_hotspots",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee_id} {self.month:%Y-%m} {self.figure} {self.n}"


class OpenCount(CommitteeOwned):
    """How many of a committee's cases are open, per assignee, status and due date, and how many
    were resolved in the current month, per assignee: the dashboard's workload table, its open
    cases by status and its headline's open and overdue, read from a few rows instead of counted
    from every open case. Kept by every write of a case (reports/open_cases.py), recounted nightly.

    An open row has `due_date` (the past ones of the last recount on one day before it: overdue
    whatever day reads them) and no `month`; a resolved row has `month` and no status or due
    date. `created_by` is kept for sensitive cases only: it is who may see them besides the
    assignee and the secretary (visible_cases). Rows add up: `n` is signed, a change adds -1 to
    its case's old row and +1 to its new one.
    """

    # Counts of the committee's cases, gone with it (as its rollup): not PROTECT as its cases are.
    committee = models.ForeignKey("committee.Committee", models.CASCADE, related_name="+")
    # SET_NULL as on the case: a user deleted leaves their cases, and their counts, unassigned.
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    status = models.CharField(max_length=20, blank=True)
    sensitive = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    due_date = models.DateField(null=True)
    month = models.DateField(null=True)
    n = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.committee_id} {self.assignee_id} {self.status or self.month} {self.n}"


class OpenTotal(CommitteeOwned):
    """How many of a committee's cases are open in all (`due_date` NULL) and per due date, sensitive
    apart: the street's and the district's overviews read open and overdue here, a few rows per
    committee (the total, and the due dates already past) instead of summing every counter row
    (OpenCount: per assignee, status and due date, 27,000 rows at a district, 6–8 ms to add up).
    It is OpenCount's open rows added up without the assignee, status and author: kept by the same
    writes and recounted with them (reports/open_cases.py). A reader who does not see every
    sensitive case of a committee has their own sensitive cases there added from OpenCount."""

    committee = models.ForeignKey("committee.Committee", models.CASCADE, related_name="+")
    sensitive = models.BooleanField(default=False)
    # NULL: every due date, the committee's open cases in all (a case always has a due date).
    due_date = models.DateField(null=True)
    # No index for the overviews: a district's table is a few thousand rows (55 pages at 300
    # committees), read whole in under a millisecond; the committee's index serves the writes.
    n = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.committee_id} {self.due_date or 'all'} {self.n}"


class MonthEnd(models.Model):
    """One committee's figures as at the last day of a month that has ended (reports/month_end.py):
    the care roster's size and how many were visited on cadence, and which cases were overdue and
    which referrals late on that day. Written once, the first time the month's summary is read after
    it ended, and read again as written: a summary printed again later gives the same figures, and
    its overdue figure opens the same cases (cases/filters.py overdue_at). Every case and referral
    is kept, sensitive or not: who may see which is applied when they are read, as for the cases."""

    committee = models.ForeignKey("committee.Committee", models.CASCADE, related_name="+")
    month = models.DateField()  # the first day
    as_at = models.DateField()  # the month's last day
    roster_size = models.PositiveIntegerField(default=0)
    roster_on_cadence = models.PositiveIntegerField(default=0)
    overdue_cases = models.JSONField(default=list)  # case ids, longest overdue first
    late_referrals = models.JSONField(default=list)  # referral ids
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["committee", "month"], name="month_end_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.committee_id} {self.month:%Y-%m}"
