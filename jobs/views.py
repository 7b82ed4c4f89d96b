from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from jobs.health import lost_last_day, task_processes


@login_not_required
@never_cache
@require_GET
def healthz_tasks(request: HttpRequest) -> HttpResponse:
    """The worker and the scheduler are alive: 200 with the age of each one's last sign of life,
    503 when either is older than TASKS_STALE_SECONDS (or never seen), and how many tasks a dead
    worker left running were found in the last day (jobs/reclaim.py; told, not a failure of health:
    a worker that died and came back). Two queries; no session."""
    health = task_processes()
    body = {
        "status": "ok" if health["ok"] else "stale",
        "worker_seconds_ago": health["worker"],
        "scheduler_seconds_ago": health["scheduler"],
        "limit_seconds": health["limit"],
        "lost_tasks_last_day": lost_last_day(),
    }
    return JsonResponse(body, status=200 if health["ok"] else 503)
