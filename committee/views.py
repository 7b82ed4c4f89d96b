"""The home page: who you are where, and the work waiting for you."""

import functools

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from common.kept import Kept
from reports import open_cases


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The front page after login: what is new for me, my queue, what waits for the secretary."""
    roles = [
        (street, name, request.access.role(pk)) for pk, name, street in request.access.committee_names()[:50]
    ]
    ctx = {"roles": roles}
    ctx.update(_case_queue(request))
    return render(request, "committee/home.html", ctx)


QUEUE_SIZE = 8
NEWS_SIZE = 8


def _news(request: HttpRequest) -> dict:
    """What is new for this worker since they last looked: the inbox's unread notifications about
    their cases (assigned to them, reopened, not satisfied, a reply received). The inbox already
    holds these facts, told once per event; the home page shows them first, marked, until opened
    (or all marked seen): one query."""
    from notifications.models import Notification

    news = _news_kept(Notification.objects.db, request.user.pk).rows()
    return {"news": news[:NEWS_SIZE], "news_more": len(news) > NEWS_SIZE}


@functools.lru_cache(maxsize=512)
def _news_kept(using: str, user_id: int) -> Kept:
    """_news' query for the database `using` and the reader `user_id`, compiled once (its SQL is a
    function of these and of nothing else: notifications are not committee-scoped)."""
    from notifications.models import Notification

    kinds = Notification.Kind
    news = Notification.objects.using(using).filter(
        recipient_id=user_id,
        read_at__isnull=True,
        kind__in=[
            kinds.ASSIGNED,
            kinds.REOPENED,
            kinds.NOT_SATISFIED,
            kinds.REPLY,
            kinds.REOPEN_REQUESTED,
            kinds.REOPEN_DECLINED,
        ],
    )
    return Kept(news[: NEWS_SIZE + 1])


def _case_queue(request: HttpRequest) -> dict:
    """A worker's queue: my open cases by due date with their count, and the unassigned ones of my
    committees; for the secretary also the resolved cases waiting for the follow-up call or for
    closing. A fixed number of queries whatever the number of cases."""
    from cases import selectors
    from cases.models import Case
    from committee.roles import Perm

    working = request.access.committees_where(Perm.LOG_CASE)
    if not working:
        return {}
    my_cases, unassigned_cases = selectors.queue_rows(request.access, working, QUEUE_SIZE)
    # The referrals the rows mention, for both lists in one query.
    selectors.read_waiting_referrals([*my_cases, *unassigned_cases])
    ctx = {
        "queue": True,
        "my_cases": my_cases,
        "unassigned_cases": unassigned_cases,
        # Both counts from the kept counters (reports/open_cases.py), in one query of a few rows
        # instead of two counts of every open case (11,000 each at 300,000 cases: 3.6 ms).
        **open_cases.queue_counts(request.access, working),
        **_news(request),
    }
    managing = request.access.committees_where(Perm.MANAGE_CASES)
    if managing:
        # The same rows as the case list's follow_up=due and follow_up=called filters (with
        # status=resolved) and its reopen=asked filter, counted in one query.
        resolved = Q(status=Case.Status.RESOLVED)
        asked = Q(reopen_requested_at__isnull=False)
        waiting = selectors.visible_cases(
            request.access, Case.objects.filter(resolved | asked, committee_id__in=managing)
        )
        ctx["waiting"] = waiting.aggregate(
            to_call=Count("pk", filter=resolved & Q(satisfaction="")),
            to_close=Count("pk", filter=resolved & ~Q(satisfaction="")),
            reopen_asked=Count("pk", filter=asked),
        )
    return ctx
