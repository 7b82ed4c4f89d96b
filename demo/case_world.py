"""The demo's committee as the case demo sees it: its staff as they act in the app, the buildings and
residents cases point at, a clock that walks a case forward to today, and logging a case through
services.create_case.
"""

import datetime
import random

from django.utils import timezone

from cases import services
from cases.models import Case, CaseCategory, CaseParty, OutsideBody
from committee.access import Access
from demo.case_texts import GIVEN, PLACES, SURNAMES
from residents.models import Building, Household, Resident

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


# Staff work from half past eight to half past five, Shanghai time (the demo's times are local: a
# home visit at 00:45 or a reply logged at 3 a.m. tells a visitor the demo is made up).
WORK_START = datetime.time(8, 30)
WORK_END = datetime.time(17, 30)


def working_time(t: datetime.datetime, *, back: bool = False) -> datetime.datetime:
    """`t` if it falls in local working hours; else the next working morning (or, `back`, the last
    working afternoon before it), keeping its minutes so that times do not all read 08:30."""
    local = timezone.localtime(t)
    if WORK_START <= local.time() <= WORK_END:
        return t
    minutes = datetime.timedelta(minutes=local.minute % 30)
    if back:
        day = local.date() if local.time() > WORK_END else local.date() - DAY
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(17))) + minutes
    day = local.date() if local.time() < WORK_START else local.date() + DAY
    return timezone.make_aware(datetime.datetime.combine(day, WORK_START)) + minutes


class Demo:
    """The committee, its staff as they act in the app, what cases refer to, and the dice."""

    def __init__(
        self,
        org,
        rng: random.Random,
        *,
        committee=None,
        secretary: str = "secretary",
        staff: tuple[str, ...] = ("worker", "worker2", "worker3"),
        road: str = "定海路",
    ) -> None:
        self.rng = rng
        self.now = timezone.now()
        self.committee = committee or org.committee_a
        self.secretary = Access(org.users[secretary])
        self.staff = [Access(org.users[u]) for u in staff if u in org.users]
        self.places = [place.replace("定海路", road) for place in PLACES]
        self.worker = self.staff[0] if self.staff else self.secretary
        self.categories = {c.code: c for c in CaseCategory.objects.all()}
        self.bodies = {b.name: b for b in OutsideBody.objects.all()}
        self.buildings = list(Building.all_objects.filter(committee=self.committee)) or _small_registry(self)
        self.households: dict[int, list[Household]] = {}
        for household in Household.all_objects.filter(committee=self.committee).select_related("building"):
            self.households.setdefault(household.building_id, []).append(household)
        self.residents: dict[int, list[Resident]] = {}
        for resident in Resident.all_objects.filter(committee=self.committee, archived="")[:5000]:
            self.residents.setdefault(resident.household_id, []).append(resident)

    def ago(self, days: float) -> datetime.datetime:
        """A working morning `days` ago (the same moment however often it is asked)."""
        day = timezone.localdate(self.now) - datetime.timedelta(days=days)
        t = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, int(days * 7) % 60)))
        return t if t <= self.now else working_time(self.now - HOUR, back=True)

    def first_resident(self, household: Household | None) -> Resident | None:
        people = self.residents.get(household.pk, []) if household else []
        return people[0] if people else None

    def lived_in(self, building: Building | None) -> Household:
        """A household with residents: in `building` if it has one, else anywhere."""
        households = self.households.get(building.pk, []) if building else []
        homes = [h for h in households if self.residents.get(h.pk)]
        return self.rng.choice(
            homes or [h for hs in self.households.values() for h in hs if self.residents.get(h.pk)]
        )


def _small_registry(demo: Demo) -> list[Building]:
    """A few buildings, households and residents, when the registry demo has not made them."""
    rng, committee = demo.rng, demo.committee
    buildings = []
    for lane in ("449", "451", "455"):
        for number in range(1, 9):
            building = Building.all_objects.create(
                committee=committee, road="定海路", lane=lane, number=str(number), floors=3
            )
            buildings.append(building)
            for room in ("101", "102", "201", "202", "301", "302"):
                household = Household.all_objects.create(committee=committee, building=building, room=room)
                for _i in range(rng.choice((1, 2, 2, 3))):
                    Resident.all_objects.create(
                        committee=committee,
                        household=household,
                        name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                        gender=rng.choice("MF"),
                        birth_date=datetime.date(
                            rng.randint(1935, 1995), rng.randint(1, 12), rng.randint(1, 28)
                        ),
                    )
    return buildings


class Clock:
    """When a case's next step happens: it moves forward only, and never past now."""

    def __init__(self, start: datetime.datetime, now: datetime.datetime) -> None:
        self.t = start
        self.now = now

    def later(self, **delta: float) -> bool:
        """Move on by `delta`; False, without moving, when that moment has not come yet."""
        t = working_time(self.t + datetime.timedelta(**delta))
        if t > self.now:
            return False
        self.t = t
        return True

    def almost_now(self) -> None:
        """Move to an hour ago, unless that has passed already."""
        self.t = max(self.t, working_time(self.now - HOUR, back=True))

    @property
    def days_left(self) -> int:
        return (self.now - self.t).days


# --- Logging a case ---------------------------------------------------------------------------------------


def log(
    demo: Demo,
    *,
    at: datetime.datetime,
    by: Access,
    code: str,
    title: str,
    description: str,
    building: Building | None,
    household: Household | None = None,
    **fields,
) -> Case:
    """Log a case as `by` at `at`. Someone of the household is its reporter (for hardship, its
    beneficiary); a 12345 case has its work-order number."""
    if code == "hardship" and demo.first_resident(household) is None:
        # Aid goes to someone: a hardship case names a household, whose first resident is its
        # beneficiary (the ledger's recipient column was empty for half the demo's aid).
        household = demo.lived_in(building)
        building = household.building
    resident = demo.first_resident(household)
    parties = []
    if resident is not None:
        role = CaseParty.Role.BENEFICIARY if code == "hardship" else CaseParty.Role.REPORTER
        parties.append(services.NewParty(resident, role))
    if fields.get("source") == Case.Source.HOTLINE:
        fields["work_order_number"] = f"{at.year}{demo.rng.randint(10**7, 10**8 - 1)}"
    case, _created = services.create_case(
        access=by,
        committee=demo.committee,
        title=title,
        category=demo.categories[code],
        description=description,
        building=building,
        household=household,
        parties=parties,
        at=at,
        **fields,
    )
    return case
