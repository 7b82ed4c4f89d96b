"""Benchmark the case pages at scale: fill a committee with 50,000 cases and 250,000 events, then
time the filtered list, the worker's queue and the case page through Django's test client.

    python manage.py bench_cases                 # fill (once) and measure
    python manage.py bench_cases --cases 5000    # a smaller run
    python manage.py bench_cases --json var/bench-cases.json   # also write the figures as JSON
    python manage.py bench_cases --scales 10000,100000,300000 --runs 20 --json var/flat.json

The data goes into its own street and committee ("基准测试街道"); a second run reuses it.
With --scales, each size gets a committee of its own in the same street ("基准测试居民区 10000",
…, its own secretary and workers), filled by the same generator and reused by later runs; every
page is then measured for every size interleaved, request by request (10k, 100k, 300k, 10k, …),
so that the machine's load falls on all sizes alike, and the table gives each size's figures and
the largest size's median over the smallest's. --json then writes {size: {page key: {median_ms,
p95_ms, queries}}} (sizes as strings), floor_auth measured per size in the same run.

Prints median and p95 server time and the queries per page (the client calls the whole stack:
middleware, scoping, views, templates; no network), and the logged-in floor measured in the same
run (bench/floor.py); --json writes them as {page key: {median_ms, p95_ms, queries}}.
"""

import datetime
import json
import random
from pathlib import Path

from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from bench.command import BenchCommand
from bench.floor import FLOOR_URL, measure, measure_interleaved
from cases.models import Case, CaseCategory, CaseCounter, CaseEvent, OutsideBody, Referral
from cases.search import address_tokens, key_for
from committee.models import Committee, Membership, Street, User
from committee.roles import Role
from committee.scoping import unscoped
from reports import open_cases
from reports.figures import add_months
from reports.rollup import forget
from residents.models import Building


class Command(BenchCommand):
    help = "Fill a committee with many cases and events, then time the case list and case page."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--cases", type=int, default=50_000)
        parser.add_argument("--events-per-case", type=int, default=5)
        parser.add_argument("--runs", type=int, default=40, help="requests per page measured")
        parser.add_argument(
            "--scales",
            type=lambda text: [int(n) for n in text.split(",") if n.strip()],
            help="several sizes in one run, e.g. 10000,100000,300000: a committee each, interleaved",
        )
        parser.add_argument("--pages", help="only these page keys, comma-separated (default: every page)")
        parser.add_argument(
            "--json", type=Path, dest="json_path", help="write {page: {median_ms, p95_ms, queries}} here"
        )

    def handle(
        self,
        *args,
        cases: int,
        events_per_case: int,
        runs: int,
        json_path: Path | None,
        scales: list[int] | None = None,
        pages: str | None = None,
        **options,
    ) -> None:
        wanted = [key.strip() for key in pages.split(",")] if pages else None
        sizes = sorted(set(scales)) if scales else [cases]
        worlds = {}
        with unscoped():
            filled = False
            for size in sizes:
                committee, users = self._world(size if scales else None)
                have = Case.all_objects.filter(committee=committee).count()
                if have < size:
                    self._fill(committee, users, size - have, events_per_case, start=have)
                    # bulk_create bypasses Case.save: the rollup's months are stale, the open-case
                    # counters behind (as the nightly tasks would find them).
                    forget([committee.pk])
                    open_cases.recount(committee.pk)
                    filled = True
                total_events = CaseEvent.all_objects.filter(committee=committee).count()
                self.stdout.write(f"{committee.name}: {max(have, size)} cases, {total_events} events.")
                sample = list(
                    Case.all_objects.filter(committee=committee)
                    .order_by("?")
                    .values_list("pk", flat=True)[:runs]
                )
                worlds[size] = (committee, users, sample)
            if filled:
                self._settle()
            drainage = CaseCategory.objects.get(code="drainage").code
        # key (stable, for --json): label, request, per size
        by_size = {size: self._pages(*world, drainage) for size, world in worlds.items()}
        labels = {key: name for key, (name, _make) in by_size[sizes[0]].items()}
        keys = [key for key in labels if wanted is None or key in wanted]
        # Plain static storage: the benchmark needs no collectstatic run (nor does it time static files).
        storages = {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        results: dict = {size: {} for size in sizes}
        if scales:
            head = "".join(f" {f'{size:,}: med / p95 / q':>26}" for size in sizes)
            self.stdout.write(f"{'page':34}{head} {'ratio':>6}")
        else:
            self.stdout.write(f"{'page':34} {'median ms':>10} {'p95 ms':>10} {'queries':>8}")
        with override_settings(
            ALLOWED_HOSTS=["*"],
            DEBUG=False,
            STORAGES=storages,
            ROOT_URLCONF="bench.floor",  # the app's URLs and the floor's empty page
            REPORTS_CACHE_SECONDS=0,  # the dashboard computed on every request
        ):
            for key in keys:
                if key == "dashboard_computed":
                    self.settle_counts()
                # Summarising everything takes seconds at 100,000 cases: a few runs tell.
                times = min(runs, 3) if key == "dashboard_summarise_all" else runs
                warm = 1 if times < runs else 3
                with override_settings(REPORTS_ROLLUP=key != "dashboard_live"):
                    if scales:
                        makes = {size: by_size[size][key][1] for size in sizes}
                        for size, figures in measure_interleaved(makes, times, warm=warm).items():
                            results[size][key] = figures
                    else:
                        results[sizes[0]][key] = measure(by_size[sizes[0]][key][1], times, warm=warm)
                if scales:
                    cells = "".join(
                        " {median_ms:9.1f} /{p95_ms:8.1f} /{queries:4}".format(**results[size][key])
                        for size in sizes
                    )
                    ratio = results[sizes[-1]][key]["median_ms"] / max(
                        results[sizes[0]][key]["median_ms"], 0.01
                    )
                    self.stdout.write(f"{labels[key]:34}{cells} {ratio:5.2f}x")
                else:
                    figures = results[sizes[0]][key]
                    self.stdout.write(
                        f"{labels[key]:34} {figures['median_ms']:10.1f} {figures['p95_ms']:10.1f} "
                        f"{figures['queries']:8}"
                    )
        if json_path is not None:
            written = {str(size): pages for size, pages in results.items()} if scales else results[sizes[0]]
            json_path.write_text(json.dumps(written, indent=2) + "\n")
            self.stdout.write(f"Wrote {json_path}.")

    def _pages(self, committee, users, sample, drainage) -> dict:
        """Every page of one committee: {key: (label, request i -> (client, url))}."""
        this_month = timezone.localdate().replace(day=1)
        last_two = [add_months(this_month, -1), add_months(this_month, -2)]
        client = Client()
        client.force_login(users[0])  # the secretary
        worker = Client()
        worker.force_login(users[1])
        return {
            "list_default": ("list (default: open cases)", lambda i: (client, "/cases/")),
            "list_any_status": ("list (any status, open first)", lambda i: (client, "/cases/?status=")),
            "list_filtered": (
                "list (open, drainage, overdue)",
                lambda i: (client, f"/cases/?status=open&category={drainage}&overdue=1"),
            ),
            "list_search": ("list (search, page 3)", lambda i: (client, "/cases/?q=积水&sort=newest&page=3")),
            "list_assignee_dates": (
                "list (assignee, date range)",
                lambda i: (
                    client,
                    f"/cases/?assignee={users[1].pk}&created_from=2026-01-01&created_to=2026-06-30",
                ),
            ),
            "home_queue": ("home queue (worker)", lambda i: (worker, "/")),
            "case_page": ("case page", lambda i: (client, f"/cases/{sample[i % len(sample)]}/")),
            # Two closed months summarised again before each request (what the first view after a
            # change to an old case costs: its months logged and resolved), every month, the current
            # one too (a new deployment, a corrected holiday calendar), then read from the rollup (every other
            # view: `dashboard_computed`), then every month counted live (as before the rollup).
            "dashboard_after_change": (
                "dashboard (2 closed months summarised)",
                lambda i: (forget([committee.pk], last_two), (client, "/dashboard/"))[1],
            ),
            "dashboard_summarise_all": (
                "dashboard (all 12 months summarised)",
                lambda i: (forget([committee.pk]), (client, "/dashboard/"))[1],
            ),
            "dashboard_computed": ("dashboard (computed, no cache)", lambda i: (client, "/dashboard/")),
            "dashboard_live": ("dashboard (no rollup: all live)", lambda i: (client, "/dashboard/")),
            "floor_auth": ("floor: empty page behind login", lambda i: (client, FLOOR_URL)),
        }

    def _world(self, size: int | None = None):
        """The bench committee and its staff; with a size, that size's own committee and staff."""
        street, _ = Street.objects.get_or_create(name="基准测试街道")
        name, code, prefix = (
            ("基准测试居民区", "bench", "bench")
            if size is None
            else (f"基准测试居民区 {size}", f"bench-{size}", f"bench_{size}")
        )
        committee, _ = Committee.objects.get_or_create(street=street, name=name, defaults={"code": code})
        users = []
        for i, role in enumerate([Role.SECRETARY, Role.WORKER, Role.WORKER, Role.WORKER, Role.WORKER]):
            user, _ = User.objects.get_or_create(username=f"{prefix}_{i}", defaults={"full_name": f"测试{i}"})
            Membership.objects.get_or_create(user=user, committee=committee, defaults={"role": role})
            users.append(user)
        if not Building.all_objects.filter(committee=committee).exists():
            Building.all_objects.bulk_create(
                [
                    Building(committee=committee, road="测试路", lane=str(lane), number=str(n))
                    for lane in range(100, 120)
                    for n in range(1, 11)
                ]
            )
        return committee, users

    def _fill(self, committee, users, count: int, events_per_case: int, start: int) -> None:
        rng = random.Random(start)
        categories = list(CaseCategory.objects.all())
        # Each building's address tokens, as the services' keys hold them (cases.search.address_tokens).
        places = {
            pk: address_tokens(road, lane, number)
            for pk, road, lane, number in Building.all_objects.filter(committee=committee).values_list(
                "pk", "road", "lane", "number"
            )
        }
        buildings = list(places)
        body = OutsideBody.objects.first()
        now = timezone.now()
        statuses = [s for s, _ in Case.Status.choices]
        titles = [
            "楼道积水",
            "路面坑洼",
            "垃圾箱房异味",
            "邻里噪音",
            "电动车楼道充电",
            "路灯不亮",
            "独居老人助餐",
        ]
        batch = 2000
        seq_by_year: dict[int, int] = dict(
            CaseCounter.objects.filter(committee=committee).values_list("year", "last")
        )
        done = 0
        while done < count:
            size = min(batch, count - done)
            rows = []
            for _i in range(size):
                created = now - datetime.timedelta(days=rng.uniform(0, 730))
                year = timezone.localdate(created).year
                seq_by_year[year] = seq_by_year.get(year, 0) + 1
                status = rng.choices(statuses, [5, 10, 8, 7, 70])[0]
                rows.append(
                    Case(
                        committee=committee,
                        year=year,
                        seq=seq_by_year[year],
                        title=rng.choice(titles),
                        description="基准测试数据",
                        category=rng.choice(categories),
                        source=rng.choice(Case.Source.values),
                        priority=rng.choices(Case.Priority.values, [15, 75, 10])[0],
                        building_id=rng.choice(buildings),
                        assignee=rng.choice([*users, None]),
                        due_date=timezone.localdate(created) + datetime.timedelta(days=rng.randint(3, 30)),
                        status=status,
                        closure=Case.Closure.FOLLOWED_UP if status == "closed" else "",
                        resolved_at=created + datetime.timedelta(days=5)
                        if status in ("resolved", "closed")
                        else None,
                        closed_at=created + datetime.timedelta(days=8) if status == "closed" else None,
                        sensitive=rng.random() < 0.03,
                        created_by=users[0],
                        created_at=created,
                    )
                )
            for case in rows:  # no parties: the key is the number, the texts and the address
                case.search_key = key_for(case, [], places[case.building_id])
            with transaction.atomic():
                made = Case.all_objects.bulk_create(rows)
                events = []
                referrals = []
                for case in made:
                    for k in range(events_per_case):
                        kind = (
                            CaseEvent.Kind.CREATED
                            if k == 0
                            else rng.choice(
                                [
                                    CaseEvent.Kind.NOTE,
                                    CaseEvent.Kind.STATUS,
                                    CaseEvent.Kind.ASSIGNED,
                                    CaseEvent.Kind.CHASE,
                                ]
                            )
                        )
                        events.append(
                            CaseEvent(
                                case=case,
                                committee=committee,
                                kind=kind,
                                actor=users[k % len(users)],
                                at=case.created_at + datetime.timedelta(hours=k * 7),
                                text="记录" if kind == CaseEvent.Kind.NOTE else "",
                                data={"from": "new", "to": "in_progress"}
                                if kind == CaseEvent.Kind.STATUS
                                else {},
                            )
                        )
                    if case.status == Case.Status.WAITING:
                        referrals.append(
                            Referral(
                                case=case,
                                committee=committee,
                                body=body,
                                sent_on=timezone.localdate(case.created_at),
                                created_by=users[0],
                            )
                        )
                CaseEvent.all_objects.bulk_create(events, batch_size=5000)
                Referral.all_objects.bulk_create(referrals, batch_size=2000)
            done += size
            self.stdout.write(f"  {start + done} cases…")
        for year, last in seq_by_year.items():
            CaseCounter.objects.update_or_create(committee=committee, year=year, defaults={"last": last})

    def _settle(self) -> None:
        """After a fill, what autovacuum would do: fresh planner statistics, the visibility map set
        (an index-only scan reads the heap for every page not marked all-visible) and the search
        key's GIN index out of its pending list (the planner prices pending entries high and scans
        instead). VACUUM cannot run inside a transaction (the command's test runs in one): there,
        ANALYZE and the pending list only."""
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                for index in (
                    "case_search_committee_trgm",
                    "case_search_key_trgm",
                ):  # after / before cases 0014
                    cursor.execute(
                        # to_regclass: a missing index is NULL (a bare name is cast when parsed, and fails).
                        "SELECT gin_clean_pending_list(to_regclass(%s)) WHERE to_regclass(%s) IS NOT NULL",
                        [index, index],
                    )
            if connection.in_atomic_block or connection.vendor != "postgresql":
                cursor.execute("ANALYZE")  # (SQLite's VACUUM takes no table and has no visibility map)
            else:
                for table in (Case, CaseEvent, Referral):
                    cursor.execute(f"VACUUM ANALYZE {table._meta.db_table}")
                cursor.execute("ANALYZE")
