"""Who the current user is in each committee, and access helpers for objects fetched by id.

`request.access` (set by CommitteeScopeMiddleware) answers two questions: which committees the user
may see (the scope of every query, see scoping.py) and what the user may do in each (roles.py).
Objects by id come only through `get_for_user`: outside the user's committees the scoped manager
finds nothing (404); inside but without the permission, 403.
"""

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import F, Value
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from committee import scoping
from committee.models import Committee, Membership
from committee.roles import Perm, Role, role_can
from common import refdata

# How specific a post is (lower wins when a user holds several over one committee).
_RANK = {Role.STREET_OFFICER: 1, Role.DISTRICT_OFFICER: 2}
_RANK.update(dict.fromkeys((Role.SECRETARY, Role.WORKER, Role.VIEWER, Role.ADMIN), 0))


_SOMEONE = -7_654_321  # stands for the user's id in the compiled roles query


def _roles_query(user_id: int) -> models.QuerySet:
    """(committee id, role) of a user's memberships, street posts and district posts."""
    memberships = Membership.objects.filter(user_id=user_id).order_by().values_list("committee_id", "role")
    street_posts = (
        Committee.objects.filter(street__officers__user_id=user_id)
        .order_by()
        .values_list("id", Value(Role.STREET_OFFICER.value))
    )
    district_posts = (
        Committee.objects.filter(street__district__officers__user_id=user_id)
        .order_by()
        .values_list("id", Value(Role.DISTRICT_OFFICER.value))
    )
    return memberships.union(street_posts, district_posts, all=True)


@functools.cache
def _roles_sql(using: str) -> tuple[str, tuple]:
    """The roles query compiled once per database: every page runs it, and compiling a union of
    three joined queries cost more than the database took to answer it (3.8 ms against 0.1 ms on
    a loaded machine). The ORM still writes the SQL; only the user's id changes."""
    return _roles_query(_SOMEONE).query.get_compiler(using=using).as_sql()


class Place(NamedTuple):
    """Where a committee sits: Access.committee_places' rows (plain values, kept in the cache)."""

    committee_id: int
    committee: str
    street_id: int
    street: str
    district_id: int | None  # a street of a deployment without districts has none
    district: str


class Access:
    def __init__(self, user) -> None:
        self.user = user

    @cached_property
    def roles(self) -> dict[int, Role]:
        """committee id → the user's role there, in one query (memberships and street posts together)."""
        user = self.user
        if not user.is_authenticated or not user.is_active or user.is_superuser:
            return {}
        # Always the primary, also inside a view that reads the replica (common/db_routers.py): who
        # may see what is never decided from a copy that may be seconds behind a removed post.
        using = DEFAULT_DB_ALIAS
        sql, params = _roles_sql(using)
        with connections[using].cursor() as cursor:
            cursor.execute(sql, [user.pk if param == _SOMEONE else param for param in params])
            rows = cursor.fetchall()
        roles: dict[int, Role] = {}
        for committee_id, role in rows:
            # The most specific post wins: a committee role, then a street post, then a district post.
            role = Role(role)
            if committee_id not in roles or _RANK[role] < _RANK[roles[committee_id]]:
                roles[committee_id] = role
        return roles

    @cached_property
    def sees_everything(self) -> bool:
        # Kept, as the roles are: asked once per committee of a district officer's 300 (access.role),
        # each through the request's lazy user, it cost the committees side by side ~3 ms.
        return bool(self.user.is_authenticated and self.user.is_active and self.user.is_superuser)

    @property
    def committee_ids(self) -> frozenset[int] | None:
        """The scope of every query: None means every committee (superusers only)."""
        if self.sees_everything:
            return None
        return frozenset(self.roles)

    @property
    def oversees_district(self) -> bool:
        """A district officer (of a district with committees), or a superuser: the district overview."""
        return self.sees_everything or Role.DISTRICT_OFFICER in self.roles.values()

    def role(self, committee: Committee | int) -> Role | None:
        committee_id = committee if isinstance(committee, int) else committee.pk
        if self.sees_everything:
            return Role.ADMIN
        return self.roles.get(committee_id)

    def can(self, perm: Perm, committee: Committee | int) -> bool:
        return role_can(self.role(committee), perm)

    def require(self, perm: Perm, committee: Committee | int) -> None:
        if not self.can(perm, committee):
            raise PermissionDenied(perm)  # the 403 page names who may (needle/views.py)

    def can_anywhere(self, perm: Perm) -> bool:
        """Whether the user may do this in at least one committee (to show a menu item, say)."""
        if self.sees_everything:
            return role_can(Role.ADMIN, perm)
        return any(role_can(role, perm) for role in self.roles.values())

    def committees(self) -> models.QuerySet[Committee]:
        """The committees the user may see, for pickers and overviews."""
        queryset = Committee.objects.select_related("street")
        if self.sees_everything:
            return queryset
        if not self.roles:
            return queryset.none()
        # One array constant, not a parameter per committee: a district officer's 300 made the
        # committees side by side's list of them 7.6 ms against 2.2 (scoping.InIds).
        return queryset.filter(scoping.InIds("id", self.roles))

    def committee_names(self) -> list[tuple[int, str, str]]:
        """(id, name, street name) of the committees the user may see, by street and name: what
        pickers and the home page show, kept in the cache (common/refdata.py), not queried per page."""
        ids = self.committee_ids

        def read() -> list[tuple[int, str, str]]:
            committees = Committee.objects.all()  # by street, then name
            if ids is not None:
                committees = committees.filter(pk__in=ids)
            return list(committees.values_list("pk", "name", "street__name"))

        return refdata.cached("committees", f"names:{refdata.ids_key(ids)}", read)

    def committee_places(self) -> list["Place"]:
        """Where each committee the user may see sits (Place: its name, street and district), by
        district, street and name: the case list's street and district filters and the home page's
        posts, from the cache like committee_names. Nothing a user may see is decided on it: the
        scope reads the database."""
        ids = self.committee_ids

        def read() -> list[Place]:
            # Streets with no district last on both databases (SQLite puts NULL first, PostgreSQL last).
            district = F("street__district__name").asc(nulls_last=True)
            committees = Committee.objects.order_by(district, "street__name", "name", "pk")
            if ids is not None:
                committees = committees.filter(pk__in=ids)
            columns = (
                "pk",
                "name",
                "street_id",
                "street__name",
                "street__district_id",
                "street__district__name",
            )
            return [
                Place(pk, name, sid, street, did, district or "")
                for pk, name, sid, street, did, district in committees.values_list(*columns)
            ]

        return refdata.cached("committees", f"places:{refdata.ids_key(ids)}", read)

    def committees_where(self, perm: Perm) -> list[int]:
        """Ids of the committees where the user may do this."""
        if self.sees_everything:
            return list(Committee.objects.values_list("pk", flat=True)) if role_can(Role.ADMIN, perm) else []
        return [cid for cid, role in self.roles.items() if role_can(role, perm)]


def get_for_user[M: models.Model](
    request: HttpRequest, queryset: models.QuerySet[M] | type[M], perm: Perm, **lookup
) -> M:
    """Fetch one committee-owned object by id for this request: 404 outside the user's committees
    (the scoped manager cannot see it), 403 when the user's role there does not allow `perm`."""
    obj = get_object_or_404(queryset, **lookup)
    request.access.require(perm, obj.committee_id)
    return obj


@contextmanager
def acting_as(user) -> Iterator[Access]:
    """Run a block with the scope and permissions `user` has in a request: a background task doing
    one person's work, or a test calling a service as that person. Yields their Access."""
    access = Access(user)
    token = scoping.activate(access)
    try:
        yield access
    finally:
        scoping.deactivate(token)
