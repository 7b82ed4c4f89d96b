"""Site-wide request plumbing: health checks answered before the rest, pages compressed, a signed-in
user's pages kept by no cache, a form's address opened on its own answered with a page."""

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers

from common.post_only import page_for
from common.reversing import reverse_once


def health_check(view):
    """Marks a view that answers a monitor: served by HealthCheckMiddleware ahead of sessions,
    authentication and the committee scope, so a request that carries a session cookie never loads
    or saves the session (during a database outage that would turn the answer into the HTML 503 page)."""
    view.health_check = True
    return view


class HealthCheckMiddleware:
    """First in MIDDLEWARE: a request for a @health_check view goes straight to it."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    # Only these paths are resolved here: every other request goes on without a second URL lookup.
    PREFIXES = ("/healthz", "/readyz")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(self.PREFIXES):
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        if getattr(match.func, "health_check", False):
            return match.func(request, *match.args, **match.kwargs)
        return self.get_response(request)


class CompressPagesMiddleware(GZipMiddleware):
    """Pages, htmx fragments and JSON go out gzipped (the case list: 37.7 KB → about 5 KB on a phone's
    slow 4G). Files are left as they are: photos, PDFs and workbooks are compressed already, and
    static files come pre-compressed from whitenoise. Django's GZipMiddleware pads each response with
    random bytes against BREACH; CSRF tokens are masked per response too."""

    TEXT_TYPES = ("text/html", "application/json", "text/plain")

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if response.streaming or not response.get("Content-Type", "").startswith(self.TEXT_TYPES):
            return response
        return super().process_response(request, response)


class PrivatePagesMiddleware:
    """Every answer to a signed-in user is kept by no cache (`Cache-Control: private, no-store`, as
    @never_cache writes it), unless its view said how it may be kept. Nearly every page names
    residents (a case's reporters, a household, the lists): a front-desk computer shared by the
    committee must not show them from its cache, nor by Back after a logout, and no proxy may keep
    them. The one place for it: after AuthenticationMiddleware in MIDDLEWARE, so that it knows who asked."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control") and request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


class MethodNotAllowedPageMiddleware:
    """A GET (or HEAD) of an address that only takes a form (@require_POST: a case's /files/, /edit/,
    /do/<action>/) is still refused with 405 and its Allow header, but with a page that says so in the
    reader's language and links back (common.post_only.page_for: to the case, a row's action's too,
    while the reader may see it), not Django's empty body, which
    a browser shows as its own blank "HTTP ERROR 405". A reader gets there by reloading a refused
    form's page, or by a phone restoring the tab. After the committee scope and messages in
    MIDDLEWARE, so that the page is drawn with the reader's menu."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code != 405
            or request.method not in {"GET", "HEAD"}
            or response.content
            or not isinstance(response, HttpResponseNotAllowed)
        ):
            return response
        back = page_for(request.path_info, getattr(request, "access", None))
        to_case = back != reverse_once("home")
        page = render(request, "405.html", {"back": back, "to_case": to_case}, status=405)
        page["Allow"] = response["Allow"]
        return page
