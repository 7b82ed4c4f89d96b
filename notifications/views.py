from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from needle.sessions import leave_session_alone
from notifications import services
from notifications.models import Notification

PAGE = 50


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    """The inbox: the latest notifications, unread first marked. Two queries (count and rows)."""
    notifications = list(Notification.objects.filter(recipient=request.user)[:PAGE])
    ctx = {"notifications": notifications, "any_unread": any(n.read_at is None for n in notifications)}
    return render(request, "notifications/list.html", ctx)


@login_not_required
@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The header's bell with the unread count (one query): fetched by each page as it loads, then
    polled every minute while the page is open. The poll does not renew the session, so an open
    page left alone still logs out after SESSION_IDLE_MINUTES; then the answer is 286, which tells
    htmx to stop polling (a redirect would put the login page in the header)."""
    leave_session_alone(request)
    if not request.user.is_authenticated:
        return HttpResponse(status=286)
    ctx = {"unread": services.unread_count(request.user), "poll_seconds": settings.BELL_POLL_SECONDS}
    return render(request, "notifications/bell.html", ctx)


@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.mark_read(request.user, notification.pk)
    if request.POST.get("open") and notification.url:
        return redirect(notification.url)
    return redirect("notifications:list")


@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    services.mark_read(request.user)
    return redirect("notifications:list")
