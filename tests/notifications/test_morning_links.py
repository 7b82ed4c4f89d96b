"""The morning list leads to the reader's own work (review 6, finding 4): each figure opens the list
that holds what it counts, and that list holds as many rows as the figure says, read through the
real pages (the case list, the late referrals, the care roster); the list as a whole opens the
reader's own open cases (a worker) or the committee's overdue (the secretary). In the inbox each
figure is a link of its own, which opens its list and marks the notice read.

The morning is run for today (the lists filter by the day they are read on): a day off is entered as
a make-up working day for the test."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from cases import services
from cases.models import OutsideBody, Referral
from cases.rules import Action
from committee.access import acting_as
from committee.roles import Role
from committee.scoping import unscoped
from holidays.calendar import forget_entered_days, is_workday
from holidays.models import HolidayDay, HolidayYear
from notifications.models import Notification
from notifications.reminders import morning
from residents.models import Grid, Resident
from tests.cases.page_text import text_of
from tests.factories import logged_on, make_building, make_case, make_resident, make_user

K = Notification.Kind
DAY = datetime.timedelta(days=1)


@pytest.fixture
def today(db):
    day = timezone.localdate()
    if not is_workday(day):
        schedule, _made = HolidayYear.objects.get_or_create(year=day.year)
        HolidayDay.objects.create(schedule=schedule, date=day, kind=HolidayDay.Kind.WORKDAY)
        forget_entered_days()
    yield day
    forget_entered_days()


def _referral(case, expected: datetime.date) -> Referral:
    with unscoped():
        body = OutsideBody.objects.get(name="物业公司")
    with acting_as(case.assignee) as access:
        referral = services.refer(access=access, case=case, body=body, sent_on=expected - 10 * DAY)
    Referral.all_objects.filter(pk=referral.pk).update(reply_expected_by=expected)
    return referral


def _world(org, today):
    """Committee A: worker_a and a second worker with cases due today, overdue and later, late
    replies (one of a sensitive case), an unassigned case, one resolved waiting for its call, and
    worker_a's roster (due this week, and later)."""
    logged = logged_on(today - 40 * DAY)
    w, w2 = org.worker_a, make_user("w2", committee=org.a, role=Role.WORKER, full_name="王芳")
    later = today + 30 * DAY
    make_case(w, org.a, title="今天", assignee=w, due_date=today, at=logged)
    overdue = [
        make_case(w, org.a, title=f"超期{i}", assignee=w, due_date=today - (i + 1) * DAY, at=logged)
        for i in range(3)
    ]
    hidden = make_case(w, org.a, title="低保", assignee=w, due_date=later, sensitive=True, at=logged)
    mine_later = make_case(w, org.a, title="以后", assignee=w, due_date=later, at=logged)
    theirs = make_case(w2, org.a, title="别人的", assignee=w2, due_date=today - 2 * DAY, at=logged)
    make_case(org.secretary_a, org.a, title="未派", due_date=later, at=logged)
    resolved = make_case(w, org.a, title="已办结", assignee=w, due_date=later, at=logged)
    with acting_as(w) as access:
        services.transition(access=access, case=resolved, action=Action.RESOLVE, text="已处理")
    _referral(overdue[0], today - 8 * DAY)
    _referral(hidden, today - 3 * DAY)
    _referral(mine_later, today + 3 * DAY)  # not late yet
    _referral(theirs, today - 5 * DAY)
    grid = Grid.all_objects.create(committee=org.a, name="一网格", worker=w)
    building = make_building(org.a)
    building.grid = grid
    building.save()
    week_end = today + datetime.timedelta(days=6 - today.weekday())
    for i, due in enumerate([today - 5 * DAY, today, week_end, week_end + DAY]):
        resident = make_resident(org.a, building=building, name=f"关爱{i}")
        Resident.all_objects.filter(pk=resident.pk).update(next_visit_due=due)
    return w2


def _listed(client, url: str) -> int:
    """How many rows the page at `url` lists (its paginator's count: every page's rows)."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


def _morning_list(user) -> Notification:
    return Notification.objects.get(recipient=user, kind=K.DIGEST)


def test_each_figure_opens_a_list_of_as_many_rows(org, as_user, today):
    w2 = _world(org, today)
    morning(today)
    expected = {
        # worker_a: their own figures; the late replies of their cases, the sensitive one too.
        org.worker_a: {"due_today": 1, "overdue": 3, "visits": 3, "late_replies": 2},
        w2: {"overdue": 1, "late_replies": 1},
        # The secretary: the committee's (her own due today: none).
        org.secretary_a: {"overdue": 4, "unassigned": 1, "late_replies": 3, "follow_ups": 1},
    }
    for user, figures in expected.items():
        n = _morning_list(user)
        links = n.params["links"]
        assert {key: n.params[key] for key in links} == figures, user
        client = as_user(user)
        for key, url in links.items():
            assert _listed(client, url) == figures[key], (user, key, url)


def test_the_list_as_a_whole_opens_the_readers_own_open_cases_or_the_committees_overdue(org, as_user, today):
    w2 = _world(org, today)
    morning(today)
    worker = _morning_list(org.worker_a)
    assert worker.url == f"{reverse('cases:list')}?assignee={org.worker_a.pk}&status=open"
    # Their own open cases, the overdue first: not every open case of the committee.
    page = as_user(org.worker_a).get(worker.url)
    shown = [case.title for case in page.context["cases"]]
    assert shown[:4] == ["超期2", "超期1", "超期0", "今天"] and "别人的" not in shown and "未派" not in shown
    assert _morning_list(w2).url == f"{reverse('cases:list')}?assignee={w2.pk}&status=open"
    secretary = _morning_list(org.secretary_a)
    assert secretary.url == secretary.params["links"]["overdue"] == f"{reverse('cases:list')}?overdue=1"


def test_each_figure_is_a_link_of_its_own_in_the_inbox_in_both_languages(org, as_user, today):
    _world(org, today)
    morning(today)
    n = _morning_list(org.worker_a)
    client = as_user(org.worker_a)
    with translation.override("zh-hans"):
        page = client.get(reverse("notifications:list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert '今日待办：<button type="submit" name="open" value="due_today"' in page
        assert ">已超期 3 件</button>；<button" in page and ">转办逾期未复 2 件</button>" in page
    with translation.override("en"):
        assert "This morning: " in str(n.figure_buttons) and ">late replies: 2</button>" in str(
            n.figure_buttons
        )
    # A figure opens its own list, through "read".
    response = client.post(reverse("notifications:read", args=[n.pk]), {"open": "late_replies"})
    assert response.status_code == 302 and response.url == n.params["links"]["late_replies"]
    n.refresh_from_db()
    assert n.read_at is not None
    # Read, its figures are plain links.
    html = str(n.figure_links)
    assert f'<a href="{escape(n.params["links"]["visits"])}">' in html and "<button" not in html


def test_someone_in_two_committees_has_each_lists_links_kept_to_its_committee(org, as_user, today):
    from committee.models import Membership

    Membership.objects.create(user=org.worker_a, committee=org.b, role=Role.WORKER)
    logged = logged_on(today - 40 * DAY)
    make_case(org.worker_a, org.a, title="甲", assignee=org.worker_a, due_date=today - DAY, at=logged)
    for title in ("乙一", "乙二"):
        make_case(org.worker_a, org.b, title=title, assignee=org.worker_a, due_date=today - DAY, at=logged)
    morning(today)
    client = as_user(org.worker_a)
    for n in Notification.objects.filter(recipient=org.worker_a, kind=K.DIGEST):
        assert _listed(client, n.params["links"]["overdue"]) == n.params["overdue"]
        assert "committee=" in n.url


def test_someone_in_two_committees_has_each_mornings_visits_kept_to_its_committee(org, as_user, today):
    """A worker with grids in two committees has a morning list from each, its visits counted in that
    committee: the roster its link opens lists that committee's (?committee=, as the case list's),
    as many rows as the figure, not their grids of both."""
    from committee.models import Membership

    Membership.objects.create(user=org.worker_a, committee=org.b, role=Role.WORKER)
    for committee, due in ((org.a, [today, today]), (org.b, [today - DAY, today, today])):
        grid = Grid.all_objects.create(committee=committee, name="一网格", worker=org.worker_a)
        building = make_building(committee)
        building.grid = grid
        building.save()
        for i, day in enumerate(due):
            resident = make_resident(committee, building=building, name=f"关爱{committee.pk}-{i}")
            Resident.all_objects.filter(pk=resident.pk).update(next_visit_due=day)
    morning(today)
    client = as_user(org.worker_a)
    lists = {n.key: n for n in Notification.objects.filter(recipient=org.worker_a, kind=K.DIGEST)}
    assert {key: n.params["visits"] for key, n in lists.items()} == {
        f"digest:{org.a.pk}:{today}": 2,
        f"digest:{org.b.pk}:{today}": 3,
    }
    for n in lists.values():
        url = n.params["links"]["visits"]
        assert f"committee={n.key.split(':')[1]}" in url
        assert _listed(client, url) == n.params["visits"], url
    # The roster itself offers the committee to a worker in several, and not to one in one.
    page = client.get(reverse("residents:roster")).content.decode()
    assert 'name="committee"' in page and f'<option value="{org.b.pk}">' in page
    assert _listed(client, reverse("residents:roster")) == 5
    assert (
        'name="committee"' not in as_user(org.secretary_a).get(reverse("residents:roster")).content.decode()
    )
    # Another committee's id (not theirs) is no filter, as the case list's.
    assert _listed(client, f"{reverse('residents:roster')}?committee={org.c.pk}") == 5


def test_a_chase_with_a_new_date_takes_the_referral_off_the_figure_and_the_list_alike(org, as_user, today):
    """Review 7, item 10: after a chase that sets a new promised date, "转办逾期未复 2 件" opened a list of
    1 without a word. Both read one definition (Referral.late), so the morning run counts what the list
    lists; the list opened from this morning's figure says both figures when they have parted since, in
    both languages, and nothing when they agree."""
    _world(org, today)
    morning(today)
    n = _morning_list(org.worker_a)
    url = n.params["links"]["late_replies"]
    client = as_user(org.worker_a)
    assert _listed(client, url) == n.params["late_replies"] == 2
    assert b"data-morning-figure" not in client.get(url).content

    chased = Referral.all_objects.get(case__title="超期0")
    with acting_as(org.worker_a) as access:
        services.chase(access=access, referral=chased, text="已催办", promised_by=today + 5 * DAY)
    assert _listed(client, url) == 1
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "今日待办里是 2 件，现为 1 件" in chinese
    english = text_of(client.get(url, headers={"accept-language": "en"}).content.decode())
    assert "This morning's list said 2; 1 now: a reply recorded" in english, english[:1500]
    # The morning run, done again, counts as the list does: one definition.
    Notification.objects.filter(kind=K.DIGEST).delete()
    morning(today)
    assert _morning_list(org.worker_a).params["late_replies"] == 1 == _listed(client, url)
    # The whole committee's list, from another page, says nothing of a morning.
    whole = reverse("reports:late_referrals", args=[org.a.pk])
    assert b"data-morning-figure" not in client.get(whole).content
