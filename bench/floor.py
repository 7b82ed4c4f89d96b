"""The logged-in floor: what every page behind login costs before its view does any work.

`urlpatterns` is the project's URLs plus one empty view behind login, at FLOOR_URL; the benchmarks
run with ROOT_URLCONF pointed here so that each run measures its own floor next to its pages
(the machine is shared and noisy: figures compare within one run only). The empty view is not a
URL of the app, so it has no row in the URL × persona table.
"""

import statistics
import time
from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import include, path

FLOOR_URL = "/bench/floor/"


def empty(request: HttpRequest) -> HttpResponse:
    """Nothing but the middleware: session, user, scope, CSP, …"""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path(FLOOR_URL.strip("/") + "/", empty),
    path("", include("needle.urls")),
]


def measure(get: Callable[[int], tuple[Client, str]], runs: int, warm: int = 3) -> dict:
    """Median and p95 server time (ms) of `runs` requests after `warm` unmeasured ones, and the
    queries of one more request (counted apart: capturing them slows the timed ones down).
    `get(i)` gives the client and URL of the i-th request."""
    times = []
    for i in range(warm + runs + 1):
        client, url = get(i)
        if i == warm + runs:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
        else:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            if i >= warm:  # the first requests warm caches and connections
                times.append(elapsed)
        assert response.status_code == 200, (url, response.status_code)
    return _figures(times, captured)


def measure_interleaved(gets: dict, runs: int, warm: int = 3) -> dict:
    """`measure` for several sizes at once, round robin request by request (a, b, c, a, b, c, …),
    so that whatever else the machine does falls on every size alike. `gets` is {size: get};
    returns {size: figures}."""
    times: dict = {size: [] for size in gets}
    captured = {}
    for i in range(warm + runs + 1):
        for size, get in gets.items():
            client, url = get(i)
            if i == warm + runs:
                with CaptureQueriesContext(connection) as captured[size]:
                    response = client.get(url)
            else:
                started = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
                if i >= warm:
                    times[size].append(elapsed)
            assert response.status_code == 200, (url, response.status_code)
    return {size: _figures(times[size], captured[size]) for size in gets}


def _figures(times: list[float], captured: CaptureQueriesContext) -> dict:
    times = sorted(times)
    p95 = times[max(0, round(len(times) * 0.95) - 1)]
    return {
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(p95, 2),
        "queries": len(captured.captured_queries),
    }
