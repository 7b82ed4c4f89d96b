"""The dashboard's workload (each worker's open, overdue and resolved cases) opens, for every row, the
case list of exactly the cases it counts: also for someone who no longer works cases in the
committee (moved to another, made a viewer) and still holds cases there."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.rules import Action
from committee.access import Access
from committee.models import Membership
from committee.roles import Role
from tests.conftest import copy_of_the_module, rows_of_the_module
from tests.factories import logged_on, make_case, make_user, select_html

DAY = dt.timedelta(days=1)


def _rows(client, committee) -> dict[str, dict]:
    response = client.get(reverse("dashboard_committee", args=[committee.pk]))
    return {row["name"]: row for row in response.context["workload"]}


def _listed(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


def _make_workloads(org):
    """Two workers of committee A with overdue and open cases, and the secretary with one."""
    past = logged_on(timezone.localdate() - 40 * DAY)  # ten working days: overdue long since
    second = make_user("worker_a2", committee=org.a, role=Role.WORKER, full_name="王芳")
    secretary = Access(org.secretary_a)
    for assignee, overdue, open_ in ((org.worker_a, 2, 1), (second, 3, 2), (org.secretary_a, 1, 0)):
        for n in range(overdue + open_):
            at = past if n < overdue else None
            case = make_case(org.secretary_a, org.a, title=f"事项{n}", at=at)
            services.assign(access=secretary, case=case, assignee=assignee)
    resolved = make_case(org.secretary_a, org.a, title="已办", assignee=second)
    services.transition(access=Access(second), case=resolved, action=Action.RESOLVE, text="已处理")
    return second


@pytest.fixture(scope="module")
def _workloads_of_the_module(request, _org_of_the_module, django_db_blocker):
    yield from rows_of_the_module(
        request, _org_of_the_module, django_db_blocker, "workloads", _make_workloads
    )


@pytest.fixture
def workloads(_workloads_of_the_module, org):
    """_make_workloads's rows, written once for the module's tests (tests/conftest.py, rows_of_the_module)."""
    return copy_of_the_module(_workloads_of_the_module, _make_workloads, org)


@pytest.mark.parametrize("persona", ["secretary_a", "officer"])
def test_each_worker_s_figures_open_a_list_of_as_many_cases(org, as_user, workloads, persona):
    client = as_user(getattr(org, persona))
    rows = _rows(client, org.a)
    assert (rows["李敏"]["overdue"], rows["王芳"]["overdue"], rows["周勤"]["overdue"]) == (2, 3, 1)
    for row in rows.values():
        for figure in ("open", "overdue", "resolved"):
            assert _listed(client, row[f"{figure}_url"]) == row[figure], (row["name"], figure)


@pytest.mark.parametrize("change", ["moved", "made_viewer", "deactivated"])
def test_someone_who_no_longer_works_cases_here_keeps_a_list_of_their_own(org, as_user, workloads, change):
    second = workloads
    if change == "moved":  # moved to committee B: their cases in A stay theirs until reassigned
        Membership.objects.filter(user=second, committee=org.a).update(committee=org.b)
    elif change == "made_viewer":
        Membership.objects.filter(user=second, committee=org.a).update(role=Role.VIEWER)
    else:
        second.is_active = False
        second.save(update_fields=["is_active"])
    client = as_user(org.secretary_a)
    row = _rows(client, org.a)["王芳"]
    assert (row["open"], row["overdue"]) == (5, 3)
    assert _listed(client, row["overdue_url"]) == 3  # theirs, not every overdue case of the committee
    assert _listed(client, row["open_url"]) == 5
    # The filter says whose they are: their name chosen in the assignee's select.
    select = select_html(client.get(row["overdue_url"]).text, "assignee")
    assert f'<option value="{second.pk}" selected>王芳</option>' in select


def test_a_name_is_no_choice_for_whoever_holds_no_case_the_reader_sees(org, as_user, workloads):
    """Someone of another committee, with no case here: the filter is not theirs to name."""
    stranger = make_user("worker_c", committee=org.c, role=Role.WORKER, full_name="外人")
    client = as_user(org.secretary_a)
    page = client.get(reverse("cases:list"), {"assignee": stranger.pk}).text
    assert "外人" not in page
