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

from django.db import models
from django.db.models import Expression


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


class _VisibleCommitteeIds(Expression):
    """The right-hand side of `committee_id IN (...)`, read when the query runs, not when it is built.

    Querysets are often built before any scope exists (a form field's choices at import time, say)
    and run later inside a request: reading the scope at compile time makes them see that request's
    committees. With no scope at all the query raises ScopeError instead of compiling.
    """

    def __init__(self, model_name: str) -> None:
        super().__init__()
        self.model_name = model_name

    def as_sql(self, compiler, connection):
        ids = visible_committee_ids(self.model_name)
        if ids is None:
            return "(SELECT id FROM committee_committee)", []
        if not ids:
            return "(NULL)", []
        return _numbers(ids, connection), []


class Ids(Expression):
    """Ids for `committee_id__in=Ids(ids)`, written into the SQL as numbers (see _numbers).

    For the lists of a street's or a district's committees (25–300) that the reports repeat in
    several places of each query."""

    def __init__(self, ids: Iterable[int]) -> None:
        super().__init__()
        self.ids = frozenset(int(pk) for pk in ids)

    def as_sql(self, compiler, connection):
        return (_numbers(self.ids, connection), []) if self.ids else ("(NULL)", [])


def _numbers(ids: Iterable[int], connection) -> str:
    """ "(1, 2, 3)": ids written into the SQL as numbers rather than one parameter each. The server
    sees the same values either way (psycopg binds on the client), but 300 parameters a list cost
    Django's preparing of each value and the driver's parsing of each placeholder more than the
    query itself (the district overview had 1,900 of them). int() keeps the text to digits.

    On PostgreSQL each is a bigint, the type of every committee_id: a plain 1 is an integer, and
    a GIN index over (committee_id, search_key) (btree_gin) answers only `bigint = bigint` — with
    an integer the planner left the committee out of it and read every committee's matches of a
    search word (a district's 222,736 cases with 积水 for one committee's 733: 27 → 3 ms)."""
    cast = "::bigint" if connection.vendor == "postgresql" else ""
    return "(" + ", ".join(f"{int(pk)}{cast}" for pk in sorted(ids)) + ")"


class CommitteeScopedManager(models.Manager):
    """The default manager of committee-owned models: every queryset is limited to the active scope."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(committee_id__in=_VisibleCommitteeIds(self.model.__name__))
