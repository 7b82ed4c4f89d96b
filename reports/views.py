"""The dashboard, the street's overview, the monthly ledger and summary, and the case-list export."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from cases import reference
from cases.filters import CaseFilterForm, committees_in_area
from committee.models import Committee, Street
from committee.roles import OVERSEERS, Perm, Role
from committee.scoping import InIds
from common import exports
from common.db_routers import reads_from_replica
from common.forms import parse_id
from common.hidden_searches import search_by_post
from common.paging import CappedPaginator
from common.reversing import reverse_once
from reports import committee_figures, figures, ledger, overviews, summary
from reports.forms import MonthForm
from reports.selectors import late_referrals_in_order


def _cached(request: HttpRequest, key: tuple, compute):
    """The figures from the cache when they were computed in the last REPORTS_CACHE_SECONDS (120 by
    default; 0 turns it off). Keyed per user, since what a user may see (sensitive cases) is theirs."""
    seconds = settings.REPORTS_CACHE_SECONDS
    if not seconds:
        return compute()
    full_key = ":".join(map(str, ("reports", request.user.pk, get_language(), timezone.localdate(), *key)))
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, seconds)
    return value


def _report_committee(request: HttpRequest, committee_id: int) -> Committee:
    """A committee whose reports the user may read: 404 outside their committees, 403 without the role."""
    committee = get_object_or_404(request.access.committees(), pk=committee_id)
    request.access.require(Perm.VIEW_REPORTS, committee)
    return committee


@require_GET
@reads_from_replica
def dashboard(request: HttpRequest) -> HttpResponse:
    """A committee's staff see their committee; a street officer sees the street's committees."""
    access = request.access
    ids = access.committees_where(Perm.VIEW_REPORTS)
    if not ids:
        raise PermissionDenied(Perm.VIEW_REPORTS)
    role = access.role  # once through the request's lazy access, not once per committee
    own = sorted(cid for cid in ids if role(cid) in (Role.SECRETARY, Role.WORKER))
    if own:
        committee = get_object_or_404(access.committees(), pk=own[0])
        return _render_dashboard(request, committee, others=own[1:])
    # Plain values: (id, name, street), each street made once. A district's 300 committees and
    # their streets built by the ORM cost about 4 ms, as much as a page of them takes to render;
    # only the rows shown become committees (_committees_side_by_side).
    streets, seats = {}, []
    for pk, name, street_id, street_name in (
        access.committees()
        .filter(InIds("id", ids))
        .order_by("street__name", "name")
        .values_list("pk", "name", "street_id", "street__name")
    ):
        if street_id not in streets:
            streets[street_id] = Street(pk=street_id, name=street_name)
        seats.append((pk, name, streets[street_id]))
    return _committees_side_by_side(request, seats)


# The committees side by side, a page at a time for a reader of many (a district's 300): a street.
OVERVIEW_PAGE_SIZE = 25
# ?sort= → the figure its rows go by, most first (ties by street and name); none: by street and name.
OVERVIEW_SORTS = {
    "open": _("Open"),
    "overdue": _("Overdue"),
    "new_this_month": _("New this month"),
    "resolved_this_month": _("Resolved this month"),
    "late_referrals": _("Late referrals"),
}


def _committees_side_by_side(request: HttpRequest, seats: list[tuple[int, str, Street]]) -> HttpResponse:
    """The street officer's street as it is; for a district officer or a superuser (or anyone with
    more committees than a page) a street filter, sorting by a figure and pages, with the totals
    over every committee the filter keeps. `seats`: (committee id, name, street), by street and name.
    Anyone may name one of their streets (?street=: an officer of several streets, from the home
    page). Each headline figure opens the list of what it counts across the committees shown."""
    access = request.access
    streets = sorted({street for _pk, _name, street in seats}, key=lambda street: (street.name, street.pk))
    wide = access.oversees_district or len(seats) > OVERVIEW_PAGE_SIZE
    street = None
    if request.GET.get("street"):
        street = next((s for s in streets if str(s.pk) == request.GET["street"]), None)
        if street is None:  # not a street of theirs
            raise Http404
        seats = [seat for seat in seats if seat[2] == street]
    ids = [pk for pk, _name, _street in seats]
    ctx = street_figures(request, ids)
    sort = request.GET.get("sort", "") if wide else ""
    if sort in OVERVIEW_SORTS:
        by_figure = ctx["figures"]
        seats = sorted(seats, key=lambda seat: -getattr(by_figure[seat[0]], sort))  # stable: then by name
    else:
        sort = ""
    page = Paginator(seats, OVERVIEW_PAGE_SIZE).get_page(request.GET.get("page")) if wide else None
    # The rows shown, as committees (their id, name and street: all the table and chart read).
    shown = [Committee(pk=pk, name=name, street=s) for pk, name, s in (page.object_list if wide else seats)]
    ctx = {**ctx, **overviews.overview_rows(shown, ctx["figures"], ctx["period"])}
    ctx["chart"]["empty"] = figures.chart_is_empty(ctx["chart"])
    # One street shown (chosen, or the reader's only one): its figures' lists are that street's.
    shown_street = street or (streets[0] if len(streets) == 1 else None)
    ctx.update(
        links=figures.area_links(ctx["period"], street=shown_street.pk if shown_street else None),
        streets=[s.name for s in ([street] if street else streets)],
        district_overview=access.oversees_district,
        wide=wide,
        page=page,
        street_choices=streets,
        street=street,
        sort=sort,
        sorts=OVERVIEW_SORTS,
        leaves_out_sensitive=leaves_out_sensitive(access, ids),
    )
    return render(request, "reports/overview.html", ctx)


def street_figures(request: HttpRequest, ids: list[int]) -> dict:
    """These committees' headline figures and their total (overviews.overview_figures), from the
    cache: the committees side by side's, and a street officer's home page's (committee/views.py),
    which reads the same entry. Keyed by the ids in order, whatever order the reader has them in."""
    key = ",".join(map(str, sorted(ids)))
    return _cached(request, ("overview", key), lambda: overviews.overview_figures(ids, request.access))


def leaves_out_sensitive(access, committee_ids) -> bool:
    """Whether the figures leave out cases in sensitive categories, which this reader may not see in
    some of these committees: said on the page, or a street officer's figures for a committee
    (61 open) look wrong beside its secretary's (68)."""
    return not all(access.can(Perm.VIEW_SENSITIVE, cid) for cid in committee_ids)


def _resident_url(pk: int) -> str | None:
    try:
        return reverse_once("residents:detail", pk)
    except NoReverseMatch:  # the residents' pages are another area's; the roster anchor stands in
        return None


@require_GET
@reads_from_replica
def committee_dashboard(request: HttpRequest, committee_id: int) -> HttpResponse:
    """One committee's dashboard: its staff's, or read-only for the street officer who clicked through."""
    return _render_dashboard(request, _report_committee(request, committee_id))


def _render_dashboard(
    request: HttpRequest, committee: Committee, others: list[int] | None = None
) -> HttpResponse:
    ctx = _cached(
        request, ("dashboard", committee.pk), lambda: committee_figures.dashboard(committee, request.access)
    )
    ctx["committee"] = committee
    for spec in ctx["charts"].values():
        spec["empty"] = figures.chart_is_empty(spec)
    ctx["from_street"] = request.access.role(committee) in OVERSEERS
    ctx["show_names"] = request.access.can(Perm.VIEW_SENSITIVE, committee)
    # The secretary hears of a coming year whose holidays nobody has entered (due dates would count
    # New Year's Day and the Spring Festival as working days).
    ctx["warn_holidays"] = request.access.can(Perm.MANAGE_CASES, committee)
    # Staff of several committees see the first; the others are a click away.
    ctx["others"] = list(request.access.committees().filter(pk__in=others)) if others else []
    for resident in ctx["headline"].roster.overdue[:50]:
        resident.url = _resident_url(resident.id)
    return render(request, "reports/dashboard.html", ctx)


# The late referrals' lists, a page at a time (a committee's were cut at 500 without a word).
LATE_REFERRALS_PAGE_SIZE = 50


@require_GET
def late_referrals(request: HttpRequest, committee_id: int) -> HttpResponse:
    """The referrals past their expected reply that the dashboard counts; ?assignee= (a user id): those
    of that person's cases, which their morning list counts (notifications/reminders.py)."""
    committee = _report_committee(request, committee_id)
    period = figures.Period(timezone.localdate())
    referrals = figures.late_referrals([committee.pk], period, request.access)
    assignee = parse_id(request.GET.get("assignee"))
    if assignee is not None:
        # Among those the reader may see already: a narrower list, nobody else's case shown.
        referrals = referrals.filter(case__assignee_id=assignee)
    referrals = late_referrals_in_order(referrals)
    page = CappedPaginator(referrals, LATE_REFERRALS_PAGE_SIZE).get_page(request.GET.get("page"))
    ctx = {"committee": committee, "rows": page.object_list, "page": page}
    ctx["morning_figure"] = _this_mornings_late_figure(request, committee.pk, assignee)
    if assignee is not None:
        ctx["assignee_name"] = reference.user_names([committee.pk], [assignee]).get(assignee, "")
        ctx["all_url"] = reverse("reports:late_referrals", args=[committee.pk])
    return render(request, "reports/late_referrals.html", ctx)


def _this_mornings_late_figure(request: HttpRequest, committee_id: int, assignee: int | None) -> int | None:
    """The late replies this reader's morning list counted today, when this list is the one its figure
    opens: both read Referral.late, so they differ only by what happened since the morning (a reply
    recorded, a new date promised when the body was chased), which the list says in words with both
    figures (review 7, item 10: "转办逾期未复 10 件" opened a list of 9 without a word)."""
    from notifications.models import Notification  # notifications reads the reports' lists' links

    today = timezone.localdate()
    params = (
        Notification.objects.filter(
            recipient_id=request.user.pk,
            kind=Notification.Kind.DIGEST,
            key=f"digest:{committee_id}:{today}",
        )
        .values_list("params", flat=True)
        .first()
    )
    if not params or "late_replies" not in params.get("links", {}):
        return None
    link = reverse("reports:late_referrals", args=[committee_id])
    if assignee is not None:
        link = f"{link}?{urlencode({'assignee': assignee})}"
    return params["late_replies"] if params["links"]["late_replies"] == link else None


@require_GET
def late_referrals_across(request: HttpRequest) -> HttpResponse:
    """The referrals past their expected reply that a street's or the district's overview counts:
    across the committees whose reports the reader reads, or those of one street or district
    (?street=, ?district=: as the case list's filters of the same name, cases/filters.py), a page
    at a time, each with its committee."""
    access = request.access
    ids = access.committees_where(Perm.VIEW_REPORTS)
    if not ids:
        raise PermissionDenied(Perm.VIEW_REPORTS)
    street, district = request.GET.get("street", ""), request.GET.get("district", "")
    readable = set(ids)
    places = [place for place in access.committee_places() if place.committee_id in readable]
    chosen = committees_in_area(places, street, district)
    if chosen is not None:
        if not chosen:  # not a street or district of theirs (or none of its committees' reports)
            raise Http404
        ids = chosen
    # The street's name (or the district's) for the title.
    named = [place.street for place in places if street and str(place.street_id) == street] or [
        place.district for place in places if district and str(place.district_id) == district
    ]
    period = figures.Period(timezone.localdate())
    referrals = late_referrals_in_order(figures.late_referrals(ids, period, access))
    page = CappedPaginator(referrals, LATE_REFERRALS_PAGE_SIZE).get_page(request.GET.get("page"))
    names = reference.committee_names()
    rows = list(page.object_list)
    for referral in rows:
        referral.committee_name = names.get(referral.committee_id, "")
    ctx = {
        "rows": rows,
        "page": page,
        "area": named[0] if named else "",
        "show_committee": len(ids) > 1,
        **_late_referrals_back(street, district, access),
    }
    return render(request, "reports/late_referrals.html", ctx)


def _late_referrals_back(street: str, district: str, access) -> dict:
    """Where the late referrals across committees lead back to: the overview whose figure opened them."""
    if street:
        return {"back": f"{reverse('dashboard')}?street={int(street)}", "back_label": _("Street overview")}
    if district or access.oversees_district:
        return {"back": reverse("dashboard_district"), "back_label": _("District overview")}
    return {"back": reverse("dashboard"), "back_label": _("Street overview")}


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Pick a month (and a committee): the ledger, the summary."""
    form = MonthForm(request.GET or None, access=request.access)
    if not form.committees:
        raise PermissionDenied(Perm.VIEW_REPORTS)
    chosen = form.cleaned() if form.is_bound else form.initial_choice()
    return _index_page(request, form, chosen)


def _index_page(request: HttpRequest, form: MonthForm, chosen, status: int = 200) -> HttpResponse:
    """The reports page; also the answer to a bad month (400), with the month's error on its field."""
    # The export takes the case list's own filter form, so its GET parameters are the list's; its
    # boxes' ids apart from the month form's (both have a committee: a label led to the other's).
    export_form = CaseFilterForm(access=request.access, auto_id="export-%s")
    ctx = {"form": form, "chosen": chosen, "export_form": export_form}
    return render(request, "reports/index.html", ctx, status=status)


@require_GET
@reads_from_replica
def ledger_xlsx(request: HttpRequest) -> HttpResponse:
    form = MonthForm(request.GET, access=request.access)
    if not form.committees:
        raise PermissionDenied(Perm.VIEW_REPORTS)
    chosen = form.cleaned()
    if chosen is None:
        return _index_page(request, form, None, status=400)
    if ledger.ledger_too_large(chosen, request.access):
        messages.error(request, _ledger_too_large_message(chosen))
        return HttpResponseRedirect(f"{reverse('reports:index')}?{chosen.query()}")
    return ledger.monthly_ledger(chosen, request.access)


def _ledger_too_large_message(chosen) -> str:
    """What the user can do about a ledger past EXPORT_MAX_ROWS. Of several committees: choose one.
    Of one committee there is nothing smaller to choose; the case-list export on the page it lands
    on takes the dates logged, so the month's cases go out a part at a time (the visits do not: for
    the whole month in one file the administrator has to raise the limit)."""
    limit = f"{settings.EXPORT_MAX_ROWS:,}"
    if len(chosen.committees) > 1:
        return _(
            "This month's ledger would hold more than %(limit)s cases and visits, more than one "
            "file can take. Choose one committee and export again."
        ) % {"limit": limit}
    return _(
        "The ledger of %(committee)s for %(month)s would hold more than %(limit)s cases and visits, "
        "more than one file can take. Export the month's cases a part at a time with “Export a case "
        "list” below (Logged from, Logged to); for the whole month in one file, ask the administrator."
    ) % {"committee": chosen.committees[0].name, "month": f"{chosen.month:%Y-%m}", "limit": limit}


@require_GET
def summary_page(request: HttpRequest) -> HttpResponse:
    form = MonthForm(request.GET or None, access=request.access)
    if not form.committees:
        raise PermissionDenied(Perm.VIEW_REPORTS)
    chosen = form.cleaned() if form.is_bound else form.initial_choice()
    if chosen is None:
        return _index_page(request, form, None, status=400)
    ctx = summary.monthly_summary(chosen, request.access)
    ctx.update(form=form, chosen=chosen)
    return render(request, "reports/summary.html", ctx)


@require_GET
@reads_from_replica
def summary_txt(request: HttpRequest) -> HttpResponse:
    form = MonthForm(request.GET, access=request.access)
    if not form.committees:
        raise PermissionDenied(Perm.VIEW_REPORTS)
    chosen = form.cleaned()
    if chosen is None:
        return _index_page(request, form, None, status=400)
    # The overdue list's address whole (scheme and host): the file is read away from the page.
    site = request.build_absolute_uri("/").rstrip("/")
    text = summary.as_text(summary.monthly_summary(chosen, request.access), site)
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    month = f"{chosen.month:%Y-%m}"
    name = _("%(who)s-summary-%(month)s.txt") % {"who": chosen.label, "month": month}
    response["Content-Disposition"] = exports.attachment(str(name), f"summary-{month}.txt")
    return response


def _may_export(request: HttpRequest) -> None:
    if not request.access.can_anywhere(Perm.VIEW_REPORTS):
        raise PermissionDenied(Perm.VIEW_REPORTS)


# The export form is sent by POST: words holding a whole number are never in the address.
@search_by_post("q", kept=("status",), check=_may_export)
@require_GET
@reads_from_replica
def cases_xlsx(request: HttpRequest) -> HttpResponse:
    """The case list as filtered (the same GET parameters as cases:list), in the user's scope, masked."""
    return ledger.case_list_xlsx(request)
