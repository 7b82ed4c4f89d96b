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
from notifications.services import notify_for_event
from tests.factories import make_case

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
    assert "new 周勤 reopened case" in news and "路灯不亮" in news, news
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
