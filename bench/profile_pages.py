"""Where a page's milliseconds go: the floor and each key page timed through the test client for
one committee's secretary and worker, then one page under cProfile.

    DATABASE_URL=… .venv/bin/python -m bench.profile_pages --secretary bench_10000_0 --worker bench_10000_1
    DATABASE_URL=… .venv/bin/python -m bench.profile_pages --profile list_search --top 40

The demo's `secretary` and `worker` by default. Times are medians of --runs requests (ms); the
profile is of --runs requests of one page, sorted by cumulative time.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--secretary", default="secretary")
    parser.add_argument("--worker", default="worker")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--profile", help="a page key to profile")
    parser.add_argument("--top", type=int, default=50)
    parser.add_argument("--sort", default="cumulative")
    args = parser.parse_args()

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "needle.settings")
    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from bench.floor import FLOOR_URL
    from cases.models import Case
    from committee.models import User
    from committee.scoping import unscoped

    with unscoped():
        secretary = User.objects.get(username=args.secretary)
        worker = User.objects.get(username=args.worker)
        committee = secretary.memberships.get().committee
        case_id = Case.all_objects.filter(committee=committee).order_by("pk").values_list("pk", flat=True)[5]
    boss, staff = Client(), Client()
    boss.force_login(secretary)
    staff.force_login(worker)
    pages = {
        "floor_auth": (boss, FLOOR_URL),
        "list_default": (boss, "/cases/"),
        "list_any_status": (boss, "/cases/?status="),
        "list_filtered": (boss, "/cases/?status=open&category=drainage&overdue=1"),
        "list_search": (boss, "/cases/?q=积水&sort=newest&page=3"),
        "home_queue": (staff, "/"),
        "case_page": (boss, f"/cases/{case_id}/"),
        # The dashboard computed on every request (REPORTS_CACHE_SECONDS=0 below): bench_cases'
        # dashboard_computed; the worker's counts their own sensitive cases live.
        "dashboard": (boss, "/dashboard/"),
        "dashboard_worker": (staff, "/dashboard/"),
    }
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(
        ALLOWED_HOSTS=["*"],
        DEBUG=False,
        STORAGES=storages,
        ROOT_URLCONF="bench.floor",
        REPORTS_CACHE_SECONDS=0,
    ):
        if args.profile:
            client, url = pages[args.profile]
            for _ in range(5):
                client.get(url)
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.runs):
                client.get(url)
            profiler.disable()
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
            return
        floor = None
        for key, (client, url) in pages.items():
            for _ in range(3):
                assert client.get(url).status_code == 200, url
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            sql = sum(float(q["time"]) for q in captured.captured_queries) * 1000
            median = statistics.median(times)
            floor = floor or median
            print(
                f"{key:16} {median:7.2f} ms {median / floor:5.1f}x  {len(captured.captured_queries)} queries"
                f" (SQL as timed by Django {sql:.1f} ms)"
            )


if __name__ == "__main__":
    main()
