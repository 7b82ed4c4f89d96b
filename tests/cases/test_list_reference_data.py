"""The case list's filter choices and the home page's committees come from the cache
(common/refdata.py): a change shows on the next page, and a warm page asks the database only for
what it lists."""

import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import reference
from cases.models import CaseCategory, OutsideBody
from committee.models import Membership
from committee.roles import Role
from tests.factories import make_case, make_user, select_html


def _assignee_options(client) -> str:
    return select_html(client.get(reverse("cases:list")).content.decode(), "assignee")


def test_a_new_category_is_a_choice_on_the_next_page(org, as_user):
    client = as_user(org.secretary_a)
    assert "井盖缺失" not in client.get(reverse("cases:list")).content.decode()
    CaseCategory.objects.create(code="manhole", name="井盖缺失", name_en="Missing manhole cover", order=99)
    assert "井盖缺失" in client.get(reverse("cases:list")).content.decode()


def test_staff_joining_renamed_and_leaving_show_in_the_assignee_filter(org, as_user):
    client = as_user(org.secretary_a)
    assert "新来的" not in _assignee_options(client)
    newcomer = make_user(committee=org.a, role=Role.WORKER, full_name="新来的")
    assert "新来的" in _assignee_options(client)
    newcomer.full_name = "改了名"
    newcomer.save()
    options = _assignee_options(client)
    assert "改了名" in options and "新来的" not in options
    Membership.objects.filter(user=newcomer).delete()
    assert "改了名" not in _assignee_options(client)


def test_a_renamed_committee_shows_on_the_home_page(org, as_user):
    client = as_user(org.worker_a)
    assert org.a.name in client.get(reverse("home")).content.decode()
    org.a.name = "改名居民区"
    org.a.save()
    assert "改名居民区" in client.get(reverse("home")).content.decode()


def _queries(client, url) -> list[str]:
    client.get(url)  # warm: the reference data cached
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in ctx.captured_queries]


def test_a_warm_list_asks_only_for_the_session_the_roles_and_its_rows(org, as_user):
    """Session, user, roles; the page's ids with the capped count (one query: common/paging.py),
    its rows with their waiting referrals (subqueries of the rows' query). Not the categories,
    staff, committees or outside bodies (cached)."""
    make_case(org.worker_a, org.a)
    queries = _queries(as_user(org.secretary_a), reverse("cases:list"))
    assert len(queries) == 5, queries
    assert not any(
        sql.startswith(
            ('SELECT "cases_casecategory"', 'SELECT DISTINCT "committee_user"', 'SELECT "cases_outsidebody"')
        )
        for sql in queries
    )


def test_a_warm_home_queue_asks_for_no_committee_names(org, as_user):
    """Session, user, roles; my cases; the unassigned; both counts from the kept counters (one
    query: reports/open_cases.py); the referrals both lists mention (one query); the news."""
    make_case(org.worker_a, org.a, assignee=org.worker_a)
    make_case(org.worker_a, org.a)
    queries = _queries(as_user(org.worker_a), reverse("home"))
    assert len(queries) == 8, queries
    assert not any(sql.startswith('SELECT "committee_committee"') for sql in queries)


@pytest.mark.django_db(transaction=True)
def test_a_page_served_while_a_category_is_saved_does_not_keep_it_out_of_the_cache(org):
    """An admin's save runs in a transaction: a request another thread serves meanwhile reads the
    rows committed before it and fills the cache with them. After the commit the category must
    show at once, not when that entry expires five minutes later."""
    seen = []

    def another_request() -> None:
        try:
            seen.append(reference.category_labels())
        finally:
            connection.close()

    with transaction.atomic():
        CaseCategory.objects.create(
            code="manhole", name="井盖缺失", name_en="Missing manhole cover", order=99
        )
        other = threading.Thread(target=another_request)
        other.start()
        other.join()
    assert "井盖缺失" not in seen[0].values()  # it read before the commit, as the race does
    assert "井盖缺失" in reference.category_labels().values()


def test_a_warm_case_page_reads_no_choice_list_and_its_choices_follow_changes(org, as_user):
    """The case page's "Assign to", category and "Send to" choices come from the cache: no query
    for them on a warm page; a worker deactivated, a category renamed, a body added or retired
    shows on the next page."""
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    client = as_user(org.secretary_a)
    url = reverse("cases:detail", args=[case.pk])
    queries = _queries(client, url)
    assert not any(
        sql.startswith(
            ('SELECT "cases_casecategory"', 'SELECT DISTINCT "committee_user"', 'SELECT "cases_outsidebody"')
        )
        for sql in queries
    ), queries
    page = client.get(url).content.decode()
    assert f'<option value="{org.worker_a.pk}" selected>' in select_html(page, "assignee")
    assert f'<option value="{case.category_id}" selected>' in select_html(page, "category")

    helper = make_user(committee=org.a, role=Role.WORKER, full_name="帮手")
    assert "帮手" in select_html(client.get(url).content.decode(), "assignee")
    helper.is_active = False
    helper.save()
    assert "帮手" not in select_html(client.get(url).content.decode(), "assignee")

    category = CaseCategory.objects.get(pk=case.category_id)
    category.name = "下水道"
    category.save()
    assert "下水道" in select_html(client.get(url).content.decode(), "category")

    body = OutsideBody.objects.create(name="自来水公司", name_en="Water company", order=99)
    assert "自来水公司" in select_html(client.get(url).content.decode(), "body")
    body.active = False
    body.save()
    assert "自来水公司" not in select_html(client.get(url).content.decode(), "body")
