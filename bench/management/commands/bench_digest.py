"""Benchmark the morning run (reminders and each person's morning list) over a district.

    DATABASE_URL=postgres://… python manage.py bench_digest     # 300 committees, 3,000 staff, 2M cases
    python manage.py bench_digest --cases 200000 --runs 3        # the same district, fewer cases
    python manage.py bench_digest --committees 10 --cases 5000   # a quick look

Builds (once; later runs reuse it when it is as large as asked) a district "基准区" of streets of 20
committees, each with a secretary and workers (`--staff` per committee, 10 by default: 3,000 staff
for 300 committees), its cases spread over three years (`--cases` in all), inserted with COPY on
PostgreSQL through common.bulk.insert_rows, with recent assignments and late referrals so that the
run has something to tell. Half the committees have a WeCom group robot and a fifth of the staff
asked for e-mail, so the run also writes the messages to send.

Then runs `reminders.morning(day)` for a working day `--runs` times (each time after deleting the
notifications and messages of the previous run, so every run tells everybody anew) and prints the
time and the number of queries, per run and per committee. Tasks are queued with Django's dummy
backend: nothing is sent, and the database queue's one INSERT per committee with messages is not
counted. `--drop` deletes the district afterwards.
"""

import datetime as dt
import random
import statistics
import time

from django.contrib.auth.hashers import make_password
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from bench.case_rows import case_rows
from bench.command import BenchCommand
from cases.models import Case, CaseCategory, CaseEvent, OutsideBody, Referral
from committee.models import Committee, District, Membership, Street, User
from committee.roles import Role
from committee.scoping import unscoped
from common.bulk import insert_rows
from common.workdays import is_workday
from notifications import reminders
from notifications.models import CommitteeChannel, Delivery, Notification, Preference

DISTRICT = "基准区"
PER_STREET = 20
DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


class Command(BenchCommand):
    help = (
        "Time the morning run (digest and reminders) over a district: 300 committees, 3,000 staff, 2M cases."
    )

    def add_arguments(self, parser):
        parser.add_argument("--committees", type=int, default=300)
        parser.add_argument(
            "--staff", type=int, default=10, help="staff per committee (one is the secretary)"
        )
        parser.add_argument("--cases", type=int, default=2_000_000, help="cases in all")
        parser.add_argument("--runs", type=int, default=3)
        parser.add_argument("--day", help="the working day to run for (default: the next working day)")
        parser.add_argument("--drop", action="store_true")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, **options):
        self.rng = random.Random(options["seed"])
        day = dt.date.fromisoformat(options["day"]) if options["day"] else _next_workday(timezone.localdate())
        with unscoped():
            district = District.objects.filter(name=DISTRICT).first()
            wanted = (options["committees"], options["committees"] * options["staff"], options["cases"])
            if district is None or self._size(district) != wanted:
                if district is not None:
                    self.stdout.write("The benchmark district is not the size asked: rebuilding it.")
                    self._drop(district)
                started = time.perf_counter()
                district = self._build(*wanted, day=day)
                self.stdout.write(f"Built in {time.perf_counter() - started:.0f} s.")
            else:
                self.stdout.write("Reusing the benchmark district.")
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            committees, staff, cases = self._size(district)
        total_committees = Committee.objects.count()
        self.stdout.write(
            f"{committees} committees ({total_committees} in the database), {staff:,} staff, "
            f"{cases:,} cases; morning of {day}; database {connection.vendor}."
        )
        times, counts = [], []
        for run in range(options["runs"]):
            with unscoped():
                Delivery.objects.all().delete()
                Notification.objects.all().delete()
            reset_queries()
            with override_settings(TASKS=DUMMY_TASKS), CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                sent = reminders.morning(day)
                elapsed = time.perf_counter() - started
            times.append(elapsed)
            counts.append(len(queries))
            with unscoped():
                n_notes = Notification.objects.count()
                n_mail = Delivery.objects.filter(channel=Delivery.Channel.EMAIL).count()
                n_wecom = Delivery.objects.filter(channel=Delivery.Channel.WECOM).count()
            self.stdout.write(
                f"run {run + 1}: {elapsed:.1f} s, {len(queries):,} queries "
                f"({len(queries) / total_committees:.1f} per committee); {n_notes:,} notifications "
                f"({', '.join(f'{k}: {v}' for k, v in sorted(sent.items()))}), "
                f"{n_mail:,} e-mails and {n_wecom} WeCom posts to send"
            )
        self.stdout.write(
            f"median {statistics.median(times):.1f} s, {statistics.median(counts):,.0f} queries "
            f"for {total_committees} committees and {staff:,} staff."
        )
        if options["drop"]:
            with unscoped():
                self._drop(district)

    def _size(self, district) -> tuple[int, int, int]:
        committees = Committee.objects.filter(street__district=district)
        return (
            committees.count(),
            Membership.objects.filter(committee__in=committees).count(),
            Case.all_objects.filter(committee__in=committees).count(),
        )

    def _build(self, n_committees: int, n_staff: int, n_cases: int, *, day: dt.date) -> District:
        rng = self.rng
        district = District.objects.create(name=DISTRICT)
        password = make_password("bench-not-for-login")
        categories = list(CaseCategory.objects.order_by("pk"))
        body = OutsideBody.objects.order_by("pk").first()
        per_committee = n_staff // n_committees
        committees, staff_of = [], {}
        for i in range(n_committees):
            if i % PER_STREET == 0:
                street = Street.objects.create(name=f"基准{i // PER_STREET + 1}街道", district=district)
            committee = Committee.objects.create(street=street, name=f"基准{i + 1}居民区", code=f"bd{i + 1}")
            users = User.objects.bulk_create(
                User(
                    username=f"bench_digest_{i + 1}_{j}",
                    full_name=f"员工{i + 1}-{j}",
                    password=password,
                    email=f"bench{i + 1}-{j}@example.org",
                )
                for j in range(per_committee)
            )
            Membership.objects.bulk_create(
                Membership(user=u, committee=committee, role=Role.SECRETARY if j == 0 else Role.WORKER)
                for j, u in enumerate(users)
            )
            Preference.objects.bulk_create(
                Preference(user=u, by_email=True) for u in users if rng.random() < 0.2
            )
            if i % 2 == 0:
                CommitteeChannel.objects.create(
                    committee=committee,
                    wecom_webhook="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=bench",
                )
            committees.append(committee)
            staff_of[committee.pk] = [u.pk for u in users]
        self.stdout.write(f"{n_committees} committees and {n_staff:,} staff made; now {n_cases:,} cases…")

        made = 0
        batches = case_rows(
            rng,
            committees,
            staff_of,
            n_cases,
            categories=[c.pk for c in categories],
            open_days=60,
            today=day,
            numbers={},
        )
        for rows in batches:
            made += len(rows)
            insert_rows(Case, rows)
            self.stdout.write(f"  {made:,} cases", ending="\r")
            self.stdout.flush()
        self.stdout.write("")
        # Yesterday's assignments and referrals waiting past their date, for the morning to tell of.
        recent = list(
            Case.all_objects.filter(
                committee__in=committees, status__in=Case.OPEN_STATUSES, assignee__isnull=False
            ).values_list("pk", "committee_id", "assignee_id", "created_by_id")
        )
        yesterday = timezone.make_aware(dt.datetime.combine(reminders.previous_workday(day), dt.time(15)))
        picked = [row for row in recent if rng.random() < 0.2]
        CaseEvent.all_objects.bulk_create(
            (
                CaseEvent(
                    committee_id=c,
                    case_id=pk,
                    kind=CaseEvent.Kind.ASSIGNED,
                    actor_id=by,
                    at=yesterday,
                    data={},
                )
                for pk, c, _assignee, by in picked
            ),
            batch_size=5000,
        )
        Referral.all_objects.bulk_create(
            (
                Referral(
                    committee_id=c,
                    case_id=pk,
                    body=body,
                    sent_on=day - dt.timedelta(days=20),
                    reply_expected_by=day - dt.timedelta(days=rng.randint(1, 12)),
                    created_by_id=by,
                )
                for pk, c, _assignee, by in picked[::4]
            ),
            batch_size=5000,
        )
        return district

    def _drop(self, district) -> None:
        committees = list(Committee.objects.filter(street__district=district))
        Delivery.objects.filter(committee__in=committees).delete()
        Notification.objects.filter(recipient__username__startswith="bench_digest_").delete()
        Referral.all_objects.filter(committee__in=committees).delete()
        CaseEvent.all_objects.filter(committee__in=committees).delete()
        Case.all_objects.filter(committee__in=committees).delete()
        User.objects.filter(username__startswith="bench_digest_").delete()
        Committee.objects.filter(pk__in=[c.pk for c in committees]).delete()
        Street.objects.filter(district=district).delete()
        district.delete()


def _next_workday(day: dt.date) -> dt.date:
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day
