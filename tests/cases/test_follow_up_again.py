"""After the follow-up call the case page says what happened and who acts next ("已回访（满意），
待书记结案" to the worker, "可以结案" beside the close button to the secretary), and offers another
call only as 再次回访, which says that it replaces the satisfaction recorded on the first call's day.
The page kept offering 记录电话回访 as if nobody had called, and a second call changed the case's
satisfaction without a word. Satisfaction stays by the latest call (README)."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from cases.models import Case, FollowUp
from tests.cases.page_text import text_of
from tests.factories import make_case


def _action_panels(page: str) -> dict[str, bool]:
    """The case page's action panels: summary words → drawn open."""
    return {
        text_of(summary): " open" in attrs
        for attrs, summary in re.findall(r'<details class="action"([^>]*)><summary>(.*?)</summary>', page)
    }


def _call(client, case, satisfaction: str, called_on: datetime.date, **headers):
    form = {
        "called_on": called_on.isoformat(),
        "satisfaction": satisfaction,
        "version": str(Case.all_objects.get(pk=case.pk).version),
    }
    return client.post(reverse("cases:follow_up", args=[case.pk]), form, headers=headers)


def test_after_the_call_the_page_says_who_closes_and_offers_only_a_second_call(org, as_user):
    today = timezone.localdate()
    worker, secretary = as_user(org.worker_a), as_user(org.secretary_a)
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    page_url = reverse("cases:detail", args=[case.pk])
    worker.post(reverse("cases:act", args=[case.pk, "resolve"]), {"text": "已疏通", "version": "1"})
    waiting = worker.get(page_url).text
    assert _action_panels(waiting)["记录电话回访"] is True  # waiting for its call: open at once
    assert "已回访" not in text_of(waiting)

    assert _call(worker, case, "satisfied", today).status_code == 302
    called = worker.get(page_url).text
    assert "已回访（满意），待书记结案。" in text_of(called)
    panels = _action_panels(called)
    assert "记录电话回访" not in panels and panels["再次回访"] is False  # offered, not opened
    assert f"再次回访将替换 {today} 记录的满意度（满意）" in text_of(called)
    by_secretary = secretary.get(page_url).text
    assert "已回访（满意），可以结案。" in text_of(by_secretary)
    assert f"{reverse('cases:act', args=[case.pk, 'close'])}" in by_secretary

    # The second call, on purpose: the satisfaction is the latest call's, and the page says so.
    response = _call(worker, case, "mostly", today, **{"hx-request": "true"})
    assert response.status_code == 200
    assert "已回访（基本满意），待书记结案。" in text_of(response.text)
    assert f"再次回访将替换 {today} 记录的满意度（基本满意）" in text_of(response.text)
    case = Case.all_objects.get(pk=case.pk)
    assert (case.satisfaction, case.last_called_on, case.last_call_result) == ("mostly", today, "mostly")
    assert FollowUp.all_objects.filter(case=case).count() == 2  # both calls are kept


def test_in_english_too(org, as_user):
    worker = as_user(org.worker_a)
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    worker.post(reverse("cases:act", args=[case.pk, "resolve"]), {"text": "已疏通", "version": "1"})
    _call(worker, case, "satisfied", timezone.localdate())
    url = reverse("cases:detail", args=[case.pk])
    page = text_of(worker.get(url, headers={"accept-language": "en"}).text)
    assert "waiting for the secretary to close the case." in page and "Call again" in page
    assert "This call replaces the satisfaction recorded on" in page


def test_a_viewer_is_offered_no_call(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    as_user(org.worker_a).post(reverse("cases:act", args=[case.pk, "resolve"]), {"text": "已疏通"})
    _call(as_user(org.worker_a), case, "satisfied", timezone.localdate())
    page = as_user(org.viewer_a).get(reverse("cases:detail", args=[case.pk])).text
    assert "再次回访" not in page and "待书记结案" not in page
    refused = _call(as_user(org.viewer_a), case, "mostly", timezone.localdate())
    assert refused.status_code == 403
    assert Case.all_objects.get(pk=case.pk).satisfaction == "satisfied"
