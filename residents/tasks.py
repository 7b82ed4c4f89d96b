"""The registry import's large files, in the worker (see residents/imports/runs.py for how a run is
done exactly once and survives a worker's death).

Each task fetches its run across committees (the run says whose it is) and does the work in that
committee's scope (runs.check_in_background / commit_in_background). An error is tried again
(@retried, TASK_MAX_ATTEMPTS in all, counted on the run); after the last, the run is reported failed
to whoever started it (the import's own notification, so @retried is given no `started_by`).
The scheduler sweeps for runs whose worker died every IMPORT_SWEEP_MINUTES.
"""

from crontask import cron
from django.conf import settings
from django.tasks import task
from django.utils import translation

from jobs.running import retried
from residents.imports import runs
from residents.models import ImportRun


def _in_worker(body, run_id: int, status: str):
    # Messages written into the run (a bad file's problem, bad rows) in the committee's language.
    with translation.override(settings.LANGUAGE_CODE):
        try:
            return body(run_id)
        except Exception:
            runs.failed_for_good(run_id, status)
            raise


@task(takes_context=True)
@retried
def check_import(run_id: int) -> str | None:
    return _in_worker(runs.check_in_background, run_id, ImportRun.Status.CHECKING)


@task(takes_context=True)
@retried
def commit_import_task(run_id: int) -> str | None:
    return _in_worker(runs.commit_in_background, run_id, ImportRun.Status.COMMITTING)


@cron(f"*/{settings.IMPORT_SWEEP_MINUTES} * * * *")
@task(takes_context=True)
@retried
def resume_stalled_imports() -> dict[str, int]:
    # ImportRun is read through all_objects: the sweep looks at every committee's runs by design.
    with translation.override(settings.LANGUAGE_CODE):
        return runs.resume_stalled()
