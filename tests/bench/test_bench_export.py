"""The case-list export's benchmark (bench_export): it fills its committee once and times the export."""

import json
from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_bench_export_times_the_export_and_the_writer(tmp_path):
    path = tmp_path / "export.json"
    out = StringIO()
    call_command("bench_export", cases=25, households=20, runs=1, json_path=path, stdout=out)
    figures = json.loads(path.read_text())
    assert set(figures) == {"export_view", "writer_only", "rows", "bytes"}
    assert figures["rows"] == 25 and figures["bytes"] > 0
    assert set(figures["export_view"]) == {"median_ms", "p95_ms", "queries"}
    assert figures["export_view"]["queries"] > 0
    assert set(figures["writer_only"]) == {"median_ms", "p95_ms"}
    assert "基准导出居民区, 25 open cases" in out.getvalue()
    call_command("bench_export", cases=25, households=20, runs=1, stdout=(again := StringIO()))
    assert "Added" not in again.getvalue() and "Filled" not in again.getvalue()  # reused
