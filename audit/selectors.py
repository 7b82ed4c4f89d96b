"""Reading the access log: a committee's records with filters, and who looked at one resident."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from audit.models import AccessRecord


def records(
    *,
    committee_ids: list[int],
    kind: str = "",
    who: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    resident=None,
) -> QuerySet[AccessRecord]:
    queryset = AccessRecord.objects.filter(committee_id__in=committee_ids)
    if kind:
        queryset = queryset.filter(kind=kind)
    if who:
        queryset = queryset.filter(Q(user__username__icontains=who) | Q(user__full_name__icontains=who))
    if date_from:
        queryset = queryset.filter(at__gte=_start_of(date_from))
    if date_to:
        queryset = queryset.filter(at__lt=_start_of(date_to + datetime.timedelta(days=1)))
    if resident is not None:
        queryset = queryset.filter(about_resident(resident))
    return queryset.select_related("user", "resident", "household__building", "case", "committee")


def about_resident(resident) -> Q:
    """Records that looked at this resident: their page or a reveal, their household's page, and the
    pages of cases they are a party to."""
    from cases.models import CaseParty

    cases = CaseParty.all_objects.filter(resident_id=resident.pk).values("case_id")
    return (
        Q(resident_id=resident.pk)
        | Q(household_id=resident.household_id, kind=AccessRecord.Kind.HOUSEHOLD)
        | Q(case_id__in=cases)
    )


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
