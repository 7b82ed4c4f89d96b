"""Benchmark of the case-list export (.xlsx), the export a street asks for most: its open cases.

    .venv/bin/python manage.py bench_export                          # 10,000 open cases, 5 runs
    .venv/bin/python manage.py bench_export --cases 2000 --runs 3 --json var/bench-export.json

Fills (once; more cases are added when --cases grows) the street 基准导出街道 with a committee of
--households (1,200: about 3,300 residents, demo/residents.py) and --cases open cases, each with a
resident as its party, the resident's home as its place, a summary of one or two sentences and a
worker assigned.
Then, after one unmeasured run each, --runs times (median and p95, ms):

- export_view: the secretary's GET of the case-list export (reports:cases_xlsx, ?status=open)
  through Django's test client: middleware, the query and its prefetch, the masking, the
  workbook written and zipped to its temporary file, and the file read to its end;
- writer_only: the same rows, read from the database once beforehand into a list, written by
  common.xlsx.XlsxWriter and saved to a temporary file: what the writer alone costs.

The two alternate run by run, so that the machine's load falls on both alike. --json writes
{export_view: {median_ms, p95_ms, queries}, writer_only: {median_ms, p95_ms}, rows, bytes}.
"""

import datetime
import json
import random
import statistics
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from bench.command import BenchCommand
from cases.models import Case, CaseCategory, CaseCounter, CaseParty
from cases.search import address_tokens, key_for
from committee.models import Committee, Membership, Street, User
from committee.roles import Role
from committee.scoping import unscoped
from common.xlsx import XlsxWriter
from demo import residents as demo
from reports import open_cases
from reports.ledger import LEDGER_LANGUAGE, case_columns, case_rows
from reports.rollup import forget
from residents.imports.xlsx_stream import iter_rows
from residents.models import Household, Resident

STREET = "基准导出街道"
COMMITTEE = "基准导出居民区"
PLAIN_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TITLES = [
    "楼道堆物影响通行，居民要求清理",
    "底楼返水，厨房地漏冒水",
    "邻里噪音，夜间装修扰民",
    "垃圾箱房异味，夏季尤甚",
    "电动车在楼道充电，存在消防隐患",
    "路灯不亮，晚上出行不便",
    "独居老人申请助餐服务",
    "屋顶渗水，顶楼住户天花板发霉",
    "小区门口共享单车乱停放",
    "申请临时困难补助",
]
DETAILS = ["", "", "，已多次反映", "，请尽快处理", "，物业称需报修", "，涉及多户"]


class Command(BenchCommand):
    help = "Fill a committee with open cases (once) and time the case-list export and the writer alone."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--cases", type=int, default=10_000)
        parser.add_argument("--households", type=int, default=1200, help="of the registry, when first filled")
        parser.add_argument("--runs", type=int, default=5, help="timed runs of each (after one unmeasured)")
        parser.add_argument("--json", type=Path, dest="json_path", help="write the figures here")

    def handle(
        self, *args, cases: int, runs: int, households: int = 1200, json_path: Path | None = None, **options
    ) -> None:
        with unscoped():
            committee, secretary = self._world(cases, households)
            count = Case.all_objects.filter(committee=committee, status__in=Case.OPEN_STATUSES).count()
            with translation.override(LEDGER_LANGUAGE):
                queryset = Case.all_objects.filter(committee=committee, status__in=Case.OPEN_STATUSES)
                rows = list(case_rows(queryset.order_by("-created_at")))
        self.stdout.write(f"{connection.vendor}: {committee.name}, {count} open cases.")
        client = Client()
        client.force_login(secretary)
        url = reverse("reports:cases_xlsx") + "?status=open"
        times: dict[str, list[float]] = {"export_view": [], "writer_only": []}
        size = 0
        with override_settings(ALLOWED_HOSTS=["*"], DEBUG=False, STORAGES=PLAIN_STORAGES):
            for i in range(runs + 1):
                started = time.perf_counter()
                size = self._export(client, url, count, check=not i)
                if i:  # the first run of each warms caches and connections
                    times["export_view"].append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                self._write(rows)
                if i:
                    times["writer_only"].append((time.perf_counter() - started) * 1000)
            with CaptureQueriesContext(connection) as captured:
                self._export(client, url, count)
        results = {key: _figures(values) for key, values in times.items()}
        results["export_view"]["queries"] = len(captured.captured_queries)
        head = f"{'':14} {'median ms':>10} {'p95 ms':>10}"
        self.stdout.write(f"{head}   ({runs} runs, {count} rows, {size:,} bytes)")
        for key, figures in results.items():
            self.stdout.write(f"{key:14} {figures['median_ms']:10.1f} {figures['p95_ms']:10.1f}")
        if json_path is not None:
            json_path.write_text(json.dumps({**results, "rows": count, "bytes": size}, indent=2) + "\n")
            self.stdout.write(f"Wrote {json_path}.")

    def _export(self, client: Client, url: str, count: int, *, check: bool = False) -> int:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as f:
            for chunk in response.streaming_content:  # read to its end, the test client closes it
                f.write(chunk)
            f.flush()
            if check:  # (unmeasured) the header and one row per case, read as the import reads
                assert sum(1 for _row in iter_rows(f.name)) == count + 1
            return f.tell()

    def _write(self, rows: list) -> None:
        with translation.override(LEDGER_LANGUAGE):
            writer = XlsxWriter()
            writer.sheet("事项", case_columns(), rows)
            with tempfile.TemporaryFile() as f:
                writer.save(f)

    def _world(self, cases: int, households: int):
        street, _ = Street.objects.get_or_create(name=STREET)
        committee, _ = Committee.objects.get_or_create(
            street=street, name=COMMITTEE, defaults={"code": "bench-export"}
        )
        staff = []
        for i, role in enumerate([Role.SECRETARY, Role.WORKER, Role.WORKER, Role.WORKER]):
            user, _ = User.objects.get_or_create(
                username=f"bench_export_{i}", defaults={"full_name": f"导出{i}"}
            )
            Membership.objects.get_or_create(user=user, committee=committee, defaults={"role": role})
            staff.append(user)
        if not Resident.all_objects.filter(committee=committee).exists():
            started = time.perf_counter()
            org = SimpleNamespace(users={"worker": staff[1], "worker2": staff[2], "worker3": staff[3]})
            buildings = max(1, households // 20)
            lanes = [(str(100 + 2 * i), min(20, buildings - 20 * i)) for i in range((buildings + 19) // 20)]
            demo.seed(org, committee=committee, households_target=households, lanes=lanes, rng_seed=11)
            self.stdout.write(f"Filled {committee.name}'s registry in {time.perf_counter() - started:.1f} s.")
        have = Case.all_objects.filter(committee=committee).count()
        if have < cases:
            started = time.perf_counter()
            self._fill(committee, staff, cases - have, start=have)
            forget([committee.pk])  # bulk_create bypasses Case.save: the counters as the nightly run would
            open_cases.recount(committee.pk)
            self.stdout.write(f"Added {cases - have} cases in {time.perf_counter() - started:.1f} s.")
            if connection.vendor == "postgresql" and not connection.in_atomic_block:
                with connection.cursor() as cursor:
                    for model in (Case, CaseParty):
                        cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
        return committee, staff[0]

    def _fill(self, committee, staff, count: int, start: int) -> None:
        rng = random.Random(start)
        categories = list(CaseCategory.objects.all())
        residents = list(
            Resident.all_objects.filter(committee=committee).values_list("pk", "household_id").order_by("pk")
        )
        # Each household's address tokens, as the services' keys hold them (cases.search.address_tokens).
        places = {
            pk: address_tokens(road, lane, number, room)
            for pk, road, lane, number, room in Household.all_objects.filter(committee=committee).values_list(
                "pk", "building__road", "building__lane", "building__number", "room"
            )
        }
        now = timezone.now()
        seq_by_year = dict(CaseCounter.objects.filter(committee=committee).values_list("year", "last"))
        done = 0
        while done < count:
            batch = []
            people = []
            for _i in range(min(2000, count - done)):
                created = now - datetime.timedelta(days=rng.uniform(0, 400))
                year = timezone.localdate(created).year
                seq_by_year[year] = seq_by_year.get(year, 0) + 1
                resident, household = rng.choice(residents)
                people.append(resident)
                batch.append(
                    Case(
                        committee=committee,
                        year=year,
                        seq=seq_by_year[year],
                        title=rng.choice(TITLES) + rng.choice(DETAILS),
                        description="基准测试数据",
                        category=rng.choice(categories),
                        source=rng.choice(Case.Source.values),
                        household_id=household,
                        assignee=rng.choice([*staff[1:], None]),
                        due_date=timezone.localdate(created) + datetime.timedelta(days=rng.randint(3, 30)),
                        status=rng.choice(Case.OPEN_STATUSES),
                        created_by=staff[0],
                        created_at=created,
                    )
                )
            for case in batch:
                case.search_key = key_for(case, [], places[case.household_id])
            with transaction.atomic():
                made = Case.all_objects.bulk_create(batch)
                CaseParty.all_objects.bulk_create(
                    CaseParty(case=case, committee=committee, resident_id=resident)
                    for case, resident in zip(made, people, strict=True)
                )
            done += len(batch)
        for year, last in seq_by_year.items():
            CaseCounter.objects.update_or_create(committee=committee, year=year, defaults={"last": last})


def _figures(times: list[float]) -> dict:
    times = sorted(times)
    p95 = times[max(0, round(len(times) * 0.95) - 1)]
    return {"median_ms": round(statistics.median(times), 1), "p95_ms": round(p95, 1)}
