"""What notifies whom: each case action's event tells the people it concerns, never its actor, and
never tells anyone what their pages would not show them (a sensitive case's title, a full number)."""

import pytest
from django.tasks import TaskResultStatus
from django.utils import translation

from cases import events, services
from cases.models import Case, CaseEvent, OutsideBody
from cases.rules import Action
from committee.access import acting_as
from committee.roles import Role
from committee.scoping import unscoped
from notifications.models import Notification
from notifications.services import notify_for_event
from notifications.tasks import notify_for_event_task
from tests.factories import make_case, make_user

K = Notification.Kind


def last_event(case: Case) -> CaseEvent:
    return CaseEvent.all_objects.filter(case=case).latest("pk")


def inbox(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user).order_by("pk"))


def read(notification: Notification, language: str = "zh-hans") -> str:
    with translation.override(language):
        return notification.sentence


@pytest.fixture
def worker_a2(org):
    return make_user("worker_a2", committee=org.a, role=Role.WORKER, full_name="王芳")


def test_assigning_tells_the_new_assignee_with_a_link(org):
    case = make_case(org.secretary_a, org.a, title="楼道堆物")
    with acting_as(org.secretary_a) as secretary:
        services.assign(access=secretary, case=case, assignee=org.worker_a)
    told = notify_for_event(last_event(case))
    assert [n.recipient for n in told] == [org.worker_a]
    (n,) = inbox(org.worker_a)
    assert n.kind == K.ASSIGNED
    assert n.url == f"/cases/{case.pk}/"
    assert read(n) == f"周勤把事项 {case.number} 楼道堆物 派给了您。"
    assert read(n, "en") == f"周勤 assigned case {case.number} 楼道堆物 to you."
    assert inbox(org.secretary_a) == []  # the actor is not told what they did


def test_a_case_logged_for_someone_tells_them_as_an_assignment(org):
    """The secretary logs a case with 承办人 李敏: it is 李敏's, in progress, and 李敏 is told, as
    when it is assigned afterwards. Whoever logs a case for themselves, or for nobody, is not told."""
    case = make_case(org.secretary_a, org.a, title="楼道堆物", assignee=org.worker_a)
    assert case.status == Case.Status.IN_PROGRESS
    told = notify_for_event(last_event(case))
    assert [(n.recipient, n.kind) for n in told] == [(org.worker_a, K.ASSIGNED)]
    assert read(told[0]) == f"周勤把事项 {case.number} 楼道堆物 派给了您。"
    mine = make_case(org.worker_a, org.a, title="路灯不亮", assignee=org.worker_a)
    nobodys = make_case(org.worker_a, org.a, title="井盖松动")
    assert notify_for_event(last_event(mine)) == notify_for_event(last_event(nobodys)) == []
    assert inbox(org.secretary_a) == []


def test_a_sensitive_case_taken_from_someone_no_longer_names_it_to_them(org, worker_a2):
    case = make_case(org.secretary_a, org.a, title="家庭纠纷 张某", sensitive=True, assignee=org.worker_a)
    with acting_as(org.secretary_a) as secretary:
        services.assign(access=secretary, case=case, assignee=worker_a2)
    notify_for_event(last_event(case))
    (new,) = inbox(worker_a2)
    assert "家庭纠纷" in read(new) and new.url
    (taken,) = inbox(org.worker_a)
    assert taken.kind == K.TAKEN_FROM
    # worker_a no longer sees the sensitive case: its number only, no title, no link to a 404.
    for language in ("zh-hans", "en"):
        assert "家庭纠纷" not in read(taken, language) and "张某" not in read(taken, language)
    assert case.category.name not in read(taken) and "家庭纠纷" not in str(taken.params)
    assert taken.url == ""
    assert case.number in read(taken) and "王芳" in read(taken)


def test_a_reply_on_a_sensitive_case_does_not_reach_a_sender_who_no_longer_sees_it(org, worker_a2):
    # worker_a referred the case while it was theirs; it went to worker_a2, who records the reply.
    case = make_case(org.secretary_a, org.a, title="家庭纠纷 张某", sensitive=True, assignee=org.worker_a)
    with unscoped():
        body = OutsideBody.objects.first()
    with acting_as(org.worker_a) as access:
        referral = services.refer(access=access, case=case, body=body)
    with acting_as(org.secretary_a) as secretary:
        services.assign(access=secretary, case=case, assignee=worker_a2)
    with acting_as(worker_a2) as access:
        services.record_reply(access=access, referral=referral, reply="张某患精神疾病，已转介")
    (n,) = notify_for_event(last_event(case))
    assert n.recipient == org.worker_a and n.kind == K.REPLY
    for language in ("zh-hans", "en"):
        assert "精神疾病" not in read(n, language) and "张某" not in read(n, language)
        assert case.number in read(n, language)
    assert "精神疾病" not in str(n.params) and n.url == ""


def test_taking_an_unassigned_case_tells_nobody(org, worker_a2):
    case = make_case(org.secretary_a, org.a)
    with acting_as(worker_a2) as access:
        services.take(access=access, case=case)
    assert notify_for_event(last_event(case)) == []


def test_reopening_tells_the_assignee_and_whoever_logged_it_with_numbers_masked(org, worker_a2):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    with acting_as(org.secretary_a) as secretary:
        services.assign(access=secretary, case=case, assignee=worker_a2)
        services.transition(access=secretary, case=case, action=Action.RESOLVE, text="已处理")
        services.transition(
            access=secretary, case=case, action=Action.REOPEN, text="居民来电 13812345678 说没修好"
        )
    told = notify_for_event(last_event(case))
    assert {n.recipient for n in told} == {org.worker_a, worker_a2}
    for n in told:
        assert n.kind == K.REOPENED
        assert "13812345678" not in read(n) and "138****5678" in read(n)


def test_not_satisfied_at_the_follow_up_call_tells_assignee_and_logger(org, worker_a2):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    with acting_as(org.secretary_a) as secretary:
        services.assign(access=secretary, case=case, assignee=worker_a2)
        services.transition(access=secretary, case=case, action=Action.RESOLVE, text="已处理")
        services.record_follow_up(access=secretary, case=case, satisfaction="not_satisfied")
    told = notify_for_event(last_event(case))
    assert {n.recipient for n in told} == {org.worker_a, worker_a2}
    assert {n.kind for n in told} == {K.NOT_SATISFIED}


def test_a_satisfied_follow_up_tells_nobody(org):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    with acting_as(org.secretary_a) as secretary:
        services.transition(access=secretary, case=case, action=Action.RESOLVE, text="已处理")
        services.record_follow_up(access=secretary, case=case, satisfaction="satisfied")
    assert notify_for_event(last_event(case)) == []


def test_a_reply_recorded_tells_whoever_sent_the_referral_and_the_assignee(org, worker_a2):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    with unscoped():
        body = OutsideBody.objects.first()
    with acting_as(org.worker_a) as worker:
        referral = services.refer(access=worker, case=case, body=body)  # sent and answered today
    with acting_as(org.secretary_a) as secretary:
        services.assign(access=secretary, case=case, assignee=worker_a2)
        services.record_reply(access=secretary, referral=referral, reply="已派人疏通")
    told = notify_for_event(last_event(case))
    assert {n.recipient for n in told} == {org.worker_a, worker_a2}
    assert body.name in read(told[0])
    assert body.name_en in read(told[0], "en")


def test_nobody_outside_the_committee_is_ever_told(org):
    case = make_case(org.secretary_a, org.a, assignee=org.worker_a)
    with acting_as(org.secretary_a) as secretary:
        services.transition(access=secretary, case=case, action=Action.RESOLVE, text="已处理")
        services.transition(access=secretary, case=case, action=Action.REOPEN, text="重开")
    notify_for_event(last_event(case))
    for name in ("worker_b", "officer", "viewer_a", "superuser"):
        assert inbox(getattr(org, name)) == []


def test_telling_twice_tells_once(org):
    case = make_case(org.secretary_a, org.a)
    with acting_as(org.secretary_a) as secretary:
        services.assign(access=secretary, case=case, assignee=org.worker_a)
    notify_for_event(last_event(case))
    notify_for_event(last_event(case))
    assert len(inbox(org.worker_a)) == 1


def test_the_task_tells_the_same_when_a_worker_runs_it(org, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    case = make_case(org.secretary_a, org.a)
    with acting_as(org.secretary_a) as secretary:
        services.assign(access=secretary, case=case, assignee=org.worker_a)
    result = notify_for_event_task.enqueue(last_event(case).pk)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 1
    assert [n.kind for n in inbox(org.worker_a)] == [K.ASSIGNED]


def test_the_hook_queues_the_task_once_the_action_commits(org, settings, django_capture_on_commit_callbacks):
    """Every case action's event (cases.events.record) queues the task: nothing until the commit, then
    the task runs and the assignee is told."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    case = make_case(org.secretary_a, org.a)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with acting_as(org.secretary_a) as secretary:
            services.assign(access=secretary, case=case, assignee=org.worker_a)
        assert inbox(org.worker_a) == []
    assert len(callbacks) == 1
    assert [n.kind for n in inbox(org.worker_a)] == [K.ASSIGNED]


def test_every_action_tells_through_the_hook_not_only_assignment(
    org, worker_a2, settings, django_capture_on_commit_callbacks
):
    """The services stamp the case with the time they record (resolved_at, replied_on…): the event
    still tells its people. (They used to tell nobody: an `at` meant "history" to the hook.)"""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    case = make_case(org.worker_a, org.a, title="地漏返水", assignee=org.worker_a)
    body = OutsideBody.objects.first()
    with django_capture_on_commit_callbacks(execute=True), acting_as(org.worker_a) as worker:
        referral = services.refer(access=worker, case=case, body=body, text="请排查")
        services.record_reply(access=worker, referral=referral, reply="已安排")
        services.transition(access=worker, case=case, action=Action.RESOLVE, text="已疏通")
    with django_capture_on_commit_callbacks(execute=True), acting_as(worker_a2) as asker:
        services.ask_reopen(access=asker, case=case, text="居民说又返水了")
    assert [n.kind for n in inbox(org.secretary_a)] == [K.REOPEN_REQUESTED]
    with django_capture_on_commit_callbacks(execute=True), acting_as(org.secretary_a) as secretary:
        services.transition(access=secretary, case=case, action=Action.REOPEN)
    assert K.REOPENED in [n.kind for n in inbox(org.worker_a)]
    assert K.REOPENED in [n.kind for n in inbox(worker_a2)]  # the asker hears the answer


def test_the_demo_history_tells_nobody(org, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    case = make_case(org.secretary_a, org.a)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        events.history(),
        acting_as(org.secretary_a) as sec,
    ):
        services.assign(access=sec, case=case, assignee=org.worker_a)
    assert callbacks == [] and inbox(org.worker_a) == []


def test_a_request_to_reopen_tells_the_secretary_masked_and_the_answer_tells_the_asker(org, worker_a2):
    case = make_case(org.worker_a, org.a, title="地漏返水", assignee=org.worker_a)
    with acting_as(org.worker_a) as worker:
        services.transition(access=worker, case=case, action=Action.RESOLVE, text="已疏通")
    with acting_as(worker_a2) as asker:
        services.ask_reopen(access=asker, case=case, text="居民 13812345678 说又返水了")
    told = notify_for_event(last_event(case))
    # The secretary (every manager of the committee), not the asker, not the other workers.
    assert [n.recipient for n in told] == [org.secretary_a]
    (n,) = told
    assert n.kind == K.REOPEN_REQUESTED and n.url == f"/cases/{case.pk}/"
    assert read(n) == f"王芳申请重新打开事项 {case.number} 地漏返水。 居民 138****5678 说又返水了"
    assert read(n, "en").startswith(f"王芳 asks to reopen case {case.number} 地漏返水.")
    assert inbox(org.worker_a) == [] and inbox(org.viewer_a) == [] and inbox(org.worker_b) == []

    with acting_as(org.secretary_a) as secretary:
        services.decline_reopen(access=secretary, case=case, text="楼上漏水，另立一件")
    (n,) = notify_for_event(last_event(case))
    assert n.recipient == worker_a2 and n.kind == K.REOPEN_DECLINED
    assert read(n) == f"周勤未同意您重新打开事项 {case.number} 地漏返水 的申请。 楼上漏水，另立一件"

    # Asked again and reopened: the asker is told with the assignee and whoever logged it.
    with acting_as(worker_a2) as asker:
        services.ask_reopen(access=asker, case=case, text="还是返水")
    with acting_as(org.secretary_a) as secretary:
        services.transition(access=secretary, case=case, action=Action.REOPEN)
    told = notify_for_event(last_event(case))
    assert {n.recipient for n in told} == {org.worker_a, worker_a2}
    assert {n.kind for n in told} == {K.REOPENED}


def test_a_request_to_reopen_a_sensitive_case_names_it_only_to_those_who_see_it(org):
    case = make_case(org.worker_a, org.a, title="家庭纠纷 张某", sensitive=True, assignee=org.worker_a)
    with acting_as(org.worker_a) as worker:
        services.transition(access=worker, case=case, action=Action.RESOLVE, text="已调解")
        services.ask_reopen(access=worker, case=case, text="又吵起来了")
    (n,) = notify_for_event(last_event(case))
    assert n.recipient == org.secretary_a and "家庭纠纷" in read(n)  # the secretary sees every case
    # The assignee sees their case; a manager who could not see it (none today) would read it hidden.
    from notifications.services import tell

    hidden = tell(org.viewer_a, K.REOPEN_REQUESTED, "test:hidden", case=case, by="李敏")
    assert "家庭纠纷" not in read(hidden) and "敏感事项" in read(hidden)


def test_a_satisfied_call_while_a_request_waits_still_lets_the_asker_hear_the_reopening(org, worker_a2):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    with acting_as(org.worker_a) as worker:
        services.transition(access=worker, case=case, action=Action.RESOLVE, text="已疏通")
    with acting_as(worker_a2) as asker:
        services.ask_reopen(access=asker, case=case, text="楼上又漏了")
    with acting_as(org.secretary_a) as secretary:
        services.record_follow_up(access=secretary, case=case, satisfaction="satisfied")
        services.transition(access=secretary, case=case, action=Action.REOPEN)
    assert worker_a2 in [n.recipient for n in notify_for_event(last_event(case))]


def test_a_case_closed_as_a_duplicate_tells_the_kept_cases_assignee_not_its_actor(org):
    """Another case closed as a duplicate of theirs (its reporters joined their case): the assignee
    of the case kept is told, as of the other case events; the secretary who did it is not, nor is
    the assignee of the case closed (their case's own event tells nobody)."""
    kept = make_case(org.worker_a, org.a, title="楼道积水", assignee=org.worker_a)
    closed = make_case(org.secretary_a, org.a, title="楼道又积水")
    with acting_as(org.secretary_a) as secretary:
        services.mark_duplicate(access=secretary, case=closed, of=kept)
    event = last_event(kept)
    assert event.kind == CaseEvent.Kind.DUPLICATE_JOINED
    told = notify_for_event(event)
    assert [(n.recipient, n.kind) for n in told] == [(org.worker_a, K.DUPLICATE_JOINED)]
    (n,) = told
    assert n.url == f"/cases/{kept.pk}/"
    assert read(n) == f"周勤把事项 {closed.number} 作为重复件并入了您的事项 {kept.number} 楼道积水。"
    assert read(n, "en") == (
        f"周勤 closed case {closed.number} as a duplicate of your case {kept.number} 楼道积水."
    )
    assert inbox(org.secretary_a) == []

    # The assignee closing another case into their own is not told what they did.
    mine = make_case(org.secretary_a, org.a, title="路灯不亮", assignee=org.secretary_a)
    again = make_case(org.secretary_a, org.a, title="路灯又不亮")
    with acting_as(org.secretary_a) as secretary:
        services.mark_duplicate(access=secretary, case=again, of=mine)
    assert notify_for_event(last_event(mine)) == [] and inbox(org.secretary_a) == []
