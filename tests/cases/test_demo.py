"""The demo's cases: written through the app's services, each timeline tells its case's state in
words, the article's stories have the events they tell, and every part of the case pages has
something to show."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cases import events
from cases.models import Case, CaseCounter, CaseEvent
from committee.models import Committee, User
from committee.scoping import unscoped
from tests.conftest import client_for

FLOODING = "雨季底楼居民家中“发洪水”"


@pytest.fixture
def cases(seeded_demo, db):
    with unscoped():
        committee = Committee.objects.get(name="定海居民区")
        yield Case.objects.filter(committee=committee)


def _timeline(case: Case) -> list[CaseEvent]:
    return list(CaseEvent.all_objects.filter(case=case).order_by("at", "pk"))


def _status_after(event: CaseEvent, status: str) -> str:
    """The case's status after an event, as its payload tells it."""
    payload = events.payload(event)
    if isinstance(payload, events.FollowedUp):
        return Case.Status.IN_PROGRESS if payload.reopened else status
    return getattr(payload, "after", "") or status


def test_every_timeline_reads_in_both_languages_and_ends_in_the_cases_state(cases):
    now = timezone.now()
    for case in cases.order_by("pk"):
        timeline = _timeline(case)
        assert timeline[0].kind == CaseEvent.Kind.CREATED and timeline[0].at == case.created_at, case
        assert all(event.at <= now for event in timeline), case
        status = Case.Status.NEW
        for event in timeline:
            for language in ("zh-hans", "en"):
                with translation.override(language):
                    said = events.sentence_text(event)
                assert said or event.text, f"{case} {event.kind} says nothing in {language}"
            status = _status_after(event, status)
        assert status == case.status, f"{case}: the timeline ends {status}, the case is {case.status}"


def test_numbers_run_with_time_without_gaps_and_the_counter_continues(cases):
    for year in set(cases.values_list("year", flat=True)):
        logged = list(cases.filter(year=year).order_by("seq").values_list("seq", "created_at"))
        assert [seq for seq, _at in logged] == list(range(1, len(logged) + 1))
        assert [at for _seq, at in logged] == sorted(at for _seq, at in logged)
        assert CaseCounter.objects.get(committee=cases.first().committee, year=year).last == len(logged)


def test_the_flooding_is_reported_again_and_chased_from_the_property_company_to_the_district(cases):
    case = cases.get(title=FLOODING)
    kinds = [event.kind for event in _timeline(case)]
    # Logged for the secretary: in progress at once, the first bailing out a note.
    assert kinds[:2] == ["created", "note"] and kinds[-3:] == ["status", "follow_up", "status"]
    assert "reporters_added" in kinds and kinds.count("chase") >= 3
    referrals = list(case.referrals.order_by("sent_on").values_list("body__name", "replied_on"))
    assert [body for body, _replied in referrals] == ["物业公司", "街道房管办", "区排水管理所"]
    assert all(replied for _body, replied in referrals)
    assert case.status == Case.Status.CLOSED and case.satisfaction == Case.Satisfaction.SATISFIED


def test_the_hardship_stories_end_in_a_subsidy_and_in_the_staffs_donation(cases):
    ill = cases.get(title="丈夫失业、妻子重病，生活困顿")
    assert ill.sensitive and list(ill.aid.values_list("kind", "status")) == [("subsidy", "paid")]
    short = cases.get(title="收入略超补助标准的困难户")
    assert list(short.aid.order_by("applied_on").values_list("kind", "status")) == [
        ("subsidy", "not_eligible"),
        ("donation", "paid"),
    ]
    assert "周勤" in short.aid.get(kind="donation").donors
    # Sensitive: the secretary opens them, the viewer does not even find them.
    assert (
        client_for(User.objects.get(username="secretary"))
        .get(reverse("cases:detail", args=[ill.pk]))
        .status_code
        == 200
    )
    assert (
        client_for(User.objects.get(username="viewer"))
        .get(reverse("cases:detail", args=[ill.pk]))
        .status_code
        == 404
    )


def test_the_uneven_lane_still_waits_on_the_road_company_and_its_row_says_so(cases):
    case = cases.get(title="弄堂路面凹凸不平，老人摔倒受伤")
    assert case.status == Case.Status.WAITING
    assert [e.kind for e in _timeline(case)] == ["created", "referral_sent", "chase"]
    worker = client_for(User.objects.get(username="worker"))
    html = worker.get(reverse("cases:list"), {"q": "弄堂路面凹凸不平"}).content.decode()
    assert (
        f"在区市政养护公司已 {(timezone.localdate() - timezone.localdate(case.created_at)).days - 1} 天"
        in html
    )


def test_the_story_pages_and_every_list_have_something_to_show(cases):
    secretary = client_for(User.objects.get(username="secretary"))
    story = cases.get(title=FLOODING)
    for name in ("cases:detail", "cases:print"):
        page = secretary.get(reverse(name, args=[story.pk])).content.decode()
        assert "转办物业公司。" in page and "新增反映人：" in page and "回访后结案。" in page
    worker = client_for(User.objects.get(username="worker"))
    home = worker.get(reverse("home")).content.decode()
    assert home.count('class="case-number num"') >= 2  # their own queue and the unassigned cases
    assert "逾期" in worker.get(reverse("cases:list") + "?overdue=1").content.decode()
    assert secretary.get(reverse("dashboard")).status_code == 200
