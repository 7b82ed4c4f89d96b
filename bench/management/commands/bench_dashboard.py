"""Benchmark the dashboard and the street overview on a large street.

    DATABASE_URL=postgres://… python manage.py bench_dashboard            # 20 committees × 50,000 cases
    python manage.py bench_dashboard --committees 2 --cases 2000 --runs 5  # a quick look

Builds (once; later runs reuse it) a street "基准街道" of N committees, each with its staff,
buildings, a care roster with visits, and M cases spread over three years with referrals and
follow-ups, written with bulk_create. Then times GET /dashboard/ for a committee's secretary and
for the street's officer through the whole Django stack (middleware, scoping, templates) and
prints the median and p95: "computed" with the figures cache emptied before every request, and
"cached" as users see it within REPORTS_CACHE_SECONDS. `--drop` deletes the street's data afterwards.
"""

import datetime as dt
import random
import statistics
import time
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from bench.command import BenchCommand
from cases.models import Aid, Case, CaseCategory, CaseParty, FollowUp, OutsideBody, Referral
from committee.models import Committee, Membership, Street, StreetOfficer, User
from committee.roles import Role
from committee.scoping import unscoped
from reports import open_cases
from residents.indexing import reindex_residents
from residents.models import Building, CareCategory, Household, Resident, Visit

STREET = "基准街道"
ROADS = ["定海路", "杭州路", "隆昌路", "波阳路", "眉州路", "平凉路", "临青路", "松潘路"]
TITLES = ["底楼返水", "楼道堆物", "邻里噪音", "垃圾房异味", "路面不平", "违章搭建", "申请补助", "晾晒纠纷"]
BUILDINGS = 120
ROSTER = 80
BATCH = 5000
PLAIN_STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"


class Command(BenchCommand):
    help = "Time the dashboard and the street overview at 50,000 cases per committee and 20 committees."

    def add_arguments(self, parser):
        parser.add_argument("--committees", type=int, default=20)
        parser.add_argument("--cases", type=int, default=50_000, help="cases per committee")
        parser.add_argument("--runs", type=int, default=30)
        parser.add_argument("--drop", action="store_true", help="delete the benchmark street afterwards")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, **options):
        self.rng = random.Random(options["seed"])
        with unscoped():
            street = Street.objects.filter(name=STREET).first()
            if street is None or self._case_count(street) < options["committees"] * options["cases"]:
                if street is not None:
                    self.stdout.write("The benchmark street is smaller than asked: rebuilding it.")
                    self._drop(street)
                started = time.perf_counter()
                street = self._build(options["committees"], options["cases"])
                for committee_id in street.committees.values_list("pk", flat=True):
                    open_cases.recount(committee_id)  # the cases were written around Case.save
                self.stdout.write(f"Built in {time.perf_counter() - started:.0f} s.")
            else:
                self.stdout.write("Reusing the benchmark street.")
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            committee = street.committees.order_by("pk").first()
            secretary = User.objects.get(username=f"bench_{committee.code}_secretary")
            officer = User.objects.get(username="bench_officer")
            n_cases = Case.all_objects.filter(committee=committee).count()
            n_committees = street.committees.count()
        self.stdout.write(
            f"{n_committees} committees, {n_cases:,} cases in the first; database {connection.vendor}."
        )
        for label, user in (("dashboard (secretary)", secretary), ("street overview (officer)", officer)):
            for cold in (True, False):
                timings = self._time(user, "/dashboard/", options["runs"], cold)
                mode = "computed" if cold else "cached"
                self.stdout.write(
                    f"{label:26} {mode:8}  median {statistics.median(timings):7.1f} ms   "
                    f"p95 {_p95(timings):7.1f} ms   ({len(timings)} runs)"
                )
        if options["drop"]:
            with unscoped():
                self._drop(street)
            self.stdout.write("Dropped the benchmark street.")

    def _case_count(self, street) -> int:
        return Case.all_objects.filter(committee__street=street).count()

    def _time(self, user, path: str, runs: int, cold: bool) -> list[float]:
        # Without collectstatic there is no manifest of hashed names: plain static URLs, as in tests.
        storages = {**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC}}
        with override_settings(STORAGES=storages):
            return self._timed_requests(user, path, runs, cold)

    def _timed_requests(self, user, path: str, runs: int, cold: bool) -> list[float]:
        """cold: the figures cache is emptied before each request, so every one computes them."""
        client = Client(headers={"host": "localhost"})
        client.force_login(user)
        for _ in range(2):  # warm up: connection, templates, translations
            assert client.get(path).status_code == 200
        timings = []
        for _ in range(runs):
            if cold:
                cache.clear()
            started = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        return timings

    # --- building the street ------------------------------------------------------------------------

    @transaction.atomic
    def _build(self, n_committees: int, n_cases: int) -> Street:
        rng = self.rng
        street = Street.objects.create(name=STREET)
        password = make_password(None)
        officer = User.objects.create(username="bench_officer", full_name="基准街道干部", password=password)
        StreetOfficer.objects.create(user=officer, street=street)
        categories = list(CaseCategory.objects.all()) or [
            CaseCategory.objects.create(code="bench", name="其他", name_en="Other")
        ]
        body = OutsideBody.objects.first() or OutsideBody.objects.create(
            name="街道城建办", name_en="Works office"
        )
        weekly = CareCategory.objects.filter(
            visit_every_days__isnull=False
        ).first() or CareCategory.objects.create(
            code="bench-alone", name="独居老人", name_en="Living alone", visit_every_days=7
        )
        now = timezone.now()
        today = timezone.localdate()
        for index in range(n_committees):
            committee = Committee.objects.create(
                street=street, name=f"基准居民区{index + 1:02d}", code=f"b{index + 1:02d}"
            )
            staff = []
            for role, name in [(Role.SECRETARY, "secretary")] + [(Role.WORKER, f"w{k}") for k in range(5)]:
                user = User.objects.create(
                    username=f"bench_{committee.code}_{name}",
                    full_name=f"{committee.code}{name}",
                    password=password,
                )
                Membership.objects.create(user=user, committee=committee, role=role)
                staff.append(user)
            buildings = Building.all_objects.bulk_create(
                Building(
                    committee=committee, road=rng.choice(ROADS), lane=str(100 + b), number=str(b % 30 + 1)
                )
                for b in range(BUILDINGS)
            )
            households = Household.all_objects.bulk_create(
                Household(
                    committee=committee, building=buildings[r % BUILDINGS], room=f"{r // BUILDINGS + 1}01"
                )
                for r in range(ROSTER * 2)
            )
            residents = Resident.all_objects.bulk_create(
                Resident(committee=committee, household=households[r], name=f"居民{r}", phone=f"139{r:08d}")
                for r in range(ROSTER * 2)
            )
            Resident.care_categories.through.objects.bulk_create(
                Resident.care_categories.through(resident_id=r.pk, carecategory_id=weekly.pk)
                for r in residents[:ROSTER]
            )
            Visit.all_objects.bulk_create(
                Visit(
                    committee=committee,
                    resident=r,
                    visitor=rng.choice(staff),
                    visited_at=now - dt.timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 8)),
                )
                for r in residents[:ROSTER]
                for _ in range(3)
            )
            reindex_residents(r.pk for r in residents)  # next_visit_due, as the registry's services keep it
            self._cases(committee, n_cases, staff, buildings, residents, categories, body, today)
            self.stdout.write(f"  {committee.name}: {n_cases:,} cases")
        return street

    def _cases(self, committee, n_cases, staff, buildings, residents, categories, body, today) -> None:
        rng = self.rng
        seqs: dict[int, int] = {}
        start = timezone.now() - dt.timedelta(days=3 * 365)
        span = 3 * 365 * 24 * 3600
        statuses_recent = [
            Case.Status.NEW,
            Case.Status.IN_PROGRESS,
            Case.Status.WAITING,
            Case.Status.RESOLVED,
        ]
        for offset in range(0, n_cases, BATCH):
            batch = []
            created_list = sorted(
                start + dt.timedelta(seconds=rng.randint(0, span))
                for _ in range(min(BATCH, n_cases - offset))
            )
            for created in created_list:
                local = timezone.localdate(created)
                seqs[local.year] = seqs.get(local.year, 0) + 1
                age = (today - local).days
                status = (
                    rng.choice(statuses_recent)
                    if age < 45
                    else (Case.Status.CLOSED if rng.random() < 0.97 else Case.Status.IN_PROGRESS)
                )
                resolved = None
                if status in (Case.Status.RESOLVED, Case.Status.CLOSED):
                    resolved = min(
                        created + dt.timedelta(days=rng.randint(0, 25), hours=rng.randint(0, 8)),
                        timezone.now(),
                    )
                answer = rng.choice(Case.Satisfaction.values) if status == Case.Status.CLOSED else ""
                batch.append(
                    Case(
                        committee=committee,
                        year=local.year,
                        seq=seqs[local.year],
                        title=rng.choice(TITLES),
                        category=rng.choice(categories),
                        source=rng.choice(Case.Source.values),
                        building=rng.choice(buildings) if rng.random() < 0.8 else None,
                        assignee=rng.choice(staff) if rng.random() < 0.9 else None,
                        due_date=local + dt.timedelta(days=14),
                        status=status,
                        closure=Case.Closure.FOLLOWED_UP if status == Case.Status.CLOSED else "",
                        resolved_at=resolved,
                        closed_at=resolved if status == Case.Status.CLOSED else None,
                        satisfaction=answer,
                        # The follow-up call below (the day resolved): the case's latest.
                        last_called_on=timezone.localdate(resolved) if answer else None,
                        last_call_result=answer,
                        sensitive=rng.random() < 0.03,
                        created_by=rng.choice(staff),
                        created_at=created,
                    )
                )
            cases = Case.all_objects.bulk_create(batch, batch_size=1000)
            CaseParty.all_objects.bulk_create(
                (CaseParty(committee=committee, case=c, resident=rng.choice(residents)) for c in cases),
                batch_size=1000,
            )
            referred = [c for c in cases if rng.random() < 0.05]
            Referral.all_objects.bulk_create(
                Referral(
                    committee=committee,
                    case=c,
                    body=body,
                    sent_on=timezone.localdate(c.created_at),
                    reply_expected_by=timezone.localdate(c.created_at) + dt.timedelta(days=10),
                    replied_on=timezone.localdate(c.resolved_at) if c.resolved_at else None,
                    created_by=c.created_by,
                )
                for c in referred
            )
            FollowUp.all_objects.bulk_create(
                FollowUp(
                    committee=committee,
                    case=c,
                    called_on=timezone.localdate(c.resolved_at),
                    called_by=c.created_by,
                    satisfaction=c.satisfaction,
                )
                for c in cases
                if c.satisfaction
            )
            Aid.all_objects.bulk_create(
                Aid(
                    committee=committee,
                    case=c,
                    kind=Aid.Kind.SUBSIDY,
                    amount=Decimal(rng.randint(2, 20) * 100),
                    applied_on=timezone.localdate(c.created_at),
                )
                for c in cases
                if rng.random() < 0.01
            )

    def _drop(self, street: Street) -> None:
        committees = list(street.committees.all())
        for model in (Aid, FollowUp, Referral, CaseParty):
            model.all_objects.filter(committee__in=committees).delete()
        Case.all_objects.filter(committee__in=committees).delete()
        Visit.all_objects.filter(committee__in=committees).delete()
        Resident.care_categories.through.objects.filter(resident__committee__in=committees).delete()
        Resident.all_objects.filter(committee__in=committees).delete()
        Household.all_objects.filter(committee__in=committees).delete()
        Building.all_objects.filter(committee__in=committees).delete()
        User.objects.filter(username__startswith="bench_").delete()
        Committee.objects.filter(street=street).delete()
        street.delete()


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
