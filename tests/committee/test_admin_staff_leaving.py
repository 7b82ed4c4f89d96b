"""A member of staff taken out of a committee's work in the admin (deactivated, or their role
removed) holds open cases and a grid: the admin says so before saving and saves only once told to
hand the work back; then their open cases are unassigned, among the secretary's to assign, their
grid has no worker, and the secretary is told (review 9, item 7: 23 cases and 76 roster residents
were left with nobody, telling no one)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import Case, CaseEvent
from committee.models import Membership, User
from committee.scoping import unscoped
from notifications.models import Notification
from residents.models import Building, Grid
from tests.factories import make_case, make_resident
from tests.test_admin_integrity import _Form

ZH = {"Accept-Language": "zh-hans"}
EN = {"Accept-Language": "en"}


@pytest.fixture
def held(org):
    """李敏 (worker_a) holds two open cases (one overdue), one resolved, and 第2网格 with one resident
    on the care roster."""
    cases = [make_case(org.worker_a, org.a, title=t, assignee=org.worker_a) for t in ("楼道积水", "路灯")]
    done = make_case(org.worker_a, org.a, title="已办", assignee=org.worker_a)
    resident = make_resident(org.a, "王阿姨", categories=["elderly_alone"])
    with unscoped():
        Case.objects.filter(pk=done.pk).update(status=Case.Status.RESOLVED)
        Case.objects.filter(pk=cases[0].pk).update(due_date=timezone.localdate() - dt.timedelta(days=3))
        grid = Grid.objects.create(committee=org.a, name="第2网格", worker=org.worker_a)
        Building.objects.filter(pk=resident.household.building_id).update(grid=grid)
    return cases, done, grid


def _post(client, user, headers, **changes):
    """The user's change form posted as drawn, without the keys set to None, with the others."""
    url = reverse("admin:committee_user_change", args=[user.pk])
    form = _Form()
    form.feed(client.get(url, headers=headers).text)
    data = {key: values if len(values) > 1 else values[0] for key, values in form.data.items()}
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    data["_save"] = "save"
    return client.post(url, data, headers=headers)


def test_deactivating_a_worker_who_holds_work_asks_first_then_hands_it_back(org, as_user, held):
    cases, done, grid = held
    client = as_user(org.superuser)
    refused = _post(client, org.worker_a, ZH, is_active=None)
    assert refused.status_code == 200
    assert "李敏在定海居民区有 2 件未结事项（其中 1 件逾期）。" in refused.text
    assert "其同时是第2网格的网格员（关爱名册上 1 位居民）。" in refused.text
    assert "“移交其工作”" in refused.text
    assert User.objects.get(pk=org.worker_a.pk).is_active  # nothing saved
    with unscoped():
        assert Case.objects.filter(assignee=org.worker_a, status__in=Case.OPEN_STATUSES).count() == 2

    saved = _post(client, org.worker_a, ZH, is_active=None, hand_back="on")
    assert saved.status_code == 302
    page = client.get(saved.url, headers=ZH).text
    assert "李敏在定海居民区的 2 件未结事项已改为未分派，并已通知该居委会书记。" in page
    assert not User.objects.get(pk=org.worker_a.pk).is_active
    with unscoped():
        assert not Case.objects.filter(assignee=org.worker_a, status__in=Case.OPEN_STATUSES).exists()
        assert Case.objects.get(pk=done.pk).assignee_id == org.worker_a.pk  # closed work keeps its name
        assert Grid.objects.get(pk=grid.pk).worker_id is None
        event = CaseEvent.objects.filter(case=cases[0], kind=CaseEvent.Kind.ASSIGNED).latest("pk")
    timeline = as_user(org.secretary_a).get(reverse("cases:detail", args=[cases[0].pk]), headers=ZH).text
    assert "在管理后台取消分派：李敏已不再承办本居委会的事项，请重新分派。" in timeline
    assert event.actor_id == org.superuser.pk

    # The secretary: told, and the cases among the unassigned on the home page.
    told = Notification.objects.get(recipient=org.secretary_a, kind=Notification.Kind.STAFF_LEFT)
    with translation.override("zh-hans"):
        assert told.sentence.startswith("李敏已不再承办定海居民区的事项（在管理后台更改）：其 2 件未结事项")
        assert "第2网格现在没有网格员" in told.sentence
    with translation.override("en"):
        assert told.sentence.startswith("李敏 no longer works cases at 定海居民区 (changed in the admin)")
    assert told.url == f"{reverse('cases:list')}?status=open&assignee=none"
    home = as_user(org.secretary_a).get(reverse("home"), headers=ZH).text
    assert 'data-figure="unassigned"><span class="figure num">2</span>' in home


def test_removing_a_workers_role_asks_first_in_english_too(org, as_user, held):
    client = as_user(org.superuser)
    refused = _post(client, org.worker_a, EN, **{"memberships-0-DELETE": "on"})
    assert refused.status_code == 200
    assert "李敏 holds 2 open cases at 定海居民区 (1 overdue)." in refused.text
    assert "tick “Hand back their work” above" in refused.text
    assert Membership.objects.filter(user=org.worker_a).exists()
    saved = _post(client, org.worker_a, EN, **{"memberships-0-DELETE": "on", "hand_back": "on"})
    assert saved.status_code == 302
    assert User.objects.get(pk=org.worker_a.pk).is_active  # the account stays; the role is gone
    with unscoped():
        assert not Case.objects.filter(assignee=org.worker_a, status__in=Case.OPEN_STATUSES).exists()


def test_a_worker_who_holds_nothing_is_deactivated_at_once(org, as_user):
    response = _post(as_user(org.superuser), org.worker_a, ZH, is_active=None)
    assert response.status_code == 302
    assert not User.objects.get(pk=org.worker_a.pk).is_active
    assert not Notification.objects.filter(kind=Notification.Kind.STAFF_LEFT).exists()
