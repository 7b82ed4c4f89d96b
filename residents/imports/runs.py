"""Import runs: an uploaded file's life from upload to commit or cancel.

The upload is kept in a private area (never served) under a name derived from its ImportRun and
previewed; the commit writes it in one transaction (every row or none) and deletes it; a cancel,
or a preview left for a day, deletes it too. The run keeps the counts and bad rows of its last check.
"""

import datetime
import secrets
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committee.models import Committee
from residents.imports.importer import Report, run_import
from residents.imports.reading import FileProblem, detect_kind, normalise_workbook
from residents.models import ImportRun


def _upload_dir() -> Path:
    """The private area for uploads waiting for their commit: under MEDIA_ROOT, which is never served."""
    return Path(settings.MEDIA_ROOT) / "imports"


def stored_path(run: ImportRun) -> Path:
    return _upload_dir() / run.stored_name


STALE_AFTER = datetime.timedelta(days=1)


def discard_stale_previews(committee: Committee) -> None:
    """Previews nobody committed or cancelled within a day are cancelled, and their files deleted."""
    stale = ImportRun.all_objects.filter(
        committee=committee, status=ImportRun.Status.PREVIEWED, created_at__lt=timezone.now() - STALE_AFTER
    )
    for run in stale:
        cancel_import(run)


def start_import(*, committee: Committee, upload, user) -> ImportRun:
    """Keep the uploaded file for this run and preview it. Returns the ImportRun (status rejected
    with `problem` set when the file as a whole cannot be imported; its file is then deleted)."""
    discard_stale_previews(committee)
    name = Path(upload.name or "upload").name[:200]
    run = ImportRun.objects.create(
        committee=committee, original_name=name, size=upload.size or 0, created_by=user
    )
    run.stored_name = f"{run.pk}-{secrets.token_hex(8)}{Path(name).suffix.lower()[:6]}"
    path = stored_path(run)
    path.parent.mkdir(parents=True, exist_ok=True)
    too_big = (upload.size or 0) > settings.UPLOAD_MAX_MB * 1024 * 1024
    if not too_big:
        with path.open("wb") as f:
            for chunk in upload.chunks():
                f.write(chunk)
    try:
        if too_big:
            raise FileProblem(
                _("The file is larger than %(max)d MB. Split it into smaller files.")
                % {"max": settings.UPLOAD_MAX_MB}
            )
        run.kind = detect_kind(path, name)
        if run.kind == "xlsx":  # kept as "rows" from here on: the workbook is parsed once
            rows_name = f"{run.stored_name}.rows.csv"
            try:
                normalise_workbook(path, _upload_dir() / rows_name)
            finally:
                path.unlink(missing_ok=True)
            run.stored_name = rows_name
            path = stored_path(run)
        report = run_import(committee, path, _stored_kind(run), commit=False)
    except FileProblem as problem:
        run.status = ImportRun.Status.REJECTED
        run.problem = problem.message
        path.unlink(missing_ok=True)
        (_upload_dir() / f"{run.stored_name}.rows.csv").unlink(missing_ok=True)
        run.stored_name = ""
    else:
        _keep_report(run, report)
    run.save()
    return run


def _stored_kind(run: ImportRun) -> str:
    return "rows" if run.kind == "xlsx" else run.kind


def _keep_report(run: ImportRun, report: Report) -> None:
    run.counts = report.counts()
    run.mapping = report.mapping
    run.errors = report.errors


def commit_import(run: ImportRun, user=None) -> Report | None:
    """Write the run's file in one transaction: every row or none. Returns the report (None when
    the run was no longer awaiting commit, or its file turned out bad). The run is committed when
    the file was clean; otherwise it keeps its new bad rows and stays awaiting commit."""
    with transaction.atomic():
        # The row lock makes a second click (or a second tab) wait, then find the run committed.
        run = ImportRun.all_objects.select_for_update().get(pk=run.pk)
        if run.status != ImportRun.Status.PREVIEWED:
            return None
        path = stored_path(run)
        try:
            if not run.stored_name or not path.exists():
                raise FileProblem(_("The uploaded file is no longer kept; upload it again."))
            reason = f"import #{run.pk}: {run.original_name}"[:100]
            report = run_import(
                run.committee,
                path,
                _stored_kind(run),
                commit=True,
                user=user or run.created_by,
                reason=reason,
            )
        except FileProblem as problem:
            run.status = ImportRun.Status.REJECTED
            run.problem = problem.message
            run.save()
            return None
        _keep_report(run, report)
        if report.ok:
            run.status = ImportRun.Status.COMMITTED
            run.committed_at = timezone.now()
            run.stored_name = ""
            transaction.on_commit(lambda: path.unlink(missing_ok=True))
        run.save()
    return report


def cancel_import(run: ImportRun) -> None:
    if run.status != ImportRun.Status.PREVIEWED:
        return
    stored_path(run).unlink(missing_ok=True)
    run.status = ImportRun.Status.CANCELLED
    run.stored_name = ""
    run.save(update_fields=["status", "stored_name"])
