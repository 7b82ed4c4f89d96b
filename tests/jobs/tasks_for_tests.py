"""Tasks that exist only for the tests: one that forgets its scope, ones that fail, one safe to run
twice, one that runs until the test lets it go."""

import os
import time

from django.tasks import task

from cases.models import Case
from jobs.reclaim import repeatable
from jobs.running import retried

calls: dict[str, int] = {"flaky": 0, "broken": 0}


@task
def count_cases_without_scope() -> int:
    return Case.objects.count()


@task(takes_context=True)
@retried
def flaky(fail_times: int) -> str:
    calls["flaky"] += 1
    if calls["flaky"] <= fail_times:
        raise ConnectionError("the relay did not answer")
    return "done"


@task(takes_context=True)
@retried
def broken() -> None:
    calls["broken"] += 1
    raise ValueError("never works")


@task
@repeatable
def repeat_me() -> str:
    """Safe to run twice: a run lost with its worker is queued again once."""
    return "done"


@task
def hold(path: str, seconds: float = 60) -> str:
    """Runs until the file at `path` exists (a task a test keeps running in a live worker)."""
    deadline = time.monotonic() + seconds
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            raise TimeoutError("the test never let go")
        time.sleep(0.1)
    return "let go"
