"""Pages of the registry: the resident list and search, residents, households, buildings, the care
roster and visits (the reveal of a full number: residents/reveals.py). Each checks access through
committee.access."""

import copy

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Count, Prefetch, Window
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from audit import selectors as audit_selectors
from audit import services as audit
from cases.selectors import cases_for_building, cases_for_household, cases_for_resident
from committee.access import get_for_user
from committee.models import User
from committee.roles import Perm
from committee.scoping import visible_committee_ids
from common import drafts
from common.escaping import escape
from common.hidden_searches import search_by_post, with_search
from common.hints import hint_edited_numbers, hint_typed_numbers
from common.paging import CappedPaginator
from residents import services
from residents.addresses import building_address
from residents.archived_search import ARCHIVED_COUNTED, count_archived_matches, with_status
from residents.care import shortest_cadence
from residents.filters import (
    ResidentFilterForm,
    RosterFilterForm,
    empty_fields_dropped,
    filter_by_category,
    filter_roster,
    narrow_residents,
    parse_id,
)
from residents.forms import ArchiveForm, BuildingForm, HouseholdForm, ResidentForm, VisitForm
from residents.models import Building, CareCategory, Grid, Household, Resident
from residents.rows import render_resident_rows
from residents.selectors import (
    PAGE_SIZE,
    PINYIN_ORDER,
    NameTiers,
    building_choices,
    care_categories,
    care_roster,
    full_number_kinds,
    grid_choices,
    name_tiers,
    overdue_on,
    page_rows,
    search_residents,
    search_terms,
    tiered_page,
    with_home_counts,
)
from residents.visit_history import visit_history

# The newest cases shown on a resident, household or building page; a building links to the full list.
RELATED_CASES = 20


def _sensitive_ids(request: HttpRequest) -> frozenset[int]:
    return frozenset(request.access.committees_where(Perm.VIEW_SENSITIVE))


def _show_categories(residents, sensitive_ids) -> None:
    """Give each resident `.shown_categories`: the sensitive ones only where the user may see them."""
    for resident in residents:
        every = list(resident.care_categories.all())
        resident.shown_categories = [
            c for c in every if not c.sensitive or resident.committee_id in sensitive_ids
        ]
        # Saying "no care category" to someone the sensitive ones are hidden from would be untrue.
        resident.categories_withheld = len(every) > len(resident.shown_categories)


def _int(value) -> int | None:
    return parse_id(value)


MAX_BUILDING_CHOICES = 300


def _building_options(selected: int | None) -> SafeString | None:
    """The building filter's options, or None when there are too many for a select (a street officer
    or an administrator sees whole streets: they filter by grid or search by address instead).
    Written here from the buildings' values, not by a template loop over Building objects: the 200
    options of a committee were most of the resident search's rendering."""
    rows = building_choices(MAX_BUILDING_CHOICES + 1)
    if len(rows) > MAX_BUILDING_CHOICES:
        return None
    options = (
        f'<option value="{pk}"{" selected" if pk == selected else ""}>'
        f"{escape(building_address(road, lane, number))}</option>"
        for pk, road, lane, number in rows
    )
    # The ids are integers and the addresses escaped: nothing else goes into the markup.
    return mark_safe("".join(options))  # noqa: S308


class SearchPaginator(CappedPaginator):
    """The search's pager: the page's ids and their count from ONE reading of the matches.

    A search sorts every match to find its best 25 (the rank comes first: no index gives that
    order), so counting them beside the sort (COUNT(*) OVER ()) costs nothing more, where
    CappedPaginator's count is a second reading of up to 1,001 matches: for 王 in a committee of
    10,000, 2.6 against 5.2 ms (the search's SQL alone, median of 30 on this machine); for a word
    that matches 100,000 residents (路) both sort them all (94 against 97 ms). What the page says
    is CappedPaginator's: the count exact up to the cap, "More than 1,000" past it.

    One Chinese character is read in tiers instead (`tiers`, residents.selectors.name_tiers): the names
    starting with it from the pinyin index, in order, without sorting every match."""

    def __init__(self, object_list, per_page, *, tiers: NameTiers | None = None, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.tiers = tiers

    def _page_with_count(self, capped, wanted: int, limit: int):
        bottom = (wanted - 1) * self.per_page
        if self.tiers is not None:
            rows = tiered_page(self.tiers, offset=bottom, size=self.per_page, limit=limit)
        else:
            counted = self.object_list.values_list("pk", Window(Count("pk")))
            rows = list(counted[bottom : bottom + self.per_page])
        if not rows and wanted > 1:
            return None
        self._counted(min(rows[0][1], limit + 1) if rows else 0, limit)
        return self._get_page([pk for pk, _counted in rows], wanted, self)


@search_by_post("q")  # a whole number is never in the address (common/hidden_searches.py)
@require_GET
@empty_fields_dropped
def resident_list(request: HttpRequest) -> HttpResponse:
    """The registry with one search box (name, pinyin, initials, phone tail, address) and filters.

    A fixed number of queries: the care categories; the page's ids with the capped count (one
    query: common/paging.py); the page's rows with their categories (residents.selectors.page_rows);
    the building and grid lists (none of the three but the rows' for the results alone, as you
    type). The rows are written by residents/rows.py."""
    sensitive_ids = _sensitive_ids(request)
    filters = ResidentFilterForm(with_search(request, request.GET)).filters()
    every_category = care_categories()
    # The filter offers the sensitive categories only to those who may see them somewhere.
    categories = [c for c in every_category if sensitive_ids or not c.sensitive]
    listed = narrow_residents(Resident.objects.all(), filters)
    listed, category = filter_by_category(listed, categories, filters["category"], sensitive_ids)
    number = request.GET.get("page")
    # Where the reader may reveal a number, they may search it whole (residents.selectors._term_filter).
    full_in = request.access.committees_where(Perm.REVEAL)
    if search_terms(filters["q"]):
        # Sorted by rank, best match first (SearchPaginator; one Chinese character in tiers).
        ids = search_residents(listed, filters["q"], full_numbers_in=full_in).values_list("pk", flat=True)
        # In tiers only within one committee: over several, the pinyin index's ranges are one per
        # committee and their names are sorted anyway (nine committees: 7.5 → 8.0 ms tiered).
        one_committee = len(visible_committee_ids("Resident") or ()) == 1
        tiers = name_tiers(listed, filters["q"]) if one_committee else None
        page = SearchPaginator(ids, PAGE_SIZE, one_query=True, tiers=tiers).get_page(number)
    else:
        # The pinyin order's index gives the page without reading every row (CappedPaginator).
        ids = listed.order_by(*PINYIN_ORDER).values_list("pk", flat=True)
        page = CappedPaginator(ids, PAGE_SIZE, one_query=True).get_page(number)
    # The page's residents as read for their rows (each has .pk and .name, as the list's tests read).
    page.object_list = page_rows(list(page.object_list))
    kinds = full_number_kinds(filters["q"])
    services.note_number_search(user=request.user, kinds=kinds, full_in=full_in, found=page.object_list)
    rows = render_resident_rows(page.object_list, every_category, sensitive_ids)
    # Nobody living here matches: say whether someone moved out or deceased does (one more query,
    # only then), so a search for a resident who died does not read as "nobody of that name".
    archived_matches = 0
    if not page.object_list and filters["status"] == "active" and search_terms(filters["q"]):
        archived_matches = count_archived_matches(filters, categories, sensitive_ids, full_in)
    partial = bool(request.htmx and request.htmx.target == "results")  # as-you-type: the results only
    ctx = {
        "page": page,
        "rows": rows,
        "q": filters["q"],
        # A whole number typed by one who may not search it: it found nothing, and they are told why.
        "number_hidden": bool(kinds) and not full_in,
        "status": filters["status"],
        "archived_matches": archived_matches,
        "archived_more": archived_matches >= ARCHIVED_COUNTED,
        "archived_url": with_status(request.GET, "archived") if archived_matches else "",
        "building_id": filters["building"],
        "grid_id": filters["grid"],
        "category": category,
        "categories": categories,
        "building_options": None if partial else _building_options(filters["building"]),
        "grids": [] if partial else grid_choices(),
        "can_view_audit": request.access.can_anywhere(Perm.VIEW_AUDIT),
        "can_read_access_log": request.access.can_anywhere(Perm.READ_ACCESS_LOG),
        "can_import": request.access.can_anywhere(Perm.IMPORT_REGISTRY),
    }
    template = "residents/resident_list.html" + ("#results" if partial else "")
    return render(request, template, ctx)


LOOKS = 5  # the latest looks shown on a resident's page; the access log has the rest


@require_GET
def resident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resident = get_for_user(
        request,
        Resident.objects.select_related("household__building__grid__worker"),
        Perm.VIEW,
        pk=pk,
    )
    sensitive_ids = _sensitive_ids(request)
    _show_categories([resident], sensitive_ids)
    members = list(resident.household.members.exclude(pk=resident.pk).order_by("archived", "pk"))
    visits = visit_history(request.access, resident)  # None: not for this role (review 9, 2)
    can = request.access.can
    ctx = {
        "resident": resident,
        "household": resident.household,
        "members": members,
        "visits": visits,
        "can_edit": can(Perm.EDIT_REGISTRY, resident.committee_id),
        "can_log_case": can(Perm.LOG_CASE, resident.committee_id),
        "can_log_visit": can(Perm.LOG_VISIT, resident.committee_id),
        "can_reveal": can(Perm.REVEAL, resident.committee_id),
        # The day of birth is digits 7-14 of the masked ID: only who enters it sees it (review 9, 1).
        "full_birth_date": can(Perm.EDIT_REGISTRY, resident.committee_id),
        "cadence": shortest_cadence(c.visit_every_days for c in resident.shown_categories),
        "related_cases": list(cases_for_resident(resident, request.access)[:RELATED_CASES]),
        # Come from a visit that needs follow-up (visit_new): the page opens at its visits.
        "messages_at_visits": "visit" in request.GET,
    }
    if can(Perm.READ_ACCESS_LOG, resident.committee_id):
        ctx["looks"] = list(
            audit_selectors.records(committee_ids=[resident.committee_id], resident=resident)[:LOOKS]
        )
    # After the page's own reads: "who looked" does not yet list this look.
    audit.record(
        user=request.user, kind=audit.Kind.RESIDENT, committee_id=resident.committee_id, resident=resident
    )
    return render(request, "residents/resident_detail.html", ctx)


@require_GET
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_for_user(request, Household.objects.select_related("building__grid"), Perm.VIEW, pk=pk)
    members = list(household.members.prefetch_related("care_categories").order_by("archived", "pk"))
    _show_categories(members, _sensitive_ids(request))
    ctx = {
        "household": household,
        "members": members,
        "can_edit": request.access.can(Perm.EDIT_REGISTRY, household.committee_id),
        "can_log_case": request.access.can(Perm.LOG_CASE, household.committee_id),
        "can_reveal": request.access.can(Perm.REVEAL, household.committee_id),
        "related_cases": list(cases_for_household(household, request.access)[:RELATED_CASES]),
    }
    audit.record(
        user=request.user, kind=audit.Kind.HOUSEHOLD, committee_id=household.committee_id, household=household
    )
    return render(request, "residents/household_detail.html", ctx)


@require_GET
def building_detail(request: HttpRequest, pk: int) -> HttpResponse:
    building = get_for_user(
        request, Building.objects.select_related("grid__worker", "leader"), Perm.VIEW, pk=pk
    )
    # Room by room in natural order (Household.room_order: 3室, 12室, 302室, 甲302室, 1002室, 地下室).
    households = list(
        building.households.order_by(*Household.ROOM_ORDER).prefetch_related(
            Prefetch("members", Resident.objects.filter(archived="").order_by("pk"), to_attr="current")
        )
    )
    ctx = {
        "building": building,
        "households": households,
        "resident_count": sum(len(h.current) for h in households),
        "can_edit": request.access.can(Perm.EDIT_REGISTRY, building.committee_id),
        "can_log_case": request.access.can(Perm.LOG_CASE, building.committee_id),
        "related_cases": list(cases_for_building(building, request.access)[:RELATED_CASES]),
    }
    return render(request, "residents/building_detail.html", ctx)


@require_GET
def building_list(request: HttpRequest) -> HttpResponse:
    buildings = Building.objects.select_related("grid")
    grid_id = _int(request.GET.get("grid"))
    if grid_id:
        buildings = buildings.filter(grid_id=grid_id)
    # Natural order (Building.Meta.ordering: 2号 before 10号).
    page = Paginator(buildings.order_by(*Building._meta.ordering), 50).get_page(request.GET.get("page"))
    page.object_list = with_home_counts(list(page.object_list))
    ctx = {
        "page": page,
        "grids": Grid.objects.only("name"),
        "grid_id": grid_id,
        "can_add_building": bool(request.access.committees_where(Perm.EDIT_REGISTRY)),
        "can_manage_grids": request.access.can_anywhere(Perm.MANAGE_GRIDS),
    }
    return render(request, "residents/building_list.html", ctx)


@require_GET
@empty_fields_dropped
def roster(request: HttpRequest) -> HttpResponse:
    """Everyone in a care category with a visit cadence, the most overdue first.

    For those who may see sensitive categories (secretary and workers): who is due is itself sensitive.
    """
    committee_ids = request.access.committees_where(Perm.VIEW_SENSITIVE)
    if not committee_ids:
        raise PermissionDenied(Perm.VIEW_SENSITIVE)
    today = timezone.localdate()
    filters = RosterFilterForm(request.GET).filters()
    # One committee of several (?committee=, as the case list's): the morning list's visits figure is
    # counted per committee, and its link lists that committee's. Another id is no filter.
    chosen = filters["committee"] if filters["committee"] in committee_ids else None
    shown_ids = [chosen] if chosen else committee_ids
    residents = (
        care_roster(shown_ids)
        .select_related("household__building__grid__worker")
        .prefetch_related("care_categories")
    )
    residents = filter_roster(residents, filters, user=request.user)
    categories = list(CareCategory.objects.filter(visit_every_days__isnull=False))
    residents, category = filter_by_category(
        residents, categories, filters["category"], frozenset(committee_ids)
    )
    overdue_only = filters["overdue"]
    if overdue_only:
        residents = overdue_on(residents, today)
    page = Paginator(residents.order_by("next_visit_due", "name", "pk"), 25).get_page(request.GET.get("page"))
    for resident in page.object_list:
        resident.shown_categories = list(resident.care_categories.all())
        resident.cadence = shortest_cadence(c.visit_every_days for c in resident.shown_categories)
        resident.overdue_days = (today - resident.next_visit_due).days
    ctx = {
        "page": page,
        "today": today,
        # The committee's select for who has posts in several (their names from the cache).
        "committees": [
            (pk, name) for pk, name, _street in request.access.committee_names() if pk in committee_ids
        ]
        if len(committee_ids) > 1
        else [],
        "committee_id": chosen,
        "grids": Grid.objects.filter(committee_id__in=shown_ids).only("name"),
        "workers": User.objects.filter(grids__committee_id__in=shown_ids).distinct().order_by("full_name"),
        "categories": categories,
        "category": category,
        "grid_id": filters["grid"],
        "worker_id": filters["worker"],
        "overdue_only": overdue_only,
        "due_by": filters["due_by"],
        "without_due_by": _without_param(request, "due_by"),
        "overdue_count": overdue_on(residents, today).count() if not overdue_only else None,
    }
    return render(request, "residents/roster.html", ctx)


def _without_param(request: HttpRequest, name: str) -> str:
    """This page's address without one of its parameters (and its page): a filter's chip's link."""
    params = request.GET.copy()
    for dropped in (name, "page"):
        params.pop(dropped, None)
    return f"{request.path}?{params.urlencode()}" if params else request.path


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    # A path on this site only: a bare word would be taken by redirect() for a view name.
    if (
        target
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    ):
        return target
    return None


@require_http_methods(["GET", "POST"])
def visit_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Log a visit in one phone screen; one that needs follow-up offers to raise a case."""
    resident = get_for_user(
        request, Resident.objects.select_related("household__building"), Perm.LOG_VISIT, pk=pk
    )
    form = VisitForm(request.POST or None, resident=resident)
    token = services.visit_form_token(request.POST.get("token", ""))
    if request.method == "POST" and services.visit_saved_already(request.user, token):
        return _visit_saved_already(request, resident)
    if request.method == "POST" and form.is_valid():
        visit = form.save(commit=False)
        visit.resident = resident
        visit.visitor = request.user
        visit.form_token = token
        if services.same_visit_just_saved(visit):
            return _visit_saved_already(request, resident)
        try:
            services.visit_log(visit=visit)
        except IntegrityError:  # a double tap's second post, its first saved meanwhile (visit_form_once)
            if services.visit_saved_already(request.user, token):
                return _visit_saved_already(request, resident)
            raise  # another integrity error: never "saved already" for a visit that was not
        except ValidationError as error:
            form.add_error(None, error)  # a time out of range onto its field, the rest as typed
            ctx = {"resident": resident, "form": form, "next": _safe_next(request) or ""}
            return render(request, "residents/visit_form.html", ctx)
        if visit.follow_up_needed:
            messages.warning(
                request,
                _("Visit saved. It needs follow-up: raise a case if something must be done."),
                extra_tags=drafts.posted_done(request),  # the findings' copy on the device is done with
            )
            hint_typed_numbers(request, visit.findings)
            return redirect(reverse("residents:detail", args=[resident.pk]) + f"?visit={visit.pk}#visits")
        saved = _("Visit to %(name)s saved.") % {"name": resident.name}
        messages.success(request, saved, extra_tags=drafts.posted_done(request))
        hint_typed_numbers(request, visit.findings)
        return redirect(_safe_next(request) or reverse("residents:detail", args=[resident.pk]))
    ctx = {"resident": resident, "form": form, "next": _safe_next(request) or ""}
    return render(request, "residents/visit_form.html", ctx)


def _visit_saved_already(request: HttpRequest, resident) -> HttpResponse:
    """The visit form sent again (Back and save, a double tap): the first save stands, and is said."""
    messages.info(
        request,
        _("Saved already: this form was sent twice and saved only once."),
        extra_tags=drafts.posted_done(request),
    )
    return redirect(_safe_next(request) or reverse("residents:detail", args=[resident.pk]))


@require_http_methods(["GET", "POST"])
def resident_new(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_for_user(request, Household.objects.select_related("building"), Perm.EDIT_REGISTRY, pk=pk)
    form = ResidentForm(request.POST or None, access=request.access, household=household)
    if request.method == "POST" and form.is_valid():
        try:
            resident = form.save()
        except ValidationError as error:
            form.add_error(None, error)  # a birth date out of range onto its field
        else:
            messages.success(request, _("%(name)s added.") % {"name": resident.name})
            hint_typed_numbers(request, resident.notes)
            return redirect("residents:detail", pk=resident.pk)
    ctx = {"form": form, "household": household, "resident": None}
    return render(request, "residents/resident_form.html", ctx)


def _kept(form_class, request: HttpRequest, newer, **kwargs):
    """An edit refused because someone else saved the record first (services.StaleEdit): the form
    as posted, drawn again over the newer record with what was typed kept and each field changed
    meanwhile saying to what (KeptWhenStale). The form validates its own copy of the record (a
    model form writes what was typed into its instance): the page's is the newer record as saved."""
    form = form_class(request.POST, instance=copy.deepcopy(newer), **kwargs)
    form.take_newer(form_class(instance=newer, **kwargs))
    return form


@require_http_methods(["GET", "POST"])
def resident_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit with optimistic locking: a stale form is refused, drawn again as typed over the newer record."""
    resident = get_for_user(
        request, Resident.objects.select_related("household__building"), Perm.EDIT_REGISTRY, pk=pk
    )
    form = ResidentForm(request.POST or None, instance=resident, access=request.access)
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except services.StaleEdit as refused:
            stale = refused.current
            _show_categories([stale], _sensitive_ids(request))
            form = _kept(ResidentForm, request, stale, access=request.access)
        except ValidationError as error:
            form.add_error(None, error)  # a birth date out of range onto its field
        else:
            messages.success(request, _("Changes to %(name)s saved.") % {"name": resident.name})
            hint_edited_numbers(request, form, "notes")
            return redirect("residents:detail", pk=resident.pk)
    ctx = {"form": form, "household": resident.household, "resident": resident, "stale": stale}
    return render(request, "residents/resident_form.html", ctx, status=409 if stale else 200)


# The archive form's word once saved: which of the two it was, and when (read in the request's language).
ARCHIVED_SAVED = {
    Resident.Archived.MOVED_OUT: gettext_lazy("Recorded that %(name)s moved out on %(day)s."),
    Resident.Archived.DECEASED: gettext_lazy("Recorded that %(name)s died on %(day)s."),
}


@require_http_methods(["GET", "POST"])
def resident_archive(request: HttpRequest, pk: int) -> HttpResponse:
    """Moved out or deceased, with the date. Residents are never deleted."""
    resident = get_for_user(
        request, Resident.objects.select_related("household__building"), Perm.EDIT_REGISTRY, pk=pk
    )
    form = ArchiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.resident_archive(
                resident=resident,
                archived=form.cleaned_data["archived"],
                archived_on=form.cleaned_data["archived_on"],
            )
        except ValidationError as error:
            form.add_error(None, error)  # the day out of range onto its field
        else:
            day = resident.archived_on.isoformat()
            messages.success(request, ARCHIVED_SAVED[resident.archived] % {"name": resident.name, "day": day})
            return redirect("residents:detail", pk=resident.pk)
    return render(request, "residents/archive_form.html", {"form": form, "resident": resident})


@require_http_methods(["GET", "POST"])
def household_new(request: HttpRequest, pk: int) -> HttpResponse:
    building = get_for_user(request, Building.objects.all(), Perm.EDIT_REGISTRY, pk=pk)
    form = HouseholdForm(request.POST or None, building=building)
    if request.method == "POST" and form.is_valid():
        household = form.save()
        messages.success(request, _("Household %(address)s added.") % {"address": household.address})
        hint_typed_numbers(request, household.notes)
        return redirect("residents:household", pk=household.pk)
    return render(
        request, "residents/household_form.html", {"form": form, "building": building, "household": None}
    )


@require_http_methods(["GET", "POST"])
def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_for_user(request, Household.objects.select_related("building"), Perm.EDIT_REGISTRY, pk=pk)
    """Edit with optimistic locking: a stale form is refused, drawn again as typed over the newer record."""
    form = HouseholdForm(request.POST or None, instance=household, building=household.building)
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except services.StaleEdit as refused:
            stale = household = refused.current
            form = _kept(HouseholdForm, request, stale, building=stale.building)
        else:
            messages.success(request, _("Household %(address)s saved.") % {"address": household.address})
            hint_edited_numbers(request, form, "notes")
            return redirect("residents:household", pk=household.pk)
    ctx = {"form": form, "building": household.building, "household": household, "stale": stale}
    return render(request, "residents/household_form.html", ctx, status=409 if stale else 200)


@require_http_methods(["GET", "POST"])
def building_new(request: HttpRequest) -> HttpResponse:
    committees = list(
        request.access.committees().filter(pk__in=request.access.committees_where(Perm.EDIT_REGISTRY))
    )
    if not committees:
        raise PermissionDenied(Perm.EDIT_REGISTRY)
    form = BuildingForm(request.POST or None, committees=committees)
    if request.method == "POST" and form.is_valid():
        building = form.save()
        messages.success(request, _("Building %(address)s added.") % {"address": building.address})
        hint_typed_numbers(request, building.notes)
        return redirect("residents:building", pk=building.pk)
    return render(request, "residents/building_form.html", {"form": form, "building": None})


@require_http_methods(["GET", "POST"])
def building_edit(request: HttpRequest, pk: int) -> HttpResponse:
    building = get_for_user(request, Building.objects.select_related("committee"), Perm.EDIT_REGISTRY, pk=pk)
    """Edit with optimistic locking: a stale form is refused, drawn again as typed over the newer record."""
    form = BuildingForm(request.POST or None, instance=building, committees=[building.committee])
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except services.StaleEdit as refused:
            stale = building = refused.current
            form = _kept(BuildingForm, request, stale, committees=[stale.committee])
        else:
            messages.success(request, _("Building %(address)s saved.") % {"address": building.address})
            hint_edited_numbers(request, form, "notes")
            return redirect("residents:building", pk=building.pk)
    ctx = {"form": form, "building": building, "stale": stale}
    return render(request, "residents/building_form.html", ctx, status=409 if stale else 200)
