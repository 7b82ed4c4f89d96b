"""A search box read at once, whatever it holds: apart from test_search_shown_numbers.py, which shares
its residents between its tests (rows_of_the_module) only when every test of the module reading the
database asks for them, and every test under tests/residents reads it (_care_categories)."""

import time

import pytest

from residents.selectors import search_terms


@pytest.mark.parametrize("q", ["-*" * 2500 + "a", "*" * 5000, "1*" * 2500, "(021) " * 800 + "*"])
def test_a_box_of_stars_and_hyphens_is_read_at_once(q):
    """Read with nested repeats, 5,000 characters of '-*' took minutes of CPU (a request held)."""
    started = time.monotonic()
    search_terms(q, local_landlines=True, shown=True)
    assert time.monotonic() - started < 2
