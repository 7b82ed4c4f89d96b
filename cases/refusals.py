"""A refusal by a case's own rules (cases/rules.py why_not), as the 403 page says it: what the reader
may not do to the case, why, and what to do instead.

The services raise PermissionDenied(Refused(...)) (services/case.py _lock, services/work.py
remove_attachment), as a page refused for a role raises PermissionDenied(Perm) (committee/access.py);
needle/views.py permission_denied draws the words below. Before, a viewer who pressed 办结 on a
case read only "您的角色不能进行此操作" and the worker not assigned to it the same, with nothing
to do about it but go home.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Case
from cases.rules import RULES, Action, Who, Why
from committee.roles import Perm
from common.reversing import reverse_once


@dataclass(frozen=True)
class Refused:
    """What PermissionDenied carries for a case's rule: the action refused (None: a file's removal),
    the case, and why (rules.Why)."""

    action: Action | None
    case_id: int
    committee_id: int
    why: Why
    status: str = ""  # the case's status, for Why.STATUS


def refusal_of(case, action: Action | None, why: Why) -> Refused:
    return Refused(action, case.pk, case.committee_id, why, case.status)


# What was refused, as "…只有书记可以<what>" / "Only the committee's secretary can <what>" ends.
WHAT = {
    Action.TAKE: gettext_lazy("take this case"),
    Action.ASSIGN: gettext_lazy("assign this case"),
    Action.EDIT: gettext_lazy("edit this case"),
    Action.START: gettext_lazy("start work on this case"),
    Action.WAIT: gettext_lazy("mark this case waiting"),
    Action.RESUME: gettext_lazy("resume work on this case"),
    Action.RESOLVE: gettext_lazy("resolve this case"),
    Action.FOLLOW_UP: gettext_lazy("record this case's follow-up call"),
    Action.CLOSE: gettext_lazy("close this case"),
    Action.WITHDRAW: gettext_lazy("close this case as withdrawn by the resident"),
    Action.DUPLICATE: gettext_lazy("close this case as a duplicate"),
    Action.REOPEN: gettext_lazy("reopen this case"),
    Action.ASK_REOPEN: gettext_lazy("ask to reopen this case"),
    Action.DECLINE_REOPEN: gettext_lazy("decline the request to reopen this case"),
    Action.NOTE: gettext_lazy("add a note to this case"),
    Action.JOIN: gettext_lazy("add reporters to this case"),
    Action.REFER: gettext_lazy("refer this case to an outside body"),
    Action.CHASE: gettext_lazy("chase this case's referral"),
    Action.REPLY: gettext_lazy("record the reply to this case's referral"),
    Action.AID: gettext_lazy("record aid on this case"),
    Action.ATTACH: gettext_lazy("add files to this case"),
    Action.PARTIES: gettext_lazy("add or remove this case's people"),
}

_ONLY = {
    Who.MANAGER: gettext_lazy("Only the committee's secretary can %(what)s."),
    Who.ASSIGNEE: gettext_lazy("Only the case's assignee or the committee's secretary can %(what)s."),
    Who.TAKER: gettext_lazy("Only the committee's secretary and workers can %(what)s."),
    Who.WORKER: gettext_lazy("Only the committee's secretary and workers can %(what)s."),
}


def said(refused: Refused, access) -> dict:
    """The 403 page's words for `refused`, for the reader `access`: `heading`, `needs` (what they
    may not do, and why), `instead` (what to do), `case_url` (back to the case, while they may see
    it). `instead` is None where the page's own words stand (a street officer's account)."""
    why, action = refused.why, refused.action
    what = WHAT[action] if action else ""
    worker = access is not None and access.can(Perm.LOG_CASE, refused.committee_id)
    ctx = {
        "heading": _("This cannot be done to the case now"),
        "case_url": reverse_once("cases:detail", refused.case_id),
        "instead": None,
    }
    if why == Why.HIDDEN:
        ctx.update(
            heading=_("Your role does not allow this"),
            needs=_(
                "This case is now seen only by the committee's secretary, its assignee and whoever logged it."
            ),
            case_url=None,
        )
    elif why == Why.FILE:
        ctx.update(
            heading=_("Your role does not allow this"),
            needs=_("Only whoever added a file, or the committee's secretary, can remove it."),
            instead=_("Ask them or your secretary if the file should go."),
        )
    elif why == Why.ROLE:
        who = RULES[action][1]
        ctx.update(heading=_("Your role does not allow this"), needs=_ONLY[who] % {"what": what})
        if worker and who == Who.ASSIGNEE:
            ctx["instead"] = _("Ask the secretary to assign the case to you, or ask its assignee.")
        elif worker and action == Action.REOPEN:
            ctx["instead"] = _("Ask the secretary to reopen it: the case page has “Ask to reopen”.")
        elif worker:
            ctx["instead"] = _("Ask your secretary to do it.")
        else:  # a viewer (a street or district officer's page says what their account is for instead)
            ctx["instead"] = _("Ask your secretary or the case's assignee if it needs doing.")
    elif why == Why.STATUS:
        ctx["needs"] = _("This case is “%(status)s” now, which does not allow you to %(what)s.") % {
            "status": _status_label(refused.status),
            "what": what,
        }
        ctx["instead"] = _("Open the case to see where it stands and what it needs now.")
    elif why == Why.TAKEN:
        ctx["needs"] = _(
            "Someone already works on this case: only the secretary can give it to someone else."
        )
        ctx["instead"] = _("Ask the secretary if it should be yours.")
    elif why == Why.NOT_CALLED:
        ctx["needs"] = _("A case is closed after its follow-up call, and this one's is not recorded yet.")
        ctx["instead"] = _("Record the follow-up call first.")
    else:  # Why.UNASSIGNED
        ctx["needs"] = _("Nobody works on this case yet, so work on it cannot start.")
        ctx["instead"] = _("Take it, or ask the secretary to assign it.")
    return ctx


def _status_label(status: str) -> str:
    return str(Case.Status(status).label) if status in Case.Status.values else status
