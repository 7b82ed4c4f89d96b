"""Cases for the district-sized benchmarks, as rows for COPY (common.bulk.insert_rows).

`case_rows` spreads cases over three years round the committees given; those logged in the last
`open_days` days (and 2% of the rest) are still open, the rest closed after their follow-up call.
`numbers` collects each committee's last case number per year, for its CaseCounter.
"""

import datetime as dt
import random
from collections.abc import Iterator

from django.utils import timezone

from cases.models import Case
from cases.search import search_key

BATCH = 20_000
TITLES = [
    "楼道积水",
    "底楼返水",
    "楼道堆物",
    "邻里噪音",
    "垃圾房异味",
    "路面不平",
    "违章搭建",
    "晾晒纠纷",
    "申请补助",
]
DESCRIPTION = "基准测试数据"
OPEN = [Case.Status.NEW, Case.Status.IN_PROGRESS, Case.Status.WAITING]


def case_rows(
    rng: random.Random,
    committees: list,
    staff_of: dict[int, list[int]],
    n_cases: int,
    *,
    categories: list[int],
    open_days: int,
    today: dt.date,
    numbers: dict[tuple[int, int], int],
    buildings_of: dict[int, list[int]] | None = None,
) -> Iterator[list[dict]]:
    """Batches of BATCH case rows (the last one shorter)."""
    now = timezone.now()
    start = now - dt.timedelta(days=3 * 365)
    span = 3 * 365 * 24 * 3600
    made = 0
    while made < n_cases:
        rows = []
        for _ in range(min(BATCH, n_cases - made)):
            committee = committees[made % len(committees)]
            made += 1
            created = start + dt.timedelta(seconds=rng.randint(0, span))
            local = timezone.localdate(created)
            key = (committee.pk, local.year)
            numbers[key] = numbers.get(key, 0) + 1
            open_ = (today - local).days < open_days or rng.random() < 0.02
            staff = staff_of[committee.pk]
            title = rng.choice(TITLES)
            resolved = created + dt.timedelta(hours=rng.randint(4, 24 * 20))
            buildings = (buildings_of or {}).get(committee.pk)
            answer = "" if open_ else rng.choice(["satisfied", "satisfied", "mostly", ""])
            rows.append(
                {
                    "committee_id": committee.pk,
                    "year": local.year,
                    "seq": numbers[key],
                    "title": title,
                    "description": DESCRIPTION,
                    "category_id": rng.choice(categories),
                    "source": rng.choice(Case.Source.values),
                    "building_id": rng.choice(buildings) if buildings and rng.random() < 0.8 else None,
                    "assignee_id": rng.choice(staff) if rng.random() < 0.9 else None,
                    "due_date": local + dt.timedelta(days=rng.randint(3, 21)),
                    "status": rng.choice(OPEN) if open_ else Case.Status.CLOSED,
                    "closure": "" if open_ else Case.Closure.FOLLOWED_UP,
                    "resolved_at": None if open_ else resolved,
                    "closed_at": None if open_ else resolved + dt.timedelta(days=2),
                    "satisfaction": answer,
                    # Called back the day it was resolved: the case's latest call.
                    "last_called_on": timezone.localdate(resolved) if answer else None,
                    "last_call_result": answer,
                    "sensitive": rng.random() < 0.03,
                    "created_by_id": rng.choice(staff),
                    "created_at": created,
                    "updated_at": now,
                    "search_key": search_key(
                        number=f"{local.year}-{numbers[key]:04d}", texts=[title, DESCRIPTION], names=[]
                    ),
                }
            )
        yield rows
