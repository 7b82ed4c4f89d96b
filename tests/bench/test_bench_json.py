"""The benchmarks' --json files: the stable page keys, each with its figures, and the floor."""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command

FIGURES = {"median_ms", "p95_ms", "queries"}


@pytest.mark.django_db
def test_bench_cases_writes_every_page_key_and_the_floor(tmp_path):
    path = tmp_path / "cases.json"
    call_command("bench_cases", cases=30, events_per_case=2, runs=2, json_path=path, stdout=StringIO())
    pages = json.loads(path.read_text())
    assert set(pages) >= {
        "list_default",
        "list_any_status",
        "list_filtered",
        "list_search",
        "case_page",
        "home_queue",
        "dashboard_computed",
        "floor_auth",
    }
    assert all(set(figures) == FIGURES for figures in pages.values())
    assert pages["floor_auth"]["queries"] == 2  # the session and the user, nothing written
    assert pages["list_default"]["queries"] > pages["floor_auth"]["queries"]
    # The dashboard read from its rollup, summarising its closed months first, and all live.
    assert pages["dashboard_after_change"]["queries"] > pages["dashboard_computed"]["queries"]
    assert pages["dashboard_summarise_all"]["queries"] > pages["dashboard_computed"]["queries"]
    assert "dashboard_live" in pages


@pytest.mark.django_db
def test_bench_cases_measures_several_sizes_in_one_run(tmp_path):
    path = tmp_path / "scales.json"
    out = StringIO()
    options = {"events_per_case": 1, "runs": 2, "json_path": path, "stdout": out}
    call_command("bench_cases", scales=[12, 30], pages="list_default,case_page,floor_auth", **options)
    sizes = json.loads(path.read_text())
    assert set(sizes) == {"12", "30"}
    for pages in sizes.values():
        assert set(pages) == {"list_default", "case_page", "floor_auth"}
        assert all(set(figures) == FIGURES for figures in pages.values())
        assert pages["floor_auth"]["queries"] == 2
    # The same pages, one query count whatever the size; a committee of its own for each size.
    assert sizes["12"]["list_default"]["queries"] == sizes["30"]["list_default"]["queries"]
    assert "基准测试居民区 12: 12 cases" in out.getvalue()
    assert "基准测试居民区 30: 30 cases" in out.getvalue()
    assert "x" in out.getvalue().splitlines()[-2]  # the largest size's median over the smallest's
    call_command(
        "bench_cases", scales=[12, 30], pages="floor_auth", **{**options, "stdout": (again := StringIO())}
    )
    assert "基准测试居民区 30: 30 cases" in again.getvalue()  # reused, not filled again
    assert "cases…" not in again.getvalue()


RESIDENT_PAGES = {
    "resident_search_name2",
    "resident_search_name1",
    "resident_search_initials",
    "resident_search_phone",
    "floor_auth",
}


@pytest.mark.django_db
def test_bench_residents_writes_the_search_keys_and_the_floor(tmp_path):
    path = tmp_path / "residents.json"
    call_command("bench_residents", residents=150, repeat=1, json_path=path, stdout=StringIO())
    pages = json.loads(path.read_text())
    assert set(pages) == RESIDENT_PAGES
    assert all(set(figures) == FIGURES for figures in pages.values())
    assert pages["floor_auth"]["queries"] == 2


@pytest.mark.django_db
def test_bench_residents_measures_several_sizes_in_one_run(tmp_path):
    path = tmp_path / "scales.json"
    out = StringIO()
    call_command("bench_residents", scales="150,500", repeat=1, json_path=path, stdout=out)
    sizes = json.loads(path.read_text())
    assert set(sizes) == {"150", "500"}
    for pages in sizes.values():
        assert set(pages) == RESIDENT_PAGES
        assert pages["floor_auth"]["queries"] == 2
    # One committee per size, each filled to about its size; the ratio of the largest to the smallest.
    assert "residents in 基准居民区150." in out.getvalue()
    assert "residents in 基准居民区500." in out.getvalue()
    assert re.search(r"resident_search_name1 .* \d+\.\d\dx", out.getvalue())
    # A second run reuses the worlds: no committee filled again.
    again = StringIO()
    call_command("bench_residents", scales="150,500", repeat=1, stdout=again)
    assert "Filled" not in again.getvalue()


@pytest.mark.django_db
def test_bench_district_builds_a_small_district_and_times_every_persona(tmp_path):
    path = tmp_path / "district.json"
    # One page of each persona (every page would take half a minute here).
    pages = "worker:home_queue,secretary:dashboard_computed,street:overview_computed,district:list_default"
    options = {"streets": 2, "per_street": 2, "cases": 80, "residents": 60, "runs": 1, "json_path": path}
    options["pages"] = pages + ",floor_auth"
    out = StringIO()
    call_command("bench_district", **options, stdout=out)
    assert "4 committees, 60 residents, 80 cases, 240 events" in out.getvalue()
    pages = json.loads(path.read_text())
    assert {key.split(":")[0] for key in pages} == {"worker", "secretary", "street", "district", "floor_auth"}
    assert all(set(figures) == FIGURES for figures in pages.values())
    options.update(json_path=None, pages="floor_auth")
    call_command("bench_district", **options, stdout=(again := StringIO()))
    assert "Reusing the district." in again.getvalue()
