"""A search for a whole ID or phone number never puts the number in an address (review 10, 3).

A GET search put it in the URL (/residents/?q=310104195003120427): in the access log of gunicorn
and of the reverse proxy in front, and in the shared front-desk browser's history and address-bar
suggestions, where the next person at the desk saw it. Needle's own access log notes such a search
"by a whole number", never the number: the address must not undo that.

So a list's search form is sent by POST (htmx's hx-post, and the form without JavaScript too), and
the list answers with its usual address, the term in it as typed when it holds no number (a name, a
phone's last four digits: bookmarkable, shareable), or, when it does, `?s=<key>`: a random key to
the term kept in the reader's session (server-side; gone at logout). Paging, Back and the export
link carry the key, not the number. A GET that brings a number in the address anyway (an old
bookmark, a hand-typed URL) is redirected to its key, so that the page and its links no longer
show it. "Holds a number" is common.masking's rule, the one free text and the logs are masked by.
"""

import secrets
from collections.abc import Callable, Collection
from functools import wraps

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.utils.translation import gettext_lazy as _

from common.masking import holds_numbers
from common.querystrings import without_empty_fields

KEY = "s"  # the address's parameter that names a hidden term
SESSION_KEY = "hidden_searches"
KEPT = 20  # the latest hidden terms a session keeps: a key older than these reads as no search
LOST = _(
    "That search held a whole ID or phone number, which is never kept in a page's address, and it is "
    "no longer kept for you: please type it again."
)


def holds_number(term: str) -> bool:
    """Whether a search term holds a whole ID, phone or bank card number, however typed (a number
    typed masked, 138****5678, as the pages show it, hides nothing: it is none)."""
    return bool(term) and holds_numbers(term)


def _kept(request: HttpRequest) -> dict[str, str]:
    return request.session.get(SESSION_KEY) or {}


def hide(request: HttpRequest, query: QueryDict, field: str) -> QueryDict:
    """`query` with its `field` swapped for a key to it kept in the session, when it holds a number
    (else as it is). The same term keeps its key: paging, Back and a repeated search agree."""
    term = query.get(field, "")
    if not holds_number(term):
        return query
    kept = _kept(request)
    key = next((k for k, v in kept.items() if v == term), None) or secrets.token_urlsafe(9)
    kept.pop(key, None)
    kept[key] = term  # the newest last: the oldest go first
    request.session[SESSION_KEY] = dict(list(kept.items())[-KEPT:])
    hidden = query.copy()
    del hidden[field]
    hidden[KEY] = key
    return hidden


def with_search(request: HttpRequest, query: QueryDict, field: str = "q") -> QueryDict:
    """`query` as a list's filters read it: `s=<key>` read back as `field=<term>` (a key this session
    no longer keeps reads as no search). The address's own query (request.GET) keeps the key: the
    links a page builds from it (paging, chips, the export) never spell the number."""
    key = query.get(KEY)
    if key is None:
        return query
    resolved = query.copy()
    del resolved[KEY]
    term = _kept(request).get(key)
    if term is not None:
        resolved[field] = term
    elif not getattr(request, "_hidden_search_lost", False):
        # Signed in again since, or one of many searches ago: the list unfiltered would read as
        # "nobody matches" or as everyone; the reader is told, and types it again.
        request._hidden_search_lost = True
        messages.warning(request, LOST)
    return resolved


def _address(request: HttpRequest, query: QueryDict) -> str:
    encoded = query.urlencode()
    return f"{request.path}?{encoded}" if encoded else request.path


def search_by_post(
    field: str = "q", kept: Collection[str] = (), check: Callable[[HttpRequest], None] | None = None
) -> Callable:
    """A list view's decorator (above its @require_GET): its search form is sent by POST.

    A POST is answered as the GET of the list's address (`field` hidden when it holds a number;
    empty fields dropped but those `kept`, as common.querystrings does): by htmx in place, with that
    address pushed (HX-Push-Url), without JavaScript by a redirect to it (303). A GET whose `field`
    holds a number is redirected to the address with its key. `check(request)`: the view's own
    refusal (PermissionDenied), said before a term is kept for one who may not search there."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if check is not None and request.method in ("GET", "POST"):
                check(request)
            if request.method == "POST":
                query = request.POST.copy()
                query.pop("csrfmiddlewaretoken", None)
                query = hide(request, without_empty_fields(query, kept) or query, field)
                if not getattr(request, "htmx", False):
                    return HttpResponseRedirect(_address(request, query), status=303)
                # Answered as its GET: the view reads request.GET, and builds its links from it.
                request.method, request.GET, request.POST = "GET", query, QueryDict()
                response = view(request, *args, **kwargs)
                response["HX-Push-Url"] = _address(request, query)
                return response
            if request.method == "GET" and holds_number(request.GET.get(field, "")):
                return HttpResponseRedirect(_address(request, hide(request, request.GET, field)))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
