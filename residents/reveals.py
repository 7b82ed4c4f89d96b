"""The reveal of a full number and the reveal log (/reveals/): the secretary's pages.

The log lists two kinds of line, newest first: a reveal of one number on a resident's page
(RevealLog), and a registry export with full numbers, one line for the whole file (the access log's
AccessRecord of kind EXPORT_FULL, its reason and counts in `exported`). The export once wrote a
RevealLog row per resident and number: 3,900 rows, 136 pages, a real reveal lost among them.

Its export (/reveals/export/) is the log as the page filters it, as .xlsx in the reader's language,
its filters above the headers, noted in the access log as every export is (the access log's own
export, audit/views.py, does the same).
"""

import datetime
import heapq
import time
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet, Value
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from audit import exported
from audit import services as audit
from audit.forms import RevealLogFilterForm
from audit.models import AccessRecord
from audit.selectors import start_of
from committee.access import get_for_user
from committee.roles import Perm
from common.exports import back_to_list, refuse_invalid, too_many
from common.masking import mask_numbers_in_text
from common.querystrings import drops_empty_fields
from common.xlsx import Column, XlsxWriter
from residents import services
from residents.forms import RevealForm
from residents.models import Resident, RevealLog

# What the reveal's answer (Post/Redirect/Get) finds in the session: which number of whom was just
# revealed, never the number itself, read once. A reload finds nothing and shows the form again,
# so it neither records a second reveal nor shows the number a second time.
JUST_REVEALED = "just_revealed"
SHOWN_WITHIN_SECONDS = 60


@never_cache
@require_http_methods(["GET", "POST"])
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretary reveals one full number, giving a reason; the reveal is recorded, and the answer
    redirects to this page, which shows the number once (never in a URL, never cached)."""
    resident = get_for_user(
        request, Resident.objects.select_related("household__building"), Perm.REVEAL, pk=pk
    )
    form = RevealForm(
        request.POST or None, initial={"field": request.GET.get("field", "phone")}, resident=resident
    )
    if request.method == "POST" and form.is_valid():
        field = form.cleaned_data["field"]
        services.reveal_number(
            resident=resident, field=field, reason=form.cleaned_data["reason"], by=request.user
        )
        request.session[JUST_REVEALED] = {"resident": resident.pk, "field": field, "at": time.time()}
        return redirect("residents:reveal", pk=resident.pk)
    revealed = None
    just = request.session.pop(JUST_REVEALED, None) if request.method == "GET" else None
    if (
        just
        and just.get("resident") == resident.pk
        and time.time() - just.get("at", 0) <= SHOWN_WITHIN_SECONDS
        and just.get("field") in RevealLog.Field.values
    ):
        field = just["field"]
        revealed = {
            "label": dict(RevealLog.Field.choices)[field],
            "callable": field != RevealLog.Field.ID_NUMBER,  # a phone number opens the dialler
            "value": resident.full_number(field),
        }
    return render(
        request, "residents/reveal.html", {"resident": resident, "form": form, "revealed": revealed}
    )


@dataclass
class Line:
    """A line of the reveal log: a reveal of one number, or an export with full numbers."""

    reveal: RevealLog | None = None
    export: AccessRecord | None = None


@dataclass
class _Selected:
    """What the reveal log's filters select, for its page and its export."""

    committee_ids: list[int]
    form: RevealLogFilterForm
    resident: Resident | None
    filtered: bool
    reveals: QuerySet[RevealLog]
    exports: QuerySet[AccessRecord]


def _selected(request: HttpRequest) -> _Selected:
    """The reader's committees (403 without the reveal log's permission there), the filters (audit/
    forms.py: a value it cannot read is left out, and said) and the reveals and exports they select."""
    committee_ids = request.access.committees_where(Perm.VIEW_AUDIT)
    if not committee_ids:
        raise PermissionDenied(Perm.VIEW_AUDIT)
    form = RevealLogFilterForm(request.GET)
    filters = form.filters()  # validates: a value it cannot read is left out, and said (not_applied.html)
    reveals = RevealLog.objects.filter(committee_id__in=committee_ids)
    exports = AccessRecord.objects.filter(committee_id__in=committee_ids, kind=AccessRecord.Kind.EXPORT_FULL)
    resident = None
    if resident_id := form.cleaned_data.get("resident"):
        reveals = reveals.filter(resident_id=resident_id)
        # The exports of their committee's registry since they were registered held their numbers.
        resident = Resident.all_objects.filter(pk=resident_id, committee_id__in=committee_ids).first()
        exports = (
            exports.filter(committee_id=resident.committee_id, at__gte=resident.created_at)
            if resident
            else exports.none()
        )
    if who := filters.get("who"):
        reveals = reveals.filter(
            Q(revealed_by__username__icontains=who) | Q(revealed_by__full_name__icontains=who)
        )
        exports = exports.filter(Q(user__username__icontains=who) | Q(user__full_name__icontains=who))
    if day := filters.get("date_from"):
        reveals, exports = (
            reveals.filter(revealed_at__gte=start_of(day)),
            exports.filter(at__gte=start_of(day)),
        )
    if day := filters.get("date_to"):
        after = start_of(day + datetime.timedelta(days=1))
        reveals, exports = reveals.filter(revealed_at__lt=after), exports.filter(at__lt=after)
    kind = filters.get("kind")
    reveals = reveals.none() if kind == form.EXPORTS else reveals
    exports = exports.none() if kind == form.REVEALS else exports
    return _Selected(committee_ids, form, resident, bool(filters or resident), reveals, exports)


def _both(selected: _Selected):
    """The (when, pk, source) of the reveals and exports selected, newest first: one query."""
    return (
        selected.reveals.order_by()
        .annotate(when=F("revealed_at"), source=Value("reveal"))
        .values_list("when", "pk", "source")
        .union(
            selected.exports.order_by()
            .annotate(when=F("at"), source=Value("export"))
            .values_list("when", "pk", "source")
        )
        .order_by("-when", "-pk")
    )


@require_GET
@drops_empty_fields()  # each filter empty means it absent (audit/forms.py): ?who=&kind=&… dropped
def reveal_log(request: HttpRequest) -> HttpResponse:
    """Who revealed whose number, when and why: for the secretary. Filtered as the access log is
    (audit/forms.py): by who, by reveals or exports, from and to a day, and one resident's."""
    selected = _selected(request)
    page = Paginator(_both(selected), 25).get_page(request.GET.get("page"))
    page.object_list = _lines(list(page.object_list))
    ctx = {
        "page": page,
        "form": selected.form,
        "resident": selected.resident,
        "filtered": selected.filtered,
    }
    return render(request, "residents/reveal_log.html", ctx)


@require_GET
def reveal_log_export(request: HttpRequest) -> HttpResponse:
    """The reveal log as its page filters it, as .xlsx in the reader's language, its filters above
    the headers (as the access log's export): what a secretary hands an auditor. The numbers are never
    in it (the log keeps none); a reason is masked as the page shows it. Itself noted in the access
    log, as every export is; over EXPORT_MAX_ROWS lines, back to the page with a message."""
    selected = _selected(request)
    if selected.form.errors:
        # Refused, where the page leaves an invalid filter out (and says so): a file of the whole
        # log when a month was asked for would be handed on as that month's.
        return refuse_invalid(request, "residents:reveals", selected.form)
    if too_many(_both(selected)):
        message = _(
            "This export would hold more than %(limit)s lines, more than one file can take. "
            "Choose dates or a kind and export again."
        )
        return back_to_list(request, "residents:reveals", message)
    day = f"{timezone.localdate():%Y-%m-%d}"
    filename, fallback = _("reveals-%(day)s.xlsx") % {"day": day}, f"reveals-{day}.xlsx"
    about = exported.reveal_log(selected.form, selected.resident)
    scope = [
        exported.said(about),
        _("Exported %(when)s by %(who)s.")
        % {"when": f"{timezone.localtime():%Y-%m-%d %H:%M}", "who": request.user.display_name},
    ]
    writer = XlsxWriter()
    rows = writer.sheet(_("Reveals of numbers"), _columns(), _rows(selected), about=scope)
    audit.record_export(user=request.user, committee_ids=selected.committee_ids, exported=about, rows=rows)
    return writer.response(filename, fallback)


def _columns() -> list[Column]:
    return [
        Column(_("When"), 17, "datetime"),
        Column(pgettext("reveal log column", "By"), 12),
        Column(_("Account"), 12),
        Column(pgettext("reveal log column", "What"), 16),
        Column(pgettext("reveal log column", "Number"), 10),
        Column(pgettext("reveal log column", "Whose"), 18, "wrap"),
        Column(_("Address"), 24, "wrap"),
        Column(_("Reason"), 30, "wrap"),
        Column(pgettext("reveal log column", "Residents"), 9, "int"),
        Column(pgettext("reveal log column", "Full numbers"), 9, "int"),
        Column(_("Committee"), 14),
    ]


def _rows(selected: _Selected) -> Iterator[tuple]:
    """The lines newest first, as the page lists them: the reveals and the exports each read in one
    query, newest first, and merged (two queries however many lines; the page's union of ids, then
    its rows by id, would cost a query per batch of ids)."""
    reveals = (
        selected.reveals.select_related("resident__household__building", "revealed_by", "committee")
        .order_by("-revealed_at", "-pk")
        .iterator(chunk_size=2000)
    )
    records = (
        selected.exports.select_related("user", "committee").order_by("-at", "-pk").iterator(chunk_size=2000)
    )
    lines = heapq.merge(
        ((log.revealed_at, log.pk, _reveal_row(log)) for log in reveals),
        ((record.at, record.pk, _export_row(record)) for record in records),
        key=lambda line: line[:2],
        reverse=True,
    )
    for _when, _pk, row in lines:
        yield row


def _reveal_row(log: RevealLog) -> tuple:
    return (
        log.revealed_at,
        log.revealed_by.display_name,
        log.revealed_by.username,
        str(AccessRecord.Kind.REVEAL.label),
        log.get_field_display(),
        log.resident.name,
        log.resident.household.address,
        mask_numbers_in_text(log.reason),
        None,
        None,
        log.committee.name,
    )


def _export_row(record: AccessRecord) -> tuple:
    about = record.exported or {}
    return (
        record.at,
        record.user.display_name,
        record.user.username,
        str(AccessRecord.Kind.EXPORT_FULL.label),
        "",
        _("Registry export of %(who)s") % {"who": about.get("of") or record.committee.name},
        "",
        mask_numbers_in_text(str(about.get("reason") or "")),
        record.rows,
        about.get("numbers"),
        record.committee.name,
    )


def _lines(keys: list[tuple]) -> list[Line]:
    """A page's (when, pk, source) as lines: one query for its reveals, one for its exports."""
    reveal_ids = [pk for _when, pk, source in keys if source == "reveal"]
    export_ids = [pk for _when, pk, source in keys if source == "export"]
    reveals = RevealLog.all_objects.select_related("resident__household__building", "revealed_by").in_bulk(
        reveal_ids
    )
    exports = (
        AccessRecord.all_objects.select_related("user", "committee").in_bulk(export_ids) if export_ids else {}
    )
    return [
        Line(reveal=reveals.get(pk)) if source == "reveal" else Line(export=exports.get(pk))
        for _when, pk, source in keys
        if (reveals if source == "reveal" else exports).get(pk) is not None
    ]
