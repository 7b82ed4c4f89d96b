"""The rollup where test_rollup.py's shared old cases do not fit: tests that write cases of their own
(buildings tied with the tenth, a category another process added). Apart so that test_rollup.py's
tests share one set of old cases (tests/conftest.py, rows_of_the_module)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseCategory
from tests.reports import helpers as h
from tests.reports.test_rollup import PERSONAS, _both

S = Case.Status


def test_buildings_tied_with_the_tenth_are_ordered_by_address_as_live(org):
    """The rollup's building totals come without addresses; those of the buildings that may be shown
    (the ten with the most cases and any with as many as the tenth) are read with their categories:
    a tie at the tenth place is broken by the address, as when every month is counted live."""
    first = timezone.localdate().replace(day=1)
    drains = h.category("t-drains", "排水", "Drainage", 1)
    # 14 buildings with a case each in a closed month (numbers that sort as text, not as numbers),
    # two of them with a second case this month.
    places = [h.building(org.a, str(n)) for n in (3, 12, 7, 25, 1, 9, 30, 4, 18, 2, 11, 6, 40, 5)]
    for place in places:
        h.case(
            org.a, created_by=org.secretary_a, created=first - dt.timedelta(days=40), where=place, cat=drains
        )
    for place in places[12:]:
        h.case(org.a, created_by=org.secretary_a, created=first, where=place, cat=drains)
    for persona in PERSONAS:
        summarised, live = _both(getattr(org, persona), org.a)
        assert summarised["hotspots"] == live["hotspots"], persona
        assert [b["total"] for b in live["hotspots"]] == [2, 2] + [1] * 8


def test_a_category_another_process_added_is_named_not_a_500(org, as_user):
    """The category names come from a per-process cache: a category added elsewhere (here written
    without the save signal that renews this process's cache) and used at once is read, not missing."""
    client = as_user(org.secretary_a)
    client.get(reverse("dashboard"))  # the cache holds the categories as they were
    CaseCategory.objects.bulk_create(
        [CaseCategory(code="t-new", name="新类别", name_en="New kind", order=99)]
    )
    new = CaseCategory.objects.get(code="t-new")
    h.case(org.a, created_by=org.secretary_a, created=timezone.localdate(), cat=new)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert "新类别" in response.context["category_names"]
