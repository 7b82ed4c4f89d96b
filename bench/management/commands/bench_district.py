"""Benchmark a district in one command: 12 streets × 25 committees, their residents and cases with
events, then the key pages of a worker, a secretary, a street officer and a district officer.

    DATABASE_URL=postgres://… python manage.py bench_district   # 1,000,000 residents, 2,000,000 cases
    python manage.py bench_district --scale 0.05                # 50,000 residents, 100,000 cases
    python manage.py bench_district --cases 100000 --residents 50000 --json var/district.json

Builds the district once (a later run with the same size reuses it; another size builds a district
of its own beside it, named with its size): buildings, households and residents with their search
keys, cases spread over three years with their events and referrals (a tenth of the cases; some
unanswered, of open and of closed cases), written with COPY on PostgreSQL
(common.bulk.insert_rows; bulk_create elsewhere). Then summarises every committee's closed months
for the dashboards (the nightly task's work, timed), and times each page through Django's test
client (the whole stack: middleware, scoping, views, templates; no network): median and p95 server
time and the queries of one request, with the logged-in floor measured in the same run. The
dashboards are computed on every request (REPORTS_CACHE_SECONDS=0), from the rollup and this month.

--json writes {"persona:page": {median_ms, p95_ms, queries}, ..., "floor_auth": {...}}.
"""

import datetime as dt
import json
import random
import time
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from bench.case_rows import case_rows
from bench.command import BenchCommand
from bench.floor import FLOOR_URL, measure
from cases.models import Case, CaseCategory, CaseCounter, CaseEvent, OutsideBody, Referral
from committee.models import Committee, District, DistrictOfficer, Membership, Street, StreetOfficer, User
from committee.roles import Role
from committee.scoping import unscoped
from common.bulk import insert_rows
from reports import open_cases, rollup
from reports.figures import add_months
from residents.models import Building, Household, Resident
from residents.search_keys import address_tokens, search_key, sort_key

STREETS, PER_STREET = 12, 25
FULL_CASES, FULL_RESIDENTS = 2_000_000, 1_000_000
BATCH = 20_000
WORKERS = 3  # per committee, besides the secretary
EVENTS = 3  # per case: logged, a note, a status change
PER_HOUSEHOLD = 2.6
HOUSEHOLDS_PER_BUILDING = 24
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = [
    "芳",
    "伟",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
]
GIVEN += ["建华", "建国", "志明", "桂英", "玉兰", "海燕", "晓燕", "国强", "丽华", "秀兰", "文杰", "雪梅"]
ROADS = ["控江路", "长白路", "延吉中路", "鞍山路", "国和路", "殷行路", "黄兴路", "平凉路"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def _json(value):
    """A JSONField value for insert_rows: psycopg's Jsonb for COPY, the dict itself for bulk_create."""
    if connection.vendor == "postgresql":
        from psycopg.types.json import Jsonb

        return Jsonb(value)
    return value


class Command(BenchCommand):
    help = "Build a district (12 streets × 25 committees) once and time the key pages of each role."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--scale", type=float, default=1.0, help="of 1,000,000 residents, 2,000,000 cases"
        )
        parser.add_argument("--cases", type=int, help="cases in all (instead of the scale's)")
        parser.add_argument("--residents", type=int, help="residents in all (instead of the scale's)")
        parser.add_argument("--streets", type=int, default=STREETS)
        parser.add_argument("--per-street", type=int, default=PER_STREET, help="committees per street")
        parser.add_argument("--runs", type=int, default=20, help="requests per page measured")
        parser.add_argument("--seed", type=int, default=11)
        parser.add_argument("--json", type=Path, dest="json_path", help="write {persona:page: figures} here")
        parser.add_argument(
            "--pages",
            default="",
            help="only these pages (comma-separated keys or personas, e.g. street,floor_auth)",
        )

    def handle(self, *args, **options) -> None:
        n_cases = options["cases"] if options["cases"] is not None else round(FULL_CASES * options["scale"])
        n_residents = options["residents"]
        if n_residents is None:
            n_residents = round(FULL_RESIDENTS * options["scale"])
        shape = (options["streets"], options["per_street"], n_residents, n_cases)
        # A district's name holds 20 characters: its size, shortly (基准12x25r50kc100k).
        name = f"基准{shape[0]}x{shape[1]}r{_short(n_residents)}c{_short(n_cases)}"
        self.rng = random.Random(options["seed"])
        with unscoped():
            district = District.objects.filter(name=name).first()
            if district is None:
                started = time.perf_counter()
                with transaction.atomic():  # all or nothing: a half-built district is never reused
                    district = self._build(name, *shape)
                with connection.cursor() as cursor:
                    # On PostgreSQL, what autovacuum would do some minutes later: without it the
                    # visibility map is empty and the covering indexes' Index Only Scans read every
                    # table page anyway. VACUUM cannot run inside a transaction (the command's
                    # test runs in one): there, ANALYZE only, as bench_cases does.
                    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
                    cursor.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")
                self.stdout.write(f"Built in {time.perf_counter() - started:.0f} s.")
            else:
                self.stdout.write("Reusing the district.")
            committees = list(Committee.objects.filter(street__district=district).order_by("pk"))
            ids = [c.pk for c in committees]
            residents = Resident.all_objects.filter(committee_id__in=ids).count()
            cases = Case.all_objects.filter(committee_id__in=ids).count()
            events = CaseEvent.all_objects.filter(committee_id__in=ids).count()
            self.stdout.write(
                f"{name}: {len(committees)} committees, {residents:,} residents, {cases:,} cases, "
                f"{events:,} events; database {connection.vendor}."
            )
            # The nightly tasks' work (reports/tasks.py), timed: every committee's open-case counters
            # (written around Case.save, the build left them empty), 12 closed months and the
            # current one (as summarise_closed_months: the overviews read it from the rollup too).
            started = time.perf_counter()
            drifted = sum(open_cases.recount(cid) for cid in ids)
            took = time.perf_counter() - started
            self.stdout.write(f"Counted the open cases of {drifted} committees anew in {took:.1f} s.")
            today = timezone.localdate()
            months = rollup.months_between(add_months(rollup.first_of(today), -12), today)
            months.append(rollup.first_of(today))
            started = time.perf_counter()
            done = sum(rollup.ensure(ids[i : i + 25], months) for i in range(0, len(ids), 25))
            took = time.perf_counter() - started
            self.stdout.write(f"Summarised {done} committee-months for the dashboards in {took:.1f} s.")
            if drifted or done:
                self.settle_counts()
            people = self._people(district, committees[0])
            # Not sensitive: a worker opens only their own sensitive cases (404 otherwise).
            first_cases = list(
                Case.all_objects.filter(committee=committees[0], sensitive=False)
                .order_by("?")
                .values_list("pk", flat=True)[:50]
            )
        only = [p for p in options["pages"].split(",") if p]
        results = self._measure(people, first_cases, options["runs"], only)
        if options["json_path"] is not None:
            options["json_path"].write_text(json.dumps(results, indent=2) + "\n")
            self.stdout.write(f"Wrote {options['json_path']}.")

    def _people(self, district, committee) -> dict[str, User]:
        staff = Membership.objects.filter(committee=committee).select_related("user")
        return {
            "worker": next(m.user for m in staff if m.role == Role.WORKER),
            "secretary": next(m.user for m in staff if m.role == Role.SECRETARY),
            "street": StreetOfficer.objects.filter(street=committee.street).first().user,
            "district": DistrictOfficer.objects.filter(district=district).first().user,
        }

    def _measure(self, people: dict[str, User], sample: list[int], runs: int, only: list[str]) -> dict:
        clients = {}
        for persona, user in people.items():
            clients[persona] = Client()
            clients[persona].force_login(user)

        def page(persona, url):
            return lambda i: (clients[persona], url)

        case_page = lambda persona: lambda i: (clients[persona], f"/cases/{sample[i % len(sample)]}/")  # noqa: E731
        pages = {
            "worker:home_queue": page("worker", "/"),
            "worker:list_default": page("worker", "/cases/"),
            "worker:case_page": case_page("worker"),
            "worker:resident_search_name2": page("worker", "/residents/?q=王芳"),
            "worker:dashboard_computed": page("worker", "/dashboard/"),
            "secretary:list_default": page("secretary", "/cases/"),
            "secretary:list_any_status": page("secretary", "/cases/?status="),
            "secretary:list_search": page("secretary", "/cases/?q=积水"),
            "secretary:case_page": case_page("secretary"),
            "secretary:resident_search_name1": page("secretary", "/residents/?q=王"),
            "secretary:dashboard_computed": page("secretary", "/dashboard/"),
            "street:overview_computed": page("street", "/dashboard/"),
            "street:list_default": page("street", "/cases/"),
            "street:resident_search_name2": page("street", "/residents/?q=王芳"),
            "district:district_overview_computed": page("district", "/dashboard/district/"),
            "district:overview_computed": page("district", "/dashboard/"),
            "district:list_default": page("district", "/cases/"),
            # The dashboards again with every month counted live (REPORTS_ROLLUP=False: as before
            # the rollup), for comparison in the same run.
            "secretary:dashboard_live": page("secretary", "/dashboard/"),
            "street:overview_live": page("street", "/dashboard/"),
            "district:district_overview_live": page("district", "/dashboard/district/"),
            "floor_auth": page("worker", FLOOR_URL),
        }
        self.stdout.write(f"{'persona:page':40} {'median ms':>10} {'p95 ms':>10} {'queries':>8}")
        results = {}
        with override_settings(
            ALLOWED_HOSTS=["*"],
            DEBUG=False,
            STORAGES=STORAGES,
            ROOT_URLCONF="bench.floor",
            REPORTS_CACHE_SECONDS=0,
        ):
            for key, make in pages.items():
                if only and not any(key == p or key.startswith(f"{p}:") for p in only):
                    continue
                with override_settings(REPORTS_ROLLUP=not key.endswith("_live")):
                    results[key] = figures = measure(make, runs)
                self.stdout.write(
                    f"{key:40} {figures['median_ms']:10.1f} {figures['p95_ms']:10.1f} {figures['queries']:8}"
                )
        return results

    # --- Building the district -------------------------------------------------------------------------

    def _build(self, name: str, n_streets: int, per_street: int, n_residents: int, n_cases: int) -> District:
        tag = f"{n_streets}x{per_street}-{n_residents}-{n_cases}"
        district = District.objects.create(name=name)
        password = make_password("bench-not-for-login")
        committees, staff_of = [], {}
        for s in range(n_streets):
            street = Street.objects.create(name=f"{name}第{s + 1}街道", district=district)
            officer = User.objects.create(username=f"bdist_{tag}_street{s + 1}", full_name=f"街道干部{s + 1}")
            StreetOfficer.objects.create(user=officer, street=street)
            for c in range(per_street):
                number = s * per_street + c + 1
                committee = Committee.objects.create(
                    street=street, name=f"第{s + 1}街道第{c + 1}居民区", code=f"c{c + 1}"
                )
                users = User.objects.bulk_create(
                    User(
                        username=f"bdist_{tag}_{number}_{j}", full_name=f"员工{number}-{j}", password=password
                    )
                    for j in range(WORKERS + 1)
                )
                Membership.objects.bulk_create(
                    Membership(user=u, committee=committee, role=Role.SECRETARY if j == 0 else Role.WORKER)
                    for j, u in enumerate(users)
                )
                committees.append(committee)
                staff_of[committee.pk] = [u.pk for u in users]
        boss = User.objects.create(username=f"bdist_{tag}_district", full_name="区干部")
        DistrictOfficer.objects.create(user=boss, district=district)
        self.stdout.write(f"{len(committees)} committees made; now {n_residents:,} residents…")
        buildings_of = self._residents(committees, n_residents)
        self.stdout.write(f"now {n_cases:,} cases with {EVENTS} events each…")
        self._cases(committees, staff_of, buildings_of, n_cases)
        return district

    def _residents(self, committees: list, n_residents: int) -> dict[int, list[int]]:
        rng = self.rng
        per_committee = max(1, n_residents // len(committees))
        households_per = max(1, round(per_committee / PER_HOUSEHOLD))
        buildings_per = max(1, households_per // HOUSEHOLDS_PER_BUILDING)
        buildings_of = {}
        made = 0
        for committee in committees:
            road = rng.choice(ROADS)
            places = [(road, str(100 + 2 * (b // 20)), str(b % 20 + 1)) for b in range(buildings_per)]
            pks = insert_rows(
                Building,
                [
                    {"committee_id": committee.pk, "road": r, "lane": lane, "number": n}
                    for r, lane, n in places
                ],
            )
            buildings_of[committee.pk] = pks
            homes = [
                (
                    pks[h % buildings_per],
                    places[h % buildings_per],
                    _room(h // buildings_per),
                )
                for h in range(households_per)
            ]
            household_pks = insert_rows(
                Household,
                [{"committee_id": committee.pk, "building_id": b, "room": room} for b, _p, room in homes],
            )
            rows = []
            left = per_committee if committee is not committees[-1] else n_residents - made
            for k in range(left):
                h = k % households_per
                _b, (r, lane, n), room = homes[h]
                name = rng.choice(SURNAMES) + rng.choice(GIVEN)
                phone = f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"
                rows.append(
                    {
                        "committee_id": committee.pk,
                        "household_id": household_pks[h],
                        "name": name,
                        "gender": rng.choice("MF"),
                        "birth_date": dt.date(
                            rng.randint(1930, 2020), rng.randint(1, 12), rng.randint(1, 28)
                        ),
                        "phone": phone,
                        "relation_to_head": Resident.Relation.HEAD
                        if k < households_per
                        else Resident.Relation.SPOUSE,
                        "search_key": search_key(name, [phone], address_tokens(r, lane, n, room)),
                        "sort_key": sort_key(name),
                    }
                )
            for start in range(0, len(rows), BATCH):
                insert_rows(Resident, rows[start : start + BATCH])
            made += left
            self.stdout.write(f"  {made:,} residents", ending="\r")
        self.stdout.write("")
        return buildings_of

    def _cases(self, committees: list, staff_of: dict, buildings_of: dict, n_cases: int) -> None:
        categories = [c.pk for c in CaseCategory.objects.order_by("pk")]
        bodies = list(OutsideBody.objects.order_by("pk").values_list("pk", flat=True))
        referring = random.Random(f"referrals-{n_cases}")  # its own draws: the cases stay as they were
        seqs: dict[tuple[int, int], int] = {}
        made = 0
        batches = case_rows(
            self.rng,
            committees,
            staff_of,
            n_cases,
            categories=categories,
            open_days=45,
            today=timezone.localdate(),
            numbers=seqs,
            buildings_of=buildings_of,
        )
        for rows in batches:
            made += len(rows)
            pks = insert_rows(Case, rows)
            events = []
            for pk, row in zip(pks, rows, strict=True):
                at = row["created_at"]
                actor = row["created_by_id"]
                events.append(_event(pk, row, CaseEvent.Kind.CREATED, actor, at, "", {}))
                events.append(
                    _event(pk, row, CaseEvent.Kind.NOTE, actor, at + dt.timedelta(hours=3), "已联系", {})
                )
                events.append(
                    _event(
                        pk,
                        row,
                        CaseEvent.Kind.STATUS,
                        actor,
                        at + dt.timedelta(hours=5),
                        "",
                        {"before": "new", "after": "in_progress"},
                    )
                )
            insert_rows(CaseEvent, events)
            insert_rows(Referral, _referral_rows(referring, bodies, pks, rows))
            self.stdout.write(f"  {made:,} cases", ending="\r")
        self.stdout.write("")
        CaseCounter.objects.bulk_create(
            [CaseCounter(committee_id=c, year=y, last=last) for (c, y), last in seqs.items()],
            batch_size=5000,
        )


def _referral_rows(rng: random.Random, bodies: list[int], pks: list[int], rows: list[dict]) -> list[dict]:
    """A tenth of the cases sent to an outside body ten days after logging, a reply expected ten days
    later. An open case's reply is still awaited (late once its date passes); a closed case's came,
    but for one in ten that was closed without it: the unanswered referrals the dashboards' late
    count must not read one by one (README, "Late referrals at the district")."""
    referrals = []
    for pk, row in zip(pks, rows, strict=True):
        if rng.random() >= 0.1:
            continue
        sent = timezone.localdate(row["created_at"]) + dt.timedelta(days=1)
        expected = sent + dt.timedelta(days=10)
        case_open = row["status"] != Case.Status.CLOSED
        answered = not case_open and rng.random() < 0.9
        referrals.append(
            {
                "case_id": pk,
                "committee_id": row["committee_id"],
                "body_id": rng.choice(bodies),
                "sent_on": sent,
                "their_reference": "",
                "reply_expected_by": expected,
                "replied_on": expected - dt.timedelta(days=3) if answered else None,
                "reply": "已处理" if answered else "",
                "outcome": "",
                "created_by_id": row["created_by_id"],
                "case_open": case_open,
                "case_sensitive": row["sensitive"],
            }
        )
    return referrals


def _room(k: int) -> str:
    """The k-th flat of a building: four a floor (101, 102, 103, 104, 201, …)."""
    return f"{k // 4 + 1}0{k % 4 + 1}"


def _short(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def _event(case_id: int, row: dict, kind: str, actor: int, at, text: str, data: dict) -> dict:
    return {
        "case_id": case_id,
        "committee_id": row["committee_id"],
        "kind": kind,
        "actor_id": actor,
        "at": at,
        "text": text,
        "data": _json(data),
    }
