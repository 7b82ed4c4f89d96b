"""A case reopened after its follow-up call shows that call as the earlier round's, on its page
(上次回访：满意（day）) and on its printed sheet (上次回访, the 回访 line left to fill in), until it is
called back again: both still said "满意度 满意" beside an empty resolution, and a sheet handed to
the street said a resident who came back unhappy was satisfied (review 3, finding 3). The
dashboards' satisfaction still counts the case by its latest call (Case.last_call_result)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from tests.cases.page_text import text_of
from tests.factories import make_case

ZH = {"accept-language": "zh-hans"}


def _facts(page: str) -> str:
    """The case's facts on its page, as read."""
    return text_of(re.search(r'<dl class="facts">.*?</dl>', page, re.S).group(0))


def _sheet_rows(page: str) -> tuple[str, str]:
    """The printed sheet's lines of the earlier round's calls ("" when there is none) and of this
    round's, as read."""
    earlier = re.search(r"<tr data-earlier-calls>.*?</tr>", page, re.S)
    calls = re.search(r"<tr data-calls>.*?</tr>", page, re.S).group(0)
    return (text_of(earlier.group(0)) if earlier else ""), text_of(calls.replace("&nbsp;", ""))


def _call(client, case: Case, satisfaction: str, comment: str) -> None:
    case.refresh_from_db()
    response = client.post(
        reverse("cases:follow_up", args=[case.pk]),
        {
            "version": case.version,
            "called_on": timezone.localdate().isoformat(),
            "satisfaction": satisfaction,
            "comment": comment,
        },
    )
    assert response.status_code == 302


@pytest.fixture
def reopened(org, as_user):
    """Resolved, called back 满意, closed, then reopened by the secretary: all on one day, as in the
    review (so the calls' days cannot tell the rounds apart)."""
    worker, secretary = as_user(org.worker_a), as_user(org.secretary_a)
    case = make_case(org.worker_a, org.a, title="电线打火", code="safety", assignee=org.worker_a)
    worker.post(reverse("cases:act", args=[case.pk, "resolve"]), {"text": "更换了电线"})
    _call(worker, case, Case.Satisfaction.SATISFIED, "居民说满意")
    secretary.post(reverse("cases:act", args=[case.pk, "close"]), {"text": ""})
    response = secretary.post(reverse("cases:act", args=[case.pk, "reopen"]), {"text": "居民反映电线又打火"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    return case


def test_a_reopened_case_shows_its_call_as_the_earlier_rounds(org, as_user, reopened):
    today = f"{timezone.localdate():%Y-%m-%d}"
    client = as_user(org.secretary_a)
    facts = _facts(client.get(reverse("cases:detail", args=[reopened.pk]), headers=ZH).text)
    assert f"上次回访 满意（{today}）" in facts
    assert "满意度" not in facts
    sheet = client.get(reverse("cases:print", args=[reopened.pk]), headers=ZH).text
    earlier, calls = _sheet_rows(sheet)
    assert earlier.startswith("上次回访") and "满意 居民说满意" in earlier
    assert calls == "回访"  # the line for this round's call, empty
    assert "上次处理结果 更换了电线 处理结果" in text_of(sheet)
    # The dashboards' satisfaction counts the case by its latest call, as before.
    assert (reopened.last_call_result, reopened.last_called_on) == ("satisfied", timezone.localdate())


def test_in_english_too(org, as_user, reopened):
    page = as_user(org.secretary_a).get(
        reverse("cases:detail", args=[reopened.pk]), headers={"accept-language": "en"}
    )
    assert f"Previous follow-up Satisfied ({timezone.localdate():%Y-%m-%d})" in _facts(page.text)


def test_resolved_again_it_waits_for_its_own_call_then_shows_it(org, as_user, reopened):
    worker = as_user(org.worker_a)
    page = reverse("cases:detail", args=[reopened.pk])
    sheet = reverse("cases:print", args=[reopened.pk])
    worker.post(reverse("cases:act", args=[reopened.pk, "resolve"]), {"text": "重新布线"})
    facts = _facts(worker.get(page, headers=ZH).text)
    assert "上次回访 满意" in facts and "满意度" not in facts  # resolved, not called back yet
    assert _sheet_rows(worker.get(sheet, headers=ZH).text)[1] == "回访"

    _call(worker, reopened, Case.Satisfaction.MOSTLY, "基本可以")
    facts = _facts(worker.get(page, headers=ZH).text)
    assert "满意度 基本满意" in facts and "上次回访" not in facts
    earlier, calls = _sheet_rows(worker.get(sheet, headers=ZH).text)
    assert "满意 居民说满意" in earlier and "基本满意" not in earlier
    assert "基本满意 基本可以" in calls and "居民说满意" not in calls


def test_a_case_never_reopened_shows_its_calls_as_before(org, as_user):
    worker = as_user(org.worker_a)
    case = make_case(org.worker_a, org.a, title="楼道灯坏", code="roads", assignee=org.worker_a)
    worker.post(reverse("cases:act", args=[case.pk, "resolve"]), {"text": "换了灯泡"})
    _call(worker, case, Case.Satisfaction.SATISFIED, "亮了")
    assert "满意度 满意" in _facts(worker.get(reverse("cases:detail", args=[case.pk]), headers=ZH).text)
    earlier, calls = _sheet_rows(worker.get(reverse("cases:print", args=[case.pk]), headers=ZH).text)
    assert earlier == "" and "满意 亮了" in calls


def test_not_satisfied_at_the_call_is_the_earlier_rounds_on_the_sheet(org, as_user):
    worker = as_user(org.worker_a)
    case = make_case(org.worker_a, org.a, title="地漏返水", assignee=org.worker_a)
    worker.post(reverse("cases:act", args=[case.pk, "resolve"]), {"text": "已疏通"})
    _call(worker, case, Case.Satisfaction.NOT_SATISFIED, "还在返水")
    earlier, calls = _sheet_rows(worker.get(reverse("cases:print", args=[case.pk]), headers=ZH).text)
    assert "不满意 还在返水" in earlier and calls == "回访"
