"""The home page (issue 12 §4): what is new for me first, marked; my queue by due date with the count
of all my open cases; for the secretary the unassigned count and what waits for them."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.models import Case, CaseEvent
from cases.rules import Action
from committee.access import Access
from committee.models import Membership, StreetOfficer
from committee.roles import Role
from notifications.services import notify_for_event
from tests.factories import make_case, make_committee, make_district, make_street, make_user

pytestmark = pytest.mark.django_db


def _told(case: Case) -> None:
    """What the worker process does after the case action commits: tell the people it concerns."""
    notify_for_event(CaseEvent.all_objects.filter(case=case).order_by("-pk").first())


def _news(html: str) -> str:
    """The text of the "new for you" card ('' when there is none)."""
    match = re.search(r'<section class="card queue news".*?</section>', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", match[0]).split()) if match else ""


def test_a_case_the_secretary_assigns_is_first_on_the_workers_home_marked_new(org, as_user):
    secretary = Access(org.secretary_a)
    # Many overdue cases of the worker's own: the new one would not be among "the 8 most overdue".
    for i in range(10):
        old = make_case(org.worker_a, org.a, title=f"老问题{i}", assignee=org.worker_a)
        Case.all_objects.filter(pk=old.pk).update(due_date=datetime.date(2020, 1, 1 + i))
    fresh = make_case(org.secretary_a, org.a, title="电梯困人")
    services.assign(access=secretary, case=fresh, assignee=org.worker_a)
    _told(fresh)
    client = as_user(org.worker_a)
    html = client.get(reverse("home"), headers={"accept-language": "zh-hans"}).content.decode()
    news = _news(html)
    assert f"新 周勤把事项 {fresh.number} 电梯困人 派给了您。" in news, news
    assert html.index("电梯困人") < html.index("老问题0")  # first on the page
    assert '<span class="badge num" data-figure="my_count">11</span>' in html  # all open, not the 8 shown
    assert "我的全部 11 件未结事项" in html

    # Opening it marks it seen: the home page no longer shows it as new.
    notification = org.worker_a.notifications.get()
    opened = client.post(reverse("notifications:read", args=[notification.pk]), {"open": "1"})
    assert opened.url == reverse("cases:detail", args=[fresh.pk])
    assert _news(client.get(reverse("home")).content.decode()) == ""


def test_reopened_and_replies_are_news_and_mark_all_seen_clears_them(org, as_user):
    secretary, worker = Access(org.secretary_a), Access(org.worker_a)
    case = make_case(org.worker_a, org.a, title="路灯不亮", assignee=org.worker_a)
    services.transition(access=worker, case=case, action=Action.RESOLVE, text="已修好")
    services.transition(access=secretary, case=case, action=Action.REOPEN, text="又不亮了")
    _told(case)
    client = as_user(org.worker_a)
    news = _news(client.get(reverse("home"), headers={"accept-language": "en"}).content.decode())
    assert "New 周勤 reopened case" in news and "路灯不亮" in news, news  # "New": a mark, a label
    client.post(reverse("notifications:read_all"))
    assert _news(client.get(reverse("home")).content.decode()) == ""


def _tile(html: str, name: str) -> tuple[int, str]:
    match = re.search(rf'href="([^"]+)" data-figure="{name}"><span class="figure num">(\d+)</span>', html)
    assert match, name
    return int(match[2]), match[1].replace("&amp;", "&")


def test_the_secretarys_home_counts_what_waits_and_each_count_is_its_list(org, as_user):
    secretary = Access(org.secretary_a)
    for i in range(3):
        make_case(org.worker_a, org.a, title=f"没人管{i}")
    to_call = [make_case(org.worker_a, org.a, title=f"待回访{i}", assignee=org.worker_a) for i in range(2)]
    for case in to_call:
        services.transition(access=secretary, case=case, action=Action.RESOLVE, text="办好了")
    called = make_case(org.worker_a, org.a, title="已回访", assignee=org.worker_a)
    services.transition(access=secretary, case=called, action=Action.RESOLVE, text="办好了")
    services.record_follow_up(access=secretary, case=called, satisfaction=Case.Satisfaction.SATISFIED)
    make_case(org.worker_b, org.b, title="别的居委")
    # Reopen requests: one on a resolved case, one on a closed case; one declined and one answered
    # by reopening no longer wait; committee B's does not count here.
    worker = Access(org.worker_a)
    services.ask_reopen(access=worker, case=to_call[0], text="又坏了")
    services.close(access=secretary, case=called)
    services.ask_reopen(access=worker, case=called, text="又坏了")
    for answer in ("decline", "reopen"):
        answered = make_case(org.worker_a, org.a, title=f"已答复{answer}", assignee=org.worker_a)
        services.transition(access=secretary, case=answered, action=Action.RESOLVE, text="办好了")
        services.ask_reopen(access=worker, case=answered, text="又坏了")
        if answer == "decline":
            services.decline_reopen(access=secretary, case=answered, text="另立一件")
            services.record_follow_up(access=secretary, case=answered, satisfaction="satisfied")
        else:
            services.transition(access=secretary, case=answered, action=Action.REOPEN)
    elsewhere = make_case(org.worker_b, org.b, title="别的居委办结", assignee=org.worker_b)
    services.transition(access=Access(org.worker_b), case=elsewhere, action=Action.RESOLVE, text="好了")
    services.ask_reopen(access=Access(org.worker_b), case=elsewhere, text="又坏了")
    client = as_user(org.secretary_a)
    html = client.get(reverse("home"), headers={"accept-language": "zh-hans"}).content.decode()
    assert "重新打开申请" in html
    expected = {"unassigned": 3, "to_call": 2, "to_close": 1, "reopen_asked": 2}
    for name, count in expected.items():
        shown, url = _tile(html, name)
        assert shown == count, name
        assert client.get(url).context["page"].paginator.count == count, (name, url)
    # Workers see their queue, not the secretary's tiles.
    assert 'data-figure="to_call"' not in as_user(org.worker_a).get(reverse("home")).content.decode()


def _fill(org, n: int) -> None:
    secretary = Access(org.secretary_a)
    for i in range(n):
        mine = make_case(org.secretary_a, org.a, title=f"派给我{i}")
        services.assign(access=secretary, case=mine, assignee=org.worker_a)
        _told(mine)
        make_case(org.worker_a, org.a, title=f"没人管{i}")
        done = make_case(org.secretary_a, org.a, title=f"待回访{i}", assignee=org.worker_a)
        services.transition(access=secretary, case=done, action=Action.RESOLVE, text="办好了")
        services.ask_reopen(access=Access(org.worker_a), case=done, text="又坏了")
        _told(done)  # the secretary's news holds the request


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("home")).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("persona", ["worker_a", "secretary_a"])
def test_the_home_page_runs_the_same_queries_with_few_and_many_rows(org, as_user, persona):
    client = as_user(getattr(org, persona))
    client.get(reverse("home"))  # the session's first request writes its login time
    _fill(org, 2)
    # The rows' category and staff names are cached reference data (cases/reference.py): counted
    # warm, as every request after the first since they last changed.
    client.get(reverse("home"))
    few = _queries(client)
    _fill(org, 20)
    many = _queries(client)
    assert few == many, (few, many)
    assert many <= 14, many


# --- Where you work: one line a post, a street's or a district's with its overview -----------------


def _posts(html: str) -> list[str]:
    """The "where you work" lines, as text, each with the links it holds."""
    card = re.search(r'<ul class="plain posts">(.*?)</ul>', html, re.S)
    assert card, "no posts"
    lines = re.findall(r"<li data-post=.*?</li>", card[1], re.S)
    return [
        " ".join(re.sub(r"<[^>]+>", " ", line).split())
        + "".join(f" →{href}" for href in re.findall(r'href="([^"]+)"', line))
        for line in lines
    ]


def _nav_dashboard(html: str) -> str:
    nav = re.search(r'<nav class="mainnav".*?</nav>', html, re.S)[0]
    links = re.findall(r'<a href="([^"]+)"[^>]*>(?:(?!</a>).)*?<span>([^<]+)</span></a>', nav, re.S)
    return next(href for href, label in links if label in ("工作台", "Dashboard"))


def _district(org, committees_per_street: int = 0):
    yangpu = make_district("杨浦区")
    org.street.district = yangpu
    org.street.save()
    officer = make_user("district", district=yangpu, full_name="吴志明")
    _more_streets(yangpu, 2, committees_per_street)
    return yangpu, officer


def _more_streets(district, streets: int, committees: int, start: int = 0) -> None:
    for s in range(start, start + streets):
        street = make_street(f"长白新村街道{s}", district=district)
        for n in range(committees):
            make_committee(street, f"长白{s}-{n}居民区")


def test_the_street_officer_has_one_line_for_the_street_leading_to_its_overview(org, as_user):
    html = as_user(org.officer).get(reverse("home"), headers={"accept-language": "zh-hans"}).text
    assert _posts(html) == [f"定海路街道 街道干部 2 个居委会 街道总览 › →{reverse('dashboard')}"]
    assert "定海居民区" not in html and "波阳居民区" not in html  # a line a street, not a committee
    assert _nav_dashboard(html) == reverse("dashboard")


def test_the_district_officer_has_one_line_for_the_district_and_the_nav_leads_to_its_overview(org, as_user):
    _yangpu, officer = _district(org, committees_per_street=3)
    client = as_user(officer)
    html = client.get(reverse("home"), headers={"accept-language": "zh-hans"}).text
    overview = reverse("dashboard_district")
    assert _posts(html) == [f"杨浦区 区级人员 8 个居委会 全区总览 › →{overview}"]
    assert _nav_dashboard(html) == overview
    assert f'<a class="tile" href="{overview}">' in html  # the home page's own way there
    english = client.get(reverse("home"), headers={"accept-language": "en"}).text
    assert _posts(english) == [f"杨浦区 District officer 8 committees District overview › →{overview}"]
    assert _nav_dashboard(english) == overview


def test_posts_of_several_kinds_each_have_their_line(org, as_user):
    """A district officer who is also the officer of another district's street and the secretary of
    a committee: the committee's line, the street's (named: /dashboard/ alone would not show it) and
    the district's; the nav's dashboard is then their committee's."""
    _yangpu, officer = _district(org)
    Membership.objects.create(user=officer, committee=org.a, role=Role.SECRETARY)
    StreetOfficer.objects.create(user=officer, street=org.other_street)
    html = as_user(officer).get(reverse("home"), headers={"accept-language": "zh-hans"}).text
    assert _posts(html) == [
        f"杨浦区 区级人员 2 个居委会 全区总览 › →{reverse('dashboard_district')}",
        f"平凉路街道 街道干部 1 个居委会 街道总览 › →{reverse('dashboard')}?street={org.other_street.pk}",
        "定海路街道 · 定海居民区 书记",
    ]
    assert _nav_dashboard(html) == reverse("dashboard")


def test_a_committee_role_is_a_line_a_committee_as_before(org, as_user):
    html = as_user(org.secretary_a).get(reverse("home"), headers={"accept-language": "zh-hans"}).text
    assert _posts(html) == ["定海路街道 · 定海居民区 书记"]
    assert _nav_dashboard(html) == reverse("dashboard")


@pytest.mark.parametrize("persona", ["officer", "district"])
def test_an_officers_home_runs_the_same_queries_with_few_and_many_committees(org, as_user, persona):
    yangpu, district_officer = _district(org)
    user = district_officer if persona == "district" else org.officer
    client = as_user(user)
    client.get(reverse("home"))  # the session's first request writes its login time
    client.get(reverse("home"))  # where the committees sit, in the cache: counted warm
    few = _queries(client)
    _more_streets(yangpu, 3, 10, start=5)
    for n in range(10):
        make_committee(org.street, f"定海{n}居民区")
    client.get(reverse("home"))
    many = _queries(client)
    assert few == many, (few, many)
    assert len(_posts(client.get(reverse("home")).text)) == 1
