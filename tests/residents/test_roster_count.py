"""The care roster says how many it lists, filtered or not, as the case list does: the dashboard's
"care-roster visits overdue" figure links to /roster/?overdue=1, which said no total (its "N overdue"
badge is left out once the list is only the overdue), so the figure could not be checked against
the list it opens, two pages long."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import copy_of_the_module, rows_of_the_module
from tests.factories import make_building, make_household, make_resident, make_visit


def _count(page: str) -> str:
    (said,) = re.findall(r"<p [^>]*data-roster-count>([^<]*)</p>", page)
    return said


def _make_overdue_people(org):
    home = make_household(make_building(org.a, "12"), "302")
    long_ago = timezone.now() - datetime.timedelta(days=40)
    for n in range(27):  # more than a page of 25
        make_visit(make_resident(home, f"老人{n:02d}", categories=["elderly_alone"]), org.worker_a, long_ago)
    make_visit(make_resident(home, "新来", categories=["elderly_alone"]), org.worker_a, timezone.now())


@pytest.fixture(scope="module")
def _overdue_people_of_the_module(request, _org_of_the_module, django_db_blocker):
    yield from rows_of_the_module(
        request, _org_of_the_module, django_db_blocker, "overdue_people", _make_overdue_people
    )


@pytest.fixture
def overdue_people(_overdue_people_of_the_module, org):
    """The overdue people, written once for the module (tests/conftest.py, rows_of_the_module)."""
    return copy_of_the_module(_overdue_people_of_the_module, _make_overdue_people, org)


@pytest.mark.parametrize(("language", "words"), [("zh-hans", "{} 人"), ("en", "{} residents")])
def test_the_overdue_roster_says_the_dashboards_figure(org, as_user, overdue_people, language, words):
    client = as_user(org.secretary_a)
    figure = client.get(reverse("dashboard")).context["headline"].roster.overdue_count
    assert figure == 27
    url = reverse("residents:roster")
    page = client.get(url, {"overdue": "1"}, HTTP_ACCEPT_LANGUAGE=language).text
    assert _count(page) == words.format(figure)
    # Unfiltered and on its second page too, the whole list's number.
    page = client.get(url, {"page": "2"}, HTTP_ACCEPT_LANGUAGE=language).text
    assert _count(page) == words.format(28)
