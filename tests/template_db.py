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
"""

import fcntl
import hashlib
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connections

ALIAS = "default"
_PREFIX = "test-template-"
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
    template = Path(settings.VAR_DIR) / f"{_PREFIX}{key}.sqlite3"
    if not template.exists():
        for old in Path(settings.VAR_DIR).glob(f"{_PREFIX}*.sqlite3*"):
            old.unlink()
        building = template.with_suffix(".building")
        for path in _sqlite_files(building):
            path.unlink(missing_ok=True)
        with _connection_to(str(building)):
            _migrate()
            with connections[ALIAS].cursor() as cursor:
                # The WAL's pages into the file itself, so that the file alone is the database.
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        building.replace(template)
        for path in _sqlite_files(building)[1:]:
            path.unlink(missing_ok=True)
    for path in _sqlite_files(target):
        path.unlink(missing_ok=True)
    shutil.copyfile(template, target)


def _copy_postgresql(key: str, target: str) -> None:
    connection = connections[ALIAS]
    quote = connection.ops.quote_name
    prefix = f"{target.rsplit('_gw', 1)[0]}_tpl_"
    template = f"{prefix}{key}"
    with connection._nodb_cursor() as cursor:
        like = prefix.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%")
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{like}%"])
        existing = {name for (name,) in cursor.fetchall()}
        if template not in existing:
            for old in existing:
                cursor.execute(f"DROP DATABASE IF EXISTS {quote(old)}")
            building = f"{template}_building"
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(building)}")
            cursor.execute(f"CREATE DATABASE {quote(building)}")
    if template not in existing:
        with _connection_to(building):
            _migrate()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"ALTER DATABASE {quote(building)} RENAME TO {quote(template)}")
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(target)}")
        cursor.execute(f"CREATE DATABASE {quote(target)} TEMPLATE {quote(template)}")
