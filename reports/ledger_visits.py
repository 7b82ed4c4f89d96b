"""The ledger's visits sheet (走访): each visit, or each committee's counts.

A visit names a resident of the care roster, their home and what was found ("血压偏高，已提醒按时服
药"): the roster itself, with health notes. Those who may open the roster (VIEW_SENSITIVE: the
committee's secretary and workers) get every visit; the street and district officers, refused the
roster, got it all the same from this sheet (review 9, finding 2). They get what their role allows:
how many visits each committee made, by how, to how many residents, with how many needing follow-up.
Counts name no one, so they count every visit, a sensitive category's too: a count that left some
out without saying so would read as the committee's whole work.
"""

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from committee.models import Committee
from committee.roles import Perm
from common.masking import mask_numbers_in_text, mask_phone
from common.xlsx import Column, XlsxWriter
from reports.figures import start_of
from reports.forms import Choice

CHUNK = 1000


def names_visits(choice: Choice, access) -> bool:
    """Whether the sheet lists each visit: only when the reader may see the roster of every committee
    chosen (a file that named some committees' residents and counted others' would read as whole)."""
    return all(access.can(Perm.VIEW_SENSITIVE, cid) for cid in choice.committee_ids)


def month_visits(choice: Choice):
    from residents.models import Visit

    return Visit.objects.filter(
        committee_id__in=choice.committee_ids,
        visited_at__gte=start_of(choice.month),
        visited_at__lt=start_of(choice.month_end + dt.timedelta(days=1)),
    )


def rows_counted(choice: Choice, access, limit: int) -> int:
    """The sheet's rows, counted up to `limit` (ledger_too_large): the counts' are a few a committee."""
    if not names_visits(choice, access):
        return 0
    return month_visits(choice).order_by()[:limit].count()


def write_sheet(writer: XlsxWriter, choice: Choice, access, *, title: str) -> None:
    """In the active language (the ledger's)."""
    from residents.models import Visit

    labels = {value: str(label) for value, label in Visit._meta.get_field("method").flatchoices}
    if names_visits(choice, access):
        _each_visit(writer, choice, title=title, labels=labels)
    else:
        _counts(writer, choice, title=title, labels=labels)


def _each_visit(writer: XlsxWriter, choice: Choice, *, title: str, labels: dict) -> None:
    visits = (
        month_visits(choice)
        .select_related("committee", "visitor", "resident__household__building")
        .order_by("visited_at", "pk")
    )

    def rows():
        for visit in visits.iterator(chunk_size=CHUNK):
            resident = visit.resident
            yield (
                visit.committee.name,
                timezone.localtime(visit.visited_at),
                resident.name,
                mask_phone(resident.phone) if resident.phone else "",
                resident.household.address,
                labels.get(visit.method, visit.method),
                visit.visitor.display_name,
                mask_numbers_in_text(visit.findings),
                _("yes") if visit.follow_up_needed else "",
            )

    columns = [
        Column(_("Committee"), 14),
        Column(_("Visited at"), 17, "datetime"),
        Column(_("Resident"), 10),
        Column(_("Phone"), 14),
        Column(_("Address"), 28),
        Column(_("How"), 10),
        Column(_("Visited by"), 10),
        Column(_("What was found"), 40, "wrap"),
        Column(_("Follow-up needed"), 10),
    ]
    writer.sheet(title, columns, rows())


def _counts(writer: XlsxWriter, choice: Choice, *, title: str, labels: dict) -> None:
    names = dict(Committee.objects.filter(pk__in=choice.committee_ids).values_list("pk", "name"))
    counted = (
        month_visits(choice)
        .order_by()
        .values("committee_id", "method")
        .annotate(
            visits=Count("pk"),
            residents=Count("resident_id", distinct=True),
            follow_ups=Count("pk", filter=Q(follow_up_needed=True)),
        )
    )
    rows = sorted(
        (
            (
                names[c["committee_id"]],
                labels.get(c["method"], c["method"]),
                c["visits"],
                c["residents"],
                c["follow_ups"],
            )
            for c in counted
        ),
        key=lambda row: row[:2],
    )
    columns = [
        Column(_("Committee"), 14),
        Column(_("How"), 10),
        Column(pgettext("ledger column", "Visits"), 10),
        Column(_("Residents visited"), 12),
        Column(_("Follow-up needed"), 10),
    ]
    about = [
        _(
            "Each visit names a resident of the care roster and what was found: it is for the committee's "
            "secretary and workers. Here are each committee's counts."
        )
    ]
    writer.sheet(title, columns, rows, about=about)
