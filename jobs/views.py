import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from jobs.models import Heartbeat, LostTask


@login_not_required
@never_cache
@require_GET
def healthz_tasks(request: HttpRequest) -> HttpResponse:
    """The worker and the scheduler are alive: 200 with the age of each one's last sign of life,
    503 when either is older than TASKS_STALE_SECONDS (or never seen), and how many tasks a dead
    worker left running were found in the last day (jobs/reclaim.py; told, not a failure of health:
    a worker that died and came back). Two queries; no session."""
    beat = Heartbeat.objects.filter(pk=1).first()
    now = timezone.now()
    lost = LostTask.objects.filter(found_at__gte=now - datetime.timedelta(days=1)).count()
    worker = int((now - beat.worked_at).total_seconds()) if beat else None
    scheduler = int((now - beat.scheduled_at).total_seconds()) if beat else None
    limit = settings.TASKS_STALE_SECONDS
    ok = worker is not None and scheduler is not None and max(worker, scheduler) <= limit
    body = {
        "status": "ok" if ok else "stale",
        "worker_seconds_ago": worker,
        "scheduler_seconds_ago": scheduler,
        "limit_seconds": limit,
        "lost_tasks_last_day": lost,
    }
    return JsonResponse(body, status=200 if ok else 503)
