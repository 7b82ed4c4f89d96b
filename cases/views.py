"""Case pages: the list, the case page with its actions, attachments and the printed sheet (logging
a case is in intake_views.py).

The views translate HTTP: they fetch the case through the cases this user may see (404 otherwise),
parse the form, call a service and answer. Who may do what is the services' to decide: they raise
PermissionDenied (403), ValidationError (its words shown on the case page) and Conflict (the case
changed meanwhile: its newer state, 409). Every action posts to its own URL; with htmx the case
page's main part is swapped in place, without JavaScript the browser is redirected back to it.
"""

import contextlib
import mimetypes
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from audit import services as audit
from cases import active_filters, events, reference, rules, selectors, services
from cases.case_page import (
    carried_refused_upload,
    carry_refused_upload,
    drawn_again,
    form_words,
    out_of_date_message,
    refusal_in_panel,
    refused_meanwhile,
    unsaved,
)
from cases.due_dates import day_off_warning
from cases.duplicates import DuplicateForm
from cases.filters import CaseFilterForm, empty_fields_dropped, filter_cases, with_status
from cases.follow_up_rounds import calls_by_round
from cases.forms import (
    AidForm,
    AidUpdateForm,
    AssignForm,
    AttachmentForm,
    ChaseForm,
    EditForm,
    FollowUpForm,
    ReferralForm,
    ReplyForm,
    TextActionForm,
)
from cases.models import Aid, Attachment, Case, CaseEvent, Referral
from cases.rules import Action
from committee.access import get_for_user
from committee.roles import Perm
from common import drafts
from common.hidden_searches import search_by_post, with_search
from common.hints import CASE_FREE_TEXT, hint_case_numbers
from common.masking import mask_numbers_in_text
from common.paging import CappedPaginator
from notifications import services as notifications
from residents import services as resident_services
from residents.selectors import full_number_kinds


def get_case(request: HttpRequest, pk: int, detail: bool = False) -> Case:
    """A case this user may see, by id (404 otherwise); `detail`: with everything its page shows."""
    if not detail:
        return get_for_user(request, selectors.visible_cases(request.access), Perm.VIEW, pk=pk)
    # get_for_user's answers: 404 outside what this user may see, 403 for the wrong role.
    case = selectors.case_detail(request.access, pk)
    if case is None:
        raise Http404
    request.access.require(Perm.VIEW, case.committee_id)
    return case


def _child[M: (Referral, Aid, Attachment)](request: HttpRequest, model: type[M], pk: int) -> M:
    """A referral, aid record or file by id, only under a case this user may see (404 otherwise)."""
    return get_for_user(
        request, selectors.case_children(request.access, model).select_related("case"), Perm.VIEW, pk=pk
    )


# --- The list ---------------------------------------------------------------------------------------------

SEARCH_CAP = 100


@search_by_post("q", kept=("status",))  # a whole number never in the address (common/hidden_searches.py)
@require_GET
@empty_fields_dropped  # `status=` kept: "any status" (an explicit one, or a figure's filter with none)
def case_list(request: HttpRequest) -> HttpResponse:
    # The bare list shows the open cases (cases/filters.py with_status).
    params = with_status(request.GET).copy()
    # ?panel=open: the "not applied" notice's link to correct a filter without JavaScript
    # (includes/not_applied.html): the panel drawn open, its field marked. No filter of the list's.
    panel = params.pop("panel", [""])[-1]
    # The form reads the term a key stands for; the links (params: chips, the export) keep the key.
    form = CaseFilterForm(with_search(request, params), access=request.access)
    form.is_valid()  # invalid fields are left out of cleaned_data: not filtered on, and said (the template)
    data = form.cleaned_data
    # Two steps: the page's ids from a lean query that sorts only the case table, then the rows
    # with their related data for those ids (joining first would join every matching case).
    # A whole number is searched where the reader may reveal it, and noted (residents/selectors.py).
    full_in = request.access.committees_where(Perm.REVEAL)
    ids_query = filter_cases(selectors.visible_cases(request.access), data, full_numbers_in=full_in)
    # A search counts its matches up to SEARCH_CAP: its matches come best first, and past a hundred
    # the worker narrows the words rather than pages on; counting a common word's 1,000 matches
    # read thousands of cases that no trigram index narrows (two Chinese characters have none).
    cap = SEARCH_CAP if data.get("q") else None
    page = CappedPaginator(
        ids_query.values_list("pk", flat=True), selectors.PAGE_SIZE, cap=cap, one_query=True
    ).get_page(request.GET.get("page"))
    ids = list(page.object_list)
    kinds = full_number_kinds(data.get("q") or "", local_landlines=False)  # as filter_cases reads it
    resident_services.note_number_search(user=request.user, kinds=kinds, full_in=full_in)
    rows = {case.pk: case for case in selectors.page_rows(request.access, ids)}  # put in order below
    ctx = {
        "form": form,
        "page": page,
        "cases": [rows[pk] for pk in ids if pk in rows],
        "can_log": request.access.can_anywhere(Perm.LOG_CASE),
        "can_export": request.access.can_anywhere(Perm.VIEW_REPORTS),
        "query_string": params.urlencode(),
        "number_hidden": bool(kinds) and not full_in,  # a whole number that found nothing for them: why
        "chips": active_filters.chips(form, params, request.path),
        # Closed, the filters said by their chips (cases/active_filters.py); open only when the
        # committee's select drew the form again with its staff, the reader choosing in it.
        "panel_open": bool(request.htmx and request.htmx.target == "main") or panel == "open",
    }
    if request.htmx and request.htmx.target == "case-results":
        return render(request, "cases/list.html#results", ctx)
    return render(request, "cases/list.html", ctx)


# --- The case page ----------------------------------------------------------------------------------------


class _Forms(Mapping):
    """The case page's action forms, each made when the page first draws it: a page shows only the
    actions its reader may take on the case in its state, often few of the eleven."""

    def __init__(self, **makers: Callable[[], forms.Form]) -> None:
        self._makers = makers
        self._made: dict[str, forms.Form] = {}

    def __getitem__(self, name: str) -> forms.Form:
        if name not in self._made:
            self._made[name] = self._makers[name]()
        return self._made[name]

    def __iter__(self):
        return iter(self._makers)

    def __len__(self) -> int:
        return len(self._makers)


def _detail_context(
    request: HttpRequest,
    case: Case,
    posted: Mapping[str, forms.Form] | None = None,
    typed: Mapping[str, str] | None = None,
    out_of_date: bool = False,
) -> dict:
    """`posted`: forms as posted, with their errors, in place of fresh ones: by their name in
    `forms` ("edit", "refer", "follow_up", "aid"), a reply's as "reply-<referral id>" (each
    referral has its own). `typed`: the words of a status action or note refused, by the action
    ("resolve": its text), drawn again in its box. `out_of_date`: they were refused because the
    case changed meanwhile; the forms are drawn again over the case as it is now."""
    posted = posted or {}
    if out_of_date:
        for form in posted.values():
            if hasattr(form, "take_newer"):
                form.take_newer(case)
            form.kept = True
    timeline = list(case.timeline)
    children = selectors.case_children_of(case)
    referrals = children["referrals"]
    for referral in referrals:
        chases = [
            e
            for e in timeline
            if e.kind == CaseEvent.Kind.CHASE and events.payload(e).referral == referral.pk
        ]
        referral.chases = sorted(chases, key=lambda e: e.at)
        masked = services.reply_shown_masked(request.access, referral)  # unless they may reveal numbers
        correction = referral.replied_on and ReplyForm.correcting(referral, timeline, masked=masked)
        # A first reply refused because a colleague's came first, whether for that or for its own
        # fields, is drawn again as the correction of theirs, as typed (forms.ReplyForm.saving).
        referral.reply_form = posted.get(f"reply-{referral.pk}") or correction or ReplyForm(referral=referral)
        referral.chase_form, referral.refused = posted.get(f"chase-{referral.pk}"), defaultdict(list)
    attachments = children["attachments"]
    for row in children["aid"]:  # its update refused: drawn again as chosen, the words by it
        update = posted.get(f"aid_update-{row.pk}")
        row.chosen = update.data.get("status", row.status) if update else row.status
        row.refused = defaultdict(list)
    for item in attachments:  # its removal refused: the words by the file
        item.refused = defaultdict(list)
    # Aid (who gets how much, and why) is for those who see sensitive data: not the viewer, the street.
    sees_aid = request.access.can(Perm.VIEW_SENSITIVE, case.committee_id)
    if not sees_aid:
        timeline = [e for e in timeline if e.kind != CaseEvent.Kind.AID]
    # The request to reopen that waits (its reason, who asked): the newest on the timeline (newest first).
    asked = [e for e in timeline if e.kind == CaseEvent.Kind.REOPEN_REQUESTED]
    allowed = {str(a) for a in rules.available(request.access, case)}
    return {
        "case": case,
        "names": _names(request, case),
        "reopen_request": asked[0] if asked and case.reopen_requested_at else None,
        "allowed": allowed,
        "typed": defaultdict(str, typed or {}),
        "refused": defaultdict(list),  # an action's refusal, in its panel: action → its words (_render_case)
        "posted": posted,
        "focus_words": False,  # the refusal's words take the page's focus (case_page._autofocus)
        "unsaved": unsaved(allowed, posted, typed or {}),
        "referrals": referrals,
        "parties": case.party_rows,
        "events": timeline,
        # The timeline links a file only while it is still there.
        "attachment_ids": {item.pk for item in attachments},
        "attachments": [(item, rules.may_remove_attachment(request.access, item)) for item in attachments],
        "aid_rows": children["aid"] if sees_aid else [],
        "follow_ups": children["follow_ups"],
        # Open the call's form while the resolution waits for its call (the list's follow_up=due);
        # once called, the case waits for the secretary to close it, and a blank form left open
        # read as "not yet called".
        "follow_up_due": case.status == Case.Status.RESOLVED and not case.satisfaction,
        "can_approve_aid": request.access.can(Perm.APPROVE_AID, case.committee_id),
        "forms": _Forms(
            assign=lambda: AssignForm(initial={"assignee": case.assignee_id}, case=case),
            duplicate=lambda: posted.get("duplicate") or DuplicateForm(case=case, access=request.access),
            refer=lambda: posted.get("refer") or ReferralForm(case=case),
            chase=ChaseForm,
            follow_up=lambda: posted.get("follow_up") or FollowUpForm(),
            aid=lambda: (
                posted.get("aid")
                or AidForm(may_decide=request.access.can(Perm.APPROVE_AID, case.committee_id))
            ),
            aid_update=AidUpdateForm,
            attach=lambda: posted.get("attach") or AttachmentForm(),
            text=TextActionForm,
            edit=lambda: posted.get("edit") or EditForm(instance=case),
        ),
    }


def _names(request: HttpRequest, case: Case) -> dict:
    """The names the case page and sheet show, from the cache (not joined into the case's query)."""
    code, label = reference.category(case.category_id)
    street, committee = next(
        ((street, name) for pk, name, street in request.access.committee_names() if pk == case.committee_id),
        ("", ""),
    )
    people = reference.user_names([case.committee_id], [case.assignee_id, case.created_by_id])
    return {
        "category": label,
        "category_code": code,
        "committee": committee,
        "street": street,
        "assignee": people.get(case.assignee_id, ""),
        "created_by": people.get(case.created_by_id, ""),
    }


def _render_case(
    request: HttpRequest,
    case_id: int,
    status: int = 200,
    posted: Mapping[str, forms.Form] | None = None,
    typed: Mapping[str, str] | None = None,
    out_of_date: object = False,
    refused: tuple[str, Sequence[str]] | None = None,
) -> HttpResponse:
    """`refused`: an action's refusal (the action, its words), drawn in the action's panel, open
    (case_page.refusal_in_panel). `out_of_date`: True, or the case rule's refusal (_run)."""
    ctx = _detail_context(request, get_case(request, case_id, detail=True), posted, typed, out_of_date)
    if out_of_date:
        messages.error(request, out_of_date_message(ctx, posted, typed, out_of_date, request))
    if refused:
        ctx["refused"].update(refusal_in_panel(request, ctx, *refused))
    if request.htmx:
        return render(request, "cases/detail.html#case_main", ctx)
    return render(request, "cases/detail.html", ctx, status=status)


@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case(request, pk, detail=True)
    audit.record(user=request.user, kind=audit.Kind.CASE, committee_id=case.committee_id, case=case)
    notifications.read_case(request.user.pk, case.pk)  # opened: what the inbox said about it is read
    if carried := carried_refused_upload(request, case.pk):
        stage, words = carried
        attach = AttachmentForm(initial={"stage": stage} if stage else None)
        return _render_case(request, case.pk, posted={"attach": attach}, refused=("attach", words))
    ctx = _detail_context(request, case)
    if request.htmx:
        return render(request, "cases/detail.html#case_main", ctx)
    return render(request, "cases/detail.html", ctx)


@require_GET
def case_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The A4 case sheet for the paper file."""
    case = get_case(request, pk, detail=True)
    audit.record(user=request.user, kind=audit.Kind.CASE, committee_id=case.committee_id, case=case)
    ctx = _detail_context(request, case)
    return render(request, "cases/print.html", ctx | calls_by_round(case, ctx["follow_ups"], ctx["events"]))


# --- Actions on a case ------------------------------------------------------------------------------------


def _cleaned(form: forms.Form) -> dict:
    """A form's cleaned data; its errors, when it has any, as one ValidationError (shown by _run)."""
    if not form.is_valid():
        raise ValidationError([message for errors in form.errors.values() for message in errors])
    return form.cleaned_data


def _form_action(form: forms.Form, service: Callable[..., object]) -> Callable[[], None]:
    """The action of a form, for _run: its cleaned data to `service`; the service's refusal of a
    field (a date out of range) put onto that field, so that the form is drawn again as typed."""

    def act() -> None:
        data = _cleaned(form)
        try:
            service(**data)
        except ValidationError as error:
            form.add_error(None, error)
            raise

    return act


def _run(
    request: HttpRequest,
    case_id: int,
    message: str,
    action: Callable[[], object],
    posted: Mapping[str, forms.Form] | None = None,
    typed: Mapping[str, str] | None = None,
    warnings: Sequence[str] = (),
) -> HttpResponse:
    """Do one action on a case (parsing its form and calling its service) and answer with the case
    page: with `message` when done, the action's errors when it could not be done, or the newer
    state when someone changed the case meanwhile. PermissionDenied goes through (403), but for a
    case that changed hands since its page was drawn (case_page.refused_meanwhile).
    `posted`: the action's form by its name on the page (_detail_context). Refused (a date out of
    range, a colleague's reply recorded first, a file of the wrong kind), the page is drawn again at
    once, not redirected to, with the form open as typed, each error on its field and the others
    at the form's head (case_page.refusal_in_panel); nothing was saved. `typed`: the words of a status
    action or a note, by the action. Whatever the refusal, nothing typed is lost: a form refused
    because the case changed meanwhile is drawn again as typed over the newer case (or its words
    shown to copy when the page no longer offers it), and so are an action's words refused.
    `warnings`: what the action found to look at (filled as it runs), said after `message`."""
    try:
        action()
    except services.Conflict:
        # htmx swaps only 2xx answers: the page part with the message; a plain form gets 409 Conflict.
        return _render_case(request, case_id, status=409, posted=posted, typed=typed, out_of_date=True)
    except PermissionDenied as denied:  # said over the case, what was typed kept; else raised again
        refused = refused_meanwhile(denied, case_id, posted, typed, request)
        return _render_case(request, case_id, status=403, posted=posted, typed=typed, out_of_date=refused)
    except services.Repeated:
        # The same form posted again (a double tap, Back and save): the first submit's work stands.
        messages.info(
            request,
            _("Saved already: this form was sent twice and saved only once."),
            extra_tags=drafts.posted_done(request),
        )
    except ValidationError as error:
        if posted:  # drawn again as typed, the refusal in it, open: case_page.refusal_in_panel
            name, form = next(iter(posted.items()))
            if name == "attach" and not request.htmx:  # at the case's address: case_page.carry_refused_upload
                carry_refused_upload(request, case_id, form_words(form, error))
                return redirect("cases:detail", pk=case_id)
            return _render_case(request, case_id, posted=posted, refused=(name, form_words(form, error)))
        if typed and drawn_again(typed):  # in its panel, open, its words in its box: not lost or hidden
            return _render_case(request, case_id, typed=typed, refused=(next(iter(typed)), error.messages))
        for text in error.messages:
            messages.error(request, text)
    else:
        # Accepted: the form's copy kept on the device is done with (common/drafts.py).
        messages.success(request, message, extra_tags=drafts.posted_done(request))
        # An edit's form holds the case's texts as they were (its initial): their numbers are not new.
        saved = [
            str(form.initial.get(key) or "") for form in (posted or {}).values() for key in CASE_FREE_TEXT
        ]
        hint_case_numbers(request, saved=saved)  # a referral's words: their contact has its own box
        for warning in warnings:
            messages.warning(request, warning)
    if request.htmx:
        return _render_case(request, case_id)
    return redirect("cases:detail", pk=case_id)


@require_POST
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case(request, pk)
    # The form gets a copy of the case: validating a model form writes into its instance.
    form = EditForm(request.POST, instance=Case.objects.get(pk=case.pk))

    warnings: list[str] = []

    def save(version: int, **changes) -> None:
        before = case.due_date
        services.edit(access=request.access, case=case, changes=changes, version=version)
        # A due date set by hand on a day off is kept, and said (once: when it is set).
        if changes.get("due_date") != before and (warning := day_off_warning(changes.get("due_date"))):
            warnings.append(warning)

    act = _form_action(form, save)
    return _run(request, case.pk, _("Changes saved."), act, posted={"edit": form}, warnings=warnings)


ACTION_MESSAGES = {
    Action.TAKE: gettext_lazy("You took the case."),
    Action.ASSIGN: gettext_lazy("Assignment saved."),
    Action.START: gettext_lazy("Work started."),
    Action.WAIT: gettext_lazy("The case is waiting."),
    Action.RESUME: gettext_lazy("Work resumed."),
    Action.RESOLVE: gettext_lazy("The case is resolved. Call the resident back to follow up."),
    Action.CLOSE: gettext_lazy("The case is closed."),
    Action.WITHDRAW: gettext_lazy("The resident withdrew it: the case is closed."),
    Action.DUPLICATE: gettext_lazy("The case is closed as a duplicate."),
    Action.REOPEN: gettext_lazy("The case is reopened."),
    Action.NOTE: gettext_lazy("Note added."),
    Action.ASK_REOPEN: gettext_lazy("Your request to reopen has gone to the secretary."),
    Action.DECLINE_REOPEN: gettext_lazy("The request to reopen is declined; whoever asked is told."),
}


def _do(request: HttpRequest, case: Case, action: Action, posted: Mapping[str, forms.Form]) -> None:
    """One of the status and assignment actions, or a note: parse what it needs, call its service.
    `posted`: the action's form, when the page draws it again as typed (a duplicate's number)."""
    post, access = request.POST, request.access
    form = TextActionForm(post)
    form.is_valid()  # both fields are optional: a missing version is simply not checked
    if "text" in form.errors:  # past its limit: refused in words (_run), not saved as an empty note
        # Said as not saved: the limit alone ("最多 2000 字，现有 2400 字。") read as a remark.
        said = _("Nothing was saved: %(reason)s")
        raise ValidationError([said % {"reason": error} for error in form.errors["text"]])
    version, text = form.cleaned_data.get("version"), form.cleaned_data.get("text") or ""
    token = form.cleaned_data.get("token") or ""  # the form's one-time token: saved once however posted
    if action == Action.TAKE:
        services.take(access=access, case=case, version=version)
    elif action == Action.ASSIGN:
        assignee = _cleaned(AssignForm(post, case=case))["assignee"]
        services.assign(access=access, case=case, assignee=assignee, version=version)
    elif action == Action.CLOSE:
        services.close(access=access, case=case, version=version, text=text, token=token)
    elif action == Action.DUPLICATE:
        data = _cleaned(posted["duplicate"])
        services.mark_duplicate(access=access, case=case, of=data["of"], version=version, text=data["text"])
    elif action == Action.NOTE:
        services.add_note(access=access, case=case, text=text, token=token)
    elif action == Action.ASK_REOPEN:
        services.ask_reopen(access=access, case=case, text=text)
    elif action == Action.DECLINE_REOPEN:
        services.decline_reopen(access=access, case=case, text=text)
    else:
        services.transition(access=access, case=case, action=action, version=version, text=text, token=token)


@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The status and assignment actions, and notes: one URL per action, one event each."""
    try:
        action = Action(action)
    except ValueError:
        raise Http404 from None
    if action not in ACTION_MESSAGES:
        raise Http404
    case = get_case(request, pk)
    typed = {str(action): request.POST.get("text", "")}
    # A duplicate's number refused, or its case to check, is drawn again in its box, the words by it.
    posted = {"duplicate": DuplicateForm.posted(request, case)} if action == Action.DUPLICATE else {}
    done = str(ACTION_MESSAGES[action])
    run = partial(_do, request, case, action, posted)
    return _run(request, case.pk, done, run, posted=posted, typed=typed)


@require_POST
def refer(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case(request, pk)
    form = ReferralForm(request.POST, case=case)
    send = _form_action(form, partial(services.refer, access=request.access, case=case))
    return _run(request, case.pk, _("Referral recorded."), send, posted={"refer": form})


@require_POST
def chase(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _child(request, Referral, pk)
    form = ChaseForm(request.POST, referral=referral)
    send = _form_action(form, partial(services.chase, access=request.access, referral=referral))
    return _run(request, referral.case_id, _("Chase recorded."), send, posted={f"chase-{referral.pk}": form})


@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _child(request, Referral, pk)
    form = ReplyForm(request.POST, referral=referral)
    record = form.saving(
        _form_action(form, partial(services.record_reply, access=request.access, referral=referral)),
        masked=services.reply_shown_masked(request.access, referral),
    )
    done = _("Reply corrected.") if request.POST.get("correct") == "True" else _("Reply recorded.")
    return _run(request, referral.case_id, done, record, posted={f"reply-{referral.pk}": form})


@require_POST
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case(request, pk)
    form = FollowUpForm(request.POST, case=case)
    not_satisfied = request.POST.get("satisfaction") == Case.Satisfaction.NOT_SATISFIED
    message = _("Not satisfied: the case is reopened.") if not_satisfied else _("Follow-up recorded.")
    record = _form_action(form, partial(services.record_follow_up, access=request.access, case=case))
    return _run(request, case.pk, message, record, posted={"follow_up": form})


@require_POST
def aid(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case(request, pk)
    may_decide = request.access.can(Perm.APPROVE_AID, case.committee_id)
    form = AidForm(request.POST, may_decide=may_decide, case=case)
    record = _form_action(form, partial(services.add_aid, access=request.access, case=case))
    return _run(request, case.pk, _("Aid recorded."), record, posted={"aid": form})


@require_POST
def aid_update(request: HttpRequest, pk: int) -> HttpResponse:
    row = _child(request, Aid, pk)
    form = AidUpdateForm(request.POST)
    update = _form_action(form, partial(services.update_aid, access=request.access, aid=row))
    return _run(request, row.case_id, _("Aid updated."), update, posted={f"aid_update-{row.pk}": form})


# --- Files ------------------------------------------------------------------------------------------------


@require_POST
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case(request, pk)
    form = AttachmentForm(request.POST, request.FILES)

    def add(files, stage) -> None:
        for uploaded in files:
            services.add_attachment(access=request.access, case=case, uploaded=uploaded, stage=stage)

    return _run(request, case.pk, _("Files added."), _form_action(form, add), posted={"attach": form})


@require_GET
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """A case's file, only for those who may see the case; never from a public URL."""
    item = _child(request, Attachment, pk)
    # ?size=display: the phone-sized copy pages show (a photo added before copies were made has none).
    if request.GET.get("size") == "display" and item.display:
        response = FileResponse(item.display.open("rb"), content_type="image/jpeg")
    else:
        response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    # Photos open in the browser; PDFs download (a browser's PDF viewer and a strict CSP disagree).
    inline = item.content_type in {"image/jpeg", "image/png", "image/webp"}
    ext = mimetypes.guess_extension(item.content_type) or ""
    # The name as every page shows it: a photo saved as 身份证<number>.jpg must not land in the
    # Downloads folder (and the browser's list of downloads) under the full number.
    name = mask_numbers_in_text(item.original_name)
    name = name if name.lower().endswith(ext) else f"{name}{ext}"
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    # Kept by no cache, as the pages are (no-store): a photo of a resident's home or a scan of an ID
    # card must not stay on a shared front-desk computer's disk after logout, nor live on in a
    # phone's cache once removed (review 10, 12).
    add_never_cache_headers(response)
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


@require_POST
def attachment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = _child(request, Attachment, pk)

    def remove() -> None:
        with contextlib.suppress(Attachment.DoesNotExist):  # a second tap, or another tab, got there first
            services.remove_attachment(access=request.access, attachment=item)

    done = _("File removed: %(name)s.") % {"name": mask_numbers_in_text(item.original_name)}
    # No field: a refusal is said by the file (case_page.refusal_in_panel), its words focused.
    return _run(request, item.case_id, done, remove, posted={f"remove-{item.pk}": forms.Form(request.POST)})
