"""Backups that are restored before they are trusted: the database and the uploaded files in one
archive, checked by restoring it, and restored the same way when it is needed.

An archive, `needle-YYYYMMDD-HHMMSS.tar` in BACKUP_DIR (a folder and files only its owner may read:
they hold every resident's full ID number), holds
- `database.dump` (PostgreSQL: pg_dump's custom format) or `database.sqlite3` (SQLite: an online copy),
- `media/…`: every uploaded file (case photos and PDFs, registry workbooks), unless BACKUP_MEDIA is off,
- `manifest.json`: when, which engine, the last migration of each app, the rows of every table, and
  the SHA-256 of every other member.

`make_backup()` writes the archive under a temporary name, then `check_archive()` restores its database into a
scratch one (PostgreSQL: a database made for the check and dropped after it, so the database user
needs CREATEDB; SQLite: a temporary file), compares every table's rows with the manifest and every
file with its digest. A checked archive takes its final name and lets the oldest go (BACKUP_KEEP are
kept); one that fails its check is kept as `…-unchecked.tar` and removes no checked archive (the
newest BACKUP_KEEP unchecked ones are kept, not every night's). One backup or check runs at a time.

`restore()` writes an archive into an empty database and adds its files to MEDIA_ROOT, refusing to
overwrite anything. Only SQL runs here, never a committee's model: a backup is of the whole
deployment and needs no scope.
"""

import contextlib
import datetime
import fcntl
import hashlib
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _

from backups import postgres
from backups.errors import BackupError

MANIFEST = "manifest.json"
FORMAT = 1  # the manifest's layout; a newer one is refused by restore()
_NAME_FORMAT = "needle-%Y%m%d-%H%M%S"
UNCHECKED = "-unchecked"


@dataclass
class Outcome:
    archive: Path
    bytes: int
    tables: int
    rows: int
    files: int
    checked: bool = False
    problem: str = ""
    seconds: float = 0.0
    removed: list[str] = field(default_factory=list)

    def as_record(self) -> dict:
        """What the JobRun keeps (no personal data: names of archives and counts only)."""
        return {
            "archive": self.archive.name,
            "bytes": self.bytes,
            "tables": self.tables,
            "rows": self.rows,
            "files": self.files,
            "checked": self.checked,
            "problem": self.problem,
            "seconds": round(self.seconds, 1),
            "removed": self.removed,
        }


# --- Making --------------------------------------------------------------------------------------------


def backup_dir() -> Path:
    folder = Path(settings.BACKUP_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    return folder


def make_backup(
    *, check: bool = True, media: bool | None = None, now: datetime.datetime | None = None
) -> Outcome:
    """Write an archive of the database (and the uploads), check it by restoring it, prune old ones."""
    started = time.monotonic()
    media = settings.BACKUP_MEDIA if media is None else media
    folder = backup_dir()
    with one_at_a_time(folder):
        _sweep(folder)
        return _make_backup(folder, check=check, media=media, now=now, started=started)


@contextlib.contextmanager
def one_at_a_time(folder: Path):
    """One backup or check at a time on this server: two would share the scratch database, and the
    second's first step drops it. A second one is refused at once, not queued."""
    with (folder / ".lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise BackupError(_("Another backup or check is running; this one was not started.")) from error
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _sweep(folder: Path) -> None:
    """What a backup killed half-way left behind (under the lock, so nobody is writing it): its
    hidden .partial archive and its folder with the raw dump, each holding every full ID number."""
    for path in folder.glob(".*.partial"):
        path.unlink(missing_ok=True)
    for path in folder.glob("tmp*"):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)


def _make_backup(folder: Path, *, check: bool, media: bool, now, started: float) -> Outcome:
    stamp = timezone.localtime(now or timezone.now()).strftime(_NAME_FORMAT)
    final, unchecked = folder / f"{stamp}.tar", folder / f"{stamp}{UNCHECKED}.tar"
    partial = folder / f".{stamp}.partial"
    with tempfile.TemporaryDirectory(dir=folder) as work:
        work = Path(work)
        manifest = {
            "format": FORMAT,
            "made_at": timezone.now().isoformat(),
            "engine": _engine(),
            **_dump_database(work),
        }
        files = _media_files() if media else []
        manifest["files"] = {}
        try:
            with _private(partial).open("wb") as handle, tarfile.open(fileobj=handle, mode="w") as tar:
                dump = work / _dump_name()
                manifest["database_sha256"] = _add_file(tar, dump, dump.name)
                for path in files:
                    name = path.relative_to(settings.MEDIA_ROOT).as_posix()
                    with contextlib.suppress(FileNotFoundError):  # removed since it was listed
                        manifest["files"][name] = _add_file(tar, path, f"media/{name}")
                _add_bytes(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
        except BaseException:
            partial.unlink(missing_ok=True)  # a full disk: no half-written archive left behind
            raise
    outcome = Outcome(
        archive=final,
        bytes=partial.stat().st_size,
        tables=len(manifest["rows"]),
        rows=sum(manifest["rows"].values()),
        files=len(manifest["files"]),
    )
    if check:
        try:
            check_archive(partial)
        except BackupError as error:
            outcome.problem = str(error)
        except Exception as error:  # the server refused the scratch database's connection, a full disk
            outcome.problem = str(error).strip() or type(error).__name__
        except BaseException:  # stopped: the archive is kept, unchecked, not left as a hidden .partial
            os.replace(partial, unchecked)
            raise
    outcome.checked = check and not outcome.problem
    if not outcome.checked:
        outcome.archive = unchecked
    os.replace(partial, outcome.archive)
    outcome.removed = prune(folder)  # never a checked archive for an unchecked one
    outcome.seconds = time.monotonic() - started
    return outcome


def prune(folder: Path, keep: int | None = None) -> list[str]:
    """Keep the newest `keep` checked archives; unchecked ones older than the newest checked go too.
    The newest checked one is always kept (BACKUP_KEEP=0 removed the archive just made)."""
    keep = max(settings.BACKUP_KEEP if keep is None else keep, 1)
    checked = sorted(p for p in folder.glob("needle-*.tar") if not p.stem.endswith(UNCHECKED))
    unchecked = sorted(folder.glob(f"needle-*{UNCHECKED}.tar"))
    # Older than the newest checked one, they are replaced by it; without CREATEDB every archive is
    # unchecked, and the newest `keep` of those are kept, not every night's until the disk is full.
    stale = [p for p in unchecked if checked and p.name < checked[-1].name]
    stale += [p for p in unchecked[: max(len(unchecked) - keep, 0)] if p not in stale]
    gone = checked[: max(len(checked) - keep, 0)] + stale
    for path in gone:
        path.unlink()
    return sorted(p.name for p in gone)


def _engine() -> str:
    return "postgresql" if connections["default"].vendor == "postgresql" else "sqlite"


def _dump_name(engine: str | None = None) -> str:
    return "database.dump" if (engine or _engine()) == "postgresql" else "database.sqlite3"


def _dump_database(work: Path) -> dict:
    """The database into `work`; returns the manifest's `rows` and `migrations`, read from the same
    state as the copy (PostgreSQL: pg_dump takes the snapshot of the transaction that counts)."""
    if _engine() == "postgresql":
        return _dump_postgresql(work / _dump_name())
    return _dump_sqlite(work / _dump_name())


def _dump_postgresql(target: Path) -> dict:
    import psycopg

    with psycopg.connect(**postgres.conninfo()) as conn:
        # One snapshot for the counts and the dump: psycopg opens the transaction at the first query.
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        state = _state(conn.execute)
        postgres.run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}"],
            ["--file", str(target)],
        )
        conn.rollback()
    return state


def _dump_sqlite(target: Path) -> dict:
    source = sqlite3.connect(settings.DATABASES["default"]["NAME"])
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # a consistent copy while the app goes on writing
        copy.execute("PRAGMA journal_mode=DELETE")  # one file, not a WAL beside it
        return _state(copy.execute)
    finally:
        copy.close()
        source.close()


_TABLES = {
    "postgresql": "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1",
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1",
}


def _state(execute, engine: str | None = None) -> dict:
    """Every table's rows and each app's last applied migration, through a DB-API `execute` on a
    database of `engine` (this server's by default)."""
    tables = [row[0] for row in execute(_TABLES[engine or _engine()]).fetchall()]
    rows = {name: execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in tables}  # noqa: S608
    migrations = {}
    if "django_migrations" in rows:
        for app, name in execute("SELECT app, name FROM django_migrations ORDER BY id").fetchall():
            migrations[app] = name
    return {"rows": rows, "migrations": migrations}


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


# --- Checking ------------------------------------------------------------------------------------------


def read_manifest(archive: Path) -> dict:
    try:
        with tarfile.open(archive) as tar:
            member = tar.extractfile(MANIFEST)
            manifest = json.loads(member.read()) if member else None
    except FileNotFoundError as error:
        raise BackupError(_("There is no file %(name)s.") % {"name": archive}) from error
    except (tarfile.TarError, KeyError, OSError, ValueError) as error:
        raise BackupError(
            _("The archive %(name)s cannot be read: it is no Needle backup, or it was cut short.")
            % {"name": archive.name}
        ) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(
            _("The archive %(name)s is not a Needle backup this version can read.") % {"name": archive.name}
        )
    outside = [name for name in manifest.get("files", {}) if not _inside_media(name)]
    if outside:
        # Before anything is written: the tar filter's refusal came after the database was restored.
        raise BackupError(
            _(
                "The archive %(name)s names a file outside the uploads folder (%(file)s): it is no "
                "Needle backup."
            )
            % {"name": archive.name, "file": outside[0]}
        )
    return manifest


def _inside_media(name: object) -> bool:
    """A name as make_backup writes it: relative, without "..", in its one spelling (no "a//b", "./a")."""
    if not isinstance(name, str) or not name:
        return False
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and path.as_posix() == name


def check_archive(archive: Path) -> dict:
    """Restore the archive's database into a scratch database and compare it with the manifest, and
    every file with its digest. Raises BackupError saying what differs; returns the manifest."""
    manifest = read_manifest(archive)
    with tempfile.TemporaryDirectory(dir=archive.parent) as work:
        dump = _extract_checked(archive, manifest, Path(work))
        found = _restore_scratch(manifest["engine"], dump)
    _compare(manifest, found)
    return manifest


def _extract_checked(archive: Path, manifest: dict, work: Path) -> Path:
    """Unpacks the database into `work` and reads every file's bytes against its digest."""
    dump_name = _dump_name(manifest["engine"])
    dump = work / dump_name
    seen = set()
    with tarfile.open(archive) as tar:
        for member in tar:
            if member.name == dump_name:
                with tar.extractfile(member) as source, dump.open("wb") as target:
                    shutil.copyfileobj(source, target, 1024 * 1024)
            elif member.name.startswith("media/") and member.isfile():
                name = member.name.removeprefix("media/")
                with tar.extractfile(member) as source:
                    if _sha256(source) != manifest["files"].get(name):
                        raise BackupError(_("The file %(name)s in the archive is damaged.") % {"name": name})
                seen.add(name)
    if not dump.exists() or _sha256(dump) != manifest["database_sha256"]:
        raise BackupError(_("The database in the archive is missing or damaged."))
    missing = set(manifest["files"]) - seen
    if missing:
        raise BackupError(
            _("%(count)s uploaded files are missing from the archive, e.g. %(name)s.")
            % {"count": len(missing), "name": sorted(missing)[0]}
        )
    return dump


def _restore_scratch(engine: str, dump: Path) -> dict:
    if engine == "sqlite":
        conn = sqlite3.connect(dump)
        try:
            verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
            if verdict != "ok":
                raise BackupError(
                    _("The database in the archive is damaged: %(verdict)s") % {"verdict": verdict}
                )
            return _state(conn.execute, "sqlite")
        except sqlite3.DatabaseError as error:
            raise BackupError(
                _("The database in the archive is damaged: %(verdict)s") % {"verdict": error}
            ) from error
        finally:
            conn.close()
    import psycopg

    scratch = _scratch_name(settings.DATABASES["default"]["NAME"])
    postgres.drop_database(scratch)  # left over by a check that was killed half-way
    try:
        with postgres.maintenance() as conn:
            conn.execute(f'CREATE DATABASE "{scratch}" TEMPLATE template0')
    except psycopg.Error as error:
        raise BackupError(
            _(
                "The archive could not be checked: no scratch database could be made (%(error)s). "
                "Give the database user CREATEDB."
            )
            % {"error": str(error).strip()}
        ) from error
    try:
        postgres.run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                "--dbname",
                scratch,
            ],
            [str(dump)],
            scratch=True,
        )
        with psycopg.connect(**{**postgres.conninfo(), "dbname": scratch}) as conn:
            return _state(conn.execute, "postgresql")
    finally:
        postgres.drop_database(scratch)


_SCRATCH_SUFFIX = "_restorecheck"
_NAME_BYTES = 63  # PostgreSQL cuts a longer name (NAMEDATALEN - 1), in bytes


def _scratch_name(live: str) -> str:
    """The check's scratch database, dropped WITH (FORCE) before and after the check: never a name
    PostgreSQL would cut to the live database's. The live name is shortened to leave the suffix
    room ("<63 characters>_restorecheck"[:63] was the live database itself, and was dropped)."""
    cut = _NAME_BYTES - len(_SCRATCH_SUFFIX)
    scratch = live.encode()[:cut].decode(errors="ignore") + _SCRATCH_SUFFIX
    if scratch.encode()[:_NAME_BYTES] == live.encode()[:_NAME_BYTES]:
        scratch = live.encode()[: cut - 1].decode(errors="ignore") + "_" + _SCRATCH_SUFFIX
    return scratch


def _compare(manifest: dict, found: dict) -> None:
    expected = manifest["rows"]
    if set(found["rows"]) != set(expected):
        missing = sorted(set(expected) - set(found["rows"]))
        raise BackupError(
            _("The restored database lacks tables of the original: %(names)s")
            % {"names": ", ".join(missing[:5])}
        )
    differ = [name for name in expected if found["rows"][name] != expected[name]]
    if differ:
        name = differ[0]
        raise BackupError(
            _("The restored table %(name)s has %(found)s rows where the original had %(expected)s.")
            % {"name": name, "found": found["rows"][name], "expected": expected[name]}
        )
    if found["migrations"] != manifest["migrations"]:
        raise BackupError(_("The restored database's migrations differ from the original's."))


# --- Restoring -----------------------------------------------------------------------------------------


def restore(archive: Path, *, media: bool = True) -> tuple[dict, dict]:
    """Write the archive into the configured database, which must hold no tables, and its files into
    MEDIA_ROOT, where none may exist already. Returns the manifest and what the database now holds,
    compared with it."""
    manifest = read_manifest(archive)
    if manifest["engine"] != _engine():
        raise BackupError(
            _("This archive is of a %(archive)s database; this server uses %(here)s.")
            % {"archive": manifest["engine"], "here": _engine()}
        )
    root = Path(settings.MEDIA_ROOT)
    if media:
        clashes = [name for name in manifest["files"] if (root / name).exists()]
        if clashes:
            raise BackupError(
                _(
                    "%(count)s of the archive's files already exist under MEDIA_ROOT, e.g. %(name)s; "
                    "nothing was restored."
                )
                % {"count": len(clashes), "name": clashes[0]}
            )
    if _table_count():
        raise BackupError(
            _(
                "The database already has tables. Restore into a new, empty database (see the README), "
                "never over one in use."
            )
        )
    connections["default"].close()
    # The uploads are unpacked first, beside MEDIA_ROOT (the same disk), and moved in only once the
    # database is restored: a full disk while unpacking leaves the empty database as it was.
    root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root.parent, prefix=".restoring-") as staged:
        if media:
            _restore_media(archive, Path(staged))
        _restore_database(archive, manifest)
        if media:
            _move_in(Path(staged), root)
    with connections["default"].cursor() as cursor:
        found = _state(lambda sql: cursor.execute(sql) or cursor)
    _compare(manifest, found)
    return manifest, found


def _restore_database(archive: Path, manifest: dict) -> None:
    with tempfile.TemporaryDirectory() as work:
        dump = _extract_checked(archive, manifest, Path(work))
        if manifest["engine"] == "postgresql":
            postgres.run(
                ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"],
                ["--dbname", settings.DATABASES["default"]["NAME"], str(dump)],
            )
        else:
            _restore_scratch("sqlite", dump)  # a damaged copy is refused before it replaces anything
            target = Path(settings.DATABASES["default"]["NAME"])
            # Copied beside the target under another name, then put in its place in one step: a
            # full disk leaves the empty database as it was, not half a file.
            copy = target.with_name(f".{target.name}.restoring")
            shutil.copyfile(dump, copy)
            copy.chmod(0o600)
            for suffix in ("-wal", "-shm"):  # an empty database's files, checked empty above
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            os.replace(copy, target)


def _move_in(staged: Path, root: Path) -> None:
    """Each unpacked file renamed into MEDIA_ROOT (checked free of them above)."""
    for path in sorted(p for p in staged.rglob("*") if p.is_file()):
        target = root / path.relative_to(staged)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)


def _restore_media(archive: Path, root: Path) -> None:
    with tarfile.open(archive) as tar:
        members = []
        for member in tar:
            if member.name.startswith("media/") and member.isfile():
                member.name = member.name.removeprefix("media/")
                members.append(member)
        # The "data" filter refuses absolute paths, "..", links out of the folder and device files.
        tar.extractall(root, members=members, filter="data")


def _table_count() -> int:
    with connections["default"].cursor() as cursor:
        return len(connections["default"].introspection.table_names(cursor))


# --- Files ---------------------------------------------------------------------------------------------


def _private(path: Path) -> Path:
    """A new file that only its owner may read."""
    path.touch(mode=0o600, exist_ok=False)
    return path


def _sha256(source) -> str:
    digest = hashlib.sha256()
    if isinstance(source, Path):
        with source.open("rb") as handle:
            return _sha256(handle)
    for chunk in iter(lambda: source.read(1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _add_file(tar: tarfile.TarFile, path: Path, arcname: str) -> str:
    """Adds a file to the archive and returns the SHA-256 of exactly the bytes added (read once)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        info = tar.gettarinfo(arcname=arcname, fileobj=handle)
        info.mode = 0o600

        class Hashing:
            def read(self, size: int = -1) -> bytes:
                data = handle.read(size)
                digest.update(data)
                return data

        tar.addfile(info, Hashing())
    return digest.hexdigest()


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(time.time())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))
