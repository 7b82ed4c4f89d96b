"""bench_digest builds its small district, runs the morning, and reports a fixed count per committee."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_bench_digest_runs_on_a_small_district():
    out = StringIO()
    call_command(
        "bench_digest", committees=3, staff=4, cases=60, runs=2, day="2026-12-03", drop=True, stdout=out
    )
    text = out.getvalue()
    assert "3 committees (3 in the database), 12 staff, 60 cases" in text
    runs = [line for line in text.splitlines() if line.startswith("run ")]
    assert len(runs) == 2 and runs[0].split(",")[1] == runs[1].split(",")[1]  # the same queries each run
