"""Fail-closed scoping of every query for committee-owned data.

Each request activates a scope: the set of committees its user may see (CommitteeScopeMiddleware).
The default manager of every committee-owned model filters by that scope, so a view that forgets a
filter still shows only the user's committees.

Code running with no scope at all (a management command, a thread, a background task that forgot
to say whose work it does) fails on its first query with ScopeError, naming the model: a silent
empty result would let a reminder job "succeed" while reminding nobody. The ways in are
`committee_scope(ids)` (exactly these committees), `unscoped()` (every committee, said out loud)
and, for work done on someone's behalf, `committee.access.acting_as(user)`. `Model.all_objects`
bypasses the scope for the few services that must look across committees (deployment-wide
uniqueness, numbering).
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import Protocol

from django.core.exceptions import FullResultSet
from django.db import models
from django.db.models import F, Lookup
from django.db.models.sql.where import AND


class ScopeSource(Protocol):
    """Anything that can say which committees are visible: a request's Access, or a fixed set."""

    @property
    def committee_ids(self) -> frozenset[int] | None: ...  # None means every committee


class _Fixed:
    def __init__(self, committee_ids: frozenset[int] | None) -> None:
        self.committee_ids = committee_ids


_EVERYTHING = _Fixed(None)
_current: ContextVar[ScopeSource | None] = ContextVar("needle_committee_scope", default=None)


def activate(source: ScopeSource) -> Token:
    return _current.set(source)


def deactivate(token: Token) -> None:
    _current.reset(token)


@contextmanager
def committee_scope(committee_ids: Iterable[int]) -> Iterator[None]:
    """Run a block as if the user could see exactly these committees."""
    token = activate(_Fixed(frozenset(committee_ids)))
    try:
        yield
    finally:
        deactivate(token)


@contextmanager
def unscoped() -> Iterator[None]:
    """Run a block that may see every committee: commands, seeding, the admin's superusers, tests."""
    token = activate(_EVERYTHING)
    try:
        yield
    finally:
        deactivate(token)


class ScopeError(RuntimeError):
    """A committee-owned model was queried with no committee scope active."""


def visible_committee_ids(model_name: str = "committee data") -> frozenset[int] | None:
    """The committees of the active scope; None when every committee is visible.

    Raises ScopeError when no scope is active: there is no safe answer to give."""
    source = _current.get()
    if source is None:
        raise ScopeError(
            f"{model_name} was queried outside any committee scope. Run the code inside "
            "committee_scope(ids), acting_as(user) or, where it must see every committee, unscoped()."
        )
    return source.committee_ids


class InIds(Lookup):
    """`InIds("committee_id", ids)`: the column among these ids, a condition for filter() and Q().

    For the lists of a street's or a district's committees (25–300) that the reports repeat in
    several places of each query. On PostgreSQL more than one id is written as one array constant,
    `committee_id = ANY('{1,2,3}'::bigint[])`, which is what the server makes of `IN (1, 2, 3)` but
    without a list of 300 constants to parse and coerce: the district overview's UNION ALL (ten
    such lists) took 17.5 ms to parse, plan and run against 10.9 ms (pgbench, 2,000,000 cases).
    One id is written `= 1::bigint`: a GIN index over (committee_id, search_key) (btree_gin) answers
    `bigint = bigint` but not `= ANY(...)`, and a plain 1 is an integer, which it does not answer
    either (a district's 222,736 cases with 积水 read for one committee's 733: 27 → 3 ms). Other
    databases get `IN (1, 2, 3)`. The ids are written into the SQL rather than passed as parameters:
    300 parameters a list cost Django's preparing of each value and the driver's parsing of each
    placeholder more than the query itself; int() keeps the text to digits."""

    lookup_name = "in_ids"
    prepare_rhs = False
    can_use_none_as_rhs = True

    def __init__(self, lhs, ids: Iterable[int] | None) -> None:
        if isinstance(lhs, str):
            lhs = F(lhs)
        super().__init__(lhs, None if ids is None else frozenset(int(pk) for pk in ids))

    def ids(self) -> frozenset[int] | None:
        return self.rhs

    def as_sql(self, compiler, connection):
        column, params = self.process_lhs(compiler, connection)
        return f"{column} {_among(self.ids(), connection)}", params


class _InScope(InIds):
    """The scope's condition, `committee_id` among the committees of the active scope, read when the
    query is compiled, not when it is built.

    Querysets are often built before any scope exists (a form field's choices at import time, say)
    and run later inside a request: reading the scope at compile time makes them see that request's
    committees. With no scope at all the query raises ScopeError instead of compiling.
    """

    def __init__(self, model_name: str) -> None:
        super().__init__("committee_id", None)
        self.model_name = model_name

    def ids(self) -> frozenset[int] | None:
        return visible_committee_ids(self.model_name)

    def as_sql(self, compiler, connection):
        if self._implied(compiler.query.where, self.ids()):
            raise FullResultSet  # the WHERE leaves this condition out
        return super().as_sql(compiler, connection)

    def _implied(self, where, scope: frozenset[int] | None) -> bool:
        """Whether the query already keeps the column among committees of the scope: an InIds on the
        same column, ANDed with everything else, whose ids are all in the scope (a street's or a
        district's committees, asked for by the reports). Written twice, the two arrays made
        PostgreSQL guess far too few rows and read every referral of a district rather than its
        partial index (34 ms against 2.6)."""
        return any(
            type(condition) is InIds
            and condition.lhs == self.lhs
            and condition.ids() is not None
            and (scope is None or condition.ids() <= scope)
            for condition in _conjuncts(where)
        )


def _conjuncts(node) -> Iterator:
    """The conditions a WHERE node ANDs at its top, through nested ANDs (not under OR or NOT)."""
    if getattr(node, "connector", None) != AND or node.negated:
        return
    for child in node.children:
        if hasattr(child, "connector"):
            yield from _conjuncts(child)
        else:
            yield child


def _among(ids: frozenset[int] | None, connection) -> str:
    """The SQL after the column for "among these ids" (InIds); None is every committee."""
    if ids is None:
        return "IN (SELECT id FROM committee_committee)"
    if not ids:
        return "IN (NULL)"
    numbers = [str(int(pk)) for pk in sorted(ids)]
    if connection.vendor != "postgresql":
        return f"IN ({', '.join(numbers)})"
    if len(numbers) == 1:
        return f"= {numbers[0]}::bigint"
    return f"= ANY('{{{','.join(numbers)}}}'::bigint[])"


class CommitteeScopedManager(models.Manager):
    """The default manager of committee-owned models: every queryset is limited to the active scope."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(_InScope(self.model.__name__))
