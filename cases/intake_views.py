"""Logging a case: the one-screen intake form, its resident and building pickers, the hint of open
cases of the same kind at the building, and joining such a case instead of logging a second one.

Without JavaScript the pickers post the form back to search or pick; with htmx they answer with the
parts of the page they change. Who may log where is the services' to decide (services.create_case,
services.add_reporters); these pages are refused (403) to whoever may log cases nowhere.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import selectors, services, walk_in
from cases.due_dates import day_off_warning
from cases.forms import CATEGORY_WORDS, IntakeForm, PhotosField, clean_work_order_number, parse_parties
from cases.models import Case, CaseCategory, CaseParty
from cases.views import get_case
from committee.roles import Perm
from common.drafts import done_tag
from common.forms import parse_id
from common.hints import hint_typed_numbers
from common.masking import mask_numbers_in_text
from residents import services as resident_services
from residents.models import Building, Household, Resident, Visit
from residents.selectors import buildings_typed, full_number_kinds, search_residents

# The intake form's copy kept on the device (static/js/intake.js through drafts.js) is done with.
INTAKE_DONE = done_tag("intake")


def _require_logger(request: HttpRequest) -> None:
    """The intake pages are for those who may log cases somewhere."""
    if not request.access.can_anywhere(Perm.LOG_CASE):
        raise PermissionDenied(Perm.LOG_CASE)


def _one(model, value) -> object | None:
    """The row of a visible id given in a form or a link, else None."""
    pk = parse_id(str(value or ""))  # ASCII digits within 64 bits ("²" passes str.isdigit)
    return model.objects.filter(pk=pk).first() if pk is not None else None


def _prefill(request: HttpRequest) -> tuple[dict, list]:
    """Initial values from ?resident= / ?household= / ?building= / ?visit= (ids the user may see)."""
    initial: dict = {}
    parties: list = []
    get = request.GET
    visit = _one(Visit, get.get("visit"))
    resident = _one(Resident, get.get("resident")) or (visit.resident if visit else None)
    household = _one(Household, get.get("household")) or (resident.household if resident else None)
    building = _one(Building, get.get("building")) or (household.building if household else None)
    if visit:
        # The findings as every page shows them, their numbers masked: a worker who did not write the
        # visit reads no number in full here, and the case logged from it carries none.
        findings = mask_numbers_in_text(visit.findings)
        initial.update(visit=visit.pk, source=Case.Source.VISIT, description=findings)
    if resident:
        parties.append(services.NewParty(resident, CaseParty.Role.REPORTER))
        initial["committee"] = str(resident.committee_id)
    if household:
        initial["household"] = household.pk
    if building:
        initial["building"] = building.pk
        initial.setdefault("committee", str(building.committee_id))
    return initial, parties


def _picked_place(form: IntakeForm, parties: list, building_only: bool) -> dict:
    """The building and household chosen on an intake form (`picked_…`: its hidden fields) and the
    place the case will be saved at (`place_…`, see _place), for showing them by name."""
    source = form.data if form.is_bound else form.initial
    household = _one(Household, source.get("household"))
    building = _one(Building, source.get("building")) or (household.building if household else None)
    place = _place(building, household, str(source.get("place") or ""), parties, building_only)
    return {"picked_building": building, "picked_household": household, **place}


def _reporters_home(parties: list, building: Building | None) -> tuple[Household | None, Resident | None]:
    """The home of the first reporter (else of the first other party) who lives in `building` (when
    one is chosen), and who lives there."""
    reporters = [party for party in parties if party.role == CaseParty.Role.REPORTER]
    for party in reporters + [party for party in parties if party not in reporters]:
        home = party.resident.household
        if home is not None and (building is None or home.building_id == building.pk):
            return home, party.resident
    return None, None


def _place(building, household, place: str, parties: list, building_only: bool) -> dict:
    """Where the case is saved, shown on the form before saving: the household chosen (opened from
    it); else, when no public place is typed, the room of a reporter who lives in the building
    chosen, or, with no building chosen, the reporter's home (`home_of`: whose, offered: "the
    building only" leaves the room out); else the building chosen. The same whichever is picked
    first: a building picked after the reporter dropped their room (review 8, finding 9)."""
    if household is not None:
        return {"place_building": household.building, "place_household": household}
    home, resident = _reporters_home(parties, building) if not place.strip() else (None, None)
    if home is None:
        return {"place_building": building, "place_household": None}
    return {
        "place_building": building or home.building,
        "place_household": None if building_only else home,
        "home_of": resident,
        "building_only": building_only,
    }


def _building_only(query) -> bool:
    """Whether "the building only" is ticked: the reporter's room is not the case's place."""
    return query.get("building_only") == "1"


def _with_picks(post):
    """The form as posted, with what a picker button (no JavaScript) picked put in its place."""
    post = post.copy()
    kind, _sep, value = post.get("_pick", "").partition(":")
    if kind == "resident" and value.isdigit():
        post.appendlist("party", value)
    elif kind == "building" and value.isdigit():
        post["building"] = value
        post["household"] = ""
    return post


def _log(request: HttpRequest, form: IntakeForm, parties: list) -> Case:
    """Log the case of a valid intake form (with its photos); its errors go back onto the form."""
    data = form.cleaned_data
    # As the form showed it: the household chosen, a reporter's room, or the building (_place).
    place = _place(data["building"], data["household"], data["place"], parties, _building_only(request.POST))
    building, household = place["place_building"], place["place_household"]
    case, created = services.create_case(
        access=request.access,
        committee=data["committee"],
        title=data["title"],
        category=data["category"],
        description=data["description"],
        source=data["source"],
        work_order_number=data["work_order_number"],
        priority=data["priority"],
        building=building,
        household=household,
        place=data["place"],
        assignee=data["assignee"],
        due_date=data["due_date"],
        sensitive=data["sensitive"],
        visit=data["visit"],
        parties=parties,
        photos=data["photos"],
        token=data["token"],
    )
    # INTAKE_DONE: the form's copy kept on the device is forgotten (common/drafts.py).
    if not created:
        already = _("This case was already logged as %(number)s.") % {"number": case.number}
        messages.info(request, already, extra_tags=INTAKE_DONE)
    else:
        messages.success(
            request, _("Case %(number)s logged.") % {"number": case.number}, extra_tags=INTAKE_DONE
        )
        hint_typed_numbers(request, data["title"], data["description"], data["place"])
        if warning := day_off_warning(data["due_date"]):  # set by hand on a day off: kept, and said
            messages.warning(request, warning)
    return case


@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    _require_logger(request)
    if request.method == "GET":
        initial, parties = _prefill(request)
        return _render_intake(
            request, IntakeForm(initial=initial, access=request.access, parties=parties), parties
        )
    token = request.POST.get("token", "")
    logged = _logged_with(request, token)
    if "_restore" in request.POST:
        return _restore(request, logged)
    if logged is not None:
        # This form was saved already (Back, then save again; a second tap on a slow line): the
        # case it made, never a second one.
        return _already_logged(request, logged)
    # Without JavaScript, the pickers post the form back to search or pick; nothing is saved then.
    # A walk-in added to the registry (walk_in.py) comes back among the parties, the case not saved.
    picking = "_find" in request.POST or "_pick" in request.POST or walk_in.ADD in request.POST
    post = _with_picks(request.POST) if picking else request.POST
    walk_in_form = None
    if walk_in.ADD in request.POST:
        post, walk_in_form = walk_in.add_walk_in(request, post, _one(Building, post.get("building")))
    parties = parse_parties(post)
    form = IntakeForm(post, request.FILES, access=request.access, parties=parties)
    valid = not picking and form.is_valid()
    if not picking and _work_order_logged(request, form):
        valid = False  # said on its field, with every other error of the form
    if valid:
        try:
            case = _log(request, form, parties)
        except ValidationError as error:
            form.add_error(None, error)  # a field's error (the due date, the work order) on its field
        else:
            return redirect("cases:detail", pk=case.pk)
    if request.FILES.getlist("photos"):
        # A browser never refills a file input: say so, or the case is logged without them (the
        # form's own errors and the service's refusals alike bring it back).
        messages.warning(request, _("Choose the photos again: the form came back before the case was saved."))
    return _render_intake(request, form, parties, searching="_find" in post, walk_in_form=walk_in_form)


def _same_work_order(request: HttpRequest, committee_id, typed: str) -> tuple[str, list[Case]]:
    """The work order number typed (as it is saved; "" when it is not one) and the cases of the
    committee the form logs in that already carry it, those this user may see (selectors.same_work_order)."""
    try:
        number = clean_work_order_number(str(typed or ""))
    except ValidationError:
        return "", []
    committee_id = parse_id(str(committee_id or ""))
    if not number or committee_id is None or not request.access.can(Perm.LOG_CASE, committee_id):
        return number, []
    return number, selectors.same_work_order(request.access, committee_id=committee_id, number=number)


def _logged_again(request: HttpRequest, number: str) -> bool:
    """Whether the worker ticked to log this work order number again, knowing it is on a case."""
    return bool(number) and request.POST.get("work_order_again", "").strip().upper() == number.upper()


def _work_order_logged(request: HttpRequest, form: IntakeForm) -> bool:
    """Whether the form's 12345 work order is on a case of its committee already, and the worker has
    not ticked to log it again all the same: said on the field, the case named and linked below it
    (_work_order_hint), to open it or add the reporter to it. Two staff entering one order from the
    hotline's platform made two cases, with nothing said (review 8, finding 5); a second case on one
    order is a choice made knowingly."""
    data = form.cleaned_data
    committee_id = data["committee"].pk if data.get("committee") else None
    number, found = _same_work_order(request, committee_id, data.get("work_order_number"))
    if not found or _logged_again(request, number):
        return False
    said = _(
        "Work order %(number)s is already logged as %(case)s. The same order: open that case, or add "
        "the reporter to it below. Another problem on the same order: tick “Log it as a new case all the "
        "same” and save."
    )
    first = found[0]  # its number as it was saved (the same, its letters perhaps in another case)
    form.add_error(
        "work_order_number", ValidationError(said % {"number": first.work_order_number, "case": first.number})
    )
    return True


def _work_order_hint(request: HttpRequest, form: IntakeForm, data) -> dict:
    """The cases already carrying the work order number of the form as drawn (see _work_order_logged)."""
    committee = data.get("committee") or (next(iter(form.committees)) if len(form.committees) == 1 else None)
    number, found = _same_work_order(request, committee, data.get("work_order_number"))
    again = _logged_again(request, number)
    return {"work_order": number, "same_work_order": found, "work_order_again": again}


def _logged_with(request: HttpRequest, token: str) -> Case | None:
    """The case an intake form (its token) already made, if this user may see it."""
    if not token or "\x00" in token:  # PostgreSQL refuses NUL in text: a hostile token made nothing
        return None
    return selectors.visible_cases(request.access).filter(intake_token=token).first()


def _already_logged(request: HttpRequest, case: Case) -> HttpResponse:
    already = _("This case was already logged as %(number)s.") % {"number": case.number}
    messages.info(request, already, extra_tags=INTAKE_DONE)
    return redirect("cases:detail", pk=case.pk)


def _restore(request: HttpRequest, logged: Case | None) -> HttpResponse:
    """The intake form refilled from what the device kept (static/js/intake.js) after the session
    ran out, or after Back: nothing is saved. A form whose case exists says which case it made."""
    if logged is not None:
        response = render(request, "cases/new.html#logged", {"logged": logged})
        response["X-Intake-Logged"] = "1"
        return response
    post = request.POST
    form, parties = _refilled(request, post)
    lost = parse_id(post.get("_photos", "")) is not None  # how many photos were chosen: one or more
    kept = _anything_kept(request, form, parties)
    if not kept and not lost:
        # Only what the form opened here holds anyway (the worker typed and erased, or tapped
        # nothing that stayed): no notice that something is back; the device forgets its copy.
        response = HttpResponse(status=200)
        response["X-Intake-Nothing"] = "1"
        return response
    restored = ("after_login" if post.get("_after_login") else "earlier") if kept else ""
    return _render_intake(request, form, parties, restored=restored, photos_lost=lost)


def _anything_kept(request: HttpRequest, form: IntakeForm, parties: list) -> bool:
    """Whether a form refilled from the device holds more than the form opened at this address
    (`?resident=` …) holds before anything is done: something typed, chosen or picked."""
    initial, opened_parties = _prefill(request)
    opened = IntakeForm(initial=initial, access=request.access, parties=opened_parties)
    for name in IntakeForm.base_fields:
        if name not in ("token", "photos") and _drawn(form[name]) != _drawn(opened[name]):
            return True
    return [(p.resident.pk, p.role) for p in parties] != [(p.resident.pk, p.role) for p in opened_parties]


def _drawn(field) -> str:
    """A field's value as the browser sends it back untouched: nothing, False and "" alike, and a
    list with nothing chosen at its first choice (the committee of someone who works in two)."""
    value = field.value()
    if value in (None, False, "") and isinstance(field.field.widget, forms.Select) and field.field.choices:
        value = next(iter(field.field.choices))[0]
    return "" if value in (None, False) else str(value)


def _refilled(request: HttpRequest, post) -> tuple[IntakeForm, list]:
    """An intake form filled again with what was typed into it (`post`), its errors not drawn:
    nothing was saved, and nothing is refused yet."""
    parties = parse_parties(post)
    fields = IntakeForm.base_fields
    initial = {name: post.get(name) for name in fields if post.get(name) not in (None, "")}
    return IntakeForm(initial=initial, access=request.access, parties=parties), parties


def _intake_url(request: HttpRequest, post) -> str:
    """Where an intake form was opened (its `_from`: /cases/new/ and what it was opened from, a
    resident or a visit), for a form drawn again elsewhere (a join refused) to post to."""
    start = reverse("cases:new")
    given = post.get("_from", "")
    return given if given.startswith(start) and "\x00" not in given and "//" not in given else start


def _render_intake(
    request: HttpRequest,
    form: IntakeForm,
    parties: list,
    searching: bool = False,
    restored: str = "",
    photos_lost: bool = False,
    intake_url: str = "",
    walk_in_form: walk_in.WalkInForm | None = None,
) -> HttpResponse:
    """`restored`: the form was refilled from the device's copy, "after_login" (the session had run
    out) or "earlier" (the worker left the form and came back). `intake_url`: where the form posts
    (where it was opened); this page's address unless it is drawn again at another (a join
    refused). A form drawn again there is not refilled from the device: it holds what was typed."""
    data = form.data if form.is_bound else form.initial
    ctx = {
        "form": form,
        "parties": parties,
        "roles": CaseParty.Role.choices,
        "categories": _category_chips(form),
        "restored": restored,
        "photos_lost": photos_lost,
        "intake_url": intake_url or request.get_full_path(),
        "from_device": not (form.is_bound or restored or photos_lost or intake_url),
        "building_example": _building_example(request),
        **_picked_place(form, parties, _building_only(request.POST)),
    }
    if searching:
        q = request.POST.get("resident_q", "").strip()
        if q:
            ctx.update(
                _resident_results(request, q), resident_searched=request.POST.get("_find") == "resident"
            )
        bq = request.POST.get("building_q", "").strip()
        if bq:
            ctx.update(_building_results(bq))
    household = ctx["place_household"] or (parties[0].resident.household if parties else None)
    building = ctx["place_building"] or (household.building if household else None)
    ctx.update(_hints(request, building, household, _category(data.get("category"))))
    ctx.update(_work_order_hint(request, form, data))
    # Opened when it has something to say, or the search for the reporter found nobody (the name
    # searched for filled in: not a number, which may be their phone).
    q = request.POST.get("resident_q", "").strip() if searching else ""
    nobody = bool(q) and request.POST.get("_find") == "resident" and not ctx.get("resident_results")
    if walk_in_form is None and walk_in.committees_for(request.access):
        named = {"name": q} if nobody and not full_number_kinds(q) and not q.isdigit() else {}
        walk_in_form = walk_in.WalkInForm(
            access=request.access, building=ctx["picked_building"], initial=named
        )
    ctx["walk_in"] = walk_in_form
    ctx["walk_in_open"] = walk_in_form is not None and (
        walk_in_form.is_bound or nobody or bool(walk_in_form.said)
    )
    return render(request, "cases/new.html", ctx)


def _category_chips(form: IntakeForm) -> list[tuple[CaseCategory, str]]:
    """The categories as chips, each with the words that suggest it."""
    return [(c, CATEGORY_WORDS.get(c.code, "")) for c in form.fields["category"].queryset]


def _hints(request: HttpRequest, building, household, category) -> dict:
    """Against a duplicate: open cases of this kind at the place, wherever the place came from (a
    picked building, the household of a resident the form was opened from or picked), and this
    household's open cases of the last 30 days (this kind first). Only open cases: the reporter is
    offered to join them, which a resolved or closed case does not take."""
    similar = list(selectors.similar_open_cases(request.access, building=building, category=category))
    recent = selectors.recent_at_household(
        request.access, household=household, category=category, exclude=[case.pk for case in similar]
    )
    return {"similar": similar, "recent": list(recent)}


def _category(value) -> CaseCategory | None:
    if value is None or hasattr(value, "pk"):
        return value
    # A NUL byte (which PostgreSQL refuses in text) is no category's code.
    return CaseCategory.objects.filter(code=value).first() if value and "\x00" not in value else None


def _resident_results(request: HttpRequest, q: str) -> dict:
    """The first eight matches, the worker's grid's first; a whole number searched as the resident
    list does (only where the reader may reveal it, and noted in the access log), and where it may
    not, said so (`number_hidden`): the template's context for the results."""
    queryset = Resident.objects.filter(archived="").select_related("household__building")
    full_in = request.access.committees_where(Perm.REVEAL)
    results = list(search_residents(queryset, q, worker=request.user, full_numbers_in=full_in)[:8])
    kinds = full_number_kinds(q)
    resident_services.note_number_search(user=request.user, kinds=kinds, full_in=full_in, found=results)
    return {"resident_results": results, "number_hidden": bool(kinds) and not full_in}


BUILDINGS_SHOWN = 8
# The building box's example where the worker's committees have no building yet: no real address
# (the demo's 449弄12 read as an address to look for on every committee's form, review 10 F-D).
NEUTRAL_BUILDING = "12弄3号"


def _building_example(request: HttpRequest) -> str:
    """An address as the building box reads it, from the worker's own committees' buildings (the
    first in natural order), else a neutral one."""
    committees = request.access.committees_where(Perm.LOG_CASE)
    first = Building.objects.filter(committee_id__in=committees).order_by(*Building._meta.ordering).first()
    return first.address if first is not None else NEUTRAL_BUILDING


def _building_results(q: str) -> dict:
    """The first eight buildings the typed address names, in natural order, and how many more matched
    (counted only when there are more: the picker says so, and to type more of the address)."""
    found = buildings_typed(q)
    results = list(found[: BUILDINGS_SHOWN + 1])
    more = found.count() - BUILDINGS_SHOWN if len(results) > BUILDINGS_SHOWN else 0
    return {"building_results": results[:BUILDINGS_SHOWN], "more_buildings": more}


@require_http_methods(["GET", "POST"])
def pick_resident(request: HttpRequest) -> HttpResponse:
    """htmx: residents matching the typed text (POST: a whole number typed is never in an address,
    common/hidden_searches.py), as buttons that add a party to the intake form (GET ?add=<id>)."""
    _require_logger(request)
    add = parse_id(request.GET.get("add", ""))
    if add is not None and request.method == "GET":
        resident = Resident.objects.select_related("household__building").filter(pk=add).first()
        if resident is None:
            raise Http404
        ctx = {"party": services.NewParty(resident, CaseParty.Role.REPORTER), "roles": CaseParty.Role.choices}
        return render(request, "cases/new.html#party", ctx)
    q = request.POST.get("resident_q", "").strip()
    results = _resident_results(request, q) if q else {"resident_results": []}
    ctx = {
        **results,
        "searched": bool(q),
        "walk_in": bool(q) and bool(walk_in.committees_for(request.access)),
    }
    return render(request, "cases/new.html#resident_results", ctx)


@require_POST
def pick_building(request: HttpRequest) -> HttpResponse:
    """htmx: buildings matching the typed address; picking one fills the place and checks duplicates.
    POST, as place: the public place typed comes along, and may hold a phone number."""
    _require_logger(request)
    post = request.POST
    pick = parse_id(post.get("pick", ""))
    if pick is not None:
        building = Building.objects.filter(pk=pick).first()
        if building is None:
            raise Http404
        place = _place(building, None, post.get("place", ""), parse_parties(post), _building_only(post))
        ctx = {"picked_building": building, "picked": True, **place}
        return render(request, "cases/new.html#picked_place", ctx)
    q = post.get("building_q", "").replace("\x00", "").strip()
    results = _building_results(q) if q else {"building_results": []}
    ctx = {**results, "searched": bool(q), "building_example": _building_example(request) if q else ""}
    return render(request, "cases/new.html#building_results", ctx)


@require_POST
def place(request: HttpRequest) -> HttpResponse:
    """htmx: the place the case will be saved at, drawn again when the reporters, their roles, the
    public place typed or "the building only" change (see _place). POST: the place is typed, and a
    worker writes "门口，联系人 13812345678" there as well as anywhere: never in an address (the access
    logs, the browser's history; common/hidden_searches.py)."""
    _require_logger(request)
    post = request.POST
    household = _one(Household, post.get("household"))
    building = _one(Building, post.get("building")) or (household.building if household else None)
    parties = parse_parties(post)
    ctx = {"picked_building": building, "picked_household": household}
    ctx.update(_place(building, household, post.get("place", ""), parties, _building_only(post)))
    return render(request, "cases/new.html#picked_place", ctx)


@require_GET
def similar(request: HttpRequest) -> HttpResponse:
    """htmx: the hints against a duplicate, while logging (see _hints)."""
    _require_logger(request)
    get = request.GET
    household = _one(Household, get.get("household"))
    if household is None:
        reporter = _one(Resident, next((p for p in get.getlist("party") if parse_id(p)), None))
        household = reporter.household if reporter else None
    building = _one(Building, get.get("building")) or (household.building if household else None)
    ctx = _hints(request, building, household, _category(get.get("category", "")))
    return render(request, "cases/new.html#similar", ctx)


@require_GET
def work_order(request: HttpRequest) -> HttpResponse:
    """htmx: the cases that already carry the work order number typed (see _work_order_logged)."""
    _require_logger(request)
    get = request.GET
    number, found = _same_work_order(request, get.get("committee"), get.get("work_order_number", ""))
    return render(request, "cases/new.html#work_order", {"work_order": number, "same_work_order": found})


@require_POST
def join(request: HttpRequest, pk: int) -> HttpResponse:
    """Add the residents of an intake form as reporters of an existing case instead of a new one,
    with what the worker typed of their report (its words on the case's timeline) and the photos
    they took. Refused (the case closed meanwhile, a file that is no photo), the intake form comes
    back as typed, to log a case of its own or join another: nothing typed is lost."""
    case = get_case(request, pk)
    post = request.POST
    residents = [party.resident for party in parse_parties(post)]
    words = _joined_words(post)
    try:
        photos = PhotosField().clean(request.FILES.getlist("photos"))
        services.add_reporters(
            access=request.access,
            case=case,
            residents=residents,
            text=words,
            photos=photos,
            token=_token(post),  # the intake form's: a double tap joins once
        )
    except services.Repeated:
        # The same form joined before (a double tap, Back and tap again): its first join stands.
        saved = _("Saved already: this form was sent twice and saved only once.")
        messages.info(request, saved, extra_tags=INTAKE_DONE)
        return redirect("cases:detail", pk=case.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        if request.FILES.getlist("photos"):
            messages.warning(
                request, _("Choose the photos again: the form came back before the case was saved.")
            )
        form, parties = _refilled(request, post)
        return _render_intake(request, form, parties, intake_url=_intake_url(request, post))
    if photos:
        added = ngettext(
            "Added to case %(number)s: what you typed and %(count)s photo are on its timeline.",
            "Added to case %(number)s: what you typed and %(count)s photos are on its timeline.",
            len(photos),
        )
    elif words:
        added = _("Added to case %(number)s: what you typed is on its timeline.")
    else:
        added = _("Added to case %(number)s.")
    # INTAKE_DONE: the form's copy kept on the device is forgotten (common/drafts.py).
    messages.success(request, added % {"number": case.number, "count": len(photos)}, extra_tags=INTAKE_DONE)
    hint_typed_numbers(request, post.get("title", ""), post.get("description", ""), post.get("place", ""))
    return redirect("cases:detail", pk=case.pk)


def _token(post) -> str:
    """The intake form's one-time token as posted ("" for a hostile one: PostgreSQL refuses NUL)."""
    token = post.get("token", "")
    return "" if "\x00" in token else token


def _joined_words(post) -> str:
    """What the worker typed of a report joined to a case: its title, details, and the place and
    work order number when given, labelled."""
    words = [post.get("title", "").strip(), post.get("description", "").strip()]
    fields = IntakeForm.base_fields
    for name in ("place", "work_order_number"):
        if value := post.get(name, "").strip():
            words.append(_("%(label)s: %(value)s") % {"label": fields[name].label, "value": value})
    return "\n".join(word for word in words if word)
