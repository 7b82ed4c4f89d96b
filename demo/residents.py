"""Demo registry for committee A (定海居民区): old lanes off 定海路 in 杨浦区.

About 2,000 residents in 700 households in 40 buildings, a third over 60, some living alone, a few
on dibao or disabled, with a year of visits by the grid workers (some now overdue). Everything is
written with bulk_create and indexed once at the end, so the seed takes seconds.
"""

import datetime
import random
from collections import defaultdict
from collections.abc import Iterator

from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric

from residents.care import shortest_cadence
from residents.indexing import reindex_residents
from residents.models import Building, CareCategory, Grid, Household, Resident, Visit

SURNAMES = "王李张陈刘周徐朱沈陆顾吴杨黄孙胡钱蒋金曹曾单严施许郭何马高林郑谢唐冯宋董程袁邵姚"
MALE = "伟强军明国华建平志勇杰涛斌海德林刚文辉荣根宝龙鑫浩宇俊磊晨"
FEMALE = "丽敏静芳娟秀英萍玲红燕霞琴梅兰凤珍云莉雪婷佳怡洁倩慧琳"
# Lanes of 定海路 (弄) with the number of buildings (号) in each: 40 buildings.
LANES = [("449", 16), ("511", 12), ("365", 12)]
# Shanghai district codes that python-stdnum knows (杨浦 310110 most of all).
REGIONS = [
    "310110",
    "310110",
    "310110",
    "310110",
    "310109",
    "310101",
    "310104",
    "310105",
    "310106",
    "310107",
]


def id_number(birth_date: datetime.date, serial: int, male: bool, region: str = "310110") -> str:
    """A valid 18-character ID number: region, birth date, a serial whose last digit says the
    gender (odd for men), and the ISO 7064 check digit."""
    serial = serial % 500 * 2 + (1 if male else 0)
    body = f"{region}{birth_date:%Y%m%d}{serial:03d}"
    return body + ric.calc_check_digit(body + "0")


class _Ids:
    """Unique ID numbers: a serial counter per region and birth date."""

    def __init__(self, taken: set[str]) -> None:
        self.used: dict[tuple[str, datetime.date, bool], int] = {}
        self.taken = taken  # numbers already in the deployment

    def next(self, rng: random.Random, birth: datetime.date, male: bool) -> str:
        region = rng.choice(REGIONS)
        key = (region, birth, male)
        n = self.used.get(key, rng.randrange(0, 400))
        number = id_number(birth, n, male, region)
        while number in self.taken:
            n += 1
            number = id_number(birth, n, male, region)
        self.used[key] = n + 1
        self.taken.add(number)
        return number


def _name(rng: random.Random, male: bool) -> str:
    given = MALE if male else FEMALE
    return rng.choice(SURNAMES) + "".join(rng.choice(given) for _ in range(rng.choice((1, 2, 2))))


def _mobile(rng: random.Random) -> str:
    return rng.choice(
        ["138", "139", "135", "136", "137", "150", "151", "158", "186", "189", "177"]
    ) + "".join(str(rng.randrange(10)) for _ in range(8))


def _birth(rng: random.Random, today: datetime.date, age: int) -> datetime.date:
    return today - datetime.timedelta(days=age * 365 + rng.randrange(365))


def _household_ages(rng: random.Random) -> Iterator[tuple[int, str, bool | None]]:
    """(age, relation, male or None for random) of each member of one made-up household."""
    kind = rng.choices(
        ["alone_old", "old_couple", "family", "three_gen", "young", "tenant"], [15, 22, 25, 22, 8, 8]
    )[0]
    if kind == "alone_old":
        yield rng.randint(66, 95), Resident.Relation.HEAD, None
    elif kind == "old_couple":
        age = rng.randint(62, 90)
        yield age, Resident.Relation.HEAD, True
        yield max(58, age - rng.randint(0, 5)), Resident.Relation.SPOUSE, False
        if rng.random() < 0.5:
            yield age - rng.randint(24, 32), Resident.Relation.CHILD, None
    elif kind == "family":
        age = rng.randint(32, 58)
        yield age, Resident.Relation.HEAD, None
        yield age - rng.randint(-3, 4), Resident.Relation.SPOUSE, None
        for _ in range(rng.choice((0, 1, 1, 2, 2))):
            yield max(0, age - rng.randint(24, 34)), Resident.Relation.CHILD, None
    elif kind == "three_gen":
        age = rng.randint(36, 55)
        yield age, Resident.Relation.HEAD, None
        yield age - rng.randint(-3, 4), Resident.Relation.SPOUSE, None
        yield max(0, age - rng.randint(25, 32)), Resident.Relation.CHILD, None
        yield age + rng.randint(24, 32), Resident.Relation.PARENT, None
        if rng.random() < 0.4:
            yield age + rng.randint(24, 32), Resident.Relation.PARENT, None
    elif kind == "young":
        yield rng.randint(24, 40), Resident.Relation.HEAD, None
        if rng.random() < 0.5:
            yield rng.randint(24, 40), Resident.Relation.SPOUSE, None
    else:
        for i in range(rng.choice((1, 2, 3, 4))):
            yield rng.randint(20, 45), Resident.Relation.HEAD if i == 0 else Resident.Relation.LODGER, None


@transaction.atomic
def seed(
    org,
    stdout=None,
    *,
    committee=None,
    households_target: int = 700,
    lanes=None,
    rng_seed: int = 449,
    road: str = "定海路",
    workers: tuple[str, ...] = ("worker", "worker2", "worker3"),
) -> dict:
    """Fill committee A (or `committee`) with a lane neighbourhood. Returns counts.

    `lanes` [(lane, buildings), ...] and `households_target` let the benchmark build a bigger one;
    committee B's smaller one is another road, lanes and grid workers (seed_b).
    """
    lanes = lanes or LANES
    rng = random.Random(rng_seed)
    committee = committee or org.committee_a
    today = timezone.localdate()
    now = timezone.now()
    year_ago = now - datetime.timedelta(days=370)
    workers = [org.users[u] for u in workers if u in org.users]
    grids = Grid.all_objects.bulk_create(
        Grid(
            committee=committee, name=f"第{i + 1}网格", worker=workers[i % len(workers)] if workers else None
        )
        for i in range(3)
    )
    buildings = Building.all_objects.bulk_create(
        Building(
            committee=committee,
            road=road,
            lane=lane,
            number=str(n),
            grid=grids[li % len(grids)],
            floors=rng.choice((5, 6)),
        )
        for li, (lane, count) in enumerate(lanes)
        for n in range(1, count + 1)
    )
    rooms_per = max(1, households_target // len(buildings))
    households = []
    for i, building in enumerate(buildings):
        extra = 1 if i < households_target - rooms_per * len(buildings) else 0
        rooms = [f"{f}0{r}" for f in range(1, building.floors + 1) for r in range(1, 5)]
        for room in sorted(rng.sample(rooms, rooms_per + extra), key=int):
            residency = rng.choices(list(Household.Residency), [80, 14, 6])[0]
            households.append(
                Household(
                    committee=committee,
                    building=building,
                    room=room,
                    residency=residency,
                    housing_type=rng.choices(list(Household.HousingType), [55, 30, 2, 10, 3])[0],
                    phone=f"021-6{rng.randint(5000000, 5999999)}" if rng.random() < 0.6 else "",
                )
            )
    households = Household.all_objects.bulk_create(households)

    ids = _Ids(set(Resident.all_objects.exclude(id_number=None).values_list("id_number", flat=True)))
    residents: list[Resident] = []
    for household in households:
        for age, relation, male in _household_ages(rng):
            male = rng.random() < 0.5 if male is None else male
            birth = _birth(rng, today, max(age, 0))
            residents.append(
                Resident(
                    committee=committee,
                    household=household,
                    name=_name(rng, male),
                    gender=Resident.Gender.MALE if male else Resident.Gender.FEMALE,
                    birth_date=birth,
                    id_number=ids.next(rng, birth, male) if rng.random() < 0.97 else None,
                    phone=_mobile(rng) if age >= 16 and rng.random() < 0.85 else "",
                    relation_to_head=relation,
                    residency_status=Resident.ResidencyStatus.TENANT
                    if household.residency == Household.Residency.TENANT
                    else Resident.ResidencyStatus.REGISTERED,
                    created_at=year_ago,
                )
            )
    # A handful moved out or died during the year: kept, archived.
    for resident in rng.sample(residents, len(residents) // 60):
        resident.archived = rng.choice(list(Resident.Archived))
        resident.archived_on = today - datetime.timedelta(days=rng.randrange(10, 300))
    residents = Resident.all_objects.bulk_create(residents)

    categories = {c.code: c for c in CareCategory.objects.all()}
    members: dict[int, int] = {}
    for r in residents:
        members[r.household_id] = members.get(r.household_id, 0) + (0 if r.archived else 1)
    through = Resident.care_categories.through
    links = []
    for r in residents:
        if r.archived:
            continue
        age = r.age or 0
        codes = []
        if age >= 65 and members[r.household_id] == 1:
            codes.append("elderly_alone")
        if age >= 80:
            codes.append("very_old")
        if r.relation_to_head == Resident.Relation.HEAD and rng.random() < 0.03:
            codes.append(rng.choice(["dibao", "dibao", "low_income", "hardship"]))
        if rng.random() < 0.02:
            codes.append("disabled")
        if age >= 50 and rng.random() < 0.012:
            codes.append("seriously_ill")
        if 25 <= age < 60 and rng.random() < 0.01:
            codes.append("unemployed")
        links += [
            through(resident_id=r.pk, carecategory_id=categories[c].pk) for c in codes if c in categories
        ]
    through.objects.bulk_create(links)

    # A year of visits at each resident's cadence by their grid's worker; some fall behind.
    cadence_of_category = {c.pk: c.visit_every_days for c in categories.values()}
    categories_of: dict[int, list[int]] = defaultdict(list)
    for link in links:
        categories_of[link.resident_id].append(link.carecategory_id)
    cadence = {pk: shortest_cadence(cadence_of_category[c] for c in ids) for pk, ids in categories_of.items()}
    grid_of_building = {b.pk: b.grid for b in buildings}
    household_building = {h.pk: h.building_id for h in households}
    findings = [
        "身体状况良好，精神不错。",
        "血压偏高，已提醒按时服药。",
        "家中整洁，子女每周来看望。",
        "反映楼道灯不亮。",
        "腿脚不便，希望申请助餐服务。",
        "电话联系，一切正常。",
        "独自在家，情绪稳定。",
        "反映卫生间漏水，影响楼下。",
    ]
    visits = []
    for r in residents:
        days = cadence.get(r.pk)
        if not days:
            continue
        worker = grid_of_building[household_building[r.household_id]].worker or org.users.get("secretary")
        behind = rng.random() < 0.18  # these are overdue now
        when = now - datetime.timedelta(days=365)
        # Those behind missed their last visit by up to three weeks.
        stop = now - datetime.timedelta(days=(days + rng.randint(1, min(days, 21))) if behind else 0)
        while True:
            when += datetime.timedelta(days=days * rng.uniform(0.7, 1.0), hours=rng.uniform(-3, 3))
            if when >= stop:
                break
            note = rng.choice(findings)
            # Local working hours (Asia/Shanghai), not UTC's: 9 o'clock UTC is 5 p.m. in Shanghai.
            visited = timezone.localtime(when).replace(
                hour=rng.randint(9, 16), minute=rng.choice((0, 15, 30, 45))
            )
            if visited > now:
                visited -= datetime.timedelta(days=1)
            visits.append(
                Visit(
                    committee=committee,
                    resident_id=r.pk,
                    visitor=worker,
                    visited_at=visited,
                    method=rng.choices(list(Visit.Method), [70, 25, 5])[0],
                    findings=note,
                    follow_up_needed="反映" in note and rng.random() < 0.5,
                    created_at=visited,
                )
            )
    Visit.all_objects.bulk_create(visits, batch_size=2000)

    # Each building's leader: a resident of it, preferably retired.
    leaders = {}
    for r in residents:
        b = household_building[r.household_id]
        if not r.archived and (r.age or 0) >= 55 and b not in leaders:
            leaders[b] = r
    for building in buildings:
        building.leader = leaders.get(building.pk)
    Building.all_objects.bulk_update(buildings, ["leader"])

    if committee == getattr(org, "committee_a", None) and lanes == LANES:  # the demo, not a benchmark
        residents.append(_readme_resident(committee, households, ids, today))
    reindex_residents(r.pk for r in residents)
    counts = {
        "buildings": len(buildings),
        "households": len(households),
        "residents": len(residents),
        "visits": len(visits),
    }
    if stdout is not None:
        stdout.write(
            f"Residents: {counts['residents']} residents in {counts['households']} households in "
            f"{counts['buildings']} buildings, {counts['visits']} visits ({committee.name})."
        )
    return counts


# The README's search examples are about this resident: `zq` (her initials), `5678` (her phone's
# last digits), `12号302` and `449弄12号` (her home). tests/committee/test_readme_examples.py keeps
# them true. (The committee's secretary 周勤 lives in the neighbourhood, as many secretaries do.)
README_RESIDENT = {"name": "周勤", "phone": "13916205678", "lane": "449", "number": "12", "room": "302"}


def _readme_resident(committee, households, ids: _Ids, today: datetime.date) -> Resident:
    r = README_RESIDENT
    building = Building.all_objects.get(committee=committee, lane=r["lane"], number=r["number"])
    home = next((h for h in households if h.building_id == building.pk and h.room == r["room"]), None)
    relation = Resident.Relation.SPOUSE
    if home is None:
        home = Household.all_objects.create(committee=committee, building=building, room=r["room"])
        relation = Resident.Relation.HEAD
    birth = datetime.date(today.year - 52, 3, 8)
    return Resident.all_objects.create(
        committee=committee,
        household=home,
        name=r["name"],
        gender=Resident.Gender.FEMALE,
        birth_date=birth,
        id_number=ids.next(random.Random(12), birth, False),
        phone=r["phone"],
        relation_to_head=relation,
    )


@transaction.atomic
def seed_b(org, stdout=None) -> dict:
    """Committee B (波阳居民区): its own smaller registry off 波阳路, visited by its own worker."""
    return seed(
        org,
        stdout,
        committee=org.committee_b,
        households_target=180,
        lanes=[("120", 6), ("138", 5)],
        rng_seed=120,
        road="波阳路",
        workers=("worker_b",),
    )
