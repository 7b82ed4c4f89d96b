"""The committee dashboard's workload: per assignee (and the unassigned) their open, overdue and
resolved-this-month cases, each a link to the case list, and the open cases by status from the same
rows.

Today's rows come from the open-case counters (reports/open_cases.py workload_branch, read in the
dashboard's UNION ALL; named here: counted_rows); another day's, or without the rollup, are counted
from the cases (_workload_live).
"""

from collections import defaultdict

from django.db.models import Count, OuterRef, Subquery, Value
from django.utils.translation import gettext as _

from cases import reference
from committee.models import User
from reports.figures import Period, case_list_links, count_filters


def workload(cases, committee_id: int, period: Period, counted=None) -> tuple[list[dict], dict[str, int]]:
    """Per assignee (and the unassigned): open, overdue, resolved this month; and the open cases by
    status, from the same rows. `counted`: those rows from the open-case counters (today's:
    open_cases.workload_branch, with their names: counted_rows). Without them, one query: the open cases
    and the cases resolved this month counted apart (UNION ALL) and added up below. Not one pass
    over `open OR resolved this month`: an OR of two indexes reads the table's page of every open
    case, while the open cases alone are counted from the covering partial index
    case_open_assignee_due (an index-only scan)."""
    rows = counted if counted is not None else _workload_live(cases, period)
    month_from, month_to = period.month_start.isoformat(), period.month_end.isoformat()
    link = case_list_links(committee_id)
    people: dict = {}
    by_status: dict[str, int] = defaultdict(int)
    for row in rows:
        if not (row["open"] or row["overdue"] or row["resolved"]):
            continue  # a counter's row that went back to 0: no case behind it
        by_status[row["status"]] += row["open"]
        who = row["assignee_id"] or "none"
        person = people.get(who)
        if person is None:
            person = people[who] = {
                "name": row["who_name"] or row["who_username"] or _("Unassigned"),
                "unassigned": row["assignee_id"] is None,
                "open": 0,
                "overdue": 0,
                "resolved": 0,
                "open_url": link(assignee=who, status="open"),
                "overdue_url": link(assignee=who, overdue=1),
                "resolved_url": link(assignee=who, resolved_from=month_from, resolved_to=month_to),
            }
        for name in ("open", "overdue", "resolved"):
            person[name] += row[name]
    result = sorted(people.values(), key=lambda r: (r["unassigned"], -r["open"], -r["overdue"], r["name"]))
    return result, dict(by_status)


def _workload_live(cases, period: Period):
    """workload's rows counted from the cases: one query."""
    filters = count_filters(period)

    def named(rows):
        # The assignee's names looked up once per row of the result (a handful), not joined to
        # every open case before counting (18 of 67 ms at 300,000 cases, 69,610 open).
        users = User.objects.filter(pk=OuterRef("assignee_id"))
        return rows.annotate(
            who_name=Subquery(users.values("full_name")), who_username=Subquery(users.values("username"))
        )

    opened = named(
        cases.filter(filters["open"])
        .values("assignee_id", "status")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=filters["overdue"]), resolved=Value(0))
        .order_by()
    )
    resolved = named(
        cases.filter(filters["resolved_this_month"])
        .values("assignee_id", "status")
        .annotate(open=Value(0), overdue=Value(0), resolved=Count("pk"))
        .order_by()
    )
    # Ordered by columns of the union's result: the model's default order is none of them.
    return opened.union(resolved, all=True).order_by("assignee_id", "status")


def counted_rows(rows: list[dict], committee_ids: list[int]) -> list[dict]:
    """The workload's rows from the counters (open_cases.workload_branch), by assignee and status,
    with the assignees' names for `workload` (from the cache: cases/reference.py)."""
    names = reference.user_names(committee_ids, {row["assignee_id"] for row in rows})
    ordered = sorted(rows, key=lambda r: (r["assignee_id"] is None, r["assignee_id"] or 0, r["status"]))
    return [
        {
            "assignee_id": row["assignee_id"],
            "status": row["status"],
            "open": row["open"],
            "overdue": row["overdue"],
            "resolved": row["resolved_in_month"],
            "who_name": names.get(row["assignee_id"]),
            "who_username": None,
        }
        for row in ordered
    ]
