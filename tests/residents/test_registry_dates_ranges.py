"""The registry's dates' ranges, read without a row: apart from test_registry_dates.py, which shares its
rows between its tests (rows_of_the_module) only when every test of the module reading the database
asks for them, and every test under tests/residents reads it (_care_categories)."""

from residents.models import Resident, Visit
from tests.residents.test_registry_dates import BORN, EARLIEST, D


def test_the_ranges():
    today = D(2026, 12, 7)
    assert Resident.birth_date_range(today) == (EARLIEST, today)
    assert Resident.archived_on_range(birth_date=BORN, today=today) == (BORN, today)
    assert Resident.archived_on_range(birth_date=None, today=today) == (EARLIEST, today)
    visited = D(2026, 11, 30)
    assert Resident.archived_on_range(birth_date=BORN, today=today, last_visit_on=visited) == (visited, today)
    # A visit stored after today (from before the visits' rule) is no reason to refuse today.
    assert Resident.archived_on_range(birth_date=BORN, today=today, last_visit_on=D(9999, 1, 1)) == (
        today,
        today,
    )
    assert Visit.visited_on_range(today) == (D(2025, 12, 7), today)
    assert Visit.visited_on_range(D(2028, 2, 29)) == (D(2027, 2, 28), D(2028, 2, 29))
