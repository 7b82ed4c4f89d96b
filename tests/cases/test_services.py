"""Every action writes one event; numbering; double submits; conflicts; follow-up reopening."""

import datetime
import re
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, connection
from django.urls import reverse
from django.utils import timezone

from cases import rules, services
from cases.models import Aid, Case, CaseEvent, CaseParty, OutsideBody
from cases.rules import Action
from committee.access import Access
from committee.scoping import committee_scope, unscoped
from tests.factories import case_category as category
from tests.factories import jpeg_upload, make_building, make_case, make_resident, make_user


def _events(case) -> list[str]:
    return list(CaseEvent.all_objects.filter(case=case).order_by("pk").values_list("kind", flat=True))


def test_every_action_writes_exactly_one_event(org):
    worker, secretary = Access(org.worker_a), Access(org.secretary_a)
    resident = make_resident(org.a)
    case = make_case(org.worker_a, org.a, parties=[services.NewParty(resident)])
    other = make_case(org.worker_a, org.a, title="另一件")
    body = OutsideBody.objects.first()
    steps = [
        ("created", lambda: None),
        ("assigned", lambda: services.assign(access=secretary, case=case, assignee=org.worker_a)),
        # Assigned above: in progress in the same event (a second event would break the count here).
        ("status", lambda: services.transition(access=worker, case=case, action=Action.WAIT)),
        ("note", lambda: services.add_note(access=worker, case=case, text="上门查看")),
        ("referral_sent", lambda: services.refer(access=worker, case=case, body=body)),
        ("chase", lambda: services.chase(access=worker, referral=case.referrals.get(), text="催办")),
        (
            "reply",
            lambda: services.record_reply(access=worker, referral=case.referrals.get(), reply="已疏通"),
        ),
        ("photo_added", lambda: services.add_attachment(access=worker, case=case, uploaded=jpeg_upload())),
        (
            "photo_removed",
            lambda: services.remove_attachment(access=worker, attachment=case.attachments.get()),
        ),
        ("aid", lambda: services.add_aid(access=worker, case=case, kind=Aid.Kind.GOODS, amount=0)),
        (
            "status",
            lambda: services.transition(access=worker, case=case, action=Action.RESOLVE, text="已疏通"),
        ),
        (
            "follow_up",
            lambda: services.record_follow_up(
                access=worker,
                case=case,
                called_on=timezone.localdate(),
                satisfaction=Case.Satisfaction.NOT_SATISFIED,
            ),
        ),
        (
            "status",
            lambda: services.transition(access=worker, case=case, action=Action.RESOLVE, text="再次疏通"),
        ),
        (
            "follow_up",
            lambda: services.record_follow_up(
                access=worker, case=case, called_on=timezone.localdate(), satisfaction="satisfied"
            ),
        ),
        ("status", lambda: services.close(access=secretary, case=case)),
        ("reopen_requested", lambda: services.ask_reopen(access=worker, case=case, text="又堵了")),
        ("reopen_declined", lambda: services.decline_reopen(access=secretary, case=case, text="另一件事")),
        ("reopen_requested", lambda: services.ask_reopen(access=worker, case=case, text="真的又堵了")),
        (
            "reopened",
            lambda: services.transition(access=secretary, case=case, action=Action.REOPEN, text="又堵了"),
        ),
        ("duplicate", lambda: services.mark_duplicate(access=secretary, case=case, of=other)),
    ]
    for n, (kind, step) in enumerate(steps, start=1):
        with committee_scope([org.a.pk]):  # both actors work in committee A, as their requests would
            step()
        kinds = _events(case)
        assert len(kinds) == n, f"after {kind}: {kinds}"
        assert kinds[-1] == kind
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.closure == Case.Closure.DUPLICATE
    # The duplicate's reporter now reports the case that stays.
    assert CaseParty.all_objects.filter(case=other, resident=resident).exists()


def test_not_satisfied_reopens_the_case(org):
    access = Access(org.worker_a)
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    services.transition(access=access, case=case, action=Action.RESOLVE, text="已处理")
    services.record_follow_up(
        access=access,
        case=case,
        called_on=timezone.localdate(),
        satisfaction="not_satisfied",
        comment="还在漏",
    )
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    # The answer is kept as the case's latest call; its next resolution waits for a call of its own.
    assert (case.last_called_on, case.last_call_result) == (timezone.localdate(), "not_satisfied")
    assert case.satisfaction == ""
    assert case.resolved_at is None


def test_numbers_run_per_committee_and_year(org):
    a1 = make_case(org.worker_a, org.a)
    a2 = make_case(org.worker_a, org.a)
    b1 = make_case(org.worker_b, org.b)
    assert (a1.seq, a2.seq, b1.seq) == (1, 2, 1)
    assert a1.number == f"{a1.year}-0001"
    old = datetime.datetime(2025, 12, 31, 10, tzinfo=datetime.UTC)
    case, _ = services.create_case(
        access=Access(org.worker_a),
        committee=org.a,
        title="旧",
        category=category(),
        at=old,
    )
    assert case.number == "2025-0001"


def test_a_repeated_submit_makes_one_case(org):
    first = make_case(org.worker_a, org.a, token="tok-1")
    again, created = services.create_case(
        access=Access(org.worker_a),
        committee=org.a,
        title="楼道积水",
        category=category(),
        token="tok-1",
    )
    assert not created and again.pk == first.pk
    assert Case.all_objects.count() == 1
    # …and the number was given back: the next case has the next number.
    assert make_case(org.worker_a, org.a).seq == 2


def test_double_clicked_intake_form_creates_one_case(org, as_user):
    client = as_user(org.worker_a)
    data = {
        "title": "下水道堵塞",
        "category": "drainage",
        "source": "walk_in",
        "priority": "normal",
        "committee": str(org.a.pk),
        "token": "same-form",
    }
    first = client.post(reverse("cases:new"), data)
    second = client.post(reverse("cases:new"), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Case.all_objects.count() == 1


def test_a_stale_change_is_refused_and_shows_the_newer_state(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    stale = case.version
    # The secretary reassigns while the worker's page still shows the old version.
    services.assign(access=Access(org.secretary_a), case=case, assignee=org.secretary_a, version=stale)
    with pytest.raises(services.Conflict):
        services.assign(access=Access(org.secretary_a), case=case, assignee=org.worker_a, version=stale)
    response = as_user(org.secretary_a).post(
        reverse("cases:act", args=[case.pk, "assign"]), {"version": stale, "assignee": org.worker_a.pk}
    )
    assert response.status_code == 409
    assert (
        "Someone else changed this case" in response.content.decode() or "其他人" in response.content.decode()
    )
    case.refresh_from_db()
    assert case.assignee == org.secretary_a
    assert _events(case) == ["created", "assigned"]


def test_resolving_needs_a_resolution(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    response = as_user(org.worker_a).post(reverse("cases:act", args=[case.pk, "resolve"]), {"text": " "})
    assert (
        response.status_code == 200
    )  # drawn again, the refusal in the 办结 panel (test_refused_in_its_panel)
    assert '<ul class="errorlist" id="resolve-text-error"><li>请说明处理情况。</li></ul>' in response.text
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS and case.resolution == ""


def test_htmx_action_returns_the_case_in_place(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    response = as_user(org.worker_a).post(
        reverse("cases:act", args=[case.pk, "note"]),
        {"text": "电话联系了物业"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="case-main"' in html and "电话联系了物业" in html and "<html" not in html


def test_join_adds_reporters_to_an_open_case(org, as_user):
    building = make_building(org.a)
    case = make_case(org.worker_a, org.a, building=building)
    neighbour = make_resident(org.a, name="李师傅", building=building)
    response = as_user(org.worker_a).post(reverse("cases:join", args=[case.pk]), {"party": [neighbour.pk]})
    assert response.status_code == 302
    assert CaseParty.all_objects.filter(case=case, resident=neighbour, role="reporter").exists()
    assert _events(case) == ["created", "reporters_added"]


@pytest.mark.django_db(transaction=True)
def test_numbering_under_concurrent_creation(org):
    if (connection.vendor == "sqlite" and connection.settings_dict["NAME"] in ("", ":memory:")) or (
        connection.vendor == "sqlite" and "mode=memory" in str(connection.settings_dict["NAME"])
    ):
        pytest.skip("an in-memory SQLite database cannot be shared between threads")
    errors: list[Exception] = []
    barrier = threading.Barrier(8)

    def log(i: int) -> None:
        try:
            with unscoped():
                barrier.wait()
                make_case(org.worker_a, org.a, title=f"并发{i}")
        except Exception as exc:
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=log, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    seqs = sorted(Case.all_objects.filter(committee=org.a).values_list("seq", flat=True))
    assert seqs == list(range(1, 9))


def test_logging_a_case_is_checked_by_the_service(org):
    """Whoever calls create_case (a view, the demo, a task) gets the same answers."""
    with pytest.raises(PermissionDenied):  # a viewer logs nothing
        make_case(org.viewer_a, org.a)
    with pytest.raises(PermissionDenied):  # a worker does not give cases to others
        make_case(org.worker_a, org.a, assignee=org.secretary_a)
    with pytest.raises(ValidationError):  # a viewer is not given cases
        make_case(org.secretary_a, org.a, assignee=org.viewer_a)
    with pytest.raises(ValidationError):  # nor does a case point into another committee
        make_case(org.worker_a, org.a, building=make_building(org.b))
    with pytest.raises(ValidationError) as error:
        make_case(org.worker_a, org.a, source=Case.Source.HOTLINE)
    assert "work_order_number" in error.value.message_dict
    assert not Case.all_objects.exists()
    assert make_case(org.worker_a, org.a, assignee=org.worker_a).assignee == org.worker_a


def test_a_sensitive_case_is_not_worked_by_those_who_may_not_see_it(org):
    case = make_case(org.secretary_a, org.a, sensitive=True)
    with pytest.raises(PermissionDenied):
        services.add_note(access=Access(org.worker_a), case=case, text="看看")
    services.add_note(access=Access(org.secretary_a), case=case, text="上门了解")
    assert _events(case) == ["created", "note"]


def test_the_staff_who_work_cases(org):
    retired = make_user("worker_a5", committee=org.a, full_name="退休的")
    retired.is_active = False
    retired.save()
    assert set(rules.case_workers([org.a.pk])) == {org.secretary_a, org.worker_a}
    assert set(rules.case_workers([org.a.pk], include_inactive=True)) == {
        org.secretary_a,
        org.worker_a,
        retired,
    }
    assert set(rules.case_workers([org.a.pk, org.b.pk])) == {org.secretary_a, org.worker_a, org.worker_b}


# --- Reopen requests: a worker asks, the secretary reopens or declines ---------------------------------


def _resolved(org, **kwargs) -> Case:
    case = make_case(org.worker_a, org.a, assignee=org.worker_a, **kwargs)
    services.transition(access=Access(org.worker_a), case=case, action=Action.RESOLVE, text="已疏通")
    return case


def _pending(case: Case) -> bool:
    return Case.all_objects.get(pk=case.pk).reopen_requested_at is not None


def test_a_worker_of_the_committee_asks_to_reopen_a_resolved_or_closed_case(org):
    other_worker = make_user("worker_a2", committee=org.a, full_name="王芳")
    resolved = _resolved(org)
    event = services.ask_reopen(access=Access(other_worker), case=resolved, text="居民说又漏水了")
    assert (event.kind, event.text, event.actor) == ("reopen_requested", "居民说又漏水了", other_worker)
    assert _pending(resolved)
    closed = _resolved(org)
    services.record_follow_up(access=Access(org.worker_a), case=closed, satisfaction="satisfied")
    services.close(access=Access(org.secretary_a), case=closed)
    services.ask_reopen(access=Access(org.worker_a), case=closed, text="又坏了")
    assert _pending(closed)
    assert Case.all_objects.get(pk=closed.pk).status == Case.Status.CLOSED  # asking changes no status


def test_asking_to_reopen_is_refused_on_an_open_case_to_a_viewer_and_outside_the_committee(org):
    open_case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    resolved = _resolved(org)
    sensitive = _resolved(org, sensitive=True, title="家庭纠纷")
    other_worker = make_user("worker_a2", committee=org.a)
    refused = [
        (org.worker_a, open_case),  # open: nothing to reopen
        (org.viewer_a, resolved),  # reads only
        (org.worker_b, resolved),  # another committee
        (other_worker, sensitive),  # may not see the case
    ]
    for user, case in refused:
        with pytest.raises(PermissionDenied):
            services.ask_reopen(access=Access(user), case=case, text="又坏了")
    assert not any(_pending(case) for _user, case in refused)
    with pytest.raises(ValidationError):
        services.ask_reopen(access=Access(org.worker_a), case=resolved, text="  ")
    assert not _pending(resolved)


def test_a_request_already_waiting_is_not_asked_twice(org):
    case = _resolved(org)
    services.ask_reopen(access=Access(org.worker_a), case=case, text="又漏水了")
    other_worker = make_user("worker_a2", committee=org.a)
    with pytest.raises(ValidationError) as error:
        services.ask_reopen(access=Access(other_worker), case=case, text="也听说了")
    assert "已有一条重新打开申请在等书记处理" in str(error.value)
    assert _events(case).count("reopen_requested") == 1


def test_reopening_answers_the_request_with_its_reason_in_one_tap(org):
    case = _resolved(org)
    services.ask_reopen(access=Access(org.worker_a), case=case, text="又漏水了")
    services.transition(access=Access(org.secretary_a), case=case, action=Action.REOPEN)  # no text typed
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS and case.reopen_requested_at is None
    assert CaseEvent.all_objects.filter(case=case).latest("pk").text == "又漏水了"
    # A case reopened by "not satisfied" at the follow-up call answers a request too.
    called = _resolved(org)
    services.ask_reopen(access=Access(org.worker_a), case=called, text="又漏水了")
    services.record_follow_up(access=Access(org.worker_a), case=called, satisfaction="not_satisfied")
    assert not _pending(called)


def test_the_secretary_declines_a_request_with_a_reason_and_only_the_secretary(org):
    case = _resolved(org)
    with pytest.raises(ValidationError):  # nothing to decline yet
        services.decline_reopen(access=Access(org.secretary_a), case=case, text="不用")
    services.ask_reopen(access=Access(org.worker_a), case=case, text="又漏水了")
    with pytest.raises(PermissionDenied):
        services.decline_reopen(access=Access(org.worker_a), case=case, text="算了")
    with pytest.raises(ValidationError):
        services.decline_reopen(access=Access(org.secretary_a), case=case, text="")
    event = services.decline_reopen(access=Access(org.secretary_a), case=case, text="是楼上漏水，另立一件")
    assert event.data == {"asked_by": org.worker_a.display_name, "asked_by_id": org.worker_a.pk}
    case.refresh_from_db()
    assert case.status == Case.Status.RESOLVED and case.reopen_requested_at is None
    services.ask_reopen(access=Access(org.worker_a), case=case, text="还是漏")  # may ask again


def test_the_case_page_shows_the_request_to_the_secretary_with_reopen_one_tap_away(org, as_user):
    case = _resolved(org)
    url = reverse("cases:detail", args=[case.pk])
    worker_page = as_user(org.worker_a).get(url, headers={"accept-language": "zh-hans"}).content.decode()
    assert "申请重新打开" in worker_page
    asked = as_user(org.worker_a).post(
        reverse("cases:act", args=[case.pk, "ask_reopen"]), {"text": "居民 13812345678 说又漏了"}
    )
    assert asked.status_code == 302
    again = as_user(org.worker_a).post(
        reverse("cases:act", args=[case.pk, "ask_reopen"]), {"text": "再问一次"}, follow=True
    )
    assert "已有一条重新打开申请在等书记处理" in again.content.decode()
    worker_page = as_user(org.worker_a).get(url).content.decode()
    assert "data-reopen-request" in worker_page and "等待书记处理。" in worker_page
    assert f'action="/cases/{case.pk}/do/ask_reopen/"' not in worker_page
    client = as_user(org.secretary_a)
    page = client.get(url, headers={"accept-language": "zh-hans"}).content.decode()
    request_part = page[page.index("data-reopen-request") :]
    assert "居民 138****5678 说又漏了" in request_part and "13812345678" not in page
    assert request_part.index("重新打开申请") < request_part.index("重新打开事项")  # the reopen button
    assert f'action="/cases/{case.pk}/do/reopen/"' in request_part
    assert f'action="/cases/{case.pk}/do/decline_reopen/"' in request_part
    # The one tap: the form as the page drew it (its version), no reason typed.
    version = re.search(r'do/reopen/".*?name="version" value="(\d+)"', request_part, re.S)[1]
    client.post(reverse("cases:act", args=[case.pk, "reopen"]), {"version": version})
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS and case.reopen_requested_at is None
