"""What reopening a case writes, wherever it is reopened: by the secretary on the case page
(services.transition REOPEN), by "not satisfied" on the follow-up call (services.record_follow_up),
or by an administrator correcting its status in the admin (cases/admin.py). One rule, so that a
case reopened in the admin is due again as one reopened in the app: the admin kept the passed date
that made it overdue at once."""

import datetime

from cases.models import Case

S = Case.Status

# The fields `reopen` sets besides the status (the caller's) and the due date's (Case.DUE_COUNTED).
REOPENED = ("closure", "closed_at", "resolved_at", "satisfaction", "reopen_requested_at")


def reopen(case: Case, day: datetime.date, *, count_due: bool = True) -> datetime.date | None:
    """Set on `case` (the caller sets its status and saves) what reopening it on `day` writes: no
    closing and no resolution's time; its satisfaction emptied, so that its next resolution is
    called back again (the list's follow_up=due, closing), while the last call's answer stays on
    the case (last_call_result) for the dashboards' satisfaction; a worker's request to reopen
    answered; and, worked again, its due date counted again from `day` (Case.count_due_again).

    Returns the new due date, or None when the date stays: a later one it has, or `count_due`
    False (an administrator typed the date in the same correction: what they typed stands)."""
    case.closure, case.closed_at, case.resolved_at = "", None, None
    case.satisfaction = ""
    case.reopen_requested_at = None
    return case.count_due_again(day) if count_due else None


def reopened(before: str, after: str) -> bool:
    """Whether a case moved from status `before` to `after` was reopened: out of resolved or closed
    into an open status (rules.moves: reopening is the only such move)."""
    return before in (S.RESOLVED, S.CLOSED) and after in Case.OPEN_STATUSES
