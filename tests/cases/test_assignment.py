"""A case somebody is on is in progress (DESIGN.md "Case life": new = logged, nobody assigned): logging
it with an assignee, taking it and the secretary assigning it put a new case in progress, in one
event on its timeline; the separate "start work" stays only for a new case that already has an
assignee (written before this rule, or corrected in the admin)."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cases import rules, services
from cases.models import Case, CaseEvent
from cases.rules import Action
from committee.access import Access
from tests.cases.page_text import text_of
from tests.factories import make_case

ZH = {"accept-language": "zh-hans"}


def _html(client, case: Case) -> str:
    return client.get(reverse("cases:detail", args=[case.pk]), headers=ZH).content.decode()


def _page(client, case: Case) -> str:
    return text_of(_html(client, case))


def _kinds(case: Case) -> list[str]:
    return list(CaseEvent.all_objects.filter(case=case).order_by("pk").values_list("kind", flat=True))


def _badge(client, case: Case) -> str:
    """The status the case page shows beside the case's number."""
    html = _html(client, case)
    head = html[html.index('class="case-number') :]
    return text_of(re.search(r'<span class="badge[^"]*">(.*?)</span>', head).group(1))


def _listed(client, case: Case, status: str) -> bool:
    listed = client.get(reverse("cases:list"), {"status": status}).context["cases"]
    return case.pk in {row.pk for row in listed}


def test_a_case_logged_for_me_is_in_progress_with_one_event(org, as_user):
    client = as_user(org.worker_a)
    response = client.post(
        reverse("cases:new"),
        {
            "title": "楼道灯不亮",
            "category": "roads",
            "source": "walk_in",
            "priority": "normal",
            "committee": str(org.a.pk),
            "assignee": "me",
        },
        headers=ZH,
    )
    case = Case.all_objects.get(title="楼道灯不亮")
    assert response.status_code == 302 and case.assignee == org.worker_a
    page = _page(client, case)
    assert _badge(client, case) == "办理中" and "登记了事项。分派给李敏。" in page
    assert "开始办理" not in page  # nothing left to start
    assert _kinds(case) == ["created"]
    assert _listed(client, case, "in_progress") and not _listed(client, case, "new")


def test_a_case_logged_for_nobody_stays_new_until_taken(org, as_user):
    client = as_user(org.worker_a)
    case = make_case(org.secretary_a, org.a, title="垃圾箱房异味", code="environment")
    assert _badge(client, case) == "新登记" and _listed(client, case, "new")
    version = case.version
    response = client.post(
        reverse("cases:act", args=[case.pk, "take"]), {"version": case.version}, headers=ZH
    )
    assert response.status_code == 302
    page = _page(client, case)
    assert _badge(client, case) == "办理中" and "认领了事项，转为办理中。" in page
    assert _kinds(case) == ["created", "assigned"]  # one event for taking it, the status in it
    case.refresh_from_db()
    # One save: the assignee and the status together, one version on.
    assert (case.status, case.assignee, case.version) == (Case.Status.IN_PROGRESS, org.worker_a, version + 1)


def test_the_secretary_assigning_a_new_case_puts_it_in_progress(org, as_user):
    secretary = as_user(org.secretary_a)
    case = make_case(org.worker_a, org.a, title="邻里噪音", code="dispute")
    response = secretary.post(
        reverse("cases:act", args=[case.pk, "assign"]),
        {"version": case.version, "assignee": org.worker_a.pk},
        headers=ZH,
    )
    assert response.status_code == 302
    page = _page(secretary, case)
    assert _badge(secretary, case) == "办理中" and "分派给李敏，转为办理中。" in page
    assert _kinds(case) == ["created", "assigned"]
    # The assignee finds it among their own open cases, in progress, with nothing to "start".
    worker_page = _page(as_user(org.worker_a), case)
    assert "开始办理" not in worker_page and "标记已办结" in worker_page


def test_assignment_leaves_every_other_status_as_it_was(org):
    secretary = Access(org.secretary_a)
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    services.transition(access=Access(org.worker_a), case=case, action=Action.WAIT, text="等物业")
    services.assign(access=secretary, case=case, assignee=org.secretary_a)
    case.refresh_from_db()
    assert case.status == Case.Status.WAITING  # reassigned, still waiting on the property company
    services.transition(access=secretary, case=case, action=Action.RESUME)
    services.assign(access=secretary, case=case, assignee=None)
    case.refresh_from_db()
    # Unassigned: its work was started; it shows among the unassigned, in progress.
    assert (case.status, case.assignee) == (Case.Status.IN_PROGRESS, None)
    last = CaseEvent.all_objects.filter(case=case).order_by("-pk").first()
    assert "to" not in last.data


def test_start_is_only_for_a_new_case_that_already_has_an_assignee(org, as_user):
    """Cases logged with an assignee before this rule are new with somebody on them: their assignee
    still starts them from the case page. A new case with nobody on it is taken or assigned, never
    started: in progress with nobody on it is what the rule ends."""
    legacy = make_case(org.worker_a, org.a, title="楼道灯坏", assignee=org.worker_a)
    Case.all_objects.filter(pk=legacy.pk).update(status=Case.Status.NEW)
    client = as_user(org.worker_a)
    assert _badge(client, legacy) == "新登记" and "开始办理" in _page(client, legacy)
    client.post(reverse("cases:act", args=[legacy.pk, "start"]), {"version": legacy.version})
    legacy.refresh_from_db()
    assert legacy.status == Case.Status.IN_PROGRESS
    assert "状态：新登记 → 办理中。" in _page(client, legacy)

    nobodys = make_case(org.worker_a, org.a, title="井盖松动")
    assert not rules.can(Access(org.secretary_a), nobodys, Action.START)
    assert "开始办理" not in _page(as_user(org.secretary_a), nobodys)
    with pytest.raises(PermissionDenied):
        services.transition(access=Access(org.secretary_a), case=nobodys, action=Action.START)
