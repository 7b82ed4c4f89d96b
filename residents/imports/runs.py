"""Import runs: an uploaded file's life from upload to commit or cancel.

The upload is kept in a private area (never served) under a name derived from its ImportRun and
previewed; the commit writes it in one transaction (every row or none) and deletes it; a cancel,
or a preview left for a day, deletes it too. The run keeps the counts and bad rows of its last check.

A file of IMPORT_TASK_MIN_ROWS rows or more is checked and committed by the worker instead
(residents/tasks.py): the request only keeps the file and returns; the run's status, phase and rows
done are in the database, where the page polls them. Exactly once: each step starts with a
conditional UPDATE of the run's status (checking, or previewed → committing), and the commit is one
transaction that ends by setting the status to committed, under a lock of the run's row, so a second
task for the same run (a retry, a resumed run) finds it committed and writes nothing. A worker that
dies mid-commit leaves nothing written (the transaction is rolled back); the run, still "committing",
is started again by `resume_stalled` (every few minutes, from the scheduler) until it has been tried
TASK_MAX_ATTEMPTS times, then reported failed. The commit's rows done are counted in a file beside the
upload (see _record_writing): its transaction's writes are seen by nobody until it ends.
"""

import datetime
import logging
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from committee.models import Committee
from committee.scoping import committee_scope
from residents.imports import xlsx_stream
from residents.imports.importer import run_import
from residents.imports.plans import Report
from residents.imports.reading import FileProblem, detect_kind, normalise_workbook
from residents.models import ImportRun

logger = logging.getLogger(__name__)
S = ImportRun.Status


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
    with `problem` set when the file as a whole cannot be imported; its file is then deleted).

    A large file is only kept: the run is "checking" and the worker previews it (check_in_background)."""
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
                _("The file is larger than %(max)d MB. Split it into smaller files."),
                max=settings.UPLOAD_MAX_MB,
            )
        run.kind = detect_kind(path, name)
        estimate = estimate_rows(path, run.kind)
        if estimate >= settings.IMPORT_TASK_MIN_ROWS:
            return _hand_to_worker(run, estimate)
        report = _check(run)
    except FileProblem as problem:
        _reject(run, problem)
    else:
        _keep_report(run, report)
    run.save()
    return run


def estimate_rows(path: Path, kind: str) -> int:
    """The file's rows, counted without reading them (lines of a CSV, a workbook's <dimension>):
    enough to decide whether the request or the worker reads it, and the progress bar's first total."""
    if kind == "xlsx":
        return xlsx_stream.estimate_rows(path)
    lines = 0
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            lines += chunk.count(b"\n")
    return lines


def _hand_to_worker(run: ImportRun, estimate: int) -> ImportRun:
    from residents.tasks import check_import

    run.status = S.CHECKING
    run.in_background = True
    run.phase = ImportRun.Phase.READING if run.kind == "xlsx" else ImportRun.Phase.CHECKING
    run.rows_total = max(estimate - 1, 0)  # less the header row
    run.progress_at = timezone.now()
    run.save()
    # Queued once the run is committed, so that the worker finds it.
    transaction.on_commit(lambda: check_import.enqueue(run.pk))
    return run


def _progress(run: ImportRun, phase: str) -> Callable[[int], None]:
    """Records the rows done after each batch, in its own autocommitted UPDATE: the page that polls
    the run sees it at once. Also the run's sign of life for resume_stalled."""

    def record(done: int) -> None:
        ImportRun.all_objects.filter(pk=run.pk).update(
            phase=phase, rows_done=done, progress_at=timezone.now()
        )

    return record


def _check(run: ImportRun, *, background: bool = False) -> Report:
    """Read and check the run's file (a workbook is first written as "rows", once). FileProblem for a
    bad file. In the worker, the progress is recorded as it goes."""
    if run.kind == "xlsx" and not run.stored_name.endswith(".rows.csv"):
        source = stored_path(run)
        rows_name = f"{run.stored_name}.rows.csv"
        # Written under a name of its own, then renamed: a second task for this run (resumed while
        # the first still ran) never reads a half-written file.
        partial = _upload_dir() / f"{rows_name}.{secrets.token_hex(4)}.part"
        try:
            progress = _progress(run, ImportRun.Phase.READING) if background else None
            filled = normalise_workbook(source, partial, progress=progress)
            os.replace(partial, _upload_dir() / rows_name)
        finally:
            partial.unlink(missing_ok=True)
        run.stored_name = rows_name
        # Saved before the workbook is deleted: a run that stops here resumes from the rows.
        ImportRun.all_objects.filter(pk=run.pk).update(stored_name=rows_name, rows_total=max(filled - 1, 0))
        run.rows_total = max(filled - 1, 0)
        source.unlink(missing_ok=True)
    progress = _progress(run, ImportRun.Phase.CHECKING) if background else None
    return run_import(run.committee, stored_path(run), _stored_kind(run), commit=False, progress=progress)


def _reject(run: ImportRun, problem: FileProblem) -> None:
    """The file as a whole cannot be imported: say why (as what to say, for the reader's language;
    and in the uploader's words, for the admin) and delete what was kept of it."""
    run.status = S.REJECTED
    run.problem = problem.message
    run.problem_said = problem.said
    _delete_files(run)


def _delete_files(run: ImportRun) -> None:
    if run.stored_name:
        stored_path(run).unlink(missing_ok=True)
        (_upload_dir() / f"{run.stored_name}.rows.csv").unlink(missing_ok=True)
        (_upload_dir() / run.stored_name.removesuffix(".rows.csv")).unlink(missing_ok=True)
    run.stored_name = ""


def _stored_kind(run: ImportRun) -> str:
    return "rows" if run.kind == "xlsx" else run.kind


def _keep_report(run: ImportRun, report: Report) -> None:
    run.counts = report.counts()
    run.mapping = report.mapping
    run.errors = report.errors
    run.changes = report.changes_kept()


def commit_import(
    run: ImportRun,
    user=None,
    *,
    from_status: str = S.PREVIEWED,
    progress: Callable[[int], None] | None = None,
) -> Report | None:
    """Write the run's file in one transaction: every row or none. Returns the report (None when
    the run was no longer awaiting commit, or its file turned out bad). The run is committed when
    the file was clean; otherwise it keeps its new bad rows and stays (or is again) awaiting commit.

    `from_status` is the status a commit starts from: previewed in the request, committing in the
    worker (request_commit set it). Any other status means the run was committed (or cancelled)
    already, and nothing is written: this is what makes a commit happen once."""
    with transaction.atomic():
        # The row lock makes a second click (or a second tab, or a second task) wait, then find the
        # run committed.
        run = ImportRun.all_objects.select_for_update().get(pk=run.pk)
        if run.status != from_status:
            return None
        path = stored_path(run)
        try:
            if not run.stored_name or not path.exists():
                raise FileProblem(_("The uploaded file is no longer kept; upload it again."))
            reason = f"import #{run.pk}: {run.original_name}"[:100]
            previewed = run.changes or {}
            report = run_import(
                run.committee,
                path,
                _stored_kind(run),
                commit=True,
                user=user or run.created_by,
                reason=reason,
                progress=progress,
                # The plan the secretary read: a plan the registry changed since (another import, a
                # worker's edit) is not written over it. A run kept without one is previewed again.
                basis=previewed.get("basis", ""),
            )
        except FileProblem as problem:
            run.status = S.REJECTED
            run.problem, run.problem_said = problem.message, problem.said
            run.phase = ""
            run.save()
            return None
        _keep_report(run, report)
        run.phase = ""
        run.rows_done = run.rows_total = report.rows
        if report.ok and not report.stale:
            run.status = S.COMMITTED
            run.committed_at = timezone.now()
            run.stored_name = ""
            transaction.on_commit(lambda: path.unlink(missing_ok=True))
        else:
            # The registry changed since the preview: nothing was written, and the run is previewed
            # again, as it is now: its new bad rows, or (stale) the changes now planned, with the rows
            # whose plan changed named, to be read and committed again.
            run.status = S.PREVIEWED
            if report.stale:
                run.changes["refreshed"] = refreshed_rows(previewed, run.changes)
        run.save()
    return report


REFRESHED_ROWS_NAMED = 20


def refreshed_rows(before: dict, after: dict) -> dict:
    """The listed residents whose planned change differs between the preview and the plan made at
    the commit (a change that appeared, went or now starts from another value): the first few, named,
    and how many. Their numbers are masked as the list keeps them."""

    def planned(kept: dict) -> dict[int, tuple]:
        return {
            e["row"]: (e.get("resident"), e.get("fields"), e.get("move")) for e in kept.get("residents", [])
        }

    old, new = planned(before), planned(after)
    names = {e["row"]: e["name"] for kept in (before, after) for e in kept.get("residents", [])}
    rows = sorted(row for row in old.keys() | new.keys() if old.get(row) != new.get(row))
    return {
        "rows": [{"row": row, "name": names[row]} for row in rows[:REFRESHED_ROWS_NAMED]],
        "count": len(rows),
    }


# --- In the worker ------------------------------------------------------------------------------

INTERRUPTED = gettext_noop(
    "The import stopped before it finished (the background worker was stopped or failed), and "
    "nothing was written. Upload the file again."
)
REGISTRY_CHANGED = gettext_noop(
    "The registry changed while importing, so nothing was written. Upload the file again."
)


def request_commit(run: ImportRun, user) -> bool:
    """Hand a previewed large run's commit to the worker. False when it is not awaiting commit (a
    second click, a second tab): the conditional UPDATE lets exactly one request through."""
    if run.error_count:
        return False
    started = ImportRun.all_objects.filter(pk=run.pk, status=S.PREVIEWED).update(
        status=S.COMMITTING,
        committed_by=user,
        phase=ImportRun.Phase.WRITING,
        rows_done=0,
        attempts=0,
        progress_at=timezone.now(),
    )
    if started:
        from residents.tasks import commit_import_task

        transaction.on_commit(lambda: commit_import_task.enqueue(run.pk))
    return bool(started)


# The commit's rows done. The commit is one transaction, so what it writes to the database (the run's
# row too, which it holds locked) is seen by nobody until it ends; its count goes to a small file beside
# the upload instead, which the worker and the app share already. The file's age is also the commit's
# sign of life for resume_stalled.


def _writing_path(run_id: int) -> Path:
    return _upload_dir() / f"{run_id}.writing"


def _record_writing(run_id: int) -> Callable[[int], None]:
    def record(done: int) -> None:
        path = _writing_path(run_id)
        partial = path.with_name(f"{path.name}.part")
        partial.write_text(str(done))
        os.replace(partial, path)  # a reader never sees half a number

    return record


def rows_written(run: ImportRun) -> int | None:
    """How many rows the worker's commit of this run has written so far (None: not known)."""
    if run.status != S.COMMITTING:
        return None
    try:
        return int(_writing_path(run.pk).read_text())
    except (OSError, ValueError):
        return None


def _writing_recently(run_id: int, since: datetime.datetime) -> bool:
    try:
        touched = _writing_path(run_id).stat().st_mtime
    except OSError:
        return False
    return touched > since.timestamp()


def _claim(run_id: int, status: str) -> ImportRun | None:
    """Count one more attempt at a run still in `status` (committed at once, so that a worker that
    dies mid-run has it counted); None when the run is past that step already."""
    claimed = ImportRun.all_objects.filter(pk=run_id, status=status).update(
        attempts=F("attempts") + 1, progress_at=timezone.now()
    )
    if not claimed:
        return None
    return ImportRun.all_objects.select_related("committee", "created_by", "committed_by").get(pk=run_id)


def check_in_background(run_id: int) -> str | None:
    """The worker's preview of a large file. Returns the run's new status (None: nothing to do)."""
    run = _claim(run_id, S.CHECKING)
    if run is None:
        return None
    with committee_scope([run.committee_id]):
        try:
            report = _check(run, background=True)
        except FileProblem as problem:
            _reject(run, problem)
        else:
            _keep_report(run, report)
            run.status = S.PREVIEWED
            run.rows_done = run.rows_total = report.rows
        finished = ImportRun.all_objects.filter(pk=run.pk, status=S.CHECKING).update(
            status=run.status,
            problem=run.problem,
            problem_said=run.problem_said,
            stored_name=run.stored_name,
            counts=run.counts,
            mapping=run.mapping,
            errors=run.errors,
            changes=run.changes,
            phase="",
            rows_done=run.rows_done,
            rows_total=run.rows_total,
            progress_at=timezone.now(),
        )
    if finished:
        _tell(run)
    return run.status


def commit_in_background(run_id: int) -> str | None:
    """The worker's commit of a large file (one transaction). Returns the run's new status (None:
    committed already, or no longer waiting for the worker)."""
    run = _claim(run_id, S.COMMITTING)
    if run is None:
        return None
    with committee_scope([run.committee_id]):
        try:
            report = commit_import(
                run, run.committed_by, from_status=S.COMMITTING, progress=_record_writing(run.pk)
            )
        except IntegrityError:
            # Another change to the registry (a resident saved with the same ID meanwhile): the
            # transaction is rolled back. No detail of the error is kept: it would hold the number.
            fail(run.pk, S.COMMITTING, REGISTRY_CHANGED)
            return S.FAILED
        finally:
            _writing_path(run.pk).unlink(missing_ok=True)
    run.refresh_from_db()
    if report is None and run.status != S.REJECTED:
        return None  # committed (or cancelled) already: told then, by the attempt that did it
    _tell(run)  # told once per outcome: the notification's key is the run and its outcome
    return run.status


def fail(run_id: int, from_status: str, message: str = INTERRUPTED) -> bool:
    """Report a run the worker could not finish: failed, with a clear message (translated when shown),
    its file deleted, whoever started it told. Nothing was written (the commit is one transaction)."""
    run = ImportRun.all_objects.select_related("committee").filter(pk=run_id, status=from_status).first()
    if run is None:
        return False
    failed = ImportRun.all_objects.filter(pk=run_id, status=from_status).update(
        status=S.FAILED, problem=message, stored_name="", phase="", progress_at=timezone.now()
    )
    if failed:  # only the one that failed it deletes its files: a run that moved on meanwhile keeps them
        _delete_files(run)
        _writing_path(run_id).unlink(missing_ok=True)
        run.status = S.FAILED
        _tell(run)
    return bool(failed)


def failed_for_good(run_id: int, from_status: str) -> bool:
    """After an error in the worker: fail the run if it has had all its attempts (else the retry
    claims it again)."""
    attempts = ImportRun.all_objects.filter(pk=run_id).values_list("attempts", flat=True).first()
    if attempts is not None and attempts >= settings.TASK_MAX_ATTEMPTS:
        return fail(run_id, from_status)
    return False


def resume_stalled() -> dict[str, int]:
    """Runs in the worker's hands with no sign of life for IMPORT_STALL_MINUTES: their worker died
    (a restart, a crash; the task stays "running" in the queue for ever). Each is queued again (from
    the start: nothing of it was written) until it has had TASK_MAX_ATTEMPTS attempts, then failed."""
    from residents.tasks import check_import, commit_import_task

    since = timezone.now() - datetime.timedelta(minutes=settings.IMPORT_STALL_MINUTES)
    outcome = {"resumed": 0, "failed": 0}
    stalled = ImportRun.all_objects.filter(status__in=ImportRun.IN_PROGRESS, progress_at__lt=since)
    for run_id, status, attempts in stalled.values_list("pk", "status", "attempts"):
        if status == S.COMMITTING and _writing_recently(run_id, since):
            continue  # a long commit, still writing
        if attempts >= settings.TASK_MAX_ATTEMPTS:
            outcome["failed"] += fail(run_id, status)
            continue
        # A new sign of life, so that the next sweep leaves it to the task queued here.
        if ImportRun.all_objects.filter(pk=run_id, status=status, progress_at__lt=since).update(
            progress_at=timezone.now()
        ):
            task = check_import if status == S.CHECKING else commit_import_task
            transaction.on_commit(lambda task=task, run_id=run_id: task.enqueue(run_id))
            logger.warning("import run %s (%s) had stalled; queued again", run_id, status)
            outcome["resumed"] += 1
    return outcome


def _tell(run: ImportRun) -> None:
    from notifications.services import notify_import

    notify_import(run)


def cancel_import(run: ImportRun) -> None:
    if run.status != S.PREVIEWED:
        return
    # Conditional: a commit the worker started meanwhile is not cancelled under it.
    if ImportRun.all_objects.filter(pk=run.pk, status=S.PREVIEWED).update(status=S.CANCELLED, stored_name=""):
        stored_path(run).unlink(missing_ok=True)
        run.status = S.CANCELLED
        run.stored_name = ""
