"""The case page's words about a refused action (cases/views.py `_run`): where the refusal is shown
and what is said of what was typed."""

from collections.abc import Mapping, Sequence

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from cases.models import Case
from cases.refusals import WHAT, Refused, said
from cases.rules import Action, Why
from committee.roles import Perm

# The actions whose form is a panel of its own on the case page (templates/cases/detail.html): a
# refusal of one is drawn in it, open. The others are a button (take, start, resume, close): said
# at the top of the page, as before.
PANELS = frozenset(
    {
        Action.RESOLVE,
        Action.WAIT,
        Action.NOTE,
        Action.REOPEN,
        Action.WITHDRAW,
        Action.ASK_REOPEN,
        Action.DECLINE_REOPEN,
        Action.ASSIGN,
        Action.DUPLICATE,
    }
)


def drawn_again(typed: Mapping[str, str]) -> bool:
    """Whether an action refused is answered with the case page drawn again at once (its panel open
    with the refusal in it, or its words to copy), rather than redirected to."""
    return any(action in PANELS or text.strip() for action, text in typed.items())


# The forms whose refusal is drawn in them (views._run `posted`), by their name on the page; a
# row's by "<kind>-<row id>": a referral's reply and chase ("reply-<id>", "chase-<id>"), an aid
# record's status update ("aid_update-<id>") and a file's removal ("remove-<id>").
FORMS = frozenset({"edit", "refer", "follow_up", "aid", "attach", "reply", "chase", "aid_update", "remove"})

# The forms of an aid record and of a file, said by their row whenever the row is drawn: the update
# is offered by the aid's row, the removal by the file's, each by rules of their own (who may decide
# aid, who may remove a file), not by an action of the case's (`allowed`).
_ROW_FORMS = frozenset({"aid_update", "remove"})


def _rows(ctx: dict, kind: str) -> list:
    """The rows of the page that draw the forms of `kind`, each with its `refused` (kind → words)."""
    if kind == "aid_update":
        return ctx["aid_rows"]
    if kind == "remove":
        return [item for item, _removable in ctx["attachments"]]
    return ctx["referrals"]


def _drawn(action: str, ctx: dict) -> bool:
    """Whether the page draws the action's panel (templates/cases/detail.html): asking to reopen
    only while no request waits and the reader may not reopen, declining only while one waits."""
    allowed = ctx["allowed"]
    kind, _dash, pk = action.partition("-")
    if kind in FORMS:
        if kind not in allowed and kind not in _ROW_FORMS:
            return False
        if pk:  # by its row (a chase refused once answered too, a file no longer removable)
            return any(str(row.pk) == pk for row in _rows(ctx, kind))
        if kind == "aid":
            return ctx["names"]["category_code"] == "hardship" or bool(ctx["aid_rows"])
        return True
    if action not in PANELS or action not in allowed:
        return False
    if action == Action.ASK_REOPEN:
        return not ctx["reopen_request"] and Action.REOPEN not in allowed
    if action == Action.DECLINE_REOPEN:
        return bool(ctx["reopen_request"])
    return True


def refusal_in_panel(request: HttpRequest, ctx: dict, action: str, words: Sequence[str]) -> dict:
    """The refusal of `action` for the page's context (`refused`: action → its words), drawn in the
    action's panel, which is open, by the field it is about, focused (static/js/needle.js). The
    top of the page says only that nothing was saved: on a phone the words stood above the case's
    title, the panel shut again below a long description, and the worker scrolled and reopened it
    to read why. A panel the page no longer offers (someone closed the case meanwhile) has its
    refusal said at the top, as before."""
    if _drawn(action, ctx):
        messages.error(request, _("Nothing was saved: correct the marked fields below."))
        kind, _dash, pk = action.partition("-")
        for row in _rows(ctx, kind) if pk else ():  # drawn by its row (detail.html)
            if str(row.pk) == pk:
                row.refused[kind] = list(words)
        _autofocus(ctx, action)
        return {action: list(words)}
    for text in words:
        messages.error(request, text)
    return {}


def unsaved(allowed: set[str], posted: Mapping[str, forms.Form], typed: Mapping[str, str]) -> list:
    """What was typed for an action the page no longer offers (someone closed the case meanwhile),
    as (label, words): shown to copy, since there is no form to draw it again in. The words typed,
    not the choices, which take a tap to make again. A row's own form (an aid's update, a file's
    removal) has its refusal said by its row, which the page draws as long as the record is there."""
    shown = [("", text) for action, text in typed.items() if action not in allowed and text.strip()]
    for name, form in posted.items():
        kind = name.partition("-")[0]
        if kind not in allowed and kind not in _ROW_FORMS:
            shown += [
                (field.label, field.data)
                for field in form.visible_fields()
                if isinstance(field.field, forms.CharField) and (field.data or "").strip()
            ]
    return shown


def form_words(form: forms.BaseForm, error) -> list[str]:
    """What a form refused says that no field of its drawn by the page stands by: the service's
    refusal of the whole (a colleague's reply recorded first, a file of the wrong kind), a hidden
    field's (the version), and those of fields the page draws by hand (`drawn_by_hand`: a chase's
    box). The others are said by their field. A refusal the form does not hold: its own words."""
    if not form.errors:
        return list(error.messages)
    by_hand = {*getattr(form, "drawn_by_hand", ()), *(field.name for field in form.hidden_fields())}
    return list(form.non_field_errors()) + [text for name in by_hand for text in form.errors.get(name, [])]


def _autofocus(ctx: dict, name: str) -> None:
    """The refused box that the page focuses and scrolls to without JavaScript (`autofocus`: one
    element per page, only on a refusal): the first field in error of a form drawn again, else
    the refusal's words above the form (templates/cases/includes/form_refusal.html). The status
    actions' boxes mark themselves ({% action_text %}); static/js/needle.js does the same for htmx."""
    kind = name.partition("-")[0]
    form = ctx["forms"][kind] if kind in {Action.ASSIGN, Action.DUPLICATE} else ctx["posted"].get(name)
    if form is None:
        return
    shown = {*getattr(form, "drawn_by_hand", ()), *(f.name for f in form.hidden_fields())}
    for field in form.visible_fields():
        # Assign's: its one field, drawn fresh under the refusal (refused.html); a duplicate's:
        # its number as typed, whether its field or the service refused it.
        refused = kind in PANELS or bool(form.errors.get(field.name))
        if not refused or field.name in shown:
            continue
        if isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            break  # a choice of several draws its attributes on each option: the words above instead
        field.field.widget.attrs["autofocus"] = True
        return
    ctx["focus_words"] = True


def out_of_date_message(ctx: dict, posted, typed, refused, request: HttpRequest) -> str:
    """The words for a save refused because someone changed the case meanwhile: where what was
    typed is now (in its form again, or shown to copy), or that the change was not saved.
    `refused`: the case's rule refused it (refused_meanwhile): what changed, in words. A stale
    version (409) is told before any rule is asked: when the case changed hands since the page was
    drawn, who has it now is said first, in the 403 refusal's words (hands_changed)."""
    if isinstance(refused, Refused):
        return refused_meanwhile_message(refused, ctx["case"], request.access)
    stale = _stale_message(ctx, posted, typed)
    changed = hands_changed(ctx, posted, typed, request)
    if changed is None:
        return stale
    said_now, no_longer = changed
    if no_longer and ctx["unsaved"]:  # the 403 refusal's words, whole: what was typed is shown to copy
        return _shown_to_copy(said_now)
    return _("%(changed)s %(then)s") % {"changed": said_now, "then": stale}


def _action_of(posted, typed, request: HttpRequest) -> str | None:
    """The action a refused send was for: its address's (cases:act), else its typed words' or form's."""
    match = request.resolver_match
    names = [match.kwargs.get("action") if match else None, *(typed or {})]
    names += [name.partition("-")[0] for name in posted or {}]
    return next((name for name in names if name in WHAT), None)


def hands_changed(ctx: dict, posted, typed, request: HttpRequest) -> tuple[str, bool] | None:
    """Who has the case now, when its assignee is not the one the page was drawn with (each form
    sends it, `seen_assignee`, {% seen %}); None when the same, or the form did not say. The name is
    the case page's own (its Assignee line), said to a reader who sees that page anyway. True with
    it when the page no longer offers the reader the action sent: the 403 refusal's sentence."""
    drawn = request.POST.get("seen_assignee")
    if drawn is None or (drawn != "" and _drawn_number(drawn) is None):
        return None
    case, user_id = ctx["case"], request.access.user.pk
    if (int(drawn) if drawn else 0) == (case.assignee_id or 0):
        return None
    action = _action_of(posted, typed, request)
    no_longer = action is not None and action not in ctx["allowed"]
    if case.assignee_id == user_id:
        return _("This case was given to you meanwhile."), False
    if case.assignee_id:
        if no_longer:
            return _no_longer_yours(case, action), True
        return _("This case was given to %(name)s meanwhile.") % {"name": case.assignee.display_name}, False
    if drawn != str(user_id):
        return _("This case no longer has an assignee."), False
    if no_longer:
        return _no_longer_yours(case, action), True
    return _("This case no longer has you as its assignee."), False


def _no_longer_yours(case, action: str) -> str:
    """That the case is someone else's now, or no one's, so the reader can no longer do `action`: the
    words of a refused send (refused_meanwhile_message) and of a stale one (hands_changed)."""
    if case.assignee_id:
        said_now = _("This case was given to %(name)s meanwhile, so you can no longer %(what)s.")
        return said_now % {"name": case.assignee.display_name, "what": WHAT[action]}
    said_now = _("This case no longer has you as its assignee, so you can no longer %(what)s.")
    return said_now % {"what": WHAT[action]}


def _shown_to_copy(said_now: str) -> str:
    return _("%(changed)s Nothing was saved: what you typed is shown below to copy.") % {"changed": said_now}


def _drawn_number(value: str) -> int | None:
    """A number the page drew into its form (a version, an assignee's id), or None for one not of
    its making: ASCII digits only ("²" is a digit to isdigit() but not to int()) that fit the
    column (SQLite refuses integers past 2**63)."""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


def _stale_message(ctx: dict, posted, typed) -> str:
    """What became of what was typed, when the case changed meanwhile (a stale version)."""
    if ctx["unsaved"]:
        return _(
            "Someone else changed this case while you were editing; its newer state is shown. What you "
            "were doing no longer applies, so nothing was saved: what you typed is shown below to copy."
        )
    allowed = ctx["allowed"]
    if any(name.partition("-")[0] in allowed for name in posted or {}) or any(
        text.strip() and action in allowed for action, text in (typed or {}).items()
    ):
        return _(
            "Someone else changed this case while you were editing; its newer state is shown. Your "
            "change is not saved yet, and everything you typed is kept in the form below: check it "
            "and save again."
        )
    return _("Someone else changed this case meanwhile; here is its newer state. Your change was not saved.")


# A refused upload without htmx (review 4, N1): answered by a redirect to the case's own address, not
# drawn at /cases/<id>/files/, which only takes a form (a reload or the language switch then asked
# it for a page). Nothing is lost by it: a browser never fills a file box again, and the stage chosen
# is kept here with the words, for the case page to draw once in the files' form.
_CARRIED = "cases.refused_upload"


def carry_refused_upload(request: HttpRequest, case_id: int, words: Sequence[str]) -> None:
    request.session[_CARRIED] = {"case": case_id, "words": list(words), "stage": request.POST.get("stage")}


def carried_refused_upload(request: HttpRequest, case_id: int) -> tuple[str | None, list[str]] | None:
    """The refused upload carried to this case's page (its stage, its words), once; None if none."""
    carried = request.session.get(_CARRIED)
    if not carried or carried.get("case") != case_id:
        return None
    del request.session[_CARRIED]
    return carried.get("stage"), carried.get("words") or []


def refused_meanwhile(exception: PermissionDenied, case_id: int, posted, typed, request) -> Refused:
    """The case's own rule refused a form the page had offered (cases/services/case.py _lock), for a
    form of the page's (not a file's removal), on a case the reader still sees: the case changed
    hands or state meanwhile (the secretary gave it to someone else). The case page is drawn again
    with the words and what was typed (views._run), not replaced by the 403 page (review 7, #3):
    in place under htmx, or without JavaScript the whole case page with status 403, the typed words
    in read-only boxes to copy and a link to the case's own address.
    Any other refusal is raised again: the 403 page."""
    refused = exception.args[0] if exception.args else None
    if not isinstance(refused, Refused) or refused.case_id != case_id or refused.action is None:
        raise exception
    typed_any = posted or any(text.strip() for text in (typed or {}).values())
    # Changed since the page was drawn: each form of the case part sends the version it was drawn at
    # (`seen`, {% seen %} in cases/detail.html), with htmx or without. A form the page never offered
    # (a viewer's, a colleague's post on a case never theirs) stays the 403 page's, with its own
    # words; so does a version not of the page's making (_drawn_number).
    seen = _drawn_number(request.POST.get("seen", ""))
    if seen is None or Case.all_objects.filter(pk=case_id, version=seen).exists():
        raise exception
    staff = request.access.can(Perm.LOG_CASE, refused.committee_id)
    if not (staff and typed_any and refused.why not in (Why.HIDDEN, Why.FILE)):
        raise exception
    return refused


def refused_meanwhile_message(refused: Refused, case, access) -> str:
    """What changed, in words: who has the case now, rather than "your role cannot" to a worker who
    may do it to their own cases; and that what was typed is shown to copy (case_page.unsaved)."""
    if refused.why == Why.ROLE and case.assignee_id != access.user.pk:
        said_now = _no_longer_yours(case, refused.action)
    else:
        said_now = said(refused, access).get("needs") or _("This cannot be done to the case now")
    return _shown_to_copy(said_now)
