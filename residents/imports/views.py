"""Import and export of the registry: upload, preview, commit or cancel, history, template, export.

Secretaries only (Perm.IMPORT_REGISTRY). The work is in residents/imports/runs.py and residents/exporting.py.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit import exported
from audit import services as audit
from committee.access import get_for_user
from committee.models import Committee
from committee.roles import Perm
from common.db_routers import reads_from_replica
from common.forms import ModelChoiceField
from residents import exporting, services
from residents.forms import reveal_reason
from residents.imports import changes, problems, runs
from residents.imports.columns import COLUMN_BY_KEY, COLUMNS
from residents.models import ImportRun


class UploadForm(forms.Form):
    committee = ModelChoiceField(Committee.objects.none(), label=gettext_lazy("committee"))
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy("An Excel workbook (.xlsx) or a CSV file (UTF-8 or GBK)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, committees, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.only_committee = committees[0] if len(committees) == 1 else None
        if self.only_committee:
            del self.fields["committee"]  # the one committee the user may import into; nothing to choose
        else:
            self.fields["committee"].queryset = Committee.objects.filter(pk__in=[c.pk for c in committees])

    def target_committee(self) -> Committee:
        return self.only_committee or self.cleaned_data["committee"]


class ExportForm(forms.Form):
    """The registry export: masked, or with full numbers and the reason for them, as a reveal asks."""

    committee = forms.IntegerField(required=False)
    full = forms.BooleanField(label=gettext_lazy("Include full ID and phone numbers"), required=False)
    reason = reveal_reason(
        required=False,
        help_text=gettext_lazy("With full numbers only: why the file needs them, e.g. the yearly census."),
    )

    def clean(self):
        data = super().clean()
        if data.get("full") and not data.get("reason") and "reason" not in self.errors:
            self.add_error("reason", _("A file with full numbers needs a reason, as a reveal does."))
        return data


def _import_committees(request: HttpRequest):
    ids = request.access.committees_where(Perm.IMPORT_REGISTRY)
    if not ids:
        raise PermissionDenied(Perm.IMPORT_REGISTRY)
    return Committee.objects.filter(pk__in=ids).order_by("name")


def _page_context(request, committees, form, export_form=None) -> dict:
    return {
        "form": form,
        "export_form": export_form or ExportForm(),
        "committees": committees,
        "columns": COLUMNS,
        "max_mb": settings.UPLOAD_MAX_MB,
        "may_reveal": any(request.access.can(Perm.REVEAL, c) for c in committees),
        "recent": ImportRun.objects.filter(committee__in=committees).select_related("created_by")[:5],
    }


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """The import page: upload a file (and the template and export links)."""
    committees = list(_import_committees(request))
    form = UploadForm(request.POST or None, request.FILES or None, committees=committees)
    if request.method == "POST" and form.is_valid():
        run = runs.start_import(
            committee=form.target_committee(), upload=form.cleaned_data["file"], user=request.user
        )
        if run.status == ImportRun.Status.REJECTED:
            form.add_error("file", run.problem_words)
        else:
            return redirect("imports:preview", pk=run.pk)
    return render(request, "residents/import/start.html", _page_context(request, committees, form))


@require_GET
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    queryset = ImportRun.objects.select_related("committee", "created_by")
    run = get_for_user(request, queryset, Perm.IMPORT_REGISTRY, pk=pk)
    chinese = (get_language() or "").startswith("zh")
    mapping = []
    for m in run.mapping:
        column = COLUMN_BY_KEY.get(m["key"] or "")
        label = (column.header if chinese else column.header_en) if column else ""
        mapping.append({"header": m["header"], "label": label})
    # Each problem and change in the reader's language (stored as what to say and as values:
    # residents/imports/problems.py, changes.py).
    kept = run.changes or {}
    ctx = {
        "run": run,
        "counts": run.counts,
        "mapping": mapping,
        "bad_rows": problems.by_row(run.errors),
        "problems_listed": len(run.errors),
        "resident_changes": [changes.shown(entry) for entry in kept.get("residents", [])],
        "household_changes": [changes.shown(entry) for entry in kept.get("households", [])],
        "without_head": [problems.text(warning) for warning in kept.get("without_head", [])],
        "warnings": [problems.text(warning) for warning in kept.get("warnings", [])],
        "warning_count": kept.get("warning_count", 0),
        "new_buildings": kept.get("new_buildings", []),
        "new_households": kept.get("new_households", []),
        "skipped_rows": kept.get("skipped_rows", []),
        "refreshed": kept.get("refreshed"),
        "refreshed_words": REFRESHED,
        "written": changes.written(run.counts) if run.status == ImportRun.Status.COMMITTED else "",
        **_progress_context(run),
    }
    return render(request, "residents/import/preview.html", ctx)


def _progress_context(run: ImportRun) -> dict:
    # The rows file holds a header row (and perhaps the template's example row): never show more
    # rows done than there are.
    done = runs.rows_written(run) if run.status == ImportRun.Status.COMMITTING else run.rows_done
    total = max(run.rows_total, done or 0)
    return {"rows_done": done, "rows_total": total, "poll_seconds": 1}


@require_GET
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress of a run in the worker: a small fragment the import's page asks for every second
    (htmx). When the run is done, htmx is told to reload the page, which then shows the result."""
    run = get_for_user(request, ImportRun.objects, Perm.IMPORT_REGISTRY, pk=pk)
    response = render(request, "residents/import/progress.html", {"run": run, **_progress_context(run)})
    if request.htmx and not run.in_progress:
        response["HX-Refresh"] = "true"
    return response


REFRESHED = gettext_lazy(
    "The registry changed after this preview, so nothing was written. The preview below is now up to "
    "date: check it again, then commit."
)


@require_POST
def commit(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_for_user(request, ImportRun.objects, Perm.IMPORT_REGISTRY, pk=pk)
    if run.in_background:
        # A large file: the worker writes it; this page shows its progress. Once only: a second
        # click finds the run committing (or committed) and starts nothing.
        if runs.request_commit(run, request.user):
            messages.info(
                request,
                _("The import has started. You may leave this page: you will be notified when it is done."),
            )
        return redirect("imports:preview", pk=run.pk)
    try:
        report = runs.commit_import(run, request.user)
    except IntegrityError:
        messages.error(
            request, _("The registry changed while importing, so nothing was written. Upload the file again.")
        )
        return redirect("imports:preview", pk=run.pk)
    run.refresh_from_db()
    if report is not None and report.stale:
        messages.error(request, REFRESHED)
    elif report is not None and report.ok:
        messages.success(request, _("Imported. %(written)s") % {"written": changes.written(run.counts)})
    elif run.status == ImportRun.Status.PREVIEWED:
        messages.error(request, _("Nothing was written: the file has bad rows (listed below)."))
    return redirect("imports:preview", pk=run.pk)


@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_for_user(request, ImportRun.objects, Perm.IMPORT_REGISTRY, pk=pk)
    if run.status == ImportRun.Status.PREVIEWED:
        runs.cancel_import(run)
        messages.info(request, _("Import cancelled; the uploaded file was deleted and nothing was written."))
    return redirect("imports:start")


@require_GET
def history(request: HttpRequest) -> HttpResponse:
    committees = _import_committees(request)
    runs = ImportRun.objects.filter(committee__in=committees).select_related("created_by", "committee")
    page = Paginator(runs, 25).get_page(request.GET.get("page"))
    return render(request, "residents/import/history.html", {"page": page, "runs": page.object_list})


@require_GET
def template(request: HttpRequest) -> FileResponse:
    _import_committees(request)
    # Named in the reader's language (登记册导入模板.xlsx), as the registry's export is.
    fallback = "registry-import-template.xlsx"
    return exporting.write_template().response(_("registry-import-template.xlsx"), fallback)


@require_http_methods(["GET", "POST"])
@reads_from_replica
def export(request: HttpRequest) -> HttpResponse:
    """The registry of one committee as .xlsx: masked (GET or POST), or with full numbers (POST only,
    with a reason) for a user who may reveal them. One record in the access log either way; with full
    numbers its reason and count of numbers too, the one line /reveals/ lists for the whole file."""
    committees = list(_import_committees(request))
    form = ExportForm(request.POST if request.method == "POST" else request.GET)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    committee = next((c for c in committees if c.pk == data.get("committee")), committees[0])
    full = bool(data.get("full")) and request.access.can(Perm.REVEAL, committee)
    if full and (request.method != "POST" or form.errors):
        # A link or a bookmark (?full=1) gives no reason: back to the form, which asks for one.
        if request.method != "POST":
            messages.error(request, _("A file with full numbers needs a reason, as a reveal does."))
            return redirect("imports:start")
        context = _page_context(request, committees, UploadForm(committees=committees), form)
        return render(request, "residents/import/start.html", context)
    day = timezone.localdate()
    filename, fallback = registry_names(committee, day, full=full)
    writer = exporting.write_registry(committee, full_numbers=full)
    about = exported.registry(
        committee.name,
        day,
        numbers=services.full_numbers_in_registry(committee) if full else None,
        reason=data.get("reason", "") if full else "",
    )
    audit.record_export(
        user=request.user,
        committee_ids=[committee.pk],
        # Stored in no language and said in the reader's (audit/exported.py); that its numbers were
        # full is the record's kind.
        exported=about,
        rows=next(iter(writer.rows_written.values()), 0),  # the residents sheet comes first
        full_numbers=full,
    )
    return writer.response(filename, fallback)


def registry_names(committee, day, *, full: bool) -> tuple[str, str]:
    """The registry's file name in the reader's language (定海居民区登记册-2026-12-07.xlsx), and in
    ASCII for a client that cannot read it (registry-dinghai-2026-12-07.xlsx). The date keeps its
    dashes: eight digits in a row read as a landline to the log's masking."""
    values = {"who": committee.name, "day": f"{day:%Y-%m-%d}"}
    if full:
        name = _("%(who)s-registry-%(day)s-full-numbers.xlsx") % values
    else:
        name = _("%(who)s-registry-%(day)s.xlsx") % values
    return name, f"registry-{committee.code}-{day:%Y-%m-%d}{'-full' if full else ''}.xlsx"
