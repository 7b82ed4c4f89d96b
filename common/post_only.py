"""Addresses that only take a form (POST): the page a reader opening one is sent back to.

A form refused without JavaScript is drawn again at the address it posted to (a case's
/cases/<id>/edit/), so a reload, a restored tab or the language switch asks that address with a GET:
they get the 405 page with a link here (needle.middleware.MethodNotAllowedPageMiddleware), and the
language switch returns here (templatetags `language_switch`) rather than to a 405 at all."""

from django.urls import Resolver404, resolve

from common.reversing import reverse_once

# The case's own actions, whose `pk` is the case's: their page is the case's. The actions on a case's
# rows (a referral's chase, an aid's update, a file's removal) name the row, not the case; their
# readers go home rather than have a row's id looked up for them.
CASE_ACTIONS = frozenset(
    {"cases:edit", "cases:act", "cases:refer", "cases:follow_up", "cases:aid", "cases:attach", "cases:join"}
)


def page_for(path: str) -> str:
    """The page to go back to from the POST-only address `path`: a case action's case, else home."""
    try:
        match = resolve(path)
    except Resolver404:
        return reverse_once("home")
    if match.view_name in CASE_ACTIONS and "pk" in match.kwargs:
        return reverse_once("cases:detail", match.kwargs["pk"])
    return reverse_once("home")


def back_from(request) -> str:
    """Where the language switch returns to (its `next`): the page as asked, except a case's page
    drawn at the address a refused form posted to, which returns to the case's own address."""
    match = request.resolver_match
    if request.method == "POST" and match and match.view_name in CASE_ACTIONS and "pk" in match.kwargs:
        return reverse_once("cases:detail", match.kwargs["pk"])
    return request.get_full_path()
