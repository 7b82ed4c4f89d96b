"""The visit form carries a one-time token ({% form_token %}, as the case page's forms): saved, Back
and save again records the visit once and says it was saved already (review 7, finding 6). A form
drawn afresh is a new visit."""

import re

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from residents.models import Visit
from tests.factories import make_building, make_household, make_resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def zhou(org):
    return make_resident(make_household(make_building(org.a, "12"), "302"), "周勤")


def _drawn(client, url: str) -> dict:
    page = client.get(url).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page)
    assert token, "the visit form has no one-time token"
    when = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    return {"token": token.group(1), "visited_at": when, "method": "home", "findings": "第二次走访测试"}


def test_the_same_visit_form_sent_twice_is_saved_once_and_says_so(org, as_user, zhou):
    client = as_user(org.worker_a)
    url = reverse("residents:visit_new", args=[zhou.pk])
    data = _drawn(client, url) | {"_draft": f"visit-{zhou.pk}"}
    assert client.post(url, data).status_code == 302
    with translation.override("zh-hans"):
        again = client.post(url, data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert again.status_code == 302
    said = [(str(m), m.tags) for m in get_messages(again.wsgi_request)]
    assert said[-1] == ("已保存：这张表单提交了两次，只保存了一次。", f"draft-done:visit-{zhou.pk} info")
    assert Visit.all_objects.filter(resident=zhou).count() == 1


def test_back_to_a_form_drawn_afresh_and_the_same_visit_sent_again_is_saved_once(org, as_user, zhou):
    """Back fetches the form again (a fresh token) and the browser fills it as sent: the same visit
    (how, findings, follow-up) by the same worker minutes later is that visit again."""
    client = as_user(org.worker_a)
    url = reverse("residents:visit_new", args=[zhou.pk])
    client.post(url, _drawn(client, url))
    again = client.post(url, _drawn(client, url))
    assert again.status_code == 302
    assert Visit.all_objects.filter(resident=zhou).count() == 1


def test_another_visit_drawn_afresh_is_a_new_visit(org, as_user, zhou):
    client = as_user(org.worker_a)
    url = reverse("residents:visit_new", args=[zhou.pk])
    client.post(url, _drawn(client, url))
    client.post(url, _drawn(client, url) | {"findings": "下午又打了电话，老人说已好些。", "method": "phone"})
    client.post(url, _drawn(client, url) | {"follow_up_needed": "on"})
    assert Visit.all_objects.filter(resident=zhou).count() == 3


def test_the_database_refuses_a_second_visit_with_the_same_token(org, zhou):
    """A double tap's two posts at once: the second finds no visit yet, and the constraint stops it."""
    first = Visit.objects.create(resident=zhou, visitor=org.worker_a, committee=org.a, form_token="t1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Visit.objects.create(resident=zhou, visitor=org.worker_a, committee=org.a, form_token="t1")
    Visit.objects.create(resident=zhou, visitor=org.worker_a, committee=org.a)  # no token: no limit
    Visit.objects.create(resident=zhou, visitor=org.worker_a, committee=org.a)
    assert first.pk


def test_last_weeks_calls_entered_one_after_the_other_with_the_same_words_are_each_kept(org, as_user, zhou):
    """Entering earlier calls in one sitting: the same method and words, minutes apart, but each at its
    own time: different visits, none taken for a resend."""
    client = as_user(org.worker_a)
    url = reverse("residents:visit_new", args=[zhou.pk])
    today = timezone.localdate()
    for days_ago, hour in ((6, "10:00"), (4, "15:00")):
        day = (today - timezone.timedelta(days=days_ago)).isoformat()
        typed = {"visited_at": f"{day}T{hour}", "method": "phone", "findings": "一切正常"}
        data = _drawn(client, url) | typed
        assert client.post(url, data).status_code == 302
    assert Visit.all_objects.filter(resident=zhou).count() == 2
