"""Whoever logged a case corrects it (修改事项) while it is new and nobody has it: the intake tells
them to move a phone number typed into the details to the resident's record, and a worker who left
the case for the secretary was offered only 认领 and 添加备注, with no way to do so or to fix a typo
in the title (review 3, finding 6). Once someone has it, it is theirs (and the secretary's) to edit;
a worker who no longer works the committee's cases corrects nothing."""

import pytest
from django.urls import reverse
from django.utils import translation

from cases import rules, services
from cases.models import Case
from cases.rules import Action
from committee.access import Access
from committee.models import Membership
from committee.roles import Role
from tests.cases.page_text import text_of
from tests.cases.test_repeated_submits import _form
from tests.factories import make_case, make_user

PHONE = "13912345678"


@pytest.fixture(autouse=True)
def _in_chinese():
    with translation.override("zh-hans"):
        yield


def _logged(org) -> Case:
    """Logged by worker A and left for the secretary, a phone typed into its details."""
    case = make_case(org.worker_a, org.a, title="楼道灯不量", description=f"联系电话 {PHONE}")
    assert (case.status, case.assignee_id) == (Case.Status.NEW, None)
    return case


def test_who_logged_a_new_unassigned_case_may_edit_it(org):
    case = _logged(org)
    other = make_user("worker_a2", committee=org.a, role=Role.WORKER)
    assert rules.can(Access(org.worker_a), case, Action.EDIT)
    assert rules.can(Access(org.secretary_a), case, Action.EDIT)
    assert not rules.can(Access(other), case, Action.EDIT)  # another worker: takes it first
    assert not rules.can(Access(org.viewer_a), case, Action.EDIT)
    assert not rules.can(Access(org.worker_b), case, Action.EDIT)


def test_not_once_someone_has_it(org):
    case = _logged(org)
    other = make_user("worker_a2", committee=org.a, role=Role.WORKER)
    services.take(access=Access(other), case=case)
    case.refresh_from_db()
    assert not rules.can(Access(org.worker_a), case, Action.EDIT)
    assert rules.can(Access(other), case, Action.EDIT)


def test_not_once_they_no_longer_work_the_committees_cases(org):
    case = _logged(org)
    Membership.objects.filter(user=org.worker_a, committee=org.a).update(role=Role.VIEWER)
    assert not rules.can(Access(org.worker_a), case, Action.EDIT)


def test_the_case_page_offers_them_the_edit_and_it_saves(org, as_user):
    case = _logged(org)
    client = as_user(org.worker_a)
    page = client.get(reverse("cases:detail", args=[case.pk])).text
    assert "修改事项" in text_of(page)
    url = reverse("cases:edit", args=[case.pk])
    data = _form(page, url)
    assert data["description"] == [f"联系电话 {PHONE}"]  # as typed, to who may edit it
    data |= {"title": ["楼道灯不亮"], "description": ["三楼楼道灯不亮，居民号码已登记到居民档案。"]}
    assert client.post(url, data).status_code == 302
    case.refresh_from_db()
    assert (case.title, PHONE in case.description) == ("楼道灯不亮", False)
    assert (case.status, case.assignee_id) == (Case.Status.NEW, None)  # still the secretary's to assign


def test_another_workers_page_does_not_offer_it(org, as_user):
    case = _logged(org)
    other = make_user("worker_a2", committee=org.a, role=Role.WORKER)
    page = as_user(other).get(reverse("cases:detail", args=[case.pk])).text
    assert "修改事项" not in text_of(page)
    url = reverse("cases:edit", args=[case.pk])
    data = _form(as_user(org.worker_a).get(reverse("cases:detail", args=[case.pk])).text, url)
    assert as_user(other).post(url, data | {"title": ["改了"]}).status_code == 403
