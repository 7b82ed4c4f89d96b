"""The case list's filters sent without JavaScript: the browser sends every field of the form, the empty
ones too, and the address read `?q=&status=open&category=&assignee=&…&building=` (htmx leaves them out:
static/js/needle.js). The list answers such a GET with the same query without its empty fields
(common/querystrings.py), which lists the same cases: `status=` stays, as it is "any status" where no
status is the open cases (cases/filters.py with_status). The figures' links (the morning list's, the
dashboards') hold no empty parameter and are answered as they are (tests/notifications/
test_morning_links.py, tests/reports/test_overview_links.py read their lists through the pages)."""

from urllib.parse import urlencode

from django.urls import reverse

from cases import services
from cases.rules import Action
from committee.access import Access
from tests.factories import make_case

LIST = reverse("cases:list")
HTMX = {"HX-Request": "true"}


def _form_as_sent(**chosen) -> str:
    """The filter form's query as a browser sends it without JavaScript: every field in the page's
    order, the status's checked chip, the sort's first option, what was chosen, the rest empty (an
    unchecked box is not sent)."""
    fields = ["q", "status", "category", "assignee", "source", "created_from", "created_to"]
    fields += ["resolved_from", "resolved_to", "called_from", "called_to", "due_from", "due_to", "sort"]
    fields += ["follow_up", "reopen", "building"]
    sent = {"status": "open", "sort": "due"} | chosen
    return urlencode([(name, sent.get(name, "")) for name in fields])


def _titles(response) -> set[str]:
    assert response.status_code == 200
    return {case.title for case in response.context["cases"]}


def _world(org):
    make_case(org.worker_a, org.a, title="楼道积水", assignee=org.worker_a)
    make_case(org.worker_a, org.a, title="路灯不亮")
    done = make_case(org.worker_a, org.a, title="路面坑洼", assignee=org.worker_a)
    services.transition(access=Access(org.worker_a), case=done, action=Action.RESOLVE, text="已处理")


def test_the_form_sent_without_javascript_is_answered_at_its_address_without_empty_fields(org, as_user):
    _world(org)
    client = as_user(org.secretary_a)
    for chosen, clean, titles in (
        ({}, "status=open&sort=due", {"楼道积水", "路灯不亮"}),
        ({"q": "积水"}, "q=%E7%A7%AF%E6%B0%B4&status=open&sort=due", {"楼道积水"}),
        ({"status": "", "assignee": "none"}, "status=&assignee=none&sort=due", {"路灯不亮"}),
        ({"status": ""}, "status=&sort=due", {"楼道积水", "路灯不亮", "路面坑洼"}),  # any status
    ):
        sent = _form_as_sent(**chosen)
        response = client.get(f"{LIST}?{sent}")
        assert response.status_code == 302 and response.url == f"{LIST}?{clean}", chosen
        # The same cases as the query as sent (read through htmx, whose requests are never redirected).
        assert (
            _titles(client.get(response.url)) == _titles(client.get(f"{LIST}?{sent}", headers=HTMX)) == titles
        )


def test_an_empty_status_is_kept_and_an_absent_one_stays_the_open_cases(org, as_user):
    _world(org)
    client = as_user(org.secretary_a)
    # No status and nothing else: the bare list, the open cases, as the query as sent showed them.
    response = client.get(f"{LIST}?q=&category=")
    assert response.status_code == 302 and response.url == LIST
    assert _titles(client.get(LIST)) == {"楼道积水", "路灯不亮"}
    assert _titles(client.get(f"{LIST}?status=")) == {"楼道积水", "路灯不亮", "路面坑洼"}  # not redirected


def test_a_query_without_empty_fields_and_an_htmx_request_are_answered_in_place(org, as_user):
    _world(org)
    client = as_user(org.secretary_a)
    for query in (
        "",
        "?status=",
        "?overdue=1",
        f"?assignee={org.worker_a.pk}&status=open",
        "?category=x&category=",
    ):
        assert client.get(LIST + query).status_code == 200, query
    assert client.get(f"{LIST}?{_form_as_sent()}", headers=HTMX).status_code == 200
