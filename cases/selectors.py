"""Reads of cases shared by pages and other apps (resident, household and building pages, the
dashboard). Every list is a fixed number of queries: related rows are joined or prefetched.

The querysets here are scoped by the default manager to the request's committees, and narrowed by
rules.visible_cases so that sensitive cases reach only those who may see them.
"""

from django.db.models import F, Prefetch, QuerySet

from cases.models import Case, CaseEvent, CaseParty, Referral
from cases.rules import visible_cases
from committee import scoping


def _current_access(access):
    """The access to judge sensitive cases by: the one given, else the active request's (the
    committee scope source of a request is its Access), else None (then no sensitive case is shown)."""
    if access is not None:
        return access
    source = scoping._current.get()
    return source if hasattr(source, "user") else None


def visible(queryset: QuerySet[Case], access=None) -> QuerySet[Case]:
    access = _current_access(access)
    if access is None:
        return queryset.filter(sensitive=False)
    return visible_cases(queryset, access)


def case_rows(queryset: QuerySet[Case] | None = None, access=None) -> QuerySet[Case]:
    """Cases ready for templates/cases/includes/case_rows.html: the related rows the row shows joined,
    and the outstanding referrals (Case.waiting_referral) prefetched for the rows shown only.

    (Not a subquery annotation: PostgreSQL evaluates it for every row before sorting, which costs
    a second on 50,000 cases; the prefetch is one more query, for the 25 rows of a page.)"""
    queryset = Case.objects.all() if queryset is None else queryset
    outstanding = Referral.objects.filter(replied_on__isnull=True).select_related("body")
    outstanding = outstanding.order_by("sent_on", "pk")
    return (
        visible(queryset, access)
        .select_related("category", "assignee", "building", "household__building", "committee")
        .prefetch_related(Prefetch("referrals", queryset=outstanding, to_attr="outstanding_referrals"))
    )


def _by_due(queryset: QuerySet[Case]) -> QuerySet[Case]:
    return queryset.order_by(F("closed_at").desc(nulls_first=True), "due_date", "pk")


def cases_for_resident(resident, access=None) -> QuerySet[Case]:
    ids = CaseParty.objects.filter(resident=resident).values("case_id")
    return _by_due(case_rows(Case.objects.filter(pk__in=ids), access))


def cases_for_household(household, access=None) -> QuerySet[Case]:
    ids = CaseParty.objects.filter(resident__household=household).values("case_id")
    queryset = Case.objects.filter(pk__in=ids) | Case.objects.filter(household=household)
    return _by_due(case_rows(queryset, access))


def cases_for_building(building, access=None) -> QuerySet[Case]:
    return _by_due(case_rows(Case.objects.filter(building=building), access))


def my_queue(access) -> QuerySet[Case]:
    """A worker's open cases, soonest due first."""
    return case_rows(
        Case.objects.filter(assignee=access.user, status__in=Case.OPEN_STATUSES), access
    ).order_by("due_date", "pk")


def unassigned(access, committee_ids) -> QuerySet[Case]:
    queryset = Case.objects.filter(
        assignee__isnull=True, status__in=Case.OPEN_STATUSES, committee_id__in=committee_ids
    )
    return case_rows(queryset, access).order_by("due_date", "pk")


def similar_open_cases(*, building, category, exclude_pk=None, access=None) -> QuerySet[Case]:
    """Open cases of one category at one building: the intake's hint against logging a duplicate."""
    if building is None or category is None:
        return Case.objects.none()
    queryset = Case.objects.filter(building=building, category=category, status__in=Case.OPEN_STATUSES)
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    return case_rows(queryset, access).order_by("-created_at")[:5]


def case_detail(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """One case with everything its page shows, in a fixed number of queries."""
    return queryset.select_related(
        "category",
        "assignee",
        "building",
        "household__building",
        "committee",
        "created_by",
        "duplicate_of",
        "visit__resident",
    ).prefetch_related(
        Prefetch("parties", queryset=CaseParty.objects.select_related("resident__household__building")),
        Prefetch("events", queryset=CaseEvent.objects.select_related("actor").order_by("-at", "-pk")),
        Prefetch("referrals", queryset=Referral.objects.select_related("body", "created_by")),
        Prefetch("follow_ups", queryset=_follow_ups()),
        "aid",
        Prefetch("attachments", queryset=_attachments()),
    )


def _follow_ups():
    from cases.models import FollowUp

    return FollowUp.objects.select_related("called_by").order_by("-called_on", "-pk")


def _attachments():
    from cases.models import Attachment

    return Attachment.objects.select_related("uploaded_by")
