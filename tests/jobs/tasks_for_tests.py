"""Tasks that exist only for the tests: one that forgets its scope, ones that fail."""

from django.tasks import task

from cases.models import Case
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
