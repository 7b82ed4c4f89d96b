"""The monthly ledger (台账) and the case-list export, as streamed .xlsx workbooks.

Headers and sheet names are in Chinese whatever the page language: the ledger is handed to the
street as it is. Personal numbers are masked (the same rules as the pages), and so are numbers
typed into free text. Rows come from queryset iterators in chunks, never a whole list in memory.
"""

import datetime as dt

from django.conf import settings
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from audit import exported
from audit import services as audit
from cases.filters import CaseFilterForm, filter_cases
from cases.models import Aid, Case, CaseParty, Referral
from cases.selectors import visible_cases
from committee.roles import Perm
from common import exports
from common.hidden_searches import with_search
from common.masking import mask_id_number, mask_numbers_in_text, mask_phone
from common.xlsx import Column, XlsxWriter
from reports import ledger_visits
from reports.figures import start_of
from reports.forms import Choice
from residents import services as resident_services
from residents.selectors import full_number_kinds

CHUNK = 1000
LEDGER_LANGUAGE = "zh-hans"


def _date(value: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(value) if value else None


def _labels(model, field: str) -> dict:
    """A choice field's labels by value, translated once for a whole sheet: get_FOO_display()
    translates again, and hashes the field's choices, on every row (a third of the time of a
    10,000-case export). Read inside the sheet's rows, in the ledger's language."""
    return {value: str(label) for value, label in model._meta.get_field(field).flatchoices}


def _party(party: CaseParty, roles: dict) -> str:
    phone = mask_phone(party.resident.phone) if party.resident.phone else ""
    details = "，".join(x for x in (roles.get(party.role, ""), phone) if x)
    return f"{party.resident.name}（{details}）"


def _parties_prefetch() -> Prefetch:
    return Prefetch("parties", queryset=CaseParty.objects.select_related("resident").order_by("pk"))


def case_columns() -> list[Column]:
    return [
        Column(_("Case number"), 11),
        Column(_("Committee"), 14),
        Column(_("Logged on"), 12, "date"),
        Column(_("Source"), 10),
        Column(_("Category"), 12),
        Column(_("Location"), 26),
        Column(_("Parties"), 30, "wrap"),
        Column(_("Summary"), 36, "wrap"),
        Column(_("Assignee"), 10),
        Column(_("Status"), 9),
        Column(_("Due date"), 12, "date"),  # what an export of the overdue cases is about
        Column(_("Resolved on"), 12, "date"),
        Column(_("Satisfaction"), 12),
        Column(_("Resolution"), 36, "wrap"),
    ]


def case_rows(queryset):
    queryset = queryset.select_related(
        "committee", "category", "assignee", "building", "household__building"
    ).prefetch_related(_parties_prefetch())
    sources, statuses = _labels(Case, "source"), _labels(Case, "status")
    satisfaction, roles = _labels(Case, "satisfaction"), _labels(CaseParty, "role")
    for case in queryset.iterator(chunk_size=CHUNK):
        yield (
            case.number,
            case.committee.name,
            _date(case.created_at),
            sources.get(case.source, case.source),
            case.category.label,
            mask_numbers_in_text(case.location),
            "；".join(_party(p, roles) for p in case.parties.all()),
            mask_numbers_in_text(case.title),
            case.assignee.display_name if case.assignee else "",
            statuses.get(case.status, case.status),
            case.due_date,
            _date(case.resolved_at),
            _satisfaction(case, satisfaction),
            _resolution(case),
        )


def _satisfaction(case: Case, labels: dict) -> str:
    """The answer at the latest call; said as the earlier round's when the case was reopened since
    (its satisfaction emptied: "上次回访：满意"), as the case page and the printed sheet say it
    (cases/follow_up_rounds.py): a ledger handed to the street must not say that a resident who came
    back unhappy was satisfied. The monthly figures still count the latest call (reports/figures.py)."""
    if not case.last_call_result:
        return ""
    answer = labels.get(case.last_call_result, case.last_call_result)
    if case.satisfaction:
        return answer
    return _("Previous follow-up: %(answer)s") % {"answer": answer}


def _resolution(case: Case) -> str:
    """The resolution, as the case page shows it: a case open again (not satisfied at the call, or
    reopened) holds the last one, which is not this time's."""
    text = mask_numbers_in_text(case.resolution)
    if text and case.is_open:
        return _("Previous resolution: %(text)s") % {"text": text}
    return text


def _referral_rows(choice: Choice, cases):
    referrals = (
        Referral.objects.filter(
            committee_id__in=choice.committee_ids,
            sent_on__range=(choice.month, choice.month_end),
            case__in=cases,
        )
        .select_related("case", "body", "committee")
        .order_by("sent_on", "pk")
    )
    for referral in referrals.iterator(chunk_size=CHUNK):
        yield (
            referral.case.number,
            referral.committee.name,
            mask_numbers_in_text(referral.case.title),
            referral.body.label,
            referral.sent_on,
            mask_numbers_in_text(referral.their_reference),
            referral.reply_expected_by,
            referral.replied_on,
            mask_numbers_in_text(referral.reply),
            mask_numbers_in_text(referral.outcome),
        )


def _beneficiary(case: Case):
    parties = list(case.parties.all())
    for role in (CaseParty.Role.BENEFICIARY, CaseParty.Role.REPORTER):
        for party in parties:
            if party.role == role:
                return party.resident
    return parties[0].resident if parties else None


def _aid_rows(choice: Choice, cases):
    in_month = Q(applied_on__range=(choice.month, choice.month_end)) | Q(
        paid_on__range=(choice.month, choice.month_end)
    )
    aid = (
        Aid.objects.filter(in_month, committee_id__in=choice.committee_ids, case__in=cases)
        .select_related("case", "committee")
        .prefetch_related(Prefetch("case__parties", queryset=CaseParty.objects.select_related("resident")))
        .order_by("applied_on", "pk")
    )
    kinds, statuses = _labels(Aid, "kind"), _labels(Aid, "status")
    for item in aid.iterator(chunk_size=CHUNK):
        person = _beneficiary(item.case)
        status = _status_at(item, choice.month_end)
        yield (
            item.case.number,
            item.committee.name,
            person.name if person else "",
            mask_id_number(person.id_number) if person and person.id_number else "",
            mask_phone(person.phone) if person and person.phone else "",
            kinds.get(item.kind, item.kind),
            # Goods given with no value set: an empty cell, not "0.00" (which reads as nothing given).
            None if item.kind == Aid.Kind.GOODS and not item.amount else item.amount,
            statuses.get(status, status),
            _counted_as(item, choice),
            item.applied_on,
            # A decision or payment after the month is not this month's: left out, as the status is.
            item.decided_on if item.decided_on and item.decided_on <= choice.month_end else None,
            item.paid_on if item.paid_on and item.paid_on <= choice.month_end else None,
            mask_numbers_in_text(item.donors),
            mask_numbers_in_text(item.notes),
        )


def _status_at(item: Aid, day: dt.date) -> str:
    """The aid's status at the end of `day`, from its dates: November's ledger says 已批准 for aid
    paid on 3 December, not the 已发放 it is today (review 9, finding 9). A date not recorded
    leaves the status as it is."""
    decided_later = item.decided_on is not None and item.decided_on > day
    if item.status == Aid.Status.PAID and item.paid_on and item.paid_on > day:
        return Aid.Status.APPLIED if decided_later else Aid.Status.APPROVED
    if item.status != Aid.Status.APPLIED and decided_later:
        return Aid.Status.APPLIED
    return item.status


def _counted_as(item: Aid, choice: Choice) -> str:
    """Which of the month's two aid figures this row is counted in (the summary's, reports/summary.py):
    applications by the day applied, payments by the day paid, whenever applied."""
    applied = choice.month <= item.applied_on <= choice.month_end
    paid_on = item.paid_on if item.status == Aid.Status.PAID else None
    paid = paid_on is not None and choice.month <= paid_on <= choice.month_end
    if applied and paid:
        return _("Applied and paid this month")
    if paid:
        return _("Paid this month")
    return _("Applied this month") if applied else ""


def month_cases(choice: Choice, access):
    """The cases of the ledger: logged in the month, in the chosen committees, that the user may see."""
    return visible_cases(
        access,
        Case.objects.filter(
            committee_id__in=choice.committee_ids,
            created_at__gte=start_of(choice.month),
            created_at__lt=start_of(choice.month_end + dt.timedelta(days=1)),
        ),
    )


def ledger_too_large(choice: Choice, access) -> bool:
    """Whether the month's cases and visits pass EXPORT_MAX_ROWS (counted only up to it): a district's
    month of 300 committees took 26 s and 2.5 MB on the benchmark district, near a server's timeout
    and growing with the district; a street's or a committee's month is the ledger handed on."""
    limit = settings.EXPORT_MAX_ROWS
    cases = month_cases(choice, access).order_by()[: limit + 1].count()
    if cases > limit:
        return True
    return cases + ledger_visits.rows_counted(choice, access, limit + 1 - cases) > limit


def ledger_names(choice: Choice) -> tuple[str, str]:
    """The ledger's file name in the reader's language (定海居民区台账-2026-11.xlsx: the street files
    each committee's by its name), and in ASCII for a client that cannot read it."""
    month = f"{choice.month:%Y-%m}"
    return _("%(who)s-ledger-%(month)s.xlsx") % {"who": choice.label, "month": month}, f"ledger-{month}.xlsx"


def case_list_names() -> tuple[str, str]:
    day = f"{timezone.localdate():%Y-%m-%d}"
    return _("cases-%(day)s.xlsx") % {"day": day}, f"cases-{day}.xlsx"


def monthly_ledger(choice: Choice, access) -> HttpResponse:
    visible = visible_cases(access, Case.objects.filter(committee_id__in=choice.committee_ids))
    filename, fallback = ledger_names(choice)  # the reader's language, not the workbook's
    with translation.override(LEDGER_LANGUAGE):
        writer = XlsxWriter()
        writer.sheet(
            pgettext("ledger sheet", "Cases"),
            case_columns(),
            case_rows(month_cases(choice, access).order_by("year", "seq")),
        )
        # Each visit to who may open the care roster, each committee's counts to the others.
        ledger_visits.write_sheet(
            writer,
            choice,
            access,
            title=pgettext("ledger sheet", "Visits"),
        )
        writer.sheet(
            pgettext("ledger sheet", "Referrals"),
            [
                Column(_("Case number"), 11),
                Column(_("Committee"), 14),
                Column(_("Summary"), 30, "wrap"),
                Column(_("Sent to"), 22),
                Column(_("Sent on"), 12, "date"),
                Column(_("Their reference"), 14),
                Column(_("Reply expected by"), 12, "date"),
                Column(_("Replied on"), 12, "date"),
                Column(_("Reply"), 30, "wrap"),
                Column(_("Outcome"), 24, "wrap"),
            ],
            _referral_rows(choice, visible),
        )
        writer.sheet(
            pgettext("ledger sheet", "Aid"),
            [
                Column(_("Case number"), 11),
                Column(_("Committee"), 14),
                Column(_("Beneficiary"), 10),
                Column(_("ID number"), 20),
                Column(_("Phone"), 14),
                Column(_("Kind"), 14),
                Column(_("Amount (yuan)"), 12, "money"),
                Column(_("Status at month end"), 12),
                # The summary's two figures: applied by the day applied, paid by the day paid.
                Column(_("Counted this month as"), 16),
                Column(_("Applied on"), 12, "date"),
                Column(_("Decided on"), 12, "date"),
                Column(_("Paid on"), 12, "date"),
                Column(_("Donors"), 20, "wrap"),
                Column(_("Notes"), 24, "wrap"),
            ],
            # Aid rows only of the committees where this user may see sensitive data: the street
            # reads aid as totals in the summary, never who received how much.
            _aid_rows(choice, visible.filter(committee_id__in=access.committees_where(Perm.VIEW_SENSITIVE))),
        )
        audit.record_export(
            user=access.user,
            committee_ids=choice.committee_ids,
            exported=exported.ledger(choice.label, choice.month),
            rows=sum(writer.rows_written.values()),
        )
        return writer.response(filename, fallback)


def case_list_xlsx(request: HttpRequest) -> HttpResponse:
    """The case list with the filters of cases:list (cases/filters.py), in the user's scope, masked;
    over EXPORT_MAX_ROWS cases, back to that list with a message."""
    committee_ids = request.access.committees_where(Perm.VIEW_REPORTS)
    cases = Case.objects.filter(committee_id__in=committee_ids)
    cases = visible_cases(request.access, cases)
    form = CaseFilterForm(with_search(request, request.GET), access=request.access)
    if not form.is_valid():
        # Refused, where the list leaves an invalid field out: a file of every case when November
        # was asked for (created_from=2026-99-01) reads as November's. The list shows the error.
        return exports.refuse_invalid(request, "cases:list", form)
    # A whole number searched as the list searches it (where the reader may reveal it), and noted.
    full_in = request.access.committees_where(Perm.REVEAL)
    cases = filter_cases(cases, form.cleaned_data, full_numbers_in=full_in)
    if exports.too_many(cases):
        message = _(
            "This export would hold more than %(limit)s cases, more than one file can take. "
            "Narrow the list (a committee, a status, the dates logged) and export again."
        )
        return exports.back_to_list(request, "cases:list", message)
    filename, fallback = case_list_names()
    with translation.override(LEDGER_LANGUAGE):
        writer = XlsxWriter()
        rows = writer.sheet(pgettext("ledger sheet", "Cases"), case_columns(), case_rows(cases))
        # Noted with the export, after its reads: a write first would send them from the replica to
        # the primary (common/db_routers.py), and a replica that failed would have it written twice.
        kinds = full_number_kinds(form.cleaned_data.get("q") or "", local_landlines=False)
        resident_services.note_number_search(user=request.user, kinds=kinds, full_in=full_in)
        # Which committees the rows came from would cost a query of its own: the export is noted in
        # each committee the user exported from, with the filters it applied.
        audit.record_export(
            user=request.user, committee_ids=committee_ids, exported=exported.case_list(form), rows=rows
        )
        return writer.response(filename, fallback)
