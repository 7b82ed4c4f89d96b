"""Test data for the cases tests now lives in tests/factories.py; these names are kept until the
tests here import from there."""

from tests.factories import case_category as category
from tests.factories import ensure_case_categories as ensure_reference_data
from tests.factories import jpeg_bytes, jpeg_upload, make_building, make_case, make_resident

__all__ = [
    "category",
    "ensure_reference_data",
    "jpeg_bytes",
    "jpeg_upload",
    "make_building",
    "make_case",
    "make_resident",
]
