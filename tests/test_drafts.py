"""A form's copy kept on the device (static/js/drafts.js) is forgotten only once the server accepted
the form: the message saying so carries draft-done:KEY for the key the form posted as _draft; a form
refused, or a key not of ours, carries none."""

import datetime

from django.urls import reverse
from django.utils import timezone

from cases.models import CaseEvent
from common.drafts import done_tag
from residents.models import Visit
from tests.factories import make_building, make_case, make_household, make_resident

HTMX = {"HX-Request": "true"}


def test_the_tag_is_given_only_for_a_key_of_ours():
    assert done_tag("case-12-note") == "draft-done:case-12-note"
    assert done_tag("") == ""
    assert done_tag('x" onclick="alert(1)') == ""
    assert done_tag("a" * 81) == ""


def test_a_note_accepted_tells_the_device_to_forget_its_copy_a_refused_one_does_not(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    client = as_user(org.worker_a)
    url = reverse("cases:act", args=[case.pk, "note"])
    key = f"case-{case.pk}-note"

    refused = client.post(url, {"text": "物业周五来修。" * 300, "_draft": key}, headers=HTMX)
    assert refused.status_code == 200 and "draft-done" not in refused.text
    assert not CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.NOTE).exists()

    saved = client.post(url, {"text": "物业周五来修", "_draft": key, "token": "t-1"}, headers=HTMX)
    assert f'class="message draft-done:{key} success"' in saved.text
    # Sent again (its answer was lost): saved once, and the copy is done with all the same.
    again = client.post(url, {"text": "物业周五来修", "_draft": key, "token": "t-1"}, headers=HTMX)
    assert f'class="message draft-done:{key} info"' in again.text
    assert CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.NOTE).count() == 1

    # A form that posts no key (no JavaScript), or one not of ours: no tag.
    plain = client.post(url, {"text": "又来电话", "_draft": "<b>"}, headers=HTMX)
    assert "draft-done" not in plain.text


def test_a_visit_saved_tells_the_device_to_forget_its_findings_a_refused_one_does_not(org, as_user):
    resident = make_resident(make_household(make_building(org.a, "12"), "302"), "周勤")
    client = as_user(org.worker_a)
    url = reverse("residents:visit_new", args=[resident.pk])
    key = f"visit-{resident.pk}"
    now = timezone.localtime()
    later = (now + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    form = {"method": "home", "findings": "扶手松动", "_draft": key, "next": "/roster/"}

    refused = client.post(url, {**form, "visited_at": later})
    assert refused.status_code == 200 and "draft-done" not in refused.text
    saved = client.post(url, {**form, "visited_at": now.strftime("%Y-%m-%dT%H:%M")}, follow=True)
    assert f"draft-done:{key}" in saved.text
    assert Visit.all_objects.filter(resident=resident).count() == 1
