"""Benchmark the case pages at scale: fill a committee with 50,000 cases and 250,000 events, then
time the filtered list, the worker's queue and the case page through Django's test client.

    python manage.py bench_cases                 # fill (once) and measure
    python manage.py bench_cases --cases 5000    # a smaller run
    python manage.py bench_cases --json var/bench-cases.json   # also write the figures as JSON

The data goes into its own street and committee ("基准测试街道"); a second run reuses it.
Prints median and p95 server time and the queries per page (the client calls the whole stack:
middleware, scoping, views, templates; no network), and the logged-in floor measured in the same
run (bench/floor.py); --json writes them as {page key: {median_ms, p95_ms, queries}}.
"""

import datetime
import json
import random
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from bench.floor import FLOOR_URL, measure
from cases.models import Case, CaseCategory, CaseCounter, CaseEvent, OutsideBody, Referral
from cases.search import key_for
from committee.models import Committee, Membership, Street, User
from committee.roles import Role
from committee.scoping import unscoped
from reports.rollup import add_months, forget
from residents.models import Building


class Command(BaseCommand):
    help = "Fill a committee with many cases and events, then time the case list and case page."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--cases", type=int, default=50_000)
        parser.add_argument("--events-per-case", type=int, default=5)
        parser.add_argument("--runs", type=int, default=40, help="requests per page measured")
        parser.add_argument(
            "--json", type=Path, dest="json_path", help="write {page: {median_ms, p95_ms, queries}} here"
        )

    def handle(
        self, *args, cases: int, events_per_case: int, runs: int, json_path: Path | None, **options
    ) -> None:
        with unscoped():
            committee, users = self._world()
            have = Case.all_objects.filter(committee=committee).count()
            if have < cases:
                self._fill(committee, users, cases - have, events_per_case, start=have)
                forget([committee.pk])  # bulk_create bypasses Case.save: the rollup's months are stale
            total_events = CaseEvent.all_objects.filter(committee=committee).count()
            self.stdout.write(f"{committee.name}: {max(have, cases)} cases, {total_events} events.")
            sample = list(
                Case.all_objects.filter(committee=committee).order_by("?").values_list("pk", flat=True)[:runs]
            )
            drainage = CaseCategory.objects.get(code="drainage").code
        this_month = timezone.localdate().replace(day=1)
        last_two = [add_months(this_month, -1), add_months(this_month, -2)]
        client = Client()
        client.force_login(users[0])  # the secretary
        worker = Client()
        worker.force_login(users[1])
        # key (stable, for --json): label, request
        pages = {
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
            # change to an old case costs: its months logged and resolved), every closed month (a
            # new deployment, a corrected holiday calendar), then read from the rollup (every other
            # view: `dashboard_computed`), then every month counted live (as before the rollup).
            "dashboard_after_change": (
                "dashboard (2 closed months summarised)",
                lambda i: (forget([committee.pk], last_two), (client, "/dashboard/"))[1],
            ),
            "dashboard_summarise_all": (
                "dashboard (11 closed months summarised)",
                lambda i: (forget([committee.pk]), (client, "/dashboard/"))[1],
            ),
            "dashboard_computed": ("dashboard (computed, no cache)", lambda i: (client, "/dashboard/")),
            "dashboard_live": ("dashboard (no rollup: all live)", lambda i: (client, "/dashboard/")),
            "floor_auth": ("floor: empty page behind login", lambda i: (client, FLOOR_URL)),
        }
        self.stdout.write(f"{'page':34} {'median ms':>10} {'p95 ms':>10} {'queries':>8}")
        # Plain static storage: the benchmark needs no collectstatic run (nor does it time static files).
        storages = {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        results = {}
        with override_settings(
            ALLOWED_HOSTS=["*"],
            DEBUG=False,
            STORAGES=storages,
            ROOT_URLCONF="bench.floor",  # the app's URLs and the floor's empty page
            REPORTS_CACHE_SECONDS=0,  # the dashboard computed on every request
        ):
            for key, (name, make) in pages.items():
                # Summarising everything takes seconds at 100,000 cases: a few runs tell.
                times = min(runs, 3) if key == "dashboard_summarise_all" else runs
                with override_settings(REPORTS_ROLLUP=key != "dashboard_live"):
                    results[key] = figures = measure(make, times, warm=1 if times < runs else 3)
                self.stdout.write(
                    f"{name:34} {figures['median_ms']:10.1f} {figures['p95_ms']:10.1f} {figures['queries']:8}"
                )
        if json_path is not None:
            json_path.write_text(json.dumps(results, indent=2) + "\n")
            self.stdout.write(f"Wrote {json_path}.")

    def _world(self):
        street, _ = Street.objects.get_or_create(name="基准测试街道")
        committee, _ = Committee.objects.get_or_create(
            street=street, name="基准测试居民区", defaults={"code": "bench"}
        )
        users = []
        for i, role in enumerate([Role.SECRETARY, Role.WORKER, Role.WORKER, Role.WORKER, Role.WORKER]):
            user, _ = User.objects.get_or_create(username=f"bench_{i}", defaults={"full_name": f"测试{i}"})
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
        buildings = list(Building.all_objects.filter(committee=committee).values_list("pk", flat=True))
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
            for case in rows:  # no parties: the key is the number and the texts
                case.search_key = key_for(case, [])
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
        # Fresh planner statistics, and the search key's GIN index out of its pending list (the
        # planner prices pending entries high and scans instead), as autovacuum would after a load.
        # (Not VACUUM: the command may run inside a transaction, as in its test.)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT gin_clean_pending_list('case_search_key_trgm') "
                    "WHERE to_regclass('case_search_key_trgm') IS NOT NULL"
                )
            cursor.execute("ANALYZE")
