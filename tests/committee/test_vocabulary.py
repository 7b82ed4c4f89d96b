"""One vocabulary for the end of a case, in Chinese: the work is done = 办结 (resolve, resolved), the case
is filed after the follow-up = 结案 (close, closed). The dashboard's 本月办结 counts resolved cases, so a
resolved case reads 已办结 wherever it shows: on its status, its action, its message and the tile."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


@pytest.fixture(scope="module")
def catalogue() -> dict:
    """Entries by msgid, or by (context, msgid) for those with a context (the statuses' labels)."""
    entries = polib.pofile(str(CATALOGUE))
    return {(e.msgctxt, e.msgid) if e.msgctxt else e.msgid: e for e in entries if not e.obsolete}


@pytest.mark.parametrize(
    ("english", "word"),
    [
        (("case status", "Resolved"), "已办结"),
        ("Resolve", "办结"),
        ("Mark resolved", "办结"),
        ("The case is resolved. Call the resident back to follow up.", "已办结"),
        ("Resolved this month", "办结"),
        ("resolved at", "办结"),
        (("case status", "Closed"), "已结案"),
        ("Close the case", "结案"),
        ("The case is closed.", "已结案"),
        ("closed at", "结案"),
    ],
)
def test_each_end_of_a_case_is_said_one_way(catalogue, english, word):
    assert word in catalogue[english].msgstr


def test_no_translation_calls_a_resolved_case_solved(catalogue):
    offending = [(e.msgid, e.msgstr) for e in catalogue.values() if "解决" in e.msgstr]
    assert not offending
