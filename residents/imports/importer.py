"""The importer: one run over one file for one committee, batch by batch.

Each row is cleaned (cleaning.py: every cell checked as the registry's forms check it), matched
(households.py: a building by its address, a household by building and room; matching.py: a resident
by ID number, else by name within the household) and planned (matching.py: what is created, what
changes). The preview stops there; the commit hands each batch's plans to the writer inside one
transaction, so a bad row found part-way rolls everything back. This module is the run: the file's
rows read in batches, each batch taken through those steps in order, the bad rows' errors kept for
the report.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from committee.models import Committee
from common.masking import mask_id_number, mask_numbers_in_text, mask_phone
from residents.imports import reading
from residents.imports.cleaning import Cleaner, check_excel_numbers
from residents.imports.columns import COLUMN_BY_KEY, EXAMPLE_ROW, Mapping, MissingColumns, map_headers
from residents.imports.households import Households
from residents.imports.matching import Matcher
from residents.imports.plans import Report, Row
from residents.imports.reading import FileProblem, cell_text, fold, read_rows, too_many_rows
from residents.imports.writer import BatchWriter, analyze_registry
from residents.models import CareCategory

BATCH_SIZE = 1000
ANALYZE_AFTER = 5000  # new residents in one commit (see writer.analyze_registry)
MAX_ERRORS_KEPT = 1000  # a file with more bad rows reports the first thousand and the total
HEADER_SEARCH_ROWS = 10  # rows (that hold anything) looked through for the column headers


# Columns of numbers and codes, read with full-width forms folded; names and notes stay as written.
FOLDED = ("lane", "number", "room", "id_number", "gender", "birth_date", "phone")


class _Rollback(Exception):
    pass


class Importer:
    """One run over one file for one committee; `commit=False` is the preview."""

    def __init__(
        self,
        committee: Committee,
        *,
        commit: bool,
        batch_size: int | None = None,
        user=None,
        reason: str = "",
        progress: Callable[[int], None] | None = None,
        basis: str | None = None,
    ) -> None:
        self.committee = committee
        # The commit's: the basis of the plan the secretary previewed (Report.basis), which it must
        # find again; None writes without one (the tests' direct commits).
        self.expected_basis = basis
        self.progress = progress  # told the rows done after each batch (the worker's progress bar)
        self.commit = commit
        self.batch_size = batch_size or BATCH_SIZE
        self.report = Report()
        categories = list(CareCategory.objects.all())
        cadence = {c.pk: c.visit_every_days for c in categories}  # category → visit every so many days
        today = datetime.date.today()
        self.households = Households(committee)
        self.cleaner = Cleaner(categories, self.households, today)
        # user: who commits (the history of each updated resident names them)
        self.writer = BatchWriter(committee, cadence=cadence, user=user, reason=reason)
        self.matcher = Matcher(
            committee,
            report=self.report,
            households=self.households,
            categories=categories,
            created_pks=self.writer.created_pks,
            today=today,
            lock=commit,
        )
        self._writing = commit
        self.column_names: dict[str, str] = {}

    # The entry point -------------------------------------------------------------------------------

    def run(self, path: Path, kind: str) -> Report:
        if not self.commit:
            self._run(path, kind)
            return self.report
        try:
            with transaction.atomic():
                self._run(path, kind)
                if not self.report.ok:
                    raise _Rollback
                if self.expected_basis is not None and self.report.basis != self.expected_basis:
                    # The registry changed since the preview: what it showed is not what would be
                    # written. Nothing is; the run is previewed again (runs.commit_import).
                    self.report.stale = True
                    raise _Rollback
                if self.report.residents.created >= ANALYZE_AFTER:
                    # robust: a failed ANALYZE must not stop the callbacks after it (the upload's deletion).
                    transaction.on_commit(analyze_registry, robust=True)
        except _Rollback:
            pass
        return self.report

    def _run(self, path: Path, kind: str) -> None:
        rows = read_rows(path, kind)
        mapping = self._find_headers(rows)
        self.report.mapping = mapping.as_list()
        self.column_names = {key: mapping.headers[i] for key, i in mapping.index.items()}
        self.households.load()
        batch: list[Row] = []
        for row_number, cells in rows:
            values = {key: cell_text(cells[i]) if i < len(cells) else "" for key, i in mapping.index.items()}
            for key in FOLDED:  # full-width digits and letters, as Chinese input methods type them
                if values.get(key):
                    values[key] = fold(values[key], lower=False)
            if not any(values.values()):
                continue
            if self._is_example(values):
                self.report.skipped_example = True
                continue
            self.report.rows += 1
            if self.report.rows > reading.MAX_ROWS:
                raise too_many_rows()
            row = Row(number=row_number, values=values)
            check_excel_numbers(row, cells, mapping.index)
            batch.append(row)
            if len(batch) >= self.batch_size:
                self._process(batch)
                batch = []
        if batch:
            self._process(batch)
        if self.report.rows == 0:
            raise FileProblem(_("The file has headers but no rows of data."))
        self.matcher.finish()
        self.households.count(self.report)
        self.report.seal_basis()

    def _find_headers(self, rows) -> Mapping:
        """The row of column headers: the first row that names every required column, among the first
        HEADER_SEARCH_ROWS rows that hold anything. A roster usually has its title above the headers
        ("定海居民区居民花名册（2026年12月）"), perhaps a blank line: those rows are skipped and said.
        Rows is left at the first row after the headers."""
        closest: tuple[int, MissingColumns] | None = None
        seen = []
        for number, cells in rows:
            texts = [cell_text(v) for v in cells]
            if not any(texts):
                continue
            try:
                mapping = map_headers(cells)
            except MissingColumns as problem:
                if closest is None or problem.found > closest[1].found:
                    closest = (number, problem)
                text = mask_numbers_in_text(" ".join(t for t in texts if t))
                seen.append({"row": number, "text": text[:60]})
                if len(seen) >= HEADER_SEARCH_ROWS:
                    break
                continue
            self.report.skipped_rows = seen
            return mapping
        if closest is None:
            raise FileProblem(_("The file is empty."))
        number, problem = closest
        raise FileProblem(
            _(
                "No row of column headers was found in the first %(rows)d rows. Row %(row)d comes "
                "closest, but these required columns are missing: %(columns)s. Put the headers of the "
                "template in one row (a title above them may stay)."
            ),
            rows=HEADER_SEARCH_ROWS,
            row=number,
            columns="、".join(problem.missing),
        )

    @staticmethod
    def _is_example(values: dict[str, str]) -> bool:
        return (
            values.get("name") == EXAMPLE_ROW["name"] and values.get("id_number") == EXAMPLE_ROW["id_number"]
        )

    # One batch ------------------------------------------------------------------------------------

    def _process(self, batch: list[Row]) -> None:
        for row in batch:
            self.cleaner.clean(row)
        existing = self.matcher.check_ids_across_deployment(batch)
        plans = self.matcher.match(batch, existing)
        for row in batch:
            if row.errors:
                self.report.bad_rows += 1
                for key, msgid, params in row.errors:
                    self.report.error_count += 1
                    if len(self.report.errors) < MAX_ERRORS_KEPT:
                        self.report.errors.append(
                            {
                                "row": row.number,
                                "column": self.column_names.get(key, COLUMN_BY_KEY[key].header),
                                # The ID shows masked: the name is what finds the row in the file.
                                "name": mask_numbers_in_text(row.values.get("name", ""))[:40],
                                "value": _shown_value(key, row.values.get(key, "")),
                                # What to say, put into words in the reader's language when shown
                                # (problems.text); a text parameter is masked as the value is.
                                "msgid": msgid,
                                "params": params,
                            }
                        )
        if not self.report.ok:
            self._writing = False
        if self._writing:
            self.writer.write(plans)
        if self.progress is not None:
            self.progress(self.report.rows)


def _shown_value(key: str, value: str) -> str:
    """What the error list shows of the bad cell: never a full personal number."""
    if key == "id_number":
        return mask_id_number(value)
    if key == "phone":
        return mask_phone(value)
    return mask_numbers_in_text(value)[:40]  # a number typed into a name or the notes


def run_import(
    committee: Committee,
    path: Path,
    kind: str,
    *,
    commit: bool,
    user=None,
    reason: str = "",
    progress: Callable[[int], None] | None = None,
    basis: str | None = None,
) -> Report:
    """Preview (commit=False) or commit one file for one committee. FileProblem for a bad file.
    `basis`: the commit's of the preview's plan (Report.basis): a plan made otherwise is not written."""
    importer = Importer(committee, commit=commit, user=user, reason=reason, progress=progress, basis=basis)
    return importer.run(path, kind)
