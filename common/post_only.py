"""Addresses that only take a form (POST): the page a reader opening one is sent back to.

A form refused without JavaScript is drawn again at the address it posted to (a case's
/cases/<id>/edit/, a referral's /cases/referrals/<id>/reply/), so a reload, a restored tab or the
language switch asks that address with a GET: they get the 405 page with a link here
(needle.middleware.MethodNotAllowedPageMiddleware), and the language switch returns here
(templatetags `language_switch`) rather than to a 405 at all."""

from django.urls import Resolver404, resolve

from common.reversing import reverse_once

# The case's own actions, whose `pk` is the case's: their page is the case's.
CASE_ACTIONS = frozenset(
    {"cases:edit", "cases:act", "cases:refer", "cases:follow_up", "cases:aid", "cases:attach", "cases:join"}
)

# The actions on a case's rows, whose `pk` is the row's (a referral's chase and reply, an aid's
# update, a file's removal): their page is the row's case, looked up among the cases the reader may
# see. They linked home before, and a worker who reloaded a refused reply lost their way to the case.
ROW_ACTIONS = {
    "cases:chase": "Referral",
    "cases:reply": "Referral",
    "cases:aid_update": "Aid",
    "cases:attachment_remove": "Attachment",
}


def _case_of(view_name: str, kwargs: dict, access) -> int | None:
    """The id of the case the action at `view_name` with `kwargs` is on, if this reader may see it."""
    if "pk" not in kwargs:
        return None
    if view_name in CASE_ACTIONS:
        return kwargs["pk"]
    if view_name not in ROW_ACTIONS or access is None:
        return None
    from cases import models, selectors  # common is below cases: looked up only for a row's action

    rows = selectors.case_children(access, getattr(models, ROW_ACTIONS[view_name]))
    return rows.filter(pk=kwargs["pk"]).values_list("case_id", flat=True).first()


def page_for(path: str, access=None) -> str:
    """The page to go back to from the POST-only address `path`: a case action's case (a row's case
    that `access`, the reader's, may see), else home."""
    try:
        match = resolve(path)
    except Resolver404:
        return reverse_once("home")
    case_id = _case_of(match.view_name, match.kwargs, access)
    return reverse_once("cases:detail", case_id) if case_id else reverse_once("home")


def back_from(request) -> str:
    """Where the language switch returns to (its `next`): the page as asked, except a case's page
    drawn at the address a refused form posted to, which returns to the case's own address."""
    match = request.resolver_match
    if request.method == "POST" and match:
        case_id = _case_of(match.view_name, match.kwargs, getattr(request, "access", None))
        if case_id:
            return reverse_once("cases:detail", case_id)
    return request.get_full_path()
