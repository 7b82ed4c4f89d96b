from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from committee.models import Committee, Street
from committee.roles import Perm
from needle.sessions import leave_session_alone
from notifications import services
from notifications.forms import EmailPreferenceForm, WecomForm
from notifications.models import CommitteeChannel, Delivery, Notification, Preference

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
    # "open": 1 for the notification's link, or a morning list's figure (Notification.link_of).
    if (figure := request.POST.get("open")) and (url := notification.link_of(figure)):
        return redirect(url)
    return redirect("notifications:list")


@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    services.mark_read(request.user)
    return redirect("notifications:list")


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """The person's own notification settings: e-mail or not (the inbox always); for a secretary,
    links to their committees' WeCom group settings, with how many messages failed there."""
    preference = Preference.objects.filter(user=request.user).first()
    initial = {"by_email": bool(preference and preference.by_email), "email": request.user.email}
    form = EmailPreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        request.user.email = form.cleaned_data["email"]
        request.user.save(update_fields=["email"])
        Preference.objects.update_or_create(
            user=request.user, defaults={"by_email": form.cleaned_data["by_email"]}
        )
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:preferences")
    led = _committees_led(request)
    failed = dict(
        Delivery.objects.filter(committee__in=led, status=Delivery.Status.FAILED)
        .values_list("committee")
        .annotate(n=Count("pk"))
        .order_by()
    )
    committees = [(c, failed.get(c.pk, 0)) for c in Committee.objects.filter(pk__in=led).order_by("name")]
    ctx = {"form": form, "committees": committees, "streets": _streets_read(request)}
    return render(request, "notifications/preferences.html", ctx)


def _streets_read(request: HttpRequest) -> list[tuple[Street, int]]:
    """The streets whose officers' e-mails this user reads (their own street posts), each with how
    many failed. Nothing is asked of the database for anyone else."""
    committee_ids = request.access.committees_where(Perm.READ_STREET_DELIVERIES)
    if not committee_ids:
        return []
    streets = list(Street.objects.filter(committees__in=committee_ids).distinct().order_by("name"))
    failed = dict(
        Delivery.objects.to_street_officers(streets)
        .filter(status=Delivery.Status.FAILED)
        .values_list("recipient__street_posts__street")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(street, failed.get(street.pk, 0)) for street in streets]


def _committees_led(request: HttpRequest) -> list[int]:
    """The committees whose WeCom group this user sets."""
    return request.access.committees_where(Perm.SET_CHANNELS)


@require_http_methods(["GET", "POST"])
def wecom(request: HttpRequest, committee_id: int) -> HttpResponse:
    """A committee's WeCom group robot (its secretary sets it), the messages that failed and the
    e-mails not sent (their person deactivated since, or left without an address)."""
    committee = get_object_or_404(Committee, pk=committee_id)
    if not request.access.can(Perm.VIEW, committee):
        raise Http404
    request.access.require(Perm.SET_CHANNELS, committee)
    channel = CommitteeChannel.objects.filter(committee=committee).first()
    form = WecomForm(
        request.POST or None, initial={"wecom_webhook": channel.wecom_webhook if channel else ""}
    )
    if request.method == "POST" and form.is_valid():
        CommitteeChannel.objects.update_or_create(
            committee=committee,
            defaults={
                "wecom_webhook": form.cleaned_data["wecom_webhook"].strip(),
                "updated_by": request.user,
                "updated_at": timezone.now(),
            },
        )
        messages.success(request, _("The WeCom group robot is saved."))
        return redirect("notifications:wecom", committee.pk)
    failed, skipped = (
        list(Delivery.objects.filter(committee=committee, status=status).select_related("recipient")[:30])
        for status in (Delivery.Status.FAILED, Delivery.Status.SKIPPED)
    )
    ctx = {"committee": committee, "form": form, "channel": channel, "failed": failed, "skipped": skipped}
    return render(request, "notifications/wecom.html", ctx)


@require_GET
def street_deliveries(request: HttpRequest, street_id: int) -> HttpResponse:
    """The e-mails to the street's officers (their week) that failed or were not sent: about no one
    committee, so no secretary's WeCom page lists them; the street's officers read them here, each
    other's too (the one whose address is wrong is the one who gets nothing)."""
    street = _street_read(request, street_id)
    deliveries = Delivery.objects.to_street_officers([street.pk]).select_related("recipient")
    failed, skipped = (
        list(deliveries.filter(status=status)[:30])
        for status in (Delivery.Status.FAILED, Delivery.Status.SKIPPED)
    )
    return render(
        request, "notifications/street.html", {"street": street, "failed": failed, "skipped": skipped}
    )


def _street_read(request: HttpRequest, street_id: int) -> Street:
    """A street whose officers' e-mails this user reads: 404 when they see none of its committees,
    403 when their role there does not allow it (a committee's staff, the district, a superuser)."""
    street = get_object_or_404(Street, pk=street_id)
    seen = list(request.access.committees().filter(street=street).values_list("pk", flat=True))
    if not seen:
        raise Http404
    if not any(request.access.can(Perm.READ_STREET_DELIVERIES, committee_id) for committee_id in seen):
        raise PermissionDenied(Perm.READ_STREET_DELIVERIES)
    return street
