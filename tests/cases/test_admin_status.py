"""A case's status corrected in the admin keeps to the case's life (cases/rules.py): the moves the
app's actions make, each with what it needs (a resolution, how it was closed, the follow-up's
satisfaction, the case it duplicates). The admin set any status: a new case went straight to
"closed", with no resolution, no closing time and no word of how it was closed. A move refused
saves nothing and says, in words, where the case may go."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseEvent, FollowUp
from cases.rules import moves
from tests.cases.page_text import text_of
from tests.conftest import copy_of_the_module, rows_of_the_module
from tests.factories import admin_form_data, make_case

S, C = Case.Status, Case.Closure
WHY = "居民说又堵了"  # a reopening in the admin gives its reason (test_admin_reopen_reason.py)


def _make_case(org):
    return make_case(org.secretary_a, org.a, title="楼道积水")


@pytest.fixture(scope="module")
def _case_of_the_module(request, _org_of_the_module, django_db_blocker):
    yield from rows_of_the_module(request, _org_of_the_module, django_db_blocker, "case", _make_case)


@pytest.fixture
def case(_case_of_the_module, org):
    """_make_case's rows, written once for the module's tests (tests/conftest.py, rows_of_the_module)."""
    return copy_of_the_module(_case_of_the_module, _make_case, org)


def _post(client, case, **changes):
    url = reverse("admin:cases_case_change", args=[case.pk])
    data = admin_form_data(client.get(url).text)
    return client.post(url, {**data, **{k: [v] for k, v in changes.items()}})


def _set(case, **fields) -> Case:
    Case.all_objects.filter(pk=case.pk).update(**fields)
    case.refresh_from_db()
    return case


def test_the_moves_are_the_apps_actions():
    assert moves(S.NEW) == {
        S.IN_PROGRESS: set(),
        S.WAITING: set(),
        S.RESOLVED: set(),
        S.CLOSED: {C.WITHDRAWN, C.DUPLICATE},
    }
    assert moves(S.RESOLVED) == {S.CLOSED: {C.FOLLOWED_UP}, S.IN_PROGRESS: set()}
    assert moves(S.CLOSED) == {S.IN_PROGRESS: set()}


def test_a_new_case_cannot_be_closed_as_followed_up_or_without_saying_how(org, case, as_user):
    client = as_user(org.superuser)
    for closure in ("", C.FOLLOWED_UP):
        response = _post(client, case, status=S.CLOSED, closure=closure)
        assert response.status_code == 200
        said = "从“新登记”结案只能是居民撤回或重复：办好的事项先办结，回访后再结案。"
        assert said in text_of(response.text)
    case.refresh_from_db()
    assert (case.status, case.closure, case.closed_at, case.version) == (S.NEW, "", None, 1)
    assert not CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.STATUS).exists()


def test_a_move_outside_the_case_life_names_where_the_case_may_go(org, case, as_user):
    _set(case, status=S.IN_PROGRESS)
    response = _post(as_user(org.superuser), case, status=S.NEW)
    assert response.status_code == 200
    assert "事项不能从“办理中”改为“新登记”：“办理中”之后只能是等待中、已办结、已结案。" in text_of(
        response.text
    )
    case.refresh_from_db()
    assert case.status == S.IN_PROGRESS


def test_a_case_withdrawn_in_the_admin_is_closed_now_and_on_the_timeline(org, case, as_user):
    assert _post(as_user(org.superuser), case, status=S.CLOSED, closure=C.WITHDRAWN).status_code == 302
    case.refresh_from_db()
    assert (case.status, case.closure) == (S.CLOSED, C.WITHDRAWN)
    assert timezone.localdate(case.closed_at) == timezone.localdate()  # the time of the move, as in the app
    event = CaseEvent.all_objects.get(case=case, kind=CaseEvent.Kind.STATUS)
    assert event.data["corrected"] is True


def test_a_duplicate_names_the_case_it_duplicates(org, case, as_user):
    response = _post(as_user(org.superuser), case, status=S.CLOSED, closure=C.DUPLICATE)
    assert response.status_code == 200 and "请选择与之重复的事项。" in text_of(response.text)
    other = make_case(org.secretary_a, org.a, title="楼道积水（重复）")
    response = _post(
        as_user(org.superuser), case, status=S.CLOSED, closure=C.DUPLICATE, duplicate_of=str(other.pk)
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.duplicate_of) == (S.CLOSED, other)


def test_a_case_resolved_in_the_admin_says_what_was_done(org, case, as_user):
    client = as_user(org.superuser)
    response = _post(client, case, status=S.RESOLVED)
    assert response.status_code == 200 and "请填写办结情况：已办结的事项要写明做了什么。" in text_of(
        response.text
    )
    assert _post(client, case, status=S.RESOLVED, resolution="疏通了地漏").status_code == 302
    case.refresh_from_db()
    assert (case.status, case.resolution) == (S.RESOLVED, "疏通了地漏") and case.resolved_at is not None


def test_a_resolved_case_is_closed_once_followed_up(org, case, as_user):
    _set(case, status=S.RESOLVED, resolution="疏通了地漏", resolved_at=timezone.now())
    client = as_user(org.superuser)
    response = _post(client, case, status=S.CLOSED, closure=C.FOLLOWED_UP)
    assert response.status_code == 200 and "回访后才能以“已回访”结案：请填写满意度。" in text_of(
        response.text
    )
    response = _post(client, case, status=S.CLOSED, closure=C.WITHDRAWN, satisfaction="satisfied")
    assert response.status_code == 200 and "从“已办结”结案只能是已回访。" in text_of(response.text)
    assert (
        _post(client, case, status=S.CLOSED, closure=C.FOLLOWED_UP, satisfaction="satisfied").status_code
        == 302
    )
    case.refresh_from_db()
    assert (case.status, case.closure, case.satisfaction) == (S.CLOSED, C.FOLLOWED_UP, "satisfied")


def test_a_case_reopened_in_the_admin_loses_its_closing_as_in_the_app(org, case, as_user):
    now = timezone.now()
    _set(case, status=S.CLOSED, closure=C.WITHDRAWN, closed_at=now, resolved_at=now, resolution="撤回")
    assert _post(as_user(org.superuser), case, status=S.IN_PROGRESS, reopen_reason=WHY).status_code == 302
    case.refresh_from_db()
    assert (case.status, case.closure, case.closed_at, case.resolved_at) == (S.IN_PROGRESS, "", None, None)


def test_an_open_case_has_no_closing(org, case, as_user):
    response = _post(as_user(org.superuser), case, closure=C.WITHDRAWN)
    assert response.status_code == 200 and "只有已结案的事项才有结案方式，请留空。" in text_of(response.text)
    case.refresh_from_db()
    assert case.closure == ""


def test_corrections_that_leave_the_status_alone_still_save(org, case, as_user):
    """A case closed before the rule, however it was closed, is still correctable."""
    _set(case, status=S.CLOSED, closure="")
    assert _post(as_user(org.superuser), case, title="楼道积水（二楼）").status_code == 302
    case.refresh_from_db()
    assert case.title == "楼道积水（二楼）"


def test_a_case_reopened_in_the_admin_waits_for_a_call_of_its_own_as_in_the_app(org, case, as_user):
    """As services.transition REOPEN: the last call's answer was this resolution's; once reopened, the
    next resolution is called back again (the case page's call form, the list's follow_up=due, and
    no closing before it), while the dashboards keep the last call's answer (last_call_result)."""
    now = timezone.now()
    day = timezone.localdate()
    _set(
        case,
        status=S.CLOSED,
        closure=C.FOLLOWED_UP,
        closed_at=now,
        resolved_at=now,
        resolution="疏通了地漏",
        satisfaction="mostly",
        last_called_on=day,
        last_call_result="mostly",
    )
    FollowUp.all_objects.create(
        case=case, committee=case.committee, called_on=day, called_by=org.secretary_a, satisfaction="mostly"
    )
    assert _post(as_user(org.superuser), case, status=S.IN_PROGRESS, reopen_reason=WHY).status_code == 302
    case.refresh_from_db()
    assert (case.status, case.satisfaction) == (S.IN_PROGRESS, "")
    assert (case.last_called_on, case.last_call_result) == (day, "mostly")
