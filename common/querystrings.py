"""A list's filter form sent without JavaScript: the browser sends every field, the empty ones too
(`?q=&status=open&category=&assignee=&…`), and that is the address the reader sees, bookmarks and
shares. With JavaScript the case list's htmx request leaves them out (static/js/needle.js); without,
the list answers such a GET with a redirect to the same query without its empty fields.

Only where an empty field and an absent one mean the same: a list whose empty parameter says
something of its own names it in `kept` (the case list's `status=` is "any status", its absence the
open cases: cases/filters.py with_status), and it stays. A parameter given twice is left as it is
unless every value is empty (the form reads the last: `category=x&category=` filters on nothing,
and without its empty value would filter on x). The rest keep their order; an htmx request is
answered in place as always, never redirected (its own request drops them).
"""

from collections.abc import Callable, Collection
from functools import wraps

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict


def without_empty_fields(query: QueryDict, kept: Collection[str] = ()) -> QueryDict | None:
    """`query` without its parameters whose every value is empty (but those `kept`), or None when it
    has none: nothing to drop."""
    empty = [key for key, values in query.lists() if key not in kept and not any(values)]
    if not empty:
        return None
    rest = query.copy()
    for key in empty:
        del rest[key]
    return rest


def drops_empty_fields(kept: Collection[str] = ()) -> Callable:
    """A list view's decorator: a GET (not htmx) whose query has empty fields is redirected to the
    same address without them (without_empty_fields)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "GET" and not getattr(request, "htmx", False):
                rest = without_empty_fields(request.GET, kept)
                if rest is not None:
                    query = rest.urlencode()
                    return HttpResponseRedirect(f"{request.path}?{query}" if query else request.path)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
