"""A case's people changed from its page (review 10 F-B): the walk-in registered after the intake is
added to the case as its reporter, even resolved (the follow-up call is to her), or someone taken off;
each a timeline event; who may: as for editing the case."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.models import Case, CaseEvent, CaseParty
from committee.access import Access
from tests.cases.page_text import text_of
from tests.factories import make_building, make_case, make_resident


def _resolved(org):
    case = make_case(org.worker_a, org.a, title="楼上漏水", assignee=org.worker_a)
    services.transition(access=Access(org.worker_a), case=case, action=services.Action.RESOLVE, text="已修好")
    return case


def _parties(case):
    return list(CaseParty.all_objects.filter(case=case).values_list("resident__name", "role"))


def test_the_walk_in_registered_later_is_added_to_the_resolved_case_as_reporter(org, as_user):
    case = _resolved(org)
    her = make_resident(
        org.a, name="刘桂英", building=make_building(org.a, "1"), room="302", phone="13800001234"
    )
    client = as_user(org.worker_a)
    page = client.get(reverse("cases:detail", args=[case.pk])).text
    assert "尚未记录反映人。" in text_of(page) and reverse("cases:parties", args=[case.pk]) in page
    found = client.post(reverse("cases:parties", args=[case.pk]), {"q": "刘桂英", "_find": "1"})
    assert found.status_code == 200 and f'name="add" value="{her.pk}"' in found.text
    added = client.post(
        reverse("cases:parties", args=[case.pk]),
        {"add": str(her.pk), f"role_{her.pk}": "reporter"},
        follow=True,
    )
    assert _parties(case) == [("刘桂英", CaseParty.Role.REPORTER)]
    text = text_of(added.content.decode())
    assert "已将 刘桂英 添加到事项，身份为反映人。" in text  # the message
    assert "将 刘桂英 作为反映人添加到事项。" in text  # the timeline
    event = CaseEvent.all_objects.get(case=case, kind=CaseEvent.Kind.PARTY_ADDED)
    assert event.actor == org.worker_a and event.data == {"name": "刘桂英", "role": "reporter"}
    english = text_of(client.get(reverse("cases:detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en").text)
    assert "Added 刘桂英 to the case as reporter." in english
    # Her page now lists the case; the secretary can reveal her phone there to call back.
    resident_page = as_user(org.secretary_a).get(reverse("residents:detail", args=[her.pk])).text
    assert case.number in resident_page
    # The same again: said, nothing added.
    again = client.post(
        reverse("cases:parties", args=[case.pk]), {"add": str(her.pk), f"role_{her.pk}": "reporter"}
    )
    assert again.status_code == 400 and "刘桂英 已是本事项的反映人。" in again.text
    assert len(_parties(case)) == 1


def test_someone_added_by_mistake_is_taken_off_and_the_timeline_keeps_it(org, as_user):
    building = make_building(org.a, "1")
    wrong = make_resident(org.a, name="王阿姨", building=building)
    case = make_case(org.worker_a, org.a, assignee=org.worker_a, parties=[services.NewParty(wrong)])
    party = CaseParty.all_objects.get(case=case)
    client = as_user(org.worker_a)
    done = client.post(reverse("cases:parties", args=[case.pk]), {"remove": str(party.pk)}, follow=True)
    assert _parties(case) == []
    text = text_of(done.content.decode())
    assert "已将 王阿姨 移出事项。" in text and "将 王阿姨（反映人）移出事项。" in text
    english = text_of(client.get(reverse("cases:detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="en").text)
    assert "Removed 王阿姨 (reporter) from the case." in english
    gone = client.post(reverse("cases:parties", args=[case.pk]), {"remove": str(party.pk)})
    assert gone.status_code == 400 and "此人已被他人移出事项。" in gone.text


def test_who_may_and_when(org, as_user):
    other = make_resident(org.b, name="外区居民", building=make_building(org.b, "1"))
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    refused = as_user(org.worker_a).post(reverse("cases:parties", args=[case.pk]), {"add": str(other.pk)})
    assert refused.status_code == 400 and "请从列表中选择一位居民。" in refused.text
    assert as_user(org.viewer_a).get(reverse("cases:parties", args=[case.pk])).status_code == 403
    assert as_user(org.worker_b).get(reverse("cases:parties", args=[case.pk])).status_code == 404
    Case.all_objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    closed = as_user(org.secretary_a).get(reverse("cases:parties", args=[case.pk]))
    assert closed.status_code == 403
    assert "增删事项相关人员" in closed.text
    page = as_user(org.secretary_a).get(reverse("cases:detail", args=[case.pk])).text
    assert reverse("cases:parties", args=[case.pk]) not in page


def test_the_page_reads_the_same_queries_with_few_or_many_people(org, as_user):
    building = make_building(org.a, "1")
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    client = as_user(org.worker_a)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert (
                client.post(reverse("cases:parties", args=[case.pk]), {"q": "王", "_find": "1"}).status_code
                == 200
            )
        return len(ctx)

    make_resident(org.a, name="王一", building=building)
    few = queries()
    for n in range(12):
        resident = make_resident(org.a, name=f"王{n}号", building=building)
        CaseParty.all_objects.create(case=case, resident=resident, committee=org.a)
    assert queries() == few
