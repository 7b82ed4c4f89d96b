"""The access log page: the secretary's committee, the street officer's street; and its export."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from audit import exported, selectors, services
from audit.forms import AccessLogFilterForm
from audit.models import AccessRecord
from committee.roles import Perm
from common import exports
from common.querystrings import drops_empty_fields
from common.xlsx import Column, XlsxWriter
from residents.models import Resident

PER_PAGE = 50


def _records(request: HttpRequest) -> tuple[list[int], AccessLogFilterForm, Resident | None, object]:
    """The reader's committees, the filters and the records they select: the page's and the export's."""
    committee_ids = request.access.committees_where(Perm.READ_ACCESS_LOG)
    if not committee_ids:
        raise PermissionDenied(Perm.READ_ACCESS_LOG)
    form = AccessLogFilterForm(request.GET)
    filters = form.filters()  # validates: cleaned_data holds the valid fields
    resident = None
    resident_id = form.cleaned_data.get("resident")
    if resident_id:
        resident = Resident.objects.filter(pk=resident_id, committee_id__in=committee_ids).first()
    queryset = selectors.records(committee_ids=committee_ids, resident=resident, **filters)
    return committee_ids, form, resident, queryset


@require_GET
@drops_empty_fields()  # each filter empty means it absent (audit/forms.py): ?who=&kind=&… dropped
def access_log(request: HttpRequest) -> HttpResponse:
    _ids, form, resident, queryset = _records(request)
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    ctx = {"form": form, "page": page, "lines": selectors.folded(page.object_list), "resident": resident}
    return render(request, "audit/access_log.html", ctx)


@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """The log as the page filters it, as .xlsx: what a street hands an auditor. Itself noted in the
    log, as every export is; over EXPORT_MAX_ROWS records, back to the page with a message."""
    committee_ids, form, resident, queryset = _records(request)
    if form.errors:
        # Refused, where the page leaves an invalid filter out (and says so): a file of the whole
        # log when a month was asked for would be handed on as that month's.
        return exports.refuse_invalid(request, "audit:log", form)
    if exports.too_many(queryset):
        message = _(
            "This export would hold more than %(limit)s records, more than one file can take. "
            "Choose dates or a kind and export again."
        )
        return exports.back_to_list(request, "audit:log", message)
    day = f"{timezone.localdate():%Y-%m-%d}"
    filename, fallback = _("access-log-%(day)s.xlsx") % {"day": day}, f"access-log-{day}.xlsx"
    # In the reader's language, headers and values (kinds, details), as the page they exported it
    # from: the log is read by whoever audits it, not kept as the committee's record (the ledger is,
    # in Chinese: reports/ledger.py LEDGER_LANGUAGE).
    # Its filters above the headers (访问记录导出（类别：查看完整号码）), as the log notes the export: a
    # file handed to an auditor says its own scope (review 7, item 11).
    about = exported.access_log(form, resident)
    scope = [
        exported.said(about),
        _("Exported %(when)s by %(who)s.")
        % {"when": f"{timezone.localtime():%Y-%m-%d %H:%M}", "who": request.user.display_name},
    ]
    writer = XlsxWriter()
    title = pgettext("access log sheet", "Access log")
    rows = writer.sheet(title, _columns(), _rows(queryset), about=scope)
    services.record_export(user=request.user, committee_ids=committee_ids, exported=about, rows=rows)
    return writer.response(filename, fallback)


def _columns() -> list[Column]:
    return [
        Column(_("When"), 17, "datetime"),
        Column(_("Who"), 12),
        Column(_("Account"), 12),
        Column(_("What"), 14),
        Column(_("Looked at"), 24, "wrap"),
        Column(_("Detail"), 36, "wrap"),
        Column(_("Rows"), 8, "int"),
        Column(_("Committee"), 14),
    ]


def _rows(queryset):
    kinds = dict(AccessRecord.Kind.choices)
    for record in queryset.iterator(chunk_size=2000):
        if record.resident_id:
            subject = record.resident.name if record.resident else ""
        elif record.household_id:
            subject = record.household.address if record.household else ""
        elif record.case_id:
            subject = record.case.number if record.case else ""
        else:
            subject = ""
        yield (
            record.at,
            record.user.display_name,
            record.user.username,
            str(kinds.get(record.kind, record.kind)),
            subject,
            record.detail_said,
            record.rows,
            record.committee.name,
        )
