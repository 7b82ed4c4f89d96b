"""The transition rules as a table: role × status × action, read straight from this file."""

import pytest

from cases import rules
from cases.models import Case
from cases.rules import Action
from committee.access import Access
from committee.roles import Role
from tests.factories import make_user

# Who may do each action in each status, on a case assigned to worker A ("A"); taking is for
# unassigned cases only (see the next test).
# S = secretary, A = the assignee (a worker), W = another worker of the committee,
# V = viewer, O = street officer, U = superuser. "-" = nobody.
TABLE = """
action     new     in_progress  waiting  resolved  closed
take       -       -            -        -         -
assign     S       S            S        -         -
edit       SA      SA           SA       -         -
start      SA      -            -        -         -
wait       SA      SA           -        -         -
resume     -       -            SA       -         -
resolve    SA      SA           SA       -         -
follow_up  -       -            -        SA        -
close      -       -            -        S         -
withdraw   S       S            S        -         -
duplicate  S       S            S        -         -
reopen     -       -            -        S         S
ask_reopen -       -            -        SAW       SAW
decline_reopen -   -            -        S         S
note       SAW     SAW          SAW      SAW       SAW
join       SAW     SAW          SAW      -         -
refer      SA      SA           SA       -         -
chase      SA      SA           SA       -         -
reply      SA      SA           SA       SA        -
aid        SA      SA           SA       SA        -
attach     SAW     SAW          SAW      SAW       SAW
parties    SA      SA           SA       SA        -
"""


def _table() -> list[tuple[str, str, str]]:
    lines = [line.split() for line in TABLE.strip().splitlines()]
    statuses = lines[0][1:]
    rows = []
    for action, *cells in lines[1:]:
        for status, who in zip(statuses, cells, strict=True):
            rows.append((action, status, "" if who == "-" else who))
    return rows


def test_the_table_covers_every_action_and_status():
    rows = _table()
    assert {r[0] for r in rows} == {a.value for a in Action}
    assert {r[1] for r in rows} == {s.value for s in Case.Status}


@pytest.fixture
def people(org):
    other = make_user("worker_a2", committee=org.a, role=Role.WORKER)
    return {
        "S": org.secretary_a,
        "A": org.worker_a,
        "W": other,
        "V": org.viewer_a,
        "O": org.officer,
        "U": org.superuser,
    }


@pytest.mark.django_db
def test_role_status_action_table(org, people):
    accesses = {code: Access(user) for code, user in people.items()}
    failures = []
    for action, status, allowed in _table():
        # Closing needs a follow-up first: the resolved case in the table has had its call.
        case = Case(
            committee=org.a,
            status=status,
            assignee=org.worker_a,
            created_by=org.worker_a,
            satisfaction="satisfied" if status in {"resolved", "closed"} else "",
        )
        for code, access in accesses.items():
            got = rules.can(access, case, Action(action))
            if got != (code in allowed):
                failures.append(f"{action} on {status} by {code}: {'allowed' if got else 'refused'}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_any_worker_takes_an_unassigned_case_but_readers_do_not(org, people):
    case = Case(committee=org.a, status="new", assignee=None, created_by=org.secretary_a)
    allowed = {code for code, user in people.items() if rules.can(Access(user), case, Action.TAKE)}
    assert allowed == {"S", "A", "W"}


@pytest.mark.django_db
def test_closing_needs_the_follow_up_call(org):
    case = Case(committee=org.a, status="resolved", assignee=org.worker_a, created_by=org.worker_a)
    assert not rules.can(Access(org.secretary_a), case, Action.CLOSE)
    case.satisfaction = "mostly"
    assert rules.can(Access(org.secretary_a), case, Action.CLOSE)


@pytest.mark.django_db
def test_worker_of_another_committee_may_do_nothing(org):
    access = Access(org.worker_b)
    case = Case(committee=org.a, status="new", assignee=None, created_by=org.worker_a)
    assert rules.available(access, case) == set()
