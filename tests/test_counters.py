"""Adding to a kept count (common/counters.py): the row whose key matches, NULLs matched as NULLs, is
raised by each amount; a key no row has makes the row; no other row moves."""

import datetime as dt

from committee.scoping import unscoped
from common.counters import add_to_row
from reports.models import CaseRollup, OpenCount, OpenTotal


def _rows(model, **key) -> list[tuple]:
    with unscoped():
        return sorted(model.objects.filter(**key).values_list("due_date", "sensitive", "n"), key=str)


def test_a_row_is_raised_or_made_and_nulls_match_only_nulls(org):
    day = dt.date(2027, 2, 10)
    key = {"committee_id": org.a.pk, "sensitive": False}
    add_to_row(OpenTotal, {**key, "due_date": None}, {"n": 3})  # made
    add_to_row(OpenTotal, {**key, "due_date": day}, {"n": 2})  # made: a date is not NULL
    add_to_row(OpenTotal, {**key, "due_date": None}, {"n": -1})  # raised
    add_to_row(OpenTotal, {**key, "due_date": day}, {"n": 5})  # raised
    add_to_row(OpenTotal, {"committee_id": org.b.pk, "sensitive": False, "due_date": None}, {"n": 7})
    assert _rows(OpenTotal, committee=org.a) == [(None, False, 2), (day, False, 7)]
    assert _rows(OpenTotal, committee=org.b) == [(None, False, 7)]


def test_several_columns_and_foreign_keys_by_their_ids(org):
    month = dt.date(2027, 2, 1)
    key = {"committee_id": org.a.pk, "month": month, "figure": "resolved_from", "sensitive": True}
    key |= {"category_id": None, "source": "", "building_id": None, "day": month, "days": None}
    add_to_row(CaseRollup, key, {"n": 1, "called": 1, "satisfied": 0})
    add_to_row(CaseRollup, key, {"n": 1, "called": 1, "satisfied": 1})
    add_to_row(CaseRollup, {**key, "source": "phone"}, {"n": 4, "called": 0, "satisfied": 0})
    with unscoped():
        rows = CaseRollup.objects.filter(committee=org.a).order_by("source")
        rows = rows.values_list("source", "n", "called", "satisfied")
        assert list(rows) == [("", 2, 2, 1), ("phone", 4, 0, 0)]
    open_key = {"committee_id": org.a.pk, "assignee_id": org.worker_a.pk, "status": "new", "sensitive": True}
    open_key |= {"created_by_id": org.secretary_a.pk, "due_date": month, "month": None}
    add_to_row(OpenCount, open_key, {"n": 1})
    add_to_row(OpenCount, {**open_key, "assignee_id": None}, {"n": 1})
    add_to_row(OpenCount, open_key, {"n": 1})
    with unscoped():
        assert sorted(OpenCount.objects.values_list("assignee_id", "n"), key=str) == sorted(
            [(org.worker_a.pk, 2), (None, 1)], key=str
        )
