"""Case pages: the list, intake, the case page with its actions, attachments and the printed sheet.

Every action posts to its own URL; with htmx the case page's main part is swapped in place, without
JavaScript the browser is redirected back to the case page. Rules are in rules.py, writes in services.py.
"""

import contextlib
import mimetypes
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import rules, selectors, services
from cases.filters import CaseFilterForm, filter_cases
from cases.forms import (
    AidForm,
    AidUpdateForm,
    AssignForm,
    AttachmentForm,
    ChaseForm,
    DuplicateForm,
    EditForm,
    FollowUpForm,
    IntakeForm,
    ReferralForm,
    ReplyForm,
    TextActionForm,
    parse_parties,
)
from cases.models import Aid, Attachment, Case, CaseParty, Referral
from cases.rules import Action
from committee.access import get_for_user
from committee.roles import Perm
from residents.models import Building, Household, Resident, Visit
from residents.selectors import search_residents


def _visible_cases(request: HttpRequest):
    return rules.visible_cases(Case.objects.all(), request.access)


def _get_case(request: HttpRequest, pk: int, perm: Perm = Perm.VIEW, detail: bool = False) -> Case:
    queryset = _visible_cases(request)
    if detail:
        queryset = selectors.case_detail(queryset)
    return get_for_user(request, queryset, perm, pk=pk)


# --- The list ---------------------------------------------------------------------------------------------


@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    # The bare list shows the open cases; "any status" is an explicit `status=` (bookmarkable too).
    params = request.GET if request.GET else QueryDict("status=open")
    form = CaseFilterForm(params, access=request.access)
    form.is_valid()  # invalid fields are left out of cleaned_data and so not filtered on
    data = form.cleaned_data
    # Two steps: the page's ids from a lean query that sorts only the case table, then the rows
    # with their related data for those ids (joining first would join every matching case).
    ids_query = filter_cases(selectors.visible(Case.objects.all(), request.access), data)
    page = Paginator(ids_query.values_list("pk", flat=True), 25).get_page(request.GET.get("page"))
    ids = list(page.object_list)
    rows = {case.pk: case for case in selectors.case_rows(Case.objects.filter(pk__in=ids), request.access)}
    ctx = {
        "form": form,
        "page": page,
        "cases": [rows[pk] for pk in ids if pk in rows],
        "can_log": request.access.can_anywhere(Perm.LOG_CASE),
        "can_export": request.access.can_anywhere(Perm.VIEW_REPORTS),
        "query_string": params.urlencode(),
        "filtered": any(v for k, v in data.items() if k not in {"status", "q", "sort"}),
    }
    if request.htmx and request.htmx.target == "case-results":
        return render(request, "cases/list.html#results", ctx)
    return render(request, "cases/list.html", ctx)


# --- Intake -----------------------------------------------------------------------------------------------


def _prefill(request: HttpRequest) -> tuple[dict, list]:
    """Initial values from ?resident= / ?household= / ?building= / ?visit= (ids the user may see)."""
    initial: dict = {}
    parties: list = []
    get = request.GET

    def one(model, key):
        value = get.get(key, "")
        return model.objects.filter(pk=value).first() if value.isdigit() else None

    visit = one(Visit, "visit")
    resident = one(Resident, "resident") or (visit.resident if visit else None)
    household = one(Household, "household") or (resident.household if resident else None)
    building = one(Building, "building") or (household.building if household else None)
    if visit:
        initial.update(visit=visit.pk, source=Case.Source.VISIT, description=visit.findings)
    if resident:
        parties.append(services.NewParty(resident, CaseParty.Role.REPORTER))
        initial["committee"] = str(resident.committee_id)
    if household:
        initial["household"] = household.pk
    if building:
        initial["building"] = building.pk
        initial.setdefault("committee", str(building.committee_id))
    return initial, parties


def _place_context(form: IntakeForm) -> dict:
    """The chosen building and household of an intake form, for showing them by name."""
    source = form.data if form.is_bound else form.initial

    def one(model, key):
        value = str(source.get(key) or "")
        return model.objects.filter(pk=value).first() if value.isdigit() else None

    household = one(Household, "household")
    building = one(Building, "building") or (household.building if household else None)
    return {"picked_building": building, "picked_household": household}


@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    if not request.access.can_anywhere(Perm.LOG_CASE):
        raise PermissionDenied
    if request.method == "POST":
        post = request.POST
        # Without JavaScript, the pickers post the form back to search or pick; nothing is saved then.
        picking = "_find" in post or "_pick" in post
        if picking:
            post = post.copy()
            kind, _sep, value = post.get("_pick", "").partition(":")
            if kind == "resident" and value.isdigit():
                post.appendlist("party", value)
            elif kind == "building" and value.isdigit():
                post["building"] = value
                post["household"] = ""
        parties = parse_parties(post)
        form = IntakeForm(post, request.FILES, access=request.access, parties=parties)
        if request.FILES.getlist("photos") and (picking or not form.is_valid()):
            # A browser never refills a file input: say so, or the case is logged without them.
            messages.warning(
                request, _("Choose the photos again: the form came back before the case was saved.")
            )
        if picking:
            return _render_intake(request, form, parties, searching="_find" in post)
        if form.is_valid():
            data = form.cleaned_data
            household = data["household"]
            building = data["building"]
            if household is None and building is None and not data["place"] and parties:
                household = parties[0].resident.household  # the reporter's home, when nowhere else is given
            try:
                case, created = services.create_case(
                    committee=data["committee"],
                    actor=request.user,
                    access=request.access,
                    title=data["title"],
                    category=data["category"],
                    description=data["description"],
                    source=data["source"],
                    work_order_number=data["work_order_number"],
                    priority=data["priority"],
                    building=building,
                    household=household,
                    place=data["place"],
                    assignee=data["assignee_user"],
                    due_date=data["due_date"],
                    sensitive=data["sensitive"],
                    visit=data["visit"],
                    parties=parties,
                    token=data["token"],
                )
                if created:
                    for photo in data["photos"]:
                        services.add_attachment(request.access, case, photo, Attachment.Stage.BEFORE)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if created:
                    messages.success(request, _("Case %(number)s logged.") % {"number": case.number})
                return redirect("cases:detail", pk=case.pk)
        return _render_intake(request, form, parties, status=200)
    initial, parties = _prefill(request)
    form = IntakeForm(initial=initial, access=request.access, parties=parties)
    return _render_intake(request, form, parties)


def _render_intake(request, form, parties, searching=False, status=200) -> HttpResponse:
    data = form.data if form.is_bound else form.initial
    ctx = {"form": form, "parties": parties, "roles": CaseParty.Role.choices, **_place_context(form)}
    if searching:
        q = request.POST.get("resident_q", "").strip()
        if q:
            ctx["resident_results"] = _resident_results(q)
        bq = request.POST.get("building_q", "").strip()
        if bq:
            ctx["building_results"] = _building_results(bq)
    building = ctx["picked_building"]
    category = data.get("category")
    if building is not None and category:
        ctx["similar"] = selectors.similar_open_cases(
            building=building, category=_category(category), access=request.access
        )
    return render(request, "cases/new.html", ctx, status=status)


def _category(value):
    from cases.models import CaseCategory

    if hasattr(value, "pk"):
        return value
    return CaseCategory.objects.filter(code=value).first()


def _resident_results(q: str):
    queryset = Resident.objects.filter(archived="").select_related("household__building")
    return search_residents(queryset, q)[:8]


def _building_results(q: str):
    q = q.strip()
    queryset = Building.objects.all()
    for part in q.replace("弄", " ").replace("号", " ").split():
        queryset = queryset.filter(Q(road__contains=part) | Q(lane=part) | Q(number=part))
    return queryset[:8]


@require_GET
def pick_resident(request: HttpRequest) -> HttpResponse:
    """htmx: residents matching the typed text, as buttons that add a party to the intake form."""
    if not request.access.can_anywhere(Perm.LOG_CASE):
        raise PermissionDenied
    add = request.GET.get("add", "")
    if add.isdigit():
        resident = Resident.objects.select_related("household__building").filter(pk=add).first()
        if resident is None:
            raise Http404
        ctx = {"party": services.NewParty(resident, CaseParty.Role.REPORTER), "roles": CaseParty.Role.choices}
        return render(request, "cases/new.html#party", ctx)
    q = request.GET.get("resident_q", "").strip()
    results = _resident_results(q) if q else []
    return render(
        request, "cases/new.html#resident_results", {"resident_results": results, "searched": bool(q)}
    )


@require_GET
def pick_building(request: HttpRequest) -> HttpResponse:
    """htmx: buildings matching the typed address; picking one fills the place and checks duplicates."""
    if not request.access.can_anywhere(Perm.LOG_CASE):
        raise PermissionDenied
    pick = request.GET.get("pick", "")
    if pick.isdigit():
        building = Building.objects.filter(pk=pick).first()
        if building is None:
            raise Http404
        return render(request, "cases/new.html#picked_place", {"picked_building": building})
    q = request.GET.get("building_q", "").strip()
    results = _building_results(q) if q else []
    return render(
        request, "cases/new.html#building_results", {"building_results": results, "searched": bool(q)}
    )


@require_GET
def similar(request: HttpRequest) -> HttpResponse:
    """htmx: open cases of the chosen category at the chosen building, while logging."""
    if not request.access.can_anywhere(Perm.LOG_CASE):
        raise PermissionDenied
    building_id = request.GET.get("building", "")
    building = Building.objects.filter(pk=building_id).first() if building_id.isdigit() else None
    cases = selectors.similar_open_cases(
        building=building, category=_category(request.GET.get("category", "")), access=request.access
    )
    return render(request, "cases/new.html#similar", {"similar": cases})


@require_POST
def join(request: HttpRequest, pk: int) -> HttpResponse:
    """Add the residents of an intake form as reporters of an existing case instead of a new one."""
    case = _get_case(request, pk, Perm.LOG_CASE)
    parties = parse_parties(request.POST)
    try:
        services.add_reporters(
            request.access, case, [p.resident for p in parties], request.POST.get("title", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Added to case %(number)s.") % {"number": case.number})
    return redirect("cases:detail", pk=case.pk)


# --- The case page ----------------------------------------------------------------------------------------


def _detail_context(request: HttpRequest, case: Case, **forms) -> dict:
    allowed = rules.available(request.access, case)
    chases: dict[int, list] = {}
    for event in case.events.all():
        if event.kind == "chase":
            chases.setdefault(event.data.get("referral"), []).append(event)
    referrals = list(case.referrals.all())
    attachments = list(case.attachments.all())
    for referral in referrals:
        referral.chases = sorted(chases.get(referral.pk, []), key=lambda e: e.at)
    ctx = {
        "case": case,
        "allowed": {str(a) for a in allowed},
        "referrals": referrals,
        "parties": list(case.parties.all()),
        "events": list(case.events.all()),
        "attachments": [(item, rules.may_remove_attachment(request.access, item)) for item in attachments],
        # The timeline links a file only while it is still there.
        "attachment_ids": {item.pk for item in attachments},
        "aid_rows": list(case.aid.all()),
        "follow_ups": list(case.follow_ups.all()),
        "can_approve_aid": request.access.can(Perm.APPROVE_AID, case.committee_id),
        "forms": {
            "assign": AssignForm(initial={"assignee": case.assignee_id}, case=case),
            "duplicate": DuplicateForm(case=case),
            "refer": ReferralForm(),
            "reply": ReplyForm(),
            "chase": ChaseForm(),
            "follow_up": FollowUpForm(),
            "aid": AidForm(),
            "aid_update": AidUpdateForm(),
            "attach": AttachmentForm(),
            "text": TextActionForm(),
            "edit": EditForm(instance=case),
            **forms,
        },
    }
    return ctx


def _render_case(request: HttpRequest, case: Case, status: int = 200, **forms) -> HttpResponse:
    ctx = _detail_context(request, case, **forms)
    if request.htmx:
        return render(request, "cases/detail.html#case_main", ctx)
    return render(request, "cases/detail.html", ctx, status=status)


@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _get_case(request, pk, detail=True)
    return _render_case(request, case)


def _after(request: HttpRequest, case: Case, message: str = "") -> HttpResponse:
    """After an action: the case page again (htmx: its main part, in place)."""
    if message:
        messages.success(request, message)
    if request.htmx:
        fresh = _get_case(request, case.pk, detail=True)
        return _render_case(request, fresh)
    return redirect("cases:detail", pk=case.pk)


def _conflict(request: HttpRequest, case: Case) -> HttpResponse:
    messages.error(
        request,
        _("Someone else changed this case meanwhile; here is its newer state. Your change was not saved."),
    )
    fresh = _get_case(request, case.pk, detail=True)
    # htmx swaps only 2xx answers: the page part with the message; a plain form gets 409 Conflict.
    return _render_case(request, fresh, status=409)


def _invalid(request: HttpRequest, case: Case, errors) -> HttpResponse:
    for message in errors:
        messages.error(request, message)
    if request.htmx:
        return _render_case(request, _get_case(request, case.pk, detail=True))
    return redirect("cases:detail", pk=case.pk)


@require_POST
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = _write(request, pk, Action.EDIT)
    form = EditForm(request.POST, instance=Case.objects.get(pk=case.pk))
    if not form.is_valid():
        return _invalid(request, case, [e for errs in form.errors.values() for e in errs])
    changes = {f: form.cleaned_data[f] for f in form.Meta.fields}
    try:
        services.edit(request.access, case, form.cleaned_data.get("version"), **changes)
    except services.Conflict:
        return _conflict(request, case)
    return _after(request, case, _("Changes saved."))


ACTION_MESSAGES = {
    Action.TAKE: gettext_lazy("You took the case."),
    Action.ASSIGN: gettext_lazy("Assignment saved."),
    Action.START: gettext_lazy("Work started."),
    Action.WAIT: gettext_lazy("The case is waiting."),
    Action.RESUME: gettext_lazy("Work resumed."),
    Action.RESOLVE: gettext_lazy("The case is resolved. Call the resident back to follow up."),
    Action.CLOSE: gettext_lazy("The case is closed."),
    Action.WITHDRAW: gettext_lazy("The case is closed as withdrawn."),
    Action.DUPLICATE: gettext_lazy("The case is closed as a duplicate."),
    Action.REOPEN: gettext_lazy("The case is reopened."),
    Action.NOTE: gettext_lazy("Note added."),
}


@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The status and assignment actions, and notes: one URL per action, one event each."""
    try:
        action = Action(action)
    except ValueError:
        raise Http404 from None
    if action not in ACTION_MESSAGES:
        raise Http404
    case = _get_case(request, pk, Perm.VIEW)
    if not rules.can(request.access, case, action):
        request.access.require(Perm.LOG_CASE, case.committee_id)  # a reader: 403 either way
        raise PermissionDenied
    version_form = TextActionForm(request.POST)
    version_form.is_valid()
    version = version_form.cleaned_data.get("version")
    text = version_form.cleaned_data.get("text") or ""
    try:
        if action == Action.TAKE:
            services.take(request.access, case, version)
        elif action == Action.ASSIGN:
            form = AssignForm(request.POST, case=case)
            if not form.is_valid():
                return _invalid(request, case, [e for errs in form.errors.values() for e in errs])
            services.assign(request.access, case, form.cleaned_data["assignee"], version)
        elif action == Action.CLOSE:
            services.close(request.access, case, version, text)
        elif action == Action.DUPLICATE:
            form = DuplicateForm(request.POST, case=case)
            if not form.is_valid():
                return _invalid(request, case, [e for errs in form.errors.values() for e in errs])
            services.mark_duplicate(
                request.access, case, form.cleaned_data["of"], version, form.cleaned_data["text"]
            )
        elif action == Action.NOTE:
            services.add_note(request.access, case, text)
        else:
            services.transition(request.access, case, action, version, text)
    except services.Conflict:
        return _conflict(request, case)
    except ValidationError as error:
        return _invalid(request, case, error.messages)
    return _after(request, case, str(ACTION_MESSAGES[action]))


def _write(request: HttpRequest, pk: int, action: Action) -> Case:
    case = _get_case(request, pk, Perm.VIEW)
    if not rules.can(request.access, case, action):
        request.access.require(Perm.LOG_CASE, case.committee_id)
        raise PermissionDenied
    return case


@require_POST
def refer(request: HttpRequest, pk: int) -> HttpResponse:
    case = _write(request, pk, Action.REFER)
    form = ReferralForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, [e for errs in form.errors.values() for e in errs])
    services.refer(request.access, case, **form.cleaned_data)
    return _after(request, case, _("Referral recorded."))


def _referral(request: HttpRequest, pk: int, action: Action) -> Referral:
    referral = get_for_user(request, Referral.objects.select_related("case", "body"), Perm.VIEW, pk=pk)
    _write(request, referral.case_id, action)
    return referral


@require_POST
def chase(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _referral(request, pk, Action.CHASE)
    form = ChaseForm(request.POST)
    form.is_valid()
    try:
        services.chase(request.access, referral, form.cleaned_data.get("text", ""))
    except ValidationError as error:
        return _invalid(request, referral.case, error.messages)
    return _after(request, referral.case, _("Chase recorded."))


@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _referral(request, pk, Action.REPLY)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _invalid(request, referral.case, [e for errs in form.errors.values() for e in errs])
    services.record_reply(request.access, referral, **form.cleaned_data)
    return _after(request, referral.case, _("Reply recorded."))


@require_POST
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    case = _write(request, pk, Action.FOLLOW_UP)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, [e for errs in form.errors.values() for e in errs])
    data = dict(form.cleaned_data)
    version = data.pop("version")
    try:
        services.record_follow_up(request.access, case, version=version, **data)
    except services.Conflict:
        return _conflict(request, case)
    if data["satisfaction"] == Case.Satisfaction.NOT_SATISFIED:
        return _after(request, case, _("Not satisfied: the case is reopened."))
    return _after(request, case, _("Follow-up recorded."))


@require_POST
def aid(request: HttpRequest, pk: int) -> HttpResponse:
    case = _write(request, pk, Action.AID)
    form = AidForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, [e for errs in form.errors.values() for e in errs])
    services.add_aid(request.access, case, **form.cleaned_data)
    return _after(request, case, _("Aid recorded."))


@require_POST
def aid_update(request: HttpRequest, pk: int) -> HttpResponse:
    aid_row = get_for_user(request, Aid.objects.select_related("case"), Perm.VIEW, pk=pk)
    _write(request, aid_row.case_id, Action.AID)
    form = AidUpdateForm(request.POST)
    if not form.is_valid():
        return _invalid(request, aid_row.case, [e for errs in form.errors.values() for e in errs])
    services.update_aid(request.access, aid_row, **form.cleaned_data)
    return _after(request, aid_row.case, _("Aid updated."))


@require_POST
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    case = _write(request, pk, Action.ATTACH)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _invalid(request, case, [e for errs in form.errors.values() for e in errs])
    for uploaded in form.cleaned_data["files"]:
        services.add_attachment(request.access, case, uploaded, form.cleaned_data["stage"])
    return _after(request, case, _("Files added."))


@require_GET
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """A case's file, only for those who may see the case; never from a public URL."""
    item = get_for_user(request, Attachment.objects.select_related("case"), Perm.VIEW, pk=pk)
    if not rules.sees_sensitive(request.access, item.case):
        raise Http404
    # The browser asks each time (no-cache) and gets "not modified" while the file is there: a
    # removed photo (a resident's ID card taken by mistake) must not live on in a phone's cache.
    uploaded = int(item.uploaded_at.timestamp())
    not_modified = get_conditional_response(request, last_modified=uploaded)
    if not_modified is not None:
        not_modified["Cache-Control"] = "private, no-cache"
        return not_modified
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Last-Modified"] = http_date(uploaded)
    # Photos open in the browser; PDFs download (a browser's PDF viewer and a strict CSP disagree).
    inline = item.content_type in {"image/jpeg", "image/png", "image/webp"}
    ext = mimetypes.guess_extension(item.content_type) or ""
    name = item.original_name if item.original_name.lower().endswith(ext) else f"{item.original_name}{ext}"
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


@require_POST
def attachment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    # Through the case's committee scope like every child object: never a file by its id alone.
    item = get_for_user(request, Attachment.objects.select_related("case"), Perm.VIEW, pk=pk)
    if not rules.sees_sensitive(request.access, item.case):
        raise Http404
    if not rules.may_remove_attachment(request.access, item):
        raise PermissionDenied
    with contextlib.suppress(Attachment.DoesNotExist):  # a second tap, or another tab, got there first
        services.remove_attachment(request.access, item)
    return _after(request, item.case, _("File removed: %(name)s.") % {"name": item.original_name})


@require_GET
def case_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The A4 case sheet for the paper file."""
    case = _get_case(request, pk, detail=True)
    return render(request, "cases/print.html", _detail_context(request, case))


def list_url(**params) -> str:
    from urllib.parse import urlencode

    return f"{reverse('cases:list')}?{urlencode(params)}"
