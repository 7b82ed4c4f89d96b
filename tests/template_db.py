"""Each test process's database, copied from a migrated template instead of migrated afresh.

Migrating an empty database (82 migrations, 18 of them RunPython, which make Django render the
model states) took every test process seconds of CPU, on every run. The template is migrated once,
by the first process that finds it missing (the others wait on a file lock), and kept between runs
under a name made from the content of every installed app's migration files (and SCHEMA_CODE),
Django's version and the database engine: a changed, added or removed migration, or another
Django, makes a new one (and the old one is removed). Each process then copies it (SQLite: a file
copy; PostgreSQL: CREATE DATABASE ... TEMPLATE) and hands pytest-django a database that `migrate`
finds complete; the copy is dropped at the end of the run as before.

Only the `default` database is copied (a replica alias is a TEST MIRROR of it). `--create-db`
or an engine other than SQLite and PostgreSQL migrates the normal way.

The seeded demo is kept the same way, as a second template (`demo_copy_for_this_process`): telling it
through the services takes ~16 s of CPU on SQLite and ~30 s on PostgreSQL, a copy ~0.1 s. Its key
adds to the migrations' the project's code outside tests/ (the demo is told through the services,
so any of it may change what it writes), the pinned requirements and the local date the demo is
told relative to ("a case logged 3 days ago"): another day, or any code change, seeds it afresh.
"""

import fcntl
import hashlib
import shutil
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connections

ALIAS = "default"
_PREFIX = "test-template-"
_DEMO_PREFIX = "test-demo-"
# Code outside the migration folders that decides what a migration makes of an empty database (the
# RunPython functions that reindex rows read none there): part of the key too.
SCHEMA_CODE = ["common/migration_operations.py"]


def usable() -> bool:
    """Whether the tests' databases can come from a template (one database; a replica mirrors it)."""
    if connections[ALIAS].vendor not in ("sqlite", "postgresql"):
        return False
    if str(connections[ALIAS].creation._get_test_db_name()) == ":memory:":
        return False
    return all(
        alias == ALIAS or database.get("TEST", {}).get("MIRROR") == ALIAS
        for alias, database in settings.DATABASES.items()
    )


def migrations_key() -> str:
    """What the migrated database depends on: every installed app's migration files, Django, the engine."""
    digest = hashlib.sha256(f"{django.get_version()} {connections[ALIAS].vendor}".encode())
    for app_config in sorted(apps.get_app_configs(), key=lambda config: config.label):
        folder = Path(app_config.path) / "migrations"
        for path in sorted(folder.glob("*.py")):
            digest.update(f"{app_config.label}/{path.name}\0".encode())
            digest.update(path.read_bytes())
    for name in SCHEMA_CODE:
        digest.update((Path(settings.BASE_DIR) / name).read_bytes())
    return digest.hexdigest()[:16]


@contextmanager
def _locked(name: str) -> Iterator[None]:
    Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
    with open(Path(settings.VAR_DIR) / f"{_PREFIX}{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextmanager
def _connection_to(name: str) -> Iterator[None]:
    """The default connection pointed at another database for a while (as create_test_db does)."""
    connection = connections[ALIAS]
    connection.close()
    old_name = connection.settings_dict["NAME"]
    connection.settings_dict["NAME"] = name
    settings.DATABASES[ALIAS]["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = old_name
        settings.DATABASES[ALIAS]["NAME"] = old_name


def _migrate() -> None:
    call_command("migrate", database=ALIAS, run_syncdb=True, interactive=False, verbosity=0)
    call_command("createcachetable", database=ALIAS, verbosity=0)


def copy_for_this_process() -> None:
    """Make this process's test database (the TEST NAME pytest-django settled, with its xdist
    suffix) a copy of the migrated template, building the template first if there is none."""
    connection = connections[ALIAS]
    key = migrations_key()
    target = connection.creation._get_test_db_name()
    with _locked(connection.vendor):
        if connection.vendor == "sqlite":
            _copy_sqlite(key, Path(target))
        else:
            _copy_postgresql(key, target)


def _sqlite_files(path: Path) -> list[Path]:
    return [path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")]


def _copy_sqlite(key: str, target: Path) -> None:
    _kept_sqlite(_PREFIX, key, target, fill=_migrate)


def _kept_sqlite(prefix: str, key: str, target: Path, fill, start=None) -> None:
    """Copy the kept template `<prefix><key>.sqlite3` to `target`, building it first when missing
    (older templates of the prefix removed): `start(building)` makes the file (none: an empty
    database), then `fill()` runs with the connection on it."""
    var = Path(settings.VAR_DIR)
    template = var / f"{prefix}{key}.sqlite3"
    if not template.exists():
        for old in var.glob(f"{prefix}*.sqlite3*"):
            old.unlink()
        building = template.with_suffix(".building")
        for path in _sqlite_files(building):
            path.unlink(missing_ok=True)
        if start is not None:
            start(building)
        with _connection_to(str(building)):
            fill()
            with connections[ALIAS].cursor() as cursor:
                # The WAL's pages into the file itself, so that the file alone is the database.
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        building.replace(template)
        for path in _sqlite_files(building)[1:]:
            path.unlink(missing_ok=True)
    for path in _sqlite_files(target):
        path.unlink(missing_ok=True)
    shutil.copyfile(template, target)


def _existing(cursor, prefix: str) -> set[str]:
    """The PostgreSQL databases whose names start with `prefix` (kept templates, old and new)."""
    like = prefix.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%")
    cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{like}%"])
    return {name for (name,) in cursor.fetchall()}


def _clone(cursor, template: str, target: str) -> None:
    quote = connections[ALIAS].ops.quote_name
    cursor.execute(f"DROP DATABASE IF EXISTS {quote(target)}")
    cursor.execute(f"CREATE DATABASE {quote(target)} TEMPLATE {quote(template)}")


def _copy_postgresql(key: str, target: str) -> None:
    _kept_postgresql(f"{target.rsplit('_gw', 1)[0]}_tpl_", key, target, fill=_migrate)


def _kept_postgresql(prefix: str, key: str, target: str, fill, start_from=None, lock=nullcontext) -> None:
    """Clone the kept template database `<prefix><key>` as `target`, building it first when missing
    (older templates of the prefix dropped): created from `start_from` (none: empty) under `lock`,
    then `fill()` runs with the connection on it."""
    connection = connections[ALIAS]
    quote = connection.ops.quote_name
    template = f"{prefix}{key}"
    with connection._nodb_cursor() as cursor:
        existing = _existing(cursor, prefix)
    if template not in existing:
        building = f"{template}_building"
        with lock(), connection._nodb_cursor() as cursor:
            for old in existing:
                cursor.execute(f"DROP DATABASE IF EXISTS {quote(old)}")
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(building)}")
            source = f" TEMPLATE {quote(start_from)}" if start_from else ""
            cursor.execute(f"CREATE DATABASE {quote(building)}{source}")
        with _connection_to(building):
            fill()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"ALTER DATABASE {quote(building)} RENAME TO {quote(template)}")
    with connection._nodb_cursor() as cursor:
        _clone(cursor, template, target)


# --- The seeded demo -----------------------------------------------------------------------------------

# Folders of the checkout whose Python files do not decide what the demo writes.
_NOT_DEMO_CODE = {"tests", ".venv", "var", "test-results", "static", "locale"}


def demo_key() -> str:
    """What the seeded demo depends on: the migrated schema, the project's code and pinned packages,
    the time zone and today's local date (the demo's history is told relative to today)."""
    from django.utils import timezone

    base = Path(settings.BASE_DIR)
    digest = hashlib.sha256(f"{migrations_key()} {settings.TIME_ZONE} {timezone.localdate()}".encode())
    for path in sorted(base.rglob("*.py")):
        relative = path.relative_to(base)
        if relative.parts[0] in _NOT_DEMO_CODE:
            continue
        digest.update(f"{relative}\0".encode())
        digest.update(path.read_bytes())
    lock = base / "requirements.lock"
    if lock.exists():
        digest.update(lock.read_bytes())
    return digest.hexdigest()[:16]


def point_at(name: str) -> str:
    """Point the default connection (and its test mirrors) at another database; returns the old name.
    Call it between tests, outside any transaction: the connections are closed."""
    old_name = connections[ALIAS].settings_dict["NAME"]
    for alias, database in settings.DATABASES.items():
        if alias == ALIAS or database.get("TEST", {}).get("MIRROR") == ALIAS:
            connections[alias].close()
            connections[alias].settings_dict["NAME"] = name
            database["NAME"] = name
    return old_name


def demo_copy_for_this_process(seed) -> str:
    """The name of this process's copy of the seeded demo (made by `seed()` on a copy of the migrated
    template the first time, under the lock); the caller points the connection at it (point_at)."""
    connection = connections[ALIAS]
    key = demo_key()
    target = f"{connection.settings_dict['NAME']}-demo"
    with _locked(f"{connection.vendor}-demo"):
        if connection.vendor == "sqlite":
            _copy_sqlite_demo(key, Path(target), seed)
        else:
            target = target.replace("-", "_")
            _copy_postgresql_demo(key, target, seed)
    return target


def drop_demo_copy(name: str) -> None:
    connection = connections[ALIAS]
    if connection.vendor == "sqlite":
        for path in _sqlite_files(Path(name)):
            path.unlink(missing_ok=True)
    else:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")


def _copy_sqlite_demo(key: str, target: Path, seed) -> None:
    def start(building: Path) -> None:
        with _locked(connections[ALIAS].vendor):
            shutil.copyfile(Path(settings.VAR_DIR) / f"{_PREFIX}{migrations_key()}.sqlite3", building)

    _kept_sqlite(_DEMO_PREFIX, key, target, fill=seed, start=start)


def _copy_postgresql_demo(key: str, target: str, seed) -> None:
    base = target.rsplit("_gw", 1)[0].removesuffix("_demo")
    vendor = connections[ALIAS].vendor
    _kept_postgresql(
        f"{base}_demo_tpl_",
        key,
        target,
        fill=seed,
        start_from=f"{base}_tpl_{migrations_key()}",
        lock=lambda: _locked(vendor),  # the migrated template is not rebuilt while it is copied
    )
