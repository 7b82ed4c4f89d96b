"""Benchmark of the resident search and the care roster on a big committee.

Creates (once) the street 基准街道 with a committee of about 10,000 residents and a smaller
neighbour, a worker and a street officer, then times requests through the Django test Client:
the worker searching their committee, the street officer searching the whole street, and the
worker's roster. Prints median and p95 server time per request.

    .venv/bin/python manage.py bench_residents [--residents 10000] [--repeat 20] [--json PATH]
    .venv/bin/python manage.py bench_residents --scales 10000,100000 [--json PATH]

--json also measures the searches of the stable page keys and the logged-in floor (bench/floor.py)
and writes them as {page key: {median_ms, p95_ms, queries}}. --scales fills a street and committee
per size (reused by later runs) and measures those keys for every size in one run, interleaved
request by request (so that the machine's load falls on every size alike), with the ratio of the
largest to the smallest; --json then writes {size: {page key: {...}}}.
"""

import json
import statistics
import time
from pathlib import Path
from types import SimpleNamespace

from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from bench.command import BenchCommand
from bench.floor import FLOOR_URL, measure, measure_interleaved
from committee.models import Committee, Membership, Street, StreetOfficer, User
from committee.roles import Role
from committee.scoping import unscoped
from demo import residents as demo
from residents.models import Resident

STREET = "基准街道"
QUERIES = ["", "zq", "wang", "lxy", "5678", "12号302", "周", "zhangwei", "203"]


def _search_url(q: str) -> str:
    """The list as its search box sends it: an empty box is the bare list (?q= is redirected to it)."""
    return f"/residents/?q={q}" if q else "/residents/"


AVERAGE_HOUSEHOLD = 2.75
# The stable page keys of --json and --scales, the worker's searches, and the floor beside them.
PAGES = {
    "resident_search_name2": "/residents/?q=王芳",
    "resident_search_name1": "/residents/?q=王",
    "resident_search_initials": "/residents/?q=zq",
    "resident_search_phone": "/residents/?q=5678",
    "floor_auth": FLOOR_URL,
}
# Pages are rendered without collectstatic having run: plain static storage, as in the tests.
PLAIN_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


class Command(BenchCommand):
    help = "Fill a committee with ~10,000 residents (once) and time the search and the roster."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--residents", type=int, default=10_000)
        parser.add_argument("--repeat", type=int, default=20, help="rounds over the query list")
        parser.add_argument("--json", type=Path, dest="json_path", help="write the key pages' figures here")
        parser.add_argument("--scales", default="", help="sizes measured in one run, e.g. 10000,100000")

    def handle(
        self, *args, residents: int, repeat: int, json_path: Path | None = None, scales: str = "", **options
    ) -> None:
        if scales:
            self._scales([int(size) for size in scales.split(",")], runs=repeat * 5, json_path=json_path)
            return
        with unscoped():
            worker, officer, committee = self._world(residents)
            count = Resident.all_objects.filter(committee=committee).count()
            street_count = Resident.all_objects.filter(committee__street__name=STREET).count()
        self.stdout.write(
            f"{connection.vendor}: {count} residents in {committee.name}, {street_count} in the street."
        )
        for label, user, urls in [
            ("search, worker (one committee)", worker, [_search_url(q) for q in QUERIES]),
            ("search, street officer (whole street)", officer, [_search_url(q) for q in QUERIES]),
            ("search as you type (htmx), worker", worker, [_search_url(q) for q in QUERIES]),
            (
                "care roster, worker",
                worker,
                ["/roster/", "/roster/?overdue=1", "/roster/?worker=me", "/roster/?page=3"],
            ),
        ]:
            headers = {"HX-Request": "true", "HX-Target": "results"} if "htmx" in label else {}
            self._time(label, user, urls, repeat, headers)
        if json_path is not None:
            self._write_json(json_path, worker, runs=repeat * 5)

    def _write_json(self, path: Path, worker: User, runs: int) -> None:
        """The worker's searches under their stable keys, and the floor measured in the same run."""
        client = Client(SERVER_NAME="localhost")
        client.force_login(worker)
        with override_settings(ROOT_URLCONF="bench.floor", STORAGES=PLAIN_STORAGES):
            results = {key: measure(lambda i, url=url: (client, url), runs) for key, url in PAGES.items()}
        path.write_text(json.dumps(results, indent=2) + "\n")

    def _scales(self, sizes: list[int], runs: int, json_path: Path | None) -> None:
        clients = {}
        with unscoped():
            for size in sizes:
                worker, _officer, committee = self._world(size, tag=str(size))
                count = Resident.all_objects.filter(committee=committee).count()
                self.stdout.write(f"{connection.vendor}: {count} residents in {committee.name}.")
                clients[size] = Client(SERVER_NAME="localhost")
                clients[size].force_login(worker)
        results: dict = {size: {} for size in sizes}
        head = "".join(f" {f'{size:,}: med / p95 / q':>26}" for size in sizes)
        self.stdout.write(f"{'page':26}{head} {'ratio':>6}")
        with override_settings(ROOT_URLCONF="bench.floor", STORAGES=PLAIN_STORAGES):
            for key, url in PAGES.items():
                gets = {size: (lambda i, c=clients[size], url=url: (c, url)) for size in sizes}
                for size, figures in measure_interleaved(gets, runs).items():
                    results[size][key] = figures
                cells = "".join(
                    f" {results[size][key]['median_ms']:8.1f} / {results[size][key]['p95_ms']:7.1f} / "
                    f"{results[size][key]['queries']:3}"
                    for size in sizes
                )
                ratio = results[sizes[-1]][key]["median_ms"] / results[sizes[0]][key]["median_ms"]
                self.stdout.write(f"{key:26}{cells} {ratio:5.2f}x")
        if json_path is not None:
            json_path.write_text(
                json.dumps({str(size): pages for size, pages in results.items()}, indent=2) + "\n"
            )
            self.stdout.write(f"Wrote {json_path}.")

    @override_settings(STORAGES=PLAIN_STORAGES)
    def _time(self, label: str, user: User, urls: list[str], repeat: int, headers: dict) -> None:
        client = Client(SERVER_NAME="localhost")
        client.force_login(user)
        for url in urls:  # warm up: templates, connections
            client.get(url, headers=headers)
        times = []
        for _ in range(repeat):
            for url in urls:
                start = time.perf_counter()
                response = client.get(url, headers=headers)
                times.append((time.perf_counter() - start) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"{url} answered {response.status_code}")
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        self.stdout.write(
            f"{label:42s} n={len(times):4d}  median {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms"
        )

    def _world(self, residents: int, tag: str = ""):
        """The street, its two committees and their people; `tag` names another world (--scales)."""
        street, _ = Street.objects.get_or_create(name=f"{STREET}{tag}")
        big, _ = Committee.objects.get_or_create(
            street=street, code="bench", defaults={"name": f"基准居民区{tag}"}
        )
        small, _ = Committee.objects.get_or_create(
            street=street, code="bench2", defaults={"name": f"基准二居民区{tag}"}
        )
        worker, _ = User.objects.get_or_create(
            username=f"bench_worker{tag}", defaults={"full_name": "基准社工"}
        )
        officer, _ = User.objects.get_or_create(
            username=f"bench_officer{tag}", defaults={"full_name": "基准街道干部"}
        )
        Membership.objects.get_or_create(user=worker, committee=big, defaults={"role": Role.WORKER})
        StreetOfficer.objects.get_or_create(user=officer, street=street)
        org = SimpleNamespace(users={"worker": worker, "secretary": worker})
        for committee, target, seed in [(big, residents, 1), (small, residents // 5, 2)]:
            if Resident.all_objects.filter(committee=committee).exists():
                continue
            households = int(target / AVERAGE_HOUSEHOLD)
            # About 18 households a building, and never more than the 20 rooms a five-floor one has
            # (a small --residents gave the neighbour one building for 24 households).
            buildings = max(1, households // 18, -(-households // 20))
            lanes = [(str(100 + 2 * i), min(20, buildings - 20 * i)) for i in range((buildings + 19) // 20)]
            started = time.perf_counter()
            demo.seed(org, committee=committee, households_target=households, lanes=lanes, rng_seed=seed)
            self.stdout.write(f"Filled {committee.name} in {time.perf_counter() - started:.1f} s.")
        # Fresh statistics, as autovacuum (or `PRAGMA optimize`) gives a deployment after a bulk import;
        # on PostgreSQL a VACUUM too, as autovacuum would (and bench_cases does): without it no page
        # of a fresh fill is all-visible, and the plans measured are not a running deployment's.
        # VACUUM cannot run inside a transaction (the command's test runs in one): there, ANALYZE.
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        analyze = "VACUUM (ANALYZE)" if vacuum else "ANALYZE"
        with connection.cursor() as cursor:
            for table in (
                "residents_resident",
                "residents_household",
                "residents_building",
                "residents_visit",
            ):
                cursor.execute(f"{analyze} {table}")
            if connection.vendor == "postgresql":
                # The search key's GIN index out of its pending list, as autovacuum would: the
                # planner prices pending entries high and scans instead.
                cursor.execute(
                    "SELECT gin_clean_pending_list('resident_search_key_trgm') "
                    "WHERE to_regclass('resident_search_key_trgm') IS NOT NULL"
                )
        return worker, officer, big
