"""The home page: who you are where, and the work waiting for you."""

import functools

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from committee.roles import Perm, Role
from common.kept import Kept
from common.reversing import reverse_once
from reports import figures, open_cases


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The front page after login: what is new for me, my queue, what waits for the secretary."""
    ctx = {"posts": posts(request.access)}
    ctx.update(_case_queue(request))
    ctx.update(area_figures(request))
    return render(request, "committee/home.html", ctx)


QUEUE_SIZE = 8
POSTS_SHOWN = 50  # committee roles listed on the home page; a street's or district's post is one line


def posts(access) -> list[dict]:
    """Where the user works, one line a post: each committee role (its street, committee and role),
    a street officer's street and a district officer's district once each, whatever their number of
    committees (a district's 300), with its overview's link. From the roles (one query, every page's)
    and where the committees sit (cached, Access.committee_places): no query of its own. A post
    whose every committee a more specific one of the user's covers (a street's, a committee role)
    is not listed; a superuser holds none (they read everything)."""
    if access.sees_everything:
        return []
    roles = access.roles
    places = access.committee_places()
    committees, streets, districts = [], {}, {}
    for place in places:
        role = roles.get(place.committee_id)
        if role == Role.DISTRICT_OFFICER:
            districts.setdefault(place.district_id, {"name": place.district, "committees": 0})
        elif role == Role.STREET_OFFICER:
            streets.setdefault(place.street_id, {"name": place.street, "committees": 0})
        elif role is not None:
            committees.append({"street": place.street, "name": place.committee, "role": role})
    for place in places:  # a street's or district's committees, a role of the user's own among them
        if place.district_id in districts:
            districts[place.district_id]["committees"] += 1
        if place.street_id in streets:
            streets[place.street_id]["committees"] += 1
    overview, district_overview = reverse_once("dashboard"), reverse_once("dashboard_district")
    lines = [
        {"kind": "district", "role": Role.DISTRICT_OFFICER, "url": district_overview, **line}
        for line in districts.values()
    ]
    for sid, line in streets.items():
        # An officer of several streets (or of a street and a district) names the street.
        url = overview if len(streets) == 1 and not districts else f"{overview}?street={int(sid)}"
        lines.append({"kind": "street", "role": Role.STREET_OFFICER, "url": url, **line})
    return lines + [{"kind": "committee", **line} for line in committees[:POSTS_SHOWN]]


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


def area_figures(request: HttpRequest) -> dict:
    """A street or district officer's home: their area's few headline figures (overdue, the late
    referrals, open, new this month), each a link to the list it counts, for those who work no
    committee's cases (who have their queue). The overview's own figures, read from its cache entry
    (reports/views.py street_figures, reports/district.py district_figures: the district's for a
    district officer, as their dashboard is the district overview), so no figure is counted twice
    and sensitive cases are left out as there. A fixed number of queries: none for a street
    officer's, once the figures are in the cache (the committees from the roles, their places
    cached), two for a district officer's."""
    from reports.district import district_figures
    from reports.views import leaves_out_sensitive, street_figures

    access = request.access
    roles = set(access.roles.values())
    if access.sees_everything or roles & {Role.SECRETARY, Role.WORKER}:
        return {}
    period = figures.Period(timezone.localdate())
    if Role.DISTRICT_OFFICER in roles:
        districts, street_of, ctx = district_figures(request)
        names = [district.name for district in districts]
        links = figures.area_links(period, district=districts[0].pk if len(districts) == 1 else None)
        ids = list(street_of)
    else:
        ids = access.committees_where(Perm.VIEW_REPORTS)
        if not ids:
            return {}
        ctx = street_figures(request, ids)
        shown = set(ids)
        streets = {p.street_id: p.street for p in access.committee_places() if p.committee_id in shown}
        names = list(streets.values())
        links = figures.area_links(period, street=next(iter(streets)) if len(streets) == 1 else None)
    return {
        "area": {
            "names": names,
            "figures": ctx["total"],
            "links": links,
            "district": Role.DISTRICT_OFFICER in roles,
            "leaves_out_sensitive": leaves_out_sensitive(access, ids),
        }
    }
