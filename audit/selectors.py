"""Reading the access log: a committee's records with filters, who looked at one resident, and a
page's repeated looks folded into one line."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from audit.models import AccessRecord
from audit.services import PAGE_VIEWS


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
        queryset = queryset.filter(at__gte=start_of(date_from))
    if date_to:
        queryset = queryset.filter(at__lt=start_of(date_to + datetime.timedelta(days=1)))
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


def start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# Page views of the same page by the same person within this of each other read as one line.
FOLD_WITHIN = datetime.timedelta(minutes=10)


@dataclass
class Line:
    """One line of the access log page: a record, or a run of the same person's looks at the same
    page (the newest first, as the page lists them) with how many and since when."""

    record: AccessRecord
    looks: list[AccessRecord] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.looks) + 1

    @property
    def first_at(self) -> datetime.datetime:
        return (self.looks[-1] if self.looks else self.record).at


def folded(records: Iterable[AccessRecord]) -> list[Line]:
    """A page of records (newest first) as lines, a person's repeated views of one page folded.

    Working one case for two minutes wrote eight identical "李敏 · 事项页面 · 事项 2026-0448" rows
    (every action's answer is the case page again, a reload, the page after a photo's upload), and
    they buried the looks that matter. Every look is still a row of its own: the log is append-only,
    and a look at personal data is recorded every time (LESSONS: who viewed which resident, kept at
    least six months); the export lists every row, and the line says how many looks it holds and
    from when to when. Only how the page reads is folded, and only page views: a reveal, an export,
    a search by a full number and an admin's page are acts of their own, one line each. Not folded
    when written (one row with a count, counted up): a record would then be changed after it was
    written, which an append-only log must not do, and a reader could not tell ten looks at 09:00
    and 09:40 from ten in one minute."""
    lines: list[Line] = []
    for record in records:
        last = lines[-1] if lines else None
        if last is not None and _same_look(last, record):
            last.looks.append(record)
        else:
            lines.append(Line(record))
    return lines


def _same_look(line: Line, record: AccessRecord) -> bool:
    head = line.record
    return (
        record.kind in PAGE_VIEWS
        and (record.kind, record.user_id, record.committee_id) == (head.kind, head.user_id, head.committee_id)
        and (record.resident_id, record.household_id, record.case_id)
        == (head.resident_id, head.household_id, head.case_id)
        and line.first_at - record.at <= FOLD_WITHIN
    )
