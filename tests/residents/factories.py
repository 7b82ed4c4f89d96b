"""Test data for the registry tests now lives in tests/factories.py; these names are kept until the
tests here import from there."""

from tests.factories import (
    ensure_care_categories,
    make_building,
    make_grid,
    make_household,
    make_resident,
    make_visit,
    valid_id,
)

__all__ = [
    "ensure_care_categories",
    "make_building",
    "make_grid",
    "make_household",
    "make_resident",
    "make_visit",
    "valid_id",
]
