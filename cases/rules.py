"""Who may do what to a case, in which status: the one place that decides it.

Roles come from committee/roles.py: the secretary holds MANAGE_CASES, workers LOG_CASE, viewers and
street officers only VIEW. On top of the role, a worker works the cases assigned to them and may take
an unassigned open case; notes and files may be added by any worker of the committee, and reporters
joined to an open case. Whoever logged a case corrects it (EDIT) while it is new and nobody has it.

Sensitive cases (Case.sensitive: a family's illness, a dispute that names people) are seen only by
the committee's secretary, the assignee and whoever logged the case; not by other workers, viewers,
street officers or superusers in the app (the admin remains for corrections).
"""

from collections.abc import Iterable
from enum import StrEnum

from django.db.models import QuerySet

from cases.models import Case
from committee.models import User
from committee.roles import Perm, Role, role_can

S = Case.Status
OPEN = frozenset(Case.OPEN_STATUSES)
ALL = frozenset(S)


class Action(StrEnum):
    TAKE = "take"  # a worker takes an unassigned case for themselves
    ASSIGN = "assign"  # the secretary assigns or reassigns
    EDIT = "edit"  # title, description, category, priority, due date, place
    START = "start"  # new → in progress: only a new case that already has an assignee (see below)
    WAIT = "wait"  # → waiting (on an outside body or the resident)
    RESUME = "resume"  # waiting → in progress
    RESOLVE = "resolve"  # → resolved, with the resolution
    FOLLOW_UP = "follow_up"  # the call after resolving; "not satisfied" reopens
    CLOSE = "close"  # resolved and followed up → closed
    WITHDRAW = "withdraw"  # the resident withdrew it → closed
    DUPLICATE = "duplicate"  # same problem as another case → closed
    REOPEN = "reopen"  # resolved or closed → in progress, with a reason
    ASK_REOPEN = "ask_reopen"  # a worker asks the secretary to reopen, with a reason
    DECLINE_REOPEN = "decline_reopen"  # the secretary clears a reopen request without reopening
    NOTE = "note"
    JOIN = "join"  # more residents report the same problem: they join an open case as reporters
    REFER = "refer"  # send to an outside body
    CHASE = "chase"  # chase an outstanding referral
    REPLY = "reply"  # record an outside body's reply
    AID = "aid"  # record or update aid on a hardship case
    ATTACH = "attach"  # add a photo or file
    PARTIES = "parties"  # add a resident to the case's people (a reporter met later), or remove one


class Who(StrEnum):
    MANAGER = "manager"  # the secretary (MANAGE_CASES)
    ASSIGNEE = "assignee"  # the assignee (a worker with LOG_CASE), or the secretary
    TAKER = "taker"  # any worker or the secretary, while the case is unassigned
    WORKER = "worker"  # any worker of the committee (LOG_CASE)


# action → (statuses it may start from, who may do it)
RULES: dict[Action, tuple[frozenset, Who]] = {
    Action.TAKE: (OPEN, Who.TAKER),
    Action.ASSIGN: (OPEN, Who.MANAGER),
    Action.EDIT: (OPEN, Who.ASSIGNEE),  # and whoever logged it, while new and unassigned (logger_corrects)
    Action.START: (frozenset({S.NEW}), Who.ASSIGNEE),
    Action.WAIT: (frozenset({S.NEW, S.IN_PROGRESS}), Who.ASSIGNEE),
    Action.RESUME: (frozenset({S.WAITING}), Who.ASSIGNEE),
    Action.RESOLVE: (OPEN, Who.ASSIGNEE),
    Action.FOLLOW_UP: (frozenset({S.RESOLVED}), Who.ASSIGNEE),
    Action.CLOSE: (frozenset({S.RESOLVED}), Who.MANAGER),
    Action.WITHDRAW: (OPEN, Who.MANAGER),
    Action.DUPLICATE: (OPEN, Who.MANAGER),
    Action.REOPEN: (frozenset({S.RESOLVED, S.CLOSED}), Who.MANAGER),
    # A worker who hears the resident is back with the same problem cannot reopen: they ask.
    Action.ASK_REOPEN: (frozenset({S.RESOLVED, S.CLOSED}), Who.WORKER),
    Action.DECLINE_REOPEN: (frozenset({S.RESOLVED, S.CLOSED}), Who.MANAGER),
    Action.NOTE: (ALL, Who.WORKER),
    # Open only: a resolved or closed case's problem was dealt with; when it is back, it is reopened
    # (or asked to be) or logged anew, not joined as "the same problem".
    Action.JOIN: (OPEN, Who.WORKER),
    Action.REFER: (OPEN, Who.ASSIGNEE),
    Action.CHASE: (OPEN, Who.ASSIGNEE),
    Action.REPLY: (OPEN | {S.RESOLVED}, Who.ASSIGNEE),
    Action.AID: (OPEN | {S.RESOLVED}, Who.ASSIGNEE),
    Action.ATTACH: (ALL, Who.WORKER),
    # Who may edit the case (and whoever logged it, while new and unassigned); resolved too: the
    # follow-up call goes to its reporter, who may have been registered only after the intake.
    Action.PARTIES: (OPEN | {S.RESOLVED}, Who.ASSIGNEE),
}

# The status an action leads to (None: unchanged).
TARGET: dict[Action, str] = {
    Action.START: S.IN_PROGRESS,
    Action.WAIT: S.WAITING,
    Action.RESUME: S.IN_PROGRESS,
    Action.RESOLVE: S.RESOLVED,
    Action.CLOSE: S.CLOSED,
    Action.WITHDRAW: S.CLOSED,
    Action.DUPLICATE: S.CLOSED,
    Action.REOPEN: S.IN_PROGRESS,
}


# How a case is closed by each closing action (services: close, withdraw, mark_duplicate).
CLOSURE: dict[Action, str] = {
    Action.CLOSE: Case.Closure.FOLLOWED_UP,
    Action.WITHDRAW: Case.Closure.WITHDRAWN,
    Action.DUPLICATE: Case.Closure.DUPLICATE,
}


def moves(status: str) -> dict[str, set[str]]:
    """The case life's moves from `status`, read from RULES and TARGET: each status an action leads
    to, with how it may be closed (for "closed"; empty for the others). An administrator's
    correction of a status in the admin keeps to them (cases/admin.py)."""
    found: dict[str, set[str]] = {}
    for action, target in TARGET.items():
        if status in RULES[action][0]:
            found.setdefault(target, set()).update({CLOSURE[action]} if action in CLOSURE else ())
    return found


def status_when_assigned(status: str, assignee_id: int | None) -> str:
    """The status a case has once it is given to `assignee_id` (None: nobody): `new` is a case logged
    with nobody on it, `in progress` one that somebody works (DESIGN.md "Case life"), so a new case
    that gets an assignee (logged with one, taken, or assigned by the secretary) is in progress, in
    the same transaction and the same event. Any other status stays: a waiting case reassigned still
    waits, and one unassigned keeps the status its work reached (it shows among the unassigned).

    START remains for a new case that has an assignee all the same: those logged or assigned before
    this rule (an assignment left them new until the assignee pressed "start work"), and an
    administrator's correction in the admin, which may give a new case an assignee and leave its
    status (a status corrected there moves only as `moves` allows)."""
    return S.IN_PROGRESS if status == S.NEW and assignee_id is not None else status


def who_may(who: Who, access, case: Case) -> bool:
    committee = case.committee_id
    manager = access.can(Perm.MANAGE_CASES, committee)
    if who == Who.MANAGER:
        return manager
    worker = access.can(Perm.LOG_CASE, committee)
    if who == Who.WORKER:
        return worker
    if who == Who.TAKER:
        return manager or (worker and case.assignee_id is None)
    # Who.ASSIGNEE
    return manager or (worker and case.assignee_id == access.user.pk)


def can(access, case: Case, action: Action) -> bool:
    """Whether this user may do `action` to the case now. A case the user may not see (sensitive and
    not theirs) is not theirs to act on either."""
    return why_not(access, case, action) is None


class Why(StrEnum):
    """Why an action on a case is refused (why_not): what the 403 page says of it (cases/refusals.py)."""

    HIDDEN = "hidden"  # sensitive, and not theirs: they may not see the case
    ROLE = "role"  # their role, or their part in the case (not its assignee), does not allow it
    STATUS = "status"  # not in the case's status
    TAKEN = "taken"  # taking a case someone has: the secretary reassigns (ASSIGN)
    NOT_CALLED = "not_called"  # closing before the follow-up call
    UNASSIGNED = "unassigned"  # starting work on a case nobody has: it is taken or assigned instead
    FILE = "file"  # removing a file someone else added (may_remove_attachment)


def why_not(access, case: Case, action: Action) -> Why | None:
    """Why this user may not do `action` to the case now (None: they may): the rule of `can`, with
    its reason, which a refusal carries to the 403 page. The reader's part before the case's status:
    a viewer is told their role does not resolve cases, not that this one is closed."""
    statuses, who = RULES[action]
    if not sees_sensitive(access, case):
        return Why.HIDDEN
    if action in (Action.EDIT, Action.PARTIES) and logger_corrects(access, case):
        return None  # new and nobody's: whoever logged it corrects it
    if action == Action.TAKE and case.assignee_id is not None:
        return Why.TAKEN  # taking is for unassigned cases; the secretary reassigns with ASSIGN
    if not who_may(who, access, case):
        return Why.ROLE
    if case.status not in statuses:
        return Why.STATUS
    if action == Action.CLOSE and not case.satisfaction:
        return Why.NOT_CALLED  # closed only after the follow-up call
    if action == Action.START and case.assignee_id is None:
        return Why.UNASSIGNED  # in progress means somebody works it: a new case is taken or assigned instead
    return None


def logger_corrects(access, case: Case) -> bool:
    """Whether this user logged the case and may still correct it: while it is new and nobody has
    it (left for the secretary), and they still work the committee's cases. The intake tells them
    to move a phone typed into the details to the resident's record, and a typo in the title is
    seen first by whoever typed it; until someone takes the case, nobody else would fix it."""
    return (
        case.status == S.NEW
        and case.assignee_id is None
        and case.created_by_id == access.user.pk
        and access.can(Perm.LOG_CASE, case.committee_id)
    )


def available(access, case: Case) -> set[Action]:
    return {action for action in Action if can(access, case, action)}


def may_remove_attachment(access, attachment) -> bool:
    """A file is removed by whoever added it (while they may still add files to the case) or by
    the committee's secretary: a photo taken by mistake (a resident's ID card, the wrong door) must
    be able to go, and nobody else's evidence should go by a slip of the thumb."""
    case = attachment.case
    if access.can(Perm.MANAGE_CASES, case.committee_id):
        return True
    return attachment.uploaded_by_id == access.user.pk and can(access, case, Action.ATTACH)


def sees_sensitive(access, case: Case) -> bool:
    """Whether this user may see this case: the rule of selectors.visible_cases, for one case."""
    user_id = access.user.pk
    return (
        not case.sensitive
        or access.can(Perm.MANAGE_CASES, case.committee_id)
        or case.assignee_id == user_id
        or case.created_by_id == user_id
    )


# The roles that work cases (log them, are assigned them): those granted LOG_CASE in roles.py.
CASE_WORKER_ROLES = tuple(
    Role(value) for value, _label in Role.membership_choices() if role_can(Role(value), Perm.LOG_CASE)
)


def case_workers(committee_ids: Iterable[int], *, include_inactive: bool = False) -> QuerySet[User]:
    """The staff who work cases in these committees: who may be assigned a case there. The case
    list's assignee filter includes deactivated accounts too (their cases still need finding)."""
    users = User.objects.filter(
        memberships__committee_id__in=list(committee_ids), memberships__role__in=CASE_WORKER_ROLES
    )
    if not include_inactive:
        users = users.filter(is_active=True)
    return users.distinct().order_by("full_name", "username")
