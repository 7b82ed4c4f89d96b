"""The case list's assignee filter for a reader of many committees: past MAX_ASSIGNEE_OPTIONS staff
(a district's 1,500) its select lists the staff of the committee chosen, and the one asked for; every
one of them still filters the list (a link may name one)."""

import pytest
from django.urls import reverse

from cases import filters
from tests.factories import make_case, select_html


@pytest.fixture
def few_options(monkeypatch):
    """The street officer's three staff count as too many for one select."""
    monkeypatch.setattr(filters, "MAX_ASSIGNEE_OPTIONS", 2)


def test_a_reader_of_a_few_staff_sees_them_all(org, as_user):
    options = select_html(as_user(org.officer).get(reverse("cases:list")).content.decode(), "assignee")
    assert all(name in options for name in ("周勤", "李敏", "张伟"))


def test_past_the_bound_the_select_asks_for_a_committee_first(org, as_user, few_options):
    client = as_user(org.officer)
    page = client.get(reverse("cases:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    options = select_html(page, "assignee")
    assert 'value="none"' in options
    assert not any(name in options for name in ("周勤", "李敏", "张伟"))
    assert "Choose a committee to list its staff." in page
    # Choosing a committee draws the page's main part again, its filters with it.
    committee_select = page[page.index('name="committee"') : page.index(">", page.index('name="committee"'))]
    assert 'hx-target="#main"' in committee_select and 'hx-select="#main"' in committee_select

    options = select_html(
        client.get(reverse("cases:list"), {"committee": org.a.pk}).content.decode(), "assignee"
    )
    assert "周勤" in options and "李敏" in options
    assert "张伟" not in options


def test_past_the_bound_any_of_the_staff_still_filters_the_list(org, as_user, few_options):
    make_case(org.secretary_a, org.a, title="李敏的个案", assignee=org.worker_a)
    make_case(org.worker_b, org.b, title="张伟的个案", assignee=org.worker_b)
    page = as_user(org.officer).get(reverse("cases:list"), {"assignee": org.worker_b.pk}).content.decode()
    assert "张伟的个案" in page and "李敏的个案" not in page
    options = select_html(page, "assignee")
    assert f'value="{org.worker_b.pk}" selected' in options and "张伟" in options
    assert "李敏" not in options


def test_past_the_bound_a_committee_or_a_person_not_theirs_lists_nobody(org, as_user, few_options):
    page = (
        as_user(org.officer)
        .get(reverse("cases:list"), {"committee": org.c.pk, "assignee": org.superuser.pk})
        .content.decode()
    )
    options = select_html(page, "assignee")
    assert options.count("<option") == 2  # anyone, unassigned
