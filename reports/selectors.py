"""Reads the dashboard, the ledger and the exports need from cases and residents.

Every figure counts through `visible_cases`, the same rule the case list applies, so that a figure
and the list it links to agree for every user (a sensitive case a worker may not open is not counted
for them either).
"""

from django.db.models import Q, QuerySet

from cases.models import Case
from committee.roles import Perm, Role


def visible_cases(queryset: QuerySet[Case], access) -> QuerySet[Case]:
    """The cases of `queryset` this user may see: the cases app's rule when it has one (cases/rules.py).

    Until then, its documented rule: a sensitive case is seen by the committee's secretary, its
    assignee and whoever logged it.
    """
    try:
        from cases.rules import visible_cases as cases_rule
    except ImportError:
        cases_rule = None
    if cases_rule is not None:
        return cases_rule(queryset, access)
    if access.sees_everything:
        return queryset.filter(sensitive=False)
    secretary_of = [cid for cid, role in access.roles.items() if role == Role.SECRETARY]
    return queryset.filter(
        Q(sensitive=False)
        | Q(committee_id__in=secretary_of)
        | Q(assignee=access.user)
        | Q(created_by=access.user)
    )


def report_committee_ids(access) -> list[int]:
    return access.committees_where(Perm.VIEW_REPORTS)


def late_referral_rows(referrals) -> list:
    """The late referrals for a page: with their case and body, oldest expected reply first."""
    return list(referrals.select_related("case", "body").order_by("reply_expected_by", "pk")[:500])
