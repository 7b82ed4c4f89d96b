"""A case reopened in the admin gives its reason, as the secretary's reopening on the case page does:
required there, kept as the reopening's text, read on the timeline under "reopened" by whoever
opens the case. The admin reopened with no word of why, and the assignee told of it read nothing."""

from django.urls import reverse
from django.utils import translation

from cases.models import Case, CaseEvent
from tests.cases.page_text import text_of
from tests.cases.test_admin_reopen_due import _last_event, _post, _resolved_long_ago, _timeline

S = Case.Status
REASON = "居民反映地漏又返水，需再次上门"


def test_a_reopening_without_a_reason_is_refused_and_nothing_is_saved(org, as_user):
    case = _resolved_long_ago(org)
    events = CaseEvent.all_objects.filter(case=case).count()
    response = _post(as_user(org.superuser), case, status=S.IN_PROGRESS, reopen_reason="  ")
    assert response.status_code == 200
    assert "请说明原因。" in text_of(response.content.decode())
    assert response.context["adminform"].form.errors["reopen_reason"] == ["请说明原因。"]
    assert Case.all_objects.get(pk=case.pk).status == S.RESOLVED
    assert CaseEvent.all_objects.filter(case=case).count() == events


def test_the_reason_is_on_the_timeline_as_the_case_pages_reopening_keeps_it(org, as_user):
    case = _resolved_long_ago(org)
    assert _post(as_user(org.superuser), case, status=S.IN_PROGRESS, reopen_reason=REASON).status_code == 302
    reopened = _last_event(case)
    assert (reopened.kind, reopened.text) == (CaseEvent.Kind.REOPENED, REASON)
    assert reopened.data["corrected"] is True
    timeline = _timeline(as_user(org.secretary_a), case)
    said = timeline.index("在管理后台更正：重新打开")
    assert timeline.index(REASON) > said  # under the sentence, as the secretary's reason is


def test_the_reason_field_stands_under_the_status_in_both_languages(org, as_user):
    case = _resolved_long_ago(org)
    url = reverse("admin:cases_case_change", args=[case.pk])
    client = as_user(org.superuser)
    page = client.get(url).content.decode()
    assert page.index('name="status"') < page.index('name="reopen_reason"') < page.index('name="resolution"')
    assert "重新打开的原因" in page
    with translation.override("en"):
        assert "Why it is reopened" in client.get(url, headers={"accept-language": "en"}).text


def test_a_reason_without_a_reopening_is_refused_not_dropped(org, as_user):
    case = _resolved_long_ago(org)
    response = _post(as_user(org.superuser), case, title="地漏返水（已核对）", reopen_reason=REASON)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["reopen_reason"] == [
        "这里只有重新打开的事项才填写原因，请留空。"
    ]
    assert Case.all_objects.get(pk=case.pk).title != "地漏返水（已核对）"
