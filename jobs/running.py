"""How Needle's tasks run: in an explicit scope, idempotently, retried a few times, failures told.

Every task body says whose work it does, like every request does: `acting_as(user)` for one
person's work, `committee_scope(ids)` for a committee's, `unscoped()` for a job across the whole
deployment (said out loud). A body that forgets fails on its first query with ScopeError, and its
result shows it (the admin's list of task results).

`@retried` (under `@task(takes_context=True)`) tries a body again after a pause when it raises,
TASK_MAX_ATTEMPTS times in all. Bodies must therefore be idempotent: Needle's write each row under a
unique key, so a second run finds the work done. When the last attempt fails, whoever started the
task (`started_by=user_id`) gets a notification saying so; the administrator sees every failed
result in the admin.
"""

import datetime
import functools
import logging
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)


def retried(body: Callable) -> Callable:
    @functools.wraps(body)
    def run(context, *args, attempt: int = 1, started_by: int | None = None, **kwargs):
        try:
            return body(*args, **kwargs)
        except Exception:
            task = context.task_result.task
            if attempt < settings.TASK_MAX_ATTEMPTS:
                pause = datetime.timedelta(seconds=settings.TASK_RETRY_SECONDS * attempt)
                if task.get_backend().supports_defer:
                    task = task.using(run_after=timezone.now() + pause)
                logger.warning("%s failed (attempt %s); trying again", task.name, attempt)
                task.enqueue(*args, attempt=attempt + 1, started_by=started_by, **kwargs)
            else:
                logger.error("%s failed for good after %s attempts", task.name, attempt)
                if started_by is not None:
                    from notifications.services import notify_task_failed

                    notify_task_failed(
                        user_id=started_by, task_name=task.name, result_id=context.task_result.id
                    )
            raise

    # Django checks that a task taking context names it first: show run's own signature, not the body's.
    del run.__wrapped__
    return run
