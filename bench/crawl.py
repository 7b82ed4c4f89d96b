"""Every page a user can reach, timed: the pages the key-page benchmarks never load.

    DATABASE_URL=… .venv/bin/python -m bench.crawl bdist_12x25-1000000-2000000_district --pages 120

Follows the links of each page from the home page, breadth first, as USERNAME (through Django's
test client, the whole stack without the network, reports computed on every request), at most two
pages of each URL shape (numbers and query values aside), downloads and logging out apart; prints
the slowest pages with their status and queries. One request each: a first look, not a benchmark
(a page that shows up here is then measured alternately against the code before).
"""

import argparse
import os
import re
import time
from dataclasses import dataclass

# Downloads, static files and what ends the session.
SKIPPED = re.compile(
    r"^/(static|media|accounts/logout|i18n|admin/logout)|\.(xlsx|csv|txt|pdf|png|jpe?g)(\?|$)"
)


@dataclass(frozen=True)
class Visit:
    ms: float
    status: int
    queries: int
    url: str


def shape(url: str) -> str:
    """The URL with its numbers and query values taken out: /cases/7/?page=2 → /cases/N/?page=."""
    path, _, query = url.partition("?")
    return re.sub(r"\d+", "N", path) + ("?" + re.sub(r"=[^&]*", "=", query) if query else "")


def crawl(client, start: str = "/", pages: int = 150, per_shape: int = 2) -> list[Visit]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    seen, queue, shapes, visits = set(), [start], {}, []
    while queue and len(visits) < pages:
        url = queue.pop(0)
        if url in seen or SKIPPED.search(url) or shapes.get(shape(url), 0) >= per_shape:
            continue
        seen.add(url)
        shapes[shape(url)] = shapes.get(shape(url), 0) + 1
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        visits.append(Visit((time.perf_counter() - started) * 1000, response.status_code, len(captured), url))
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            for href in re.findall(r'href="(/[^"#]*)"', response.content.decode()):
                queue.append(href.replace("&amp;", "&"))
    return visits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("username")
    parser.add_argument("--pages", type=int, default=150)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "needle.settings")
    django.setup()
    from django.test import Client
    from django.test.utils import override_settings

    from bench.management.commands.bench_district import STORAGES
    from committee.models import User
    from committee.scoping import unscoped

    with unscoped():
        user = User.objects.get(username=args.username)
    client = Client()
    client.force_login(user)
    with override_settings(ALLOWED_HOSTS=["*"], DEBUG=False, STORAGES=STORAGES, REPORTS_CACHE_SECONDS=0):
        client.get("/")  # the process's first request pays for what every later one reuses
        visits = crawl(client, pages=args.pages)
    for visit in sorted(visits, key=lambda v: -v.ms)[: args.top]:
        print(f"{visit.ms:9.1f} ms  {visit.status}  {visit.queries:3} queries  {visit.url}")
    print(f"{len(visits)} pages as {args.username}")


if __name__ == "__main__":
    main()
