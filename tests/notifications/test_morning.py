"""The morning run with a frozen clock (the day is an argument): reminders and the morning list on
working days, make-up Saturdays included; nothing on Sundays or public holidays."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cases import services
from cases.models import Case, CaseEvent, OutsideBody, Referral
from cases.rules import Action
from committee.access import acting_as
from committee.models import Membership
from committee.roles import Role
from committee.scoping import unscoped
from notifications.models import Notification
from notifications.reminders import morning, previous_workday
from residents.models import Grid, Resident
from tests.factories import logged_on, make_building, make_case, make_resident, make_user

K = Notification.Kind
DAY = datetime.timedelta(days=1)
THURSDAY = datetime.date(2026, 12, 3)
FRIDAY = datetime.date(2026, 12, 4)
SUNDAY = datetime.date(2026, 12, 6)
MAKE_UP_SATURDAY = datetime.date(2026, 2, 28)  # a working day after the Spring Festival
NATIONAL_DAY = datetime.date(2026, 10, 1)  # a Thursday, and a public holiday
# The cases of these days are logged a month before them: a due date set by hand is not before the
# day its case was logged, whatever day the tests run.
LOGGED = logged_on(THURSDAY - datetime.timedelta(days=30))


def kinds(user) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def digest(user) -> dict:
    """The figures of the person's morning list (its links: tests/notifications/test_morning_links.py)."""
    params = Notification.objects.get(recipient=user, kind=K.DIGEST).params
    return {key: value for key, value in params.items() if key != "links"}


def make_world(org, today):
    """worker_a's cases around `today`, a late referral and a roster resident of their grid."""
    w = org.worker_a
    logged = logged_on(today - datetime.timedelta(days=30))
    made = {}
    for name, due in {
        "due_today": today,
        "due_next": today + datetime.timedelta(days=1),
        "late_since_yesterday": today - datetime.timedelta(days=1),
        "late_long_ago": today - datetime.timedelta(days=20),
    }.items():
        made[name] = make_case(w, org.a, title=name, assignee=w, due_date=due, at=logged)
    made["assigned"] = make_case(
        org.secretary_a, org.a, title="新派", due_date=today + datetime.timedelta(days=30), at=logged
    )
    with acting_as(org.secretary_a) as secretary:
        services.assign(access=secretary, case=made["assigned"], assignee=w)
    # Logged by the secretary for the worker: as newly theirs as one assigned afterwards.
    made["logged_for"] = make_case(
        org.secretary_a,
        org.a,
        title="代登记",
        assignee=w,
        due_date=today + datetime.timedelta(days=30),
        at=logged,
    )
    yesterday_afternoon = timezone.make_aware(
        datetime.datetime.combine(previous_workday(today), datetime.time(15))
    )
    CaseEvent.all_objects.filter(case__in=[made["assigned"], made["logged_for"]]).update(
        at=yesterday_afternoon
    )
    # Their own case logged yesterday for themselves is nothing new to them.
    made["own"] = make_case(
        w, org.a, title="自己登记", assignee=w, due_date=today + datetime.timedelta(days=30), at=logged
    )
    CaseEvent.all_objects.filter(case=made["own"]).update(at=yesterday_afternoon)
    with unscoped():
        body = OutsideBody.objects.first()
    with acting_as(w) as access:
        referral = services.refer(
            access=access, case=made["late_long_ago"], body=body, sent_on=today - datetime.timedelta(days=20)
        )
    Referral.all_objects.filter(pk=referral.pk).update(reply_expected_by=today - datetime.timedelta(days=10))
    grid = Grid.all_objects.create(committee=org.a, name="一网格", worker=w)
    building = make_building(org.a)
    building.grid = grid
    building.save()
    resident = make_resident(org.a, building=building)
    Resident.all_objects.filter(pk=resident.pk).update(next_visit_due=today)
    return made


@pytest.mark.parametrize("today", [THURSDAY, MAKE_UP_SATURDAY], ids=["thursday", "make-up-saturday"])
def test_a_working_day_brings_each_worker_their_reminders_and_morning_list(org, today):
    make_world(org, today)
    morning(today)
    # The reply late for ten days is counted in the list, not told again one by one (review 6, finding
    # 12); each assignment was told as it happened, not again in the list.
    assert kinds(org.worker_a) == sorted([K.DUE_SOON, K.OVERDUE, K.DIGEST])
    assert digest(org.worker_a) == {"due_today": 1, "overdue": 2, "visits": 1, "late_replies": 1}
    # The secretary: the committee's figures, the late replies among them.
    assert kinds(org.secretary_a) == [K.DIGEST]
    assert digest(org.secretary_a)["late_replies"] == 1
    assert digest(org.secretary_a)["overdue"] == 2
    # Nobody else: not the viewer, not another committee, not the street.
    for name in ("viewer_a", "worker_b", "officer", "superuser"):
        assert kinds(getattr(org, name)) == []


def test_a_secretary_with_an_overdue_case_of_her_own_reads_the_committees_figure(org):
    """Review 5: 已超期 36 where the dashboard and the list said 35. Her own overdue case (one) was
    added to the committee's figure, not replaced by it (Counter.update adds)."""
    make_case(
        org.secretary_a, org.a, title="她的", assignee=org.secretary_a, due_date=FRIDAY - 3 * DAY, at=LOGGED
    )
    for title in ("甲", "乙"):
        make_case(
            org.worker_a, org.a, title=title, assignee=org.worker_a, due_date=FRIDAY - 2 * DAY, at=LOGGED
        )
    make_case(org.secretary_a, org.a, title="今天", assignee=org.secretary_a, due_date=FRIDAY, at=LOGGED)
    morning(FRIDAY)
    # The case list's ?overdue=1 (cases.filters): open, due before the day.
    listed = Case.all_objects.filter(
        committee=org.a, status__in=Case.OPEN_STATUSES, due_date__lt=FRIDAY
    ).count()
    assert listed == 3
    assert digest(org.secretary_a)["overdue"] == listed
    assert digest(org.secretary_a)["due_today"] == 1  # her own: nobody else's adds to it
    assert digest(org.worker_a)["overdue"] == 2
    with translation.override("zh-hans"):
        assert "已超期 3 件" in Notification.objects.get(recipient=org.secretary_a, kind=K.DIGEST).sentence


def test_the_weeks_visits_are_told_once_in_the_morning_list(org):
    """Review 5: "本周应走访 58 人" in the morning list and "本周有 58 位关爱对象应走访" beside it."""
    make_world(org, THURSDAY)
    morning(THURSDAY)
    told = Notification.objects.filter(recipient=org.worker_a)
    assert not told.filter(kind=K.VISITS_DUE).exists()
    with translation.override("en"):
        sentences = [n.sentence for n in told]
    assert sum("visit" in s for s in sentences) == 1, sentences
    assert digest(org.worker_a)["visits"] == 1


def test_a_morning_list_of_visits_alone_leads_to_the_roster(org):
    make_world(org, THURSDAY)
    Case.all_objects.filter(assignee=org.worker_a).update(assignee=None)
    Referral.all_objects.all().delete()
    morning(THURSDAY)
    n = Notification.objects.get(recipient=org.worker_a)
    roster = f"{reverse('residents:roster')}?worker=me&due_by=2026-12-06"  # the week's Sunday
    assert (n.kind, n.params, n.url) == (K.DIGEST, {"visits": 1, "links": {"visits": roster}}, roster)


def test_the_morning_list_reads_in_both_languages(org):
    make_world(org, THURSDAY)
    morning(THURSDAY)
    n = Notification.objects.get(recipient=org.worker_a, kind=K.DIGEST)
    with translation.override("en"):
        expected = "due today: 1; overdue: 2; visits due this week: 1; late replies: 1"
        assert n.sentence == f"This morning: {expected}"
    with translation.override("zh-hans"):
        assert n.sentence == "今日待办：今天到期 1 件；已超期 2 件；本周应走访 1 人；转办逾期未复 1 件"


@pytest.mark.parametrize("today", [SUNDAY, NATIONAL_DAY], ids=["sunday", "national-day"])
def test_nothing_is_sent_on_a_sunday_or_a_holiday(org, today):
    make_world(org, today)
    assert morning(today) == {}
    assert not Notification.objects.exists()


def test_friday_tells_of_what_is_due_on_monday(org):
    monday = datetime.date(2026, 12, 7)
    case = make_case(org.worker_a, org.a, title="周一到期", assignee=org.worker_a, due_date=monday, at=LOGGED)
    morning(FRIDAY)
    n = Notification.objects.get(recipient=org.worker_a, kind=K.DUE_SOON)
    assert n.params["case"] == case.number and n.params["date"] == "2026-12-07"


def test_running_twice_tells_once_and_overdue_is_told_once(org):
    make_world(org, THURSDAY)
    assert morning(THURSDAY)[K.OVERDUE] == 1
    assert morning(THURSDAY) == {}  # what it returns (the job's record) counts only what is new
    assert kinds(org.worker_a).count(K.OVERDUE) == 1
    morning(FRIDAY)  # Thursday's case is now late; Wednesday's is not told again
    overdue = Notification.objects.filter(recipient=org.worker_a, kind=K.OVERDUE).order_by("pk")
    assert [n.params["title"] for n in overdue] == ["late_since_yesterday", "due_today"]


def test_someone_in_two_committees_gets_each_committees_morning_list(org):
    # worker_a also works for committee B: B's cases and visits are not lost behind A's list.
    Membership.objects.create(user=org.worker_a, committee=org.b, role=Role.WORKER)
    make_case(org.worker_a, org.a, title="甲", assignee=org.worker_a, due_date=THURSDAY, at=LOGGED)
    for title in ("乙一", "乙二"):
        make_case(org.worker_a, org.b, title=title, assignee=org.worker_a, due_date=THURSDAY, at=LOGGED)
    make_case(
        org.secretary_a, org.a, title="未派", due_date=THURSDAY + datetime.timedelta(days=30), at=LOGGED
    )
    morning(THURSDAY)
    lists = Notification.objects.filter(recipient=org.worker_a, kind=K.DIGEST)
    assert lists.count() == 2
    assert sorted((n.params["committee"], n.params["due_today"]) for n in lists) == [
        (org.a.name, 1),
        (org.b.name, 2),
    ]
    with translation.override("zh-hans"):
        assert {n.sentence for n in lists} == {
            f"{org.a.name}：今日待办：今天到期 1 件",
            f"{org.b.name}：今日待办：今天到期 2 件",
        }
    # Someone in one committee reads their list as before, without a committee's name.
    assert "committee" not in digest(org.secretary_a)


def test_queries_do_not_grow_with_people_or_cases(org):
    make_world(org, THURSDAY)
    with CaptureQueriesContext(connection) as few:
        morning(THURSDAY)
    Notification.objects.all().delete()
    for i in range(4):
        worker = make_user(f"extra{i}", committee=org.a, role=Role.WORKER)
        for j in range(3):
            make_case(worker, org.a, title=f"件{i}{j}", assignee=worker, due_date=THURSDAY, at=LOGGED)
    with CaptureQueriesContext(connection) as many:
        morning(THURSDAY)
    assert len(many) == len(few)
    assert Notification.objects.filter(kind=K.DIGEST).count() == 6


def test_the_street_officer_gets_each_committees_figures_on_the_weeks_first_working_day(org):
    monday = datetime.date(2026, 12, 7)
    make_case(org.worker_a, org.a, title="超期", assignee=org.worker_a, due_date=THURSDAY, at=LOGGED)
    make_case(org.worker_b, org.b, title="未派", due_date=monday + datetime.timedelta(days=10), at=LOGGED)
    morning(THURSDAY)
    assert kinds(org.officer) == []
    assert morning(monday)[K.STREET_WEEK] == 1
    assert morning(monday) == {}
    n = Notification.objects.get(recipient=org.officer, kind=K.STREET_WEEK)
    assert n.params["committees"] == [[org.a.name, 1, 0], [org.b.name, 0, 1]]  # not C, another street
    with translation.override("en"):
        expected = f"{org.a.name} 1 overdue, 0 unassigned; {org.b.name} 0 overdue, 1 unassigned"
        assert n.sentence == f"This week by committee: {expected}"


def test_after_a_holiday_week_start_the_street_figures_come_on_its_first_working_day(org):
    # Thursday after the National Day holidays is the week's first working day.
    morning(datetime.date(2026, 10, 8))
    morning(datetime.date(2026, 10, 9))
    assert kinds(org.officer) == [K.STREET_WEEK]


@pytest.mark.parametrize("action", [Action.RESOLVE, Action.WITHDRAW], ids=["resolved", "withdrawn"])
def test_a_late_reply_is_not_chased_once_its_case_is_done(org, action):
    """A referral still unanswered when its case was resolved or withdrawn: nobody is reminded of it,
    and the secretary's morning list does not count it among the late replies."""
    made = make_world(org, THURSDAY)
    with acting_as(org.secretary_a) as access:
        services.transition(access=access, case=made["late_long_ago"], action=action, text="已处理")
    morning(THURSDAY)
    assert K.REPLY_LATE not in kinds(org.worker_a) and K.REPLY_LATE not in kinds(org.secretary_a)
    assert "late_replies" not in digest(org.secretary_a)


def _late_referral(case, expected: datetime.date, sent: datetime.date) -> Referral:
    with unscoped():
        body = OutsideBody.objects.get(name="物业公司")
    with acting_as(case.assignee) as access:
        referral = services.refer(access=access, case=case, body=body, sent_on=sent)
    Referral.all_objects.filter(pk=referral.pk).update(reply_expected_by=expected)
    return Referral.all_objects.get(pk=referral.pk)


def test_the_first_morning_counts_the_late_replies_instead_of_a_notice_each(org):
    """Review 6, finding 12: ten "尚未回复" notices at once for one worker, thirteen for the secretary
    about other people's referrals. Now one figure in each morning list, which opens the list."""
    for i in range(10):
        case = make_case(
            org.worker_a,
            org.a,
            title=f"转办{i}",
            assignee=org.worker_a,
            due_date=THURSDAY + 30 * DAY,
            at=LOGGED,
        )
        _late_referral(case, THURSDAY - (5 + i) * DAY, THURSDAY - 25 * DAY)
    morning(THURSDAY)
    assert kinds(org.worker_a) == [K.DIGEST] and kinds(org.secretary_a) == [K.DIGEST]
    assert digest(org.worker_a)["late_replies"] == 10
    assert digest(org.secretary_a)["late_replies"] == 10
    with translation.override("zh-hans"):
        sentence = Notification.objects.get(recipient=org.worker_a).sentence
    assert sentence == "今日待办：转办逾期未复 10 件"


def test_a_reply_is_told_late_the_morning_its_date_passes_and_again_after_a_new_promised_date(org):
    """Review 6, finding 5: told once per referral, ever. Now each date it is expected by is told to
    the assignee the morning it has passed, and counted in their list every morning while late; a
    chase that records the body's new date moves the reply's date, so it is told again once that
    one passes."""
    case = make_case(org.worker_a, org.a, title="排水", assignee=org.worker_a, at=LOGGED)
    referral = _late_referral(case, THURSDAY - DAY, THURSDAY - 10 * DAY)
    morning(THURSDAY)
    [told] = Notification.objects.filter(recipient=org.worker_a, kind=K.REPLY_LATE)
    assert told.key == f"late:{referral.pk}:{THURSDAY - DAY}" and told.params["date"] == str(THURSDAY - DAY)
    assert not Notification.objects.filter(recipient=org.secretary_a, kind=K.REPLY_LATE).exists()
    morning(FRIDAY)  # still late: counted, not told again
    assert Notification.objects.filter(kind=K.REPLY_LATE).count() == 1
    friday = Notification.objects.get(recipient=org.worker_a, kind=K.DIGEST, key__endswith=str(FRIDAY))
    assert friday.params["late_replies"] == 1
    monday, tuesday = datetime.date(2026, 12, 7), datetime.date(2026, 12, 8)
    chased_at = timezone.make_aware(datetime.datetime.combine(FRIDAY, datetime.time(10)))
    with acting_as(org.worker_a) as access:
        services.chase(
            access=access, referral=referral, text="说周一前回复", promised_by=monday, at=chased_at
        )
    morning(monday)  # the new date has not passed: neither told nor counted
    assert Notification.objects.filter(kind=K.REPLY_LATE).count() == 1
    assert (
        "late_replies"
        not in Notification.objects.get(
            recipient=org.worker_a, kind=K.DIGEST, key__endswith=str(monday)
        ).params
    )
    morning(tuesday)
    again = Notification.objects.filter(recipient=org.worker_a, kind=K.REPLY_LATE).order_by("pk")
    assert [n.key for n in again] == [f"late:{referral.pk}:{THURSDAY - DAY}", f"late:{referral.pk}:{monday}"]
    with translation.override("en"):
        assert (
            again.last().sentence
            == f"Property company has not replied on case {case.number} 排水 (expected by {monday})."
        )
