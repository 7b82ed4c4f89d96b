"""Demo cases for committee A (定海居民区): about 450 over the past twelve months.

The stories of the newspaper article about the committee (case_stories.py: rain flooding
ground-floor homes until the property company, the street and the district are chased for months; a
family where the husband is out of work and the wife seriously ill, helped to a civil-affairs
subsidy, and another just short of the standard helped by the staff's donations; a quarrel over
drying quilts; uneven lane roads that trip the elderly; the stinking garbage room; the renewal
worry), and around them everyday cases of every category, each living a random life up to today.

Every case is logged and worked through the services the app uses (cases/services/), each step as
the member of staff who would take it, at the time it happened (`at`): the timeline, numbering and
rules are the app's own. Cases are told in the order they were logged, so that their numbers run
with time. Uses the registry's buildings and residents when the residents demo made them, else a
few of its own.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from cases import services
from cases.models import Aid, Case, CaseEvent
from cases.rules import Action
from committee.access import Access
from demo.case_stories import STORIES
from demo.case_texts import CHASE_ANSWERS, FOLLOW_COMMENTS, NOTES, SOURCES, TEMPLATES, WEIGHTS
from demo.case_world import DAY, WORK_START, Clock, Demo, log, working_time

# Each case is written step by step through the services (about a millisecond a step): 450 cases
# give a year of figures and still seed in a few seconds. Committee B is smaller, without stories.
TARGET = 450
TARGET_B = 90


# --- Everyday cases ---------------------------------------------------------------------------------------


@dataclass
class Everyday:
    """An ordinary case: what it is about; its life is drawn as it is told."""

    created: datetime.datetime
    code: str
    title: str
    description: str
    resolution: str
    body: str  # the outside body such a case is referred to, or ""


def everyday_cases(demo: Demo, count: int) -> list[Everyday]:
    """`count` cases over the year, more of them lately, of every category by its weight."""
    rng = demo.rng
    codes = list(WEIGHTS)
    cases = []
    for _i in range(count):
        age = rng.triangular(0, 365, 0)  # more each month: the committee has come to rely on it
        day = timezone.localdate(demo.now - datetime.timedelta(days=age))
        start = timezone.make_aware(datetime.datetime.combine(day, WORK_START))
        created = start + datetime.timedelta(minutes=rng.randint(0, 9 * 60))  # local working hours
        code = rng.choices(codes, [WEIGHTS[c] for c in codes])[0]
        latest = working_time(demo.now, back=True)
        cases.append(Everyday(min(created, latest), code, *rng.choice(TEMPLATES[code])))
    return cases


def tell_everyday(demo: Demo, everyday: Everyday) -> None:
    """Log an ordinary case, then walk it through its life as far as today."""
    rng = demo.rng
    building = rng.choice(demo.buildings) if rng.random() < 0.85 else None
    households = demo.households.get(building.pk, []) if building else []
    sources, source_weights = zip(*SOURCES, strict=True)
    logger = rng.choice([*demo.staff, demo.secretary])
    # Most cases are someone's as they are logged (the worker's own, or given by the secretary);
    # most of those of the last few days are still waiting for someone.
    recent = (demo.now - everyday.created).days <= 4
    at_once = rng.random() < (0.2 if recent else 0.6)
    assignee = (rng.choice(demo.staff) if logger is demo.secretary else logger) if at_once else None
    case = log(
        demo,
        at=everyday.created,
        by=logger,
        code=everyday.code,
        title=everyday.title,
        description=everyday.description,
        building=building,
        household=rng.choice(households) if households and rng.random() < 0.6 else None,
        place="" if building else rng.choice(demo.places),
        priority=rng.choices(list(Case.Priority), [15, 75, 10])[0],
        source=rng.choices(sources, source_weights)[0],
        sensitive=everyday.code == "hardship" and rng.random() < 0.5,
        assignee=assignee.user if assignee else None,
    )
    clock = Clock(everyday.created, demo.now)
    assignee = assignee or assign_later(demo, case, clock)
    if assignee is None or not get_going(demo, case, clock, assignee):
        return
    if everyday.code == "hardship":
        apply_for_aid(demo, case, clock, assignee)
    if everyday.body and not refer_and_hear_back(demo, case, clock, assignee, everyday):
        return  # still waiting on the outside body
    if resolve(demo, case, clock, assignee, everyday.resolution):
        follow_up_and_close(demo, case, clock, assignee)


def assign_later(demo: Demo, case: Case, clock: Clock) -> Access | None:
    """A case logged for nobody finds someone within hours: taken by a worker, or given by the
    secretary (a sensitive case always: no worker sees it to take it). Some recent ones wait."""
    rng = demo.rng
    if (rng.random() >= 0.4 and clock.days_left <= 4) or not clock.later(hours=rng.randint(1, 30)):
        return None
    assignee = rng.choice(demo.staff)
    if not case.sensitive and rng.random() < 0.6:
        services.take(access=assignee, case=case, at=clock.t)
    else:
        services.assign(access=demo.secretary, case=case, assignee=assignee.user, at=clock.t)
    return assignee


def get_going(demo: Demo, case: Case, clock: Clock, assignee: Access) -> bool:
    """The case is in progress from its assignment (rules.status_when_assigned); the assignee gets
    to it within two days (not yet, on half of the cases of the last few days), often with a first
    note."""
    rng = demo.rng
    if clock.days_left < 6 and rng.random() < 0.5:
        return False
    if not clock.later(hours=rng.randint(2, 48)):
        return False
    if rng.random() < 0.35 and clock.later(hours=rng.randint(1, 24)):
        services.add_note(access=assignee, case=case, text=rng.choice(NOTES), at=clock.t)
    return True


def apply_for_aid(demo: Demo, case: Case, clock: Clock, assignee: Access) -> None:
    """Most hardship cases apply for aid; the secretary decides a week later, and pays what was
    approved a few days after that. Some decisions are still pending."""
    rng = demo.rng
    if rng.random() >= 0.7 or not clock.later(days=rng.randint(1, 5)):
        return
    kind = rng.choice([Aid.Kind.SUBSIDY, Aid.Kind.EMERGENCY, Aid.Kind.GOODS])
    amount = Decimal(0) if kind == Aid.Kind.GOODS else Decimal(rng.choice((300, 500, 800, 1000, 1500, 2000)))
    aid = services.add_aid(access=assignee, case=case, kind=kind, amount=amount, at=clock.t)
    outcome = rng.choices(
        [Aid.Status.PAID, Aid.Status.APPROVED, Aid.Status.APPLIED, Aid.Status.NOT_ELIGIBLE], [60, 15, 15, 10]
    )[0]
    if outcome == Aid.Status.APPLIED or not clock.later(days=7):
        return
    decision = Aid.Status.NOT_ELIGIBLE if outcome == Aid.Status.NOT_ELIGIBLE else Aid.Status.APPROVED
    services.update_aid(access=demo.secretary, aid=aid, status=decision, at=clock.t)
    if outcome == Aid.Status.PAID and clock.later(days=5):
        services.update_aid(access=demo.secretary, aid=aid, status=Aid.Status.PAID, at=clock.t)


def refer_and_hear_back(demo: Demo, case: Case, clock: Clock, assignee: Access, everyday: Everyday) -> bool:
    """Most cases of a kind that needs an outside body are referred to it, chased weekly and
    answered within weeks. False while the body has not replied yet."""
    rng = demo.rng
    body = demo.bodies.get(everyday.body)
    if body is None or rng.random() >= 0.7:
        return True
    if not clock.later(hours=rng.randint(4, 72)):
        return True
    sent_on = timezone.localdate(clock.t)
    referral = services.refer(
        access=assignee,
        case=case,
        body=body,
        their_reference=f"ZH{rng.randint(1000, 9999)}" if rng.random() < 0.5 else "",
        reply_expected_by=sent_on + rng.choice((5, 7, 10, 15)) * DAY,
        at=clock.t,
    )
    sent = clock.t
    reply_after = rng.randint(3, 40)
    replies = clock.days_left > reply_after and (clock.days_left > 45 or rng.random() < 0.7)
    for week in range(1, rng.choice((0, 0, 1, 1, 2, 3)) + 1):
        chased = working_time(sent + datetime.timedelta(days=7 * week, hours=rng.randint(0, 8)))
        if chased > demo.now or (replies and chased >= sent + reply_after * DAY):
            break
        services.chase(access=assignee, referral=referral, text=rng.choice(CHASE_ANSWERS), at=chased)
    if not replies:
        return False
    clock.later(days=reply_after)
    services.record_reply(
        access=assignee, referral=referral, reply=everyday.resolution, outcome="已处理", at=clock.t
    )
    return True


def resolve(demo: Demo, case: Case, clock: Clock, assignee: Access, resolution: str) -> bool:
    """The work is done after a few days to a few weeks; a few cases are done sooner than that."""
    rng = demo.rng
    work_days = rng.randint(1, 25)
    if clock.days_left < work_days and rng.random() < 0.8:
        return False
    if not clock.later(days=min(work_days, clock.days_left), hours=rng.randint(1, 6)):
        clock.almost_now()
    services.transition(access=assignee, case=case, action=Action.RESOLVE, text=resolution, at=clock.t)
    return True


def follow_up_and_close(demo: Demo, case: Case, clock: Clock, assignee: Access) -> None:
    """The follow-up call a few days later (a few recent ones not satisfied: reopened), then the
    secretary closes the case."""
    rng = demo.rng
    recent = (demo.now - case.created_at).days <= 40
    if not clock.later(days=rng.randint(1, 6)):
        return
    satisfaction = rng.choices(
        [Case.Satisfaction.SATISFIED, Case.Satisfaction.MOSTLY, Case.Satisfaction.NOT_SATISFIED],
        [75, 20, 5 if recent else 0],
    )[0]
    services.record_follow_up(
        access=assignee, case=case, satisfaction=satisfaction, comment=rng.choice(FOLLOW_COMMENTS), at=clock.t
    )
    if satisfaction != Case.Satisfaction.NOT_SATISFIED and clock.later(days=rng.randint(0, 3), hours=2):
        services.close(access=demo.secretary, case=case, at=clock.t)


# --- The whole demo ---------------------------------------------------------------------------------------


def _one_waiting_for_someone(demo: Demo) -> None:
    """The committee's queue shows a case nobody has taken yet (the secretary's 未分派, the home's
    cases to give out): when the year's walk, drawn against today's date and hour, left none open
    (committee B's 90 cases, some days), one more logged this morning at the front desk waits."""
    waiting = Case.all_objects.filter(committee=demo.committee, status=Case.Status.NEW, assignee__isnull=True)
    if waiting.exists():
        return
    code = "drainage"
    title, description, *_rest = TEMPLATES[code][0]
    log(
        demo,
        at=working_time(demo.now, back=True),
        by=demo.secretary,
        code=code,
        title=title,
        description=description,
        building=None,
        place=demo.places[0],
        priority=Case.Priority.NORMAL,
        source=Case.Source.WALK_IN,
        sensitive=False,
        assignee=None,
    )


def _show_when_each_case_last_moved(demo: Demo) -> None:
    """A case's "updated" time is set by the database as it is written (now); the demo shows when
    each case last moved on its timeline instead."""
    last_event = CaseEvent.all_objects.filter(case=OuterRef("pk")).order_by("-at").values("at")[:1]
    Case.all_objects.filter(committee=demo.committee).update(updated_at=Subquery(last_event))


@transaction.atomic
def seed(org, stdout=None) -> None:
    demo = Demo(org, random.Random(449))
    lives = [(demo.ago(days), partial(story, demo, demo.ago(days))) for days, story in STORIES]
    lives += [
        (e.created, partial(tell_everyday, demo, e)) for e in everyday_cases(demo, TARGET - len(STORIES))
    ]
    # Told in the order they were logged: numbers run with time, as they do in the app.
    for _created, live in sorted(lives, key=lambda life: life[0]):
        live()
    _one_waiting_for_someone(demo)
    _show_when_each_case_last_moved(demo)
    if stdout is not None:
        cases = Case.all_objects.filter(committee=demo.committee)
        events = CaseEvent.all_objects.filter(committee=demo.committee)
        stdout.write(
            f"Cases: {cases.count()} in {demo.committee.name} "
            f"({cases.filter(status__in=Case.OPEN_STATUSES).count()} open), {events.count()} events."
        )


@transaction.atomic
def seed_b(org, stdout=None) -> None:
    """Committee B (波阳居民区): a smaller year of everyday cases, worked by its own staff, so that
    worker_b and secretary_b see a queue, a case list and a dashboard of their own."""
    if "secretary_b" not in org.users:
        return
    demo = Demo(
        org,
        random.Random(120),
        committee=org.committee_b,
        secretary="secretary_b",
        staff=("worker_b",),
        road="波阳路",
    )
    for everyday in sorted(everyday_cases(demo, TARGET_B), key=lambda e: e.created):
        tell_everyday(demo, everyday)
    _one_waiting_for_someone(demo)
    _show_when_each_case_last_moved(demo)
    if stdout is not None:
        cases = Case.all_objects.filter(committee=demo.committee)
        stdout.write(
            f"Cases: {cases.count()} in {demo.committee.name} "
            f"({cases.filter(status__in=Case.OPEN_STATUSES).count()} open)."
        )
