"""All or nothing: a failure part-way through a commit leaves the database as it was."""

import pytest
from django.db import IntegrityError, connection

from residents.imports import importer
from residents.imports.writer import BatchWriter
from residents.models import Building, Household, Resident
from tests.imports.helpers import csv_bytes, rows_for


def _snapshot():
    return (
        list(Building.all_objects.order_by("pk").values()),
        list(Household.all_objects.order_by("pk").values()),
        list(Resident.all_objects.order_by("pk").values()),
        list(Resident.care_categories.through.objects.order_by("pk").values()),
    )


def test_a_failure_in_a_later_batch_leaves_nothing(org, load, monkeypatch):
    load(org.a, "first.csv", csv_bytes(rows_for(10)), commit=True)
    before = _snapshot()
    monkeypatch.setattr(importer, "BATCH_SIZE", 10)
    real_write = BatchWriter.write
    calls = []

    def failing_write(self, plans):
        calls.append(len(plans))
        if len(calls) == 3:
            raise RuntimeError("disk full")
        real_write(self, plans)

    monkeypatch.setattr(BatchWriter, "write", failing_write)
    changed = rows_for(50)
    for row in changed[:10]:
        row["备注"] = "改过"
    with pytest.raises(RuntimeError):
        load(org.a, "second.csv", csv_bytes(changed), commit=True)
    assert calls == [10, 10, 10]  # two batches were written before the failure
    assert _snapshot() == before


def test_a_database_constraint_late_in_the_file_leaves_nothing(org, load, monkeypatch):
    """A row that the database itself refuses (a NULL name, as if validation had missed it) in the
    fourth batch rolls the three batches before it back too."""
    monkeypatch.setattr(importer, "BATCH_SIZE", 10)
    real_write = BatchWriter.write

    def write_with_a_bad_row(self, plans):
        for plan in plans:
            if plan.row.number == 37:
                plan.values["name"] = None
        real_write(self, plans)

    monkeypatch.setattr(BatchWriter, "write", write_with_a_bad_row)
    with pytest.raises(IntegrityError):
        load(org.a, "r.csv", csv_bytes(rows_for(40)), commit=True)
    assert Resident.all_objects.count() == 0 and Building.all_objects.count() == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_a_large_commit_refreshes_the_planner_statistics(
    org, load, monkeypatch, django_capture_on_commit_callbacks
):
    """After a large import PostgreSQL knows the table's new size at once (a re-import straight
    after would otherwise scan the table for every batch)."""
    monkeypatch.setattr(importer, "ANALYZE_AFTER", 30)

    def estimated_residents():
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [Resident._meta.db_table])
            return cursor.fetchone()[0]

    with django_capture_on_commit_callbacks(execute=True):
        load(org.a, "small.csv", csv_bytes(rows_for(20)), commit=True)
    assert estimated_residents() != 20
    with django_capture_on_commit_callbacks(execute=True):
        load(org.a, "large.csv", csv_bytes(rows_for(40, start=20)), commit=True)
    assert estimated_residents() == 60


def test_an_import_writes_only_the_columns_it_changes(org, load, monkeypatch):
    """A colleague's edit saved while the import runs survives: the import writes each resident's
    own changed cells, not every column it read for the batch."""
    load(org.a, "first.csv", csv_bytes(rows_for(2)), commit=True)
    changed = rows_for(2)
    changed[0]["联系电话"] = "13900000000"  # resident 0: a new phone
    changed[1]["备注"] = "行动不便"  # resident 1: only a note
    real_write = BatchWriter.write

    def colleague_edits_first(self, plans):
        Resident.all_objects.filter(name="居民1").update(phone="13611112222")
        real_write(self, plans)

    monkeypatch.setattr(BatchWriter, "write", colleague_edits_first)
    report = load(org.a, "second.csv", csv_bytes(changed), commit=True)
    assert report.residents.updated == 2, report.errors
    one = Resident.all_objects.get(name="居民1")
    assert (one.notes, one.phone) == ("行动不便", "13611112222")
    assert Resident.all_objects.get(name="居民0").phone == "13900000000"
