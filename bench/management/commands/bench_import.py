"""Benchmark of the import: rows per second and peak memory for files of 10,000 and 100,000 residents.

    .venv/bin/python manage.py bench_import                       # 10,000 and 100,000 rows, .xlsx
    .venv/bin/python manage.py bench_import --sizes 10000 --repeat 3 --format csv

Each run uses a committee of its own in a street named "bench", and deletes it afterwards. Phases:
preview (the dry run; for a workbook this includes keeping it as rows, as the upload does), commit
(everything new) and re-import (the same file again: all unchanged).
Times are wall-clock, with this process's CPU seconds beside them (the machine may be shared: the
database's own CPU is not in that figure). Peak memory is what tracemalloc saw of Python
allocations during a separate preview and re-import of the same file (tracemalloc slows the run,
so it is not timed), and the process's maximum resident set size at the end.
"""

import datetime
import resource
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

from openpyxl import Workbook
from stdnum.cn import ric

from bench.command import BenchCommand
from committee.models import Committee, Street
from committee.scoping import unscoped
from residents.imports.columns import COLUMNS
from residents.imports.importer import run_import
from residents.imports.reading import normalise_workbook
from residents.models import Building, Household, ImportRun, Resident

ROADS = ["定海路", "杭州路", "隆昌路", "波阳路", "平凉路", "眉州路"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "秀英桂英玉兰建国建华志强海燕丽华明德金花伟敏静"


def _row(n: int) -> list[str]:
    birth = datetime.date(1931, 1, 1) + datetime.timedelta(days=n // 500)
    body = f"310110{birth:%Y%m%d}{n % 500 + 100:03d}"
    number = body + ric.calc_check_digit(body + "0")
    household = n // 3
    building = household // 30
    return [
        ROADS[building % len(ROADS)],
        str(100 + building // len(ROADS)),
        str(building % 40 + 1),
        str(101 + household % 30),
        SURNAMES[n % len(SURNAMES)] + GIVEN[(n // 7) % len(GIVEN)] + GIVEN[(n // 3) % len(GIVEN)],
        number,
        "男" if int(number[16]) % 2 else "女",
        birth.isoformat(),
        f"139{n:08d}",
        "户主" if n % 3 == 0 else "配偶",
        "户籍",
        "公房（租赁）",
        "独居老人" if n % 11 == 0 else "",
        "",
    ]


def write_file(path: Path, rows: int, kind: str) -> None:
    headers = [c.header for c in COLUMNS]
    if kind == "csv":
        import csv

        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(headers)
            for n in range(rows):
                writer.writerow(_row(n))
        return
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("居民登记")
    sheet.append(headers)
    for n in range(rows):
        sheet.append(_row(n))
    workbook.save(path)


def _clear(committee: Committee) -> None:
    """Delete what a run imported with plain SQL deletes: the ORM's delete would write a history
    row per resident (simple_history) and take longer than the import."""
    Building.all_objects.filter(committee=committee).update(leader=None)
    for queryset in (
        Resident.care_categories.through.objects.filter(resident__committee=committee),
        Resident.all_objects.filter(committee=committee),
        Household.all_objects.filter(committee=committee),
        Building.all_objects.filter(committee=committee),
        ImportRun.all_objects.filter(committee=committee),
    ):
        queryset._raw_delete(queryset.db)
    committee.delete()


def _preview(committee, path: Path, kind: str):
    """What the upload does: a workbook is first kept as rows (see reading.normalise_workbook)."""
    if kind == "xlsx":
        normalise_workbook(path, path.with_suffix(".rows.csv"))
        return run_import(committee, path.with_suffix(".rows.csv"), "rows", commit=False)
    return run_import(committee, path, kind, commit=False)


def _commit(committee, path: Path, kind: str):
    if kind == "xlsx":
        return run_import(committee, path.with_suffix(".rows.csv"), "rows", commit=True)
    return run_import(committee, path, kind, commit=True)


def _timed(committee, path, kind, *, commit: bool):
    start, cpu = time.perf_counter(), time.process_time()
    report = (_commit if commit else _preview)(committee, path, kind)
    elapsed = time.perf_counter() - start
    report.cpu_seconds = time.process_time() - cpu
    if not report.ok:
        raise SystemExit(f"the benchmark file has bad rows: {report.errors[:3]}")
    return elapsed, report


def _peak(committee, path, kind, *, commit: bool) -> float:
    tracemalloc.start()
    try:
        (_commit if commit else _preview)(committee, path, kind)
        return tracemalloc.get_traced_memory()[1] / 1024 / 1024
    finally:
        tracemalloc.stop()


def _summary(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:,.0f}"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(values):,.0f}, p95 {p95:,.0f}"


class Command(BenchCommand):
    help = "Time the import of generated files (rows/s, peak memory) and delete what it imported."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--sizes", default="10000,100000", help="Comma-separated numbers of rows.")
        parser.add_argument("--repeat", type=int, default=1)
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        parser.add_argument("--no-memory", action="store_true", help="Skip the tracemalloc runs.")

    def handle(self, *args, sizes: str, repeat: int, format: str, no_memory: bool, **options) -> None:
        with unscoped():
            street, _ = Street.objects.get_or_create(name="bench")
            for leftover in Committee.objects.filter(street=street):  # from an interrupted run
                _clear(leftover)
            with tempfile.TemporaryDirectory() as tmp:
                for size in (int(s) for s in sizes.split(",")):
                    path = Path(tmp) / f"bench-{size}.{format}"
                    start = time.perf_counter()
                    write_file(path, size, format)
                    self.stdout.write(
                        f"{size:,} rows: {format} file of {path.stat().st_size / 1024 / 1024:.1f} MB "
                        f"written in {time.perf_counter() - start:.1f} s"
                    )
                    self._bench(street, path, format, size, repeat, memory=not no_memory)
            if not Committee.objects.filter(street=street).exists():
                street.delete()

    def _bench(self, street, path, kind, size, repeat, *, memory: bool) -> None:
        rates: dict[str, list[float]] = {"preview": [], "commit": [], "re-import": []}
        cpu: dict[str, list[float]] = {phase: [] for phase in rates}
        peaks: dict[str, float] = {}
        for i in range(repeat):
            committee = Committee.objects.create(
                street=street, name=f"bench-{size}-{i}-{time.time_ns()}", code=f"b{time.time_ns() % 10**12}"
            )
            try:
                seconds, report = _timed(committee, path, kind, commit=False)
                rates["preview"].append(size / seconds)
                cpu["preview"].append(report.cpu_seconds)
                seconds, report = _timed(committee, path, kind, commit=True)
                assert report.residents.created == size
                rates["commit"].append(size / seconds)
                cpu["commit"].append(report.cpu_seconds)
                seconds, report = _timed(committee, path, kind, commit=True)
                assert report.residents.unchanged == size
                rates["re-import"].append(size / seconds)
                cpu["re-import"].append(report.cpu_seconds)
                if memory and i == 0:
                    peaks["preview"] = _peak(committee, path, kind, commit=False)
                    peaks["re-import"] = _peak(committee, path, kind, commit=True)
            finally:
                _clear(committee)
        for phase, values in rates.items():
            seconds = [size / v for v in values]
            self.stdout.write(
                f"  {phase:10} rows/s: {_summary(values):>28}   seconds: "
                f"{', '.join(f'{s:.1f}' for s in seconds)} (this process's CPU: "
                f"{', '.join(f'{c:.1f}' for c in cpu[phase])})"
                + (f"   peak traced memory {peaks[phase]:.0f} MB" if phase in peaks else "")
            )
        maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(f"  process max RSS so far: {maxrss:.0f} MB")
