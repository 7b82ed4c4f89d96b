"""Reads of cases shared by pages and other apps (the case list and page, resident, household and
building pages, the home queue, the dashboard, ledger, summary and exports). Every list is a fixed
number of queries: related rows are joined or prefetched.

Every read of cases starts from `visible_cases(access)`: the committee scope (the default manager)
limits it to the user's committees, and the sensitive-case rule to the cases this user may see. The
access is always passed in, never guessed from the running request.
"""

import datetime
import functools

from django.db import connections, models
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, prefetch_related_objects
from django.utils import timezone

from cases.models import Aid, Attachment, Case, CaseEvent, CaseParty, FollowUp, Referral
from committee.access import Access
from committee.roles import Perm
from committee.scoping import committee_scope, unscoped, visible_committee_ids
from common.kept import PLACEHOLDER, Kept


def visible_cases(access: Access, cases: QuerySet[Case] | None = None) -> QuerySet[Case]:
    """The cases (of `cases`, by default all) this user may see: every case of their committees but
    the sensitive ones not theirs to see (rules.sees_sensitive is the same rule for one case)."""
    cases = Case.objects.all() if cases is None else cases
    return cases.filter(_visible(access.user.pk, access.committees_where(Perm.MANAGE_CASES)))


def _visible(user_id: int | None, managing) -> Q:
    """visible_cases' rule for the reader `user_id` who manages the cases of `managing`. The late
    referrals apply the same rule to each referral's copy of its case (reports.figures.late_referral_parts):
    a change here is a change there."""
    allowed = Q(sensitive=False) | Q(committee_id__in=managing)
    if user_id is not None:
        allowed |= Q(assignee_id=user_id) | Q(created_by_id=user_id)
    return allowed


def case_rows(access: Access, cases: QuerySet[Case] | None = None) -> QuerySet[Case]:
    """Visible cases ready for templates/cases/includes/case_rows.html: the related rows a row shows
    joined, and the outstanding referrals (Case.waiting_referral: "with {body} for N days")
    prefetched for the rows shown only.

    (Not a subquery annotation: PostgreSQL evaluates it for every row before sorting, which costs
    a second on 50,000 cases; the prefetch is one more query, for the 25 rows of a page.)"""
    return (
        visible_cases(access, cases)
        .select_related("category", "assignee", "building", "household__building", "committee")
        .prefetch_related(waiting_referrals())
    )


def waiting_referrals() -> Prefetch:
    """The prefetch of Case.waiting_referral's rows (case_rows')."""
    outstanding = Referral.objects.filter(replied_on__isnull=True)
    return Prefetch(
        "referrals", queryset=outstanding.order_by("sent_on", "pk"), to_attr="outstanding_referrals"
    )


def with_waiting_referral(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The rows of a page already chosen by id (the case list's second step), with the oldest
    waiting referral's body and day sent read in their own query (Case.waiting_referral) instead
    of prefetched by another: two subqueries for the 25 rows of a page. Not for a query that sorts
    or limits (see case_rows: PostgreSQL would run them for every row before sorting)."""
    waiting = Referral.objects.filter(case=OuterRef("pk"), replied_on__isnull=True).order_by("sent_on", "pk")
    return cases.prefetch_related(None).annotate(
        waiting_body_id=Subquery(waiting.values("body_id")[:1]),
        waiting_sent_on=Subquery(waiting.values("sent_on")[:1]),
    )


# The case list's page: its ids from the list's own query (with the capped count, one query:
# common/paging.py), then the rows of those ids from page_rows, by id.
PAGE_SIZE = 25
_NO_ROW = 0  # an id no case has: the slots of a page shorter than PAGE_SIZE
_ID_SLOTS = tuple(PLACEHOLDER - i for i in range(PAGE_SIZE))


def page_rows(access: Access, ids: list[int]) -> list[Case]:
    """The case list's second step: the rows of the page's ids (at most PAGE_SIZE) that this user
    may see, their place joined (the other names come from the cache: cases/reference.py), with
    with_waiting_referral's two columns, in no order (the caller puts them in the page's). One
    query, its SQL compiled once for each database, scope and reader (_page_rows_kept), each id a
    parameter in a slot of its own: compiling it (three joins, two subqueries, the visibility
    rule) cost the list about 3 ms of Python a request, more than the database took to answer."""
    if len(ids) > PAGE_SIZE:
        raise ValueError(f"{len(ids)} ids: a page has at most {PAGE_SIZE}")
    kept = _page_rows_kept(
        Case.objects.db,
        visible_committee_ids("Case"),
        access.user.pk,
        tuple(sorted(access.committees_where(Perm.MANAGE_CASES))),
    )
    return kept.rows(**{f"id{i}": (ids[i] if i < len(ids) else _NO_ROW) for i in range(PAGE_SIZE)})


@functools.lru_cache(maxsize=512)
def _page_rows_kept(
    using: str, scope: frozenset[int] | None, user_id: int | None, managing: tuple[int, ...]
) -> Kept:
    """page_rows' query compiled for the database `using` under the committee scope `scope`
    (written into its SQL) for the reader `user_id` who manages the cases of `managing`, the
    page's ids placeholders: its SQL is a function of these arguments and of nothing else. No
    ORDER BY: compiling Case's default ordering was about a fifth of this query's cost in Python."""
    with committee_scope(scope) if scope is not None else unscoped():
        cases = Case.objects.using(using).select_related("building", "household__building")
        rows = with_waiting_referral(cases.filter(_visible(user_id, managing), pk__in=_ID_SLOTS)).order_by()
        return Kept(rows, **{f"id{i}": slot for i, slot in enumerate(_ID_SLOTS)})


def read_waiting_referrals(cases: list[Case]) -> None:
    """with_waiting_referral's two columns for rows already read (the home page's two lists), from
    one query of plain values: the oldest waiting referral's body and day sent per case. Lighter in
    Python than prefetching Referral rows, and than the subqueries in the lists' own queries."""
    found: dict[int, tuple] = {}
    waiting = Referral.objects.filter(case_id__in=[case.pk for case in cases], replied_on__isnull=True)
    oldest_first = waiting.order_by("sent_on", "pk").values_list("case_id", "body_id", "sent_on")
    for case_id, body_id, sent_on in oldest_first:
        found.setdefault(case_id, (body_id, sent_on))
    for case in cases:
        case.waiting_body_id, case.waiting_sent_on = found.get(case.pk, (None, None))


def _by_due(queryset: QuerySet[Case]) -> QuerySet[Case]:
    return queryset.order_by(F("closed_at").desc(nulls_first=True), "due_date", "pk")


def cases_for_resident(resident, access: Access) -> QuerySet[Case]:
    ids = CaseParty.objects.filter(resident=resident).values("case_id")
    return _by_due(case_rows(access, Case.objects.filter(pk__in=ids)))


def cases_for_household(household, access: Access) -> QuerySet[Case]:
    """The household's cases: about the household, or with one of its residents as a party. The ids
    as one UNION ALL: OR-ed, the two made PostgreSQL read every case of a district officer's 300
    committees by the household index's order (2,000,000 cases: 973 ms against a few)."""
    ids = CaseParty.objects.filter(resident__household=household).values("case_id")
    ids = ids.union(Case.objects.filter(household=household).values("pk"), all=True)
    return _by_due(case_rows(access, Case.objects.filter(pk__in=ids)))


def cases_for_building(building, access: Access) -> QuerySet[Case]:
    return _by_due(case_rows(access, Case.objects.filter(building=building)))


def my_queue(access: Access) -> QuerySet[Case]:
    """A worker's open cases, soonest due first."""
    return _my_queue(access.user.pk, access.committees_where(Perm.MANAGE_CASES))


def unassigned(access: Access, committee_ids) -> QuerySet[Case]:
    """The open cases nobody has in `committee_ids`, soonest due first."""
    return _unassigned(access.user.pk, access.committees_where(Perm.MANAGE_CASES), committee_ids)


def _my_queue(user_id: int | None, managing) -> QuerySet[Case]:
    open_cases = Case.objects.filter(status__in=Case.OPEN_STATUSES)
    mine = open_cases.filter(_visible(user_id, managing), assignee_id=user_id)
    return mine.select_related("building", "household__building").order_by("due_date", "pk")


def _unassigned(user_id: int | None, managing, committee_ids) -> QuerySet[Case]:
    cases = Case.objects.filter(
        _visible(user_id, managing),
        assignee__isnull=True,
        status__in=Case.OPEN_STATUSES,
        committee_id__in=committee_ids,
    )
    return cases.select_related("building", "household__building").order_by("due_date", "pk")


def queue_rows(access: Access, committee_ids, size: int) -> tuple[list[Case], list[Case]]:
    """The first `size` rows of my_queue and of unassigned(committee_ids), read with their SQL
    compiled once for each set of what it depends on (_queue_kept): compiling the two cost the
    worker's home about as much Python as reading their rows."""
    mine, nobodys = _queue_kept(
        Case.objects.db,
        visible_committee_ids("Case"),
        access.user.pk,
        tuple(sorted(access.committees_where(Perm.MANAGE_CASES))),
        tuple(sorted(committee_ids)),
        size,
    )
    return mine.rows(), nobodys.rows()


@functools.lru_cache(maxsize=512)
def _queue_kept(
    using: str,
    scope: frozenset[int] | None,
    user_id: int | None,
    managing: tuple[int, ...],
    committee_ids: tuple[int, ...],
    size: int,
) -> tuple[Kept, Kept]:
    """my_queue's and unassigned's first `size` rows compiled for the database `using` under the
    committee scope `scope` (written into their SQL) for the reader `user_id` who manages the
    cases of `managing`: their SQL is a function of these arguments and of nothing else."""
    with committee_scope(scope) if scope is not None else unscoped():
        return (
            Kept(_my_queue(user_id, managing).using(using)[:size]),
            Kept(_unassigned(user_id, managing, committee_ids).using(using)[:size]),
        )


def similar_open_cases(access: Access, *, building, category, exclude_pk=None) -> QuerySet[Case]:
    """Open cases of one category at one building: the intake's hint against logging a duplicate."""
    if building is None or category is None:
        return Case.objects.none()
    cases = Case.objects.filter(building=building, category=category, status__in=Case.OPEN_STATUSES)
    if exclude_pk:
        cases = cases.exclude(pk=exclude_pk)
    return case_rows(access, cases).order_by("-created_at")[:5]


def same_work_order(access: Access, *, committee_id, number: str) -> list[Case]:
    """The cases of one committee this user may see that carry the 12345 work order `number` (its
    letters in either case), newest first: the intake's word against logging one order twice, which
    two staff entering it from the hotline's platform did. A case the user may not see (another
    committee's, a sensitive one not theirs) is not looked at: the word names no case it cannot open."""
    if not number or committee_id is None:
        return []
    cases = Case.objects.filter(committee_id=committee_id, work_order_number__iexact=number)
    return list(case_rows(access, cases).order_by("-created_at")[:3])


def recent_at_household(
    access: Access, *, household, category=None, days: int = 30, exclude=()
) -> QuerySet[Case]:
    """Open cases of one household logged in the last `days` days: the intake's second hint (a
    family that called about the drain last week is probably calling about the same drain), each
    offered to join as its reporter. Open only: a resolved or closed case takes no more reporters
    (rules: JOIN), and a problem back after it was dealt with is a reopening or a new case. Of any
    kind, those of `category` first: a category is the worker's guess, often made after this hint
    first shows (water through the ceiling is 排水积水 to one worker, 邻里纠纷 to another); the
    building's hint (similar_open_cases) is the one held to the category."""
    if household is None:
        return Case.objects.none()
    since = timezone.now() - datetime.timedelta(days=days)
    cases = Case.objects.filter(
        household=household, created_at__gte=since, status__in=Case.OPEN_STATUSES
    ).exclude(pk__in=list(exclude))
    order = ["-created_at"]
    if category is not None:
        order.insert(0, models.Case(models.When(category=category, then=0), default=1))  # this kind first
    return case_rows(access, cases).order_by(*order)[:5]


def case_detail(access: Access, pk: int) -> Case | None:
    """The case `pk` if this user may see it (None otherwise), with what the case page shows: its
    parties (`case.party_rows`) and timeline (`case.timeline`, newest first), and whether it has
    referrals, follow-up calls, aid and files (`has_<name>`, read in the case's own query):
    case_children_of(case) then reads only those it has. Most cases have none of them, and a query
    that finds nothing costs its round trip all the same. At most 7 queries, whatever the number
    of rows. The case's, parties' and timeline's queries are compiled once for each set of what
    their SQL depends on (_detail_kept): compiling them cost the case page more Python than the
    database took to answer them."""
    using = Case.objects.db
    low, high = connections[using].ops.integer_field_range(Case._meta.pk.get_internal_type())
    if not low <= pk <= high:
        return None  # as a lookup of the ORM answers an id out of the column's range: no such case
    case_query, parties, timeline = _detail_kept(
        using,
        visible_committee_ids("Case"),
        access.user.pk,
        tuple(sorted(access.committees_where(Perm.MANAGE_CASES))),
    )
    found = case_query.rows(pk=pk)
    if not found:
        return None
    case = found[0]
    case.party_rows = parties.rows(pk=pk)
    case.timeline = timeline.rows(pk=pk)
    # As a prefetch would: each row knows its case without a query.
    for row in (*case.party_rows, *case.timeline):
        type(row).case.field.set_cached_value(row, case)
    return case


@functools.lru_cache(maxsize=512)
def _detail_kept(
    using: str, scope: frozenset[int] | None, user_id: int | None, managing: tuple[int, ...]
) -> tuple[Kept, Kept, Kept]:
    """case_detail's three queries compiled for the database `using` under the committee scope
    `scope` (written into their SQL) for the reader `user_id` who manages the cases of
    `managing`, with the case's id a placeholder: their SQL is a function of these arguments and
    of nothing else. The category's, committee's and people's names come from the cache
    (cases/reference.py: _detail_context's `names`); each relation joined here cost more to plan
    than to read."""
    with committee_scope(scope) if scope is not None else unscoped():
        cases = Case.objects.using(using).filter(_visible(user_id, managing), pk=PLACEHOLDER).order_by()
        case = cases.select_related("building", "household__building", "duplicate_of", "visit__resident")
        case = case.annotate(
            **{
                f"has_{name}": Exists(model.objects.filter(case=OuterRef("pk")))
                for name, (model, _rows) in _CHILDREN.items()
            }
        )
        parties = CaseParty.objects.using(using).filter(case_id=PLACEHOLDER)
        events = CaseEvent.objects.using(using).filter(case_id=PLACEHOLDER)
        return (
            Kept(case, pk=PLACEHOLDER),
            Kept(parties.select_related("resident__household__building"), pk=PLACEHOLDER),
            Kept(events.select_related("actor").order_by("-at", "-pk"), pk=PLACEHOLDER),
        )


# The rows under a case that many cases do not have: name → (model, the prefetch that reads them).
_CHILDREN = {
    "referrals": (
        Referral,
        Prefetch("referrals", queryset=Referral.objects.select_related("body", "created_by")),
    ),
    "follow_ups": (
        FollowUp,
        Prefetch(
            "follow_ups", queryset=FollowUp.objects.select_related("called_by").order_by("-called_on", "-pk")
        ),
    ),
    "aid": (Aid, Prefetch("aid")),
    "attachments": (
        Attachment,
        Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by")),
    ),
}


def _fresh(prefetch: Prefetch) -> Prefetch:
    queryset = prefetch.queryset.all() if prefetch.queryset is not None else None
    return Prefetch(prefetch.prefetch_through, queryset=queryset)


def case_children_of(case: Case) -> dict[str, list]:
    """The referrals, follow-up calls, aid and files of a case from case_detail: a query for each
    kind the case has (`has_<name>`), none for the others."""
    present = [name for name in _CHILDREN if getattr(case, f"has_{name}", True)]
    # Copies: prefetching writes the case into its Prefetch's queryset (as a routing hint), and a
    # module-level one would keep the last case read, and be written by two threads at once.
    prefetch_related_objects([case], *(_fresh(_CHILDREN[name][1]) for name in present))
    return {name: list(getattr(case, name).all()) if name in present else [] for name in _CHILDREN}


def case_children[M](access: Access, model: type[M]) -> QuerySet[M]:
    """Rows under a case (a referral, an aid record, a file) reached only through a case this user
    may see: a row of a sensitive case is as hidden as the case."""
    return model.objects.filter(case__in=visible_cases(access))
