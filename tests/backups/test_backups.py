"""Backups that are restored before they are trusted (backups/archive.py): the nightly archive holds
the database and the uploads, is checked by restoring it, and `manage.py restore_backup` writes it
into an empty database and media folder, as an administrator would run it after losing a server.

Transactional: pg_dump and the restore run in other processes and see only committed rows."""

import contextlib
import hashlib
import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
import tarfile
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core import checks
from django.core.management import CommandError, call_command
from django.db import connection
from django.tasks import TaskResultStatus
from django.utils import translation

from backups import archive, postgres
from backups.tasks import nightly_backup
from cases import services
from committee.access import Access
from jobs.models import JobRun
from tests.factories import jpeg_upload, make_case

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "东长治路积水，备份后仍在"


@pytest.fixture(autouse=True)
def _chinese():
    """Commands speak the server's language (LANGUAGE_CODE, zh-hans), as they do in a new process."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def backup_dir(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"
    return settings.BACKUP_DIR


@pytest.fixture
def case_with_photo(org):
    case = make_case(org.worker_a, org.a, title=TITLE)
    photo = services.add_attachment(access=Access(org.worker_a), case=case, uploaded=jpeg_upload("门口.jpg"))
    return case, Path(photo.file.path)


def _files(folder) -> list[Path]:
    return [p for p in Path(folder).rglob("*") if p.is_file()]


def _archives(folder: Path) -> list[Path]:
    return sorted(folder.glob("needle-*.tar"))


@contextlib.contextmanager
def empty_database(tmp_path: Path):
    """The environment of `manage.py` on a new, empty database of the engine under test."""
    db = settings.DATABASES["default"]
    env = {**os.environ, "MEDIA_ROOT": str(tmp_path / "restored-media")}
    if connection.vendor == "sqlite":
        env |= {"DATABASE_URL": "", "SQLITE_PATH": str(tmp_path / "restored.sqlite3")}
        yield env
        return
    name = f"{db['NAME']}_restoretarget"[:63]
    postgres.drop_database(name)
    with postgres.maintenance() as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    env["DATABASE_URL"] = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    try:
        yield env
    finally:
        postgres.drop_database(name)


def _manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )


def _titles_in(env: dict) -> list[str]:
    """The cases' titles in the restored database, read with the driver alone."""
    sql = "SELECT title FROM cases_case"
    if connection.vendor == "sqlite":
        with contextlib.closing(sqlite3.connect(env["SQLITE_PATH"])) as conn:
            return [row[0] for row in conn.execute(sql)]
    with psycopg.connect(env["DATABASE_URL"].replace("postgres://", "postgresql://")) as conn:
        return [row[0] for row in conn.execute(sql)]


def test_a_backup_is_checked_by_restoring_it_and_restores_into_an_empty_database(
    backup_dir, case_with_photo, tmp_path, capsys
):
    _case, photo = case_with_photo
    call_command("backup")
    assert "已校验：已恢复到临时数据库" in capsys.readouterr().out
    [made] = _archives(backup_dir)
    # Every resident's full ID number is in it: the owner alone may read the archive and its folder.
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    assert stat.S_IMODE(backup_dir.stat().st_mode) == 0o700
    manifest = archive.read_manifest(made)
    assert manifest["rows"]["cases_case"] == 1
    uploads = {p.relative_to(settings.MEDIA_ROOT).as_posix() for p in _files(settings.MEDIA_ROOT)}
    assert photo.relative_to(settings.MEDIA_ROOT).as_posix() in uploads  # the photo and its thumbnail
    assert set(manifest["files"]) == uploads

    # Never over an uploaded file (the originals are still there),
    with pytest.raises(CommandError, match=r"已存在于 MEDIA_ROOT.*未恢复任何内容"):
        call_command("restore_backup", str(made))
    assert photo.exists()
    # nor over the database in use,
    with pytest.raises(CommandError, match="数据库中已有数据表"):
        call_command("restore_backup", str(made), no_media=True)
    # but into a new, empty database and folder, as an administrator runs it on a new server.
    with empty_database(tmp_path) as env:
        done = _manage(env, "restore_backup", str(made))
        assert done.returncode == 0, done.stderr
        assert "每张表的行数与备份时一致" in done.stdout
        assert _titles_in(env) == [TITLE]
        restored = Path(env["MEDIA_ROOT"], photo.relative_to(settings.MEDIA_ROOT))
        assert restored.read_bytes() == photo.read_bytes()


def _copy_with(made: Path, target: Path, change) -> Path:
    """A copy of the archive with one member's bytes changed by `change`."""
    with tarfile.open(made) as source, tarfile.open(target, "w") as copy:
        for member in source:
            data = source.extractfile(member).read()
            data = change(member.name, data)
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    return target


def test_a_damaged_archive_fails_its_check(backup_dir, case_with_photo, tmp_path, capsys):
    outcome = archive.make_backup(check=False)
    call_command("backup", check=str(outcome.archive))  # as made, it restores and compares
    assert "已试恢复并核对" in capsys.readouterr().out
    damages = {
        "已损坏": lambda name, data: data[:-1] + b"x" if name.startswith("media/") else data,
        "缺失或已损坏": lambda name, data: data[: len(data) // 2] if name.startswith("database") else data,
    }
    for message, damage in damages.items():
        damaged = _copy_with(outcome.archive, tmp_path / "damaged.tar", damage)
        with pytest.raises(CommandError, match=message):
            call_command("backup", check=str(damaged))


def test_a_file_that_is_no_backup_is_refused_in_the_administrators_language(tmp_path):
    (tmp_path / "needle-20261201-023000.tar").write_bytes(b"not a tar")
    with pytest.raises(CommandError, match="它不是绣花针的备份，或者文件不完整"):
        call_command("backup", check=str(tmp_path / "needle-20261201-023000.tar"))
    with (
        translation.override("en"),
        pytest.raises(CommandError, match="no Needle backup, or it was cut short"),
    ):
        call_command("backup", check=str(tmp_path / "needle-20261201-023000.tar"))
    with pytest.raises(CommandError, match="没有文件"):
        call_command("backup", check=str(tmp_path / "gone.tar"))


def test_only_the_newest_checked_archives_are_kept(tmp_path, settings):
    settings.BACKUP_KEEP = 2
    names = ["needle-20261201-023000", "needle-20261202-023000-unchecked", "needle-20261203-023000"]
    for name in [*names, "needle-20261204-023000"]:
        (tmp_path / f"{name}.tar").write_bytes(b"")
    # The oldest checked one goes; so does the unchecked one, now that a newer archive is checked.
    assert archive.prune(tmp_path) == ["needle-20261201-023000.tar", "needle-20261202-023000-unchecked.tar"]
    assert [p.name for p in _archives(tmp_path)] == [
        "needle-20261203-023000.tar",
        "needle-20261204-023000.tar",
    ]


def test_an_unchecked_archive_says_so_and_removes_nothing(backup_dir, org, settings):
    settings.BACKUP_KEEP = 1
    backup_dir.mkdir(parents=True)
    (backup_dir / "needle-20261201-023000.tar").write_bytes(b"")
    outcome = archive.make_backup(check=False, media=False)
    assert not outcome.checked and outcome.archive.name.endswith("-unchecked.tar")
    assert outcome.removed == []
    assert (backup_dir / "needle-20261201-023000.tar").exists()


def test_the_nightly_backup_records_its_run(backup_dir, case_with_photo, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    result = nightly_backup.enqueue()
    assert result.status == TaskResultStatus.SUCCESSFUL
    run = JobRun.objects.get(job=JobRun.BACKUP)
    assert run.outcome["checked"] is True and run.outcome["files"] == len(_files(settings.MEDIA_ROOT))
    assert run.outcome["archive"] == _archives(backup_dir)[0].name
    assert run.outcome["rows"] >= 1 and run.outcome["problem"] == ""


def test_a_backup_that_fails_half_way_leaves_no_file_and_says_why(backup_dir, org, monkeypatch):
    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(archive, "_add_bytes", disk_full)  # the last member: the disk fills up there
    with pytest.raises(OSError, match="No space left"):
        call_command("backup", no_media=True)
    assert [p.name for p in backup_dir.iterdir()] == [".lock"]  # no half-written archive, no scratch folder
    run = JobRun.objects.get(job=JobRun.BACKUP)
    assert run.outcome["checked"] is False and "No space left" in run.outcome["problem"]


@pytest.mark.parametrize(
    "live",
    [
        "needle",
        "n" * 50,  # its name and the suffix pass PostgreSQL's 63 bytes
        "needle_production_for_the_huangpu_district_residents_committee1",  # 63, as Django allows
        "绣花针黄浦区居民委员会生产数据库备份校验",  # 19 characters, 57 bytes
        "x" * 50 + "_restorecheck",  # a live database named like a scratch one
    ],
)
def test_the_scratch_database_is_never_the_live_one(live):
    """The check drops its scratch database WITH (FORCE) before and after: a name that PostgreSQL cuts
    to the live database's (63 bytes) dropped the live database, its connections killed."""
    scratch = archive._scratch_name(live)
    assert len(scratch.encode()) <= 63
    assert scratch.encode()[:63] != live.encode()[:63]


def _tables_in(env: dict) -> list[str]:
    """The tables of the database restore_backup was pointed at, read with the driver alone."""
    if connection.vendor == "sqlite":
        with contextlib.closing(sqlite3.connect(env["SQLITE_PATH"])) as conn:
            return [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    with psycopg.connect(env["DATABASE_URL"].replace("postgres://", "postgresql://")) as conn:
        return [row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]


@pytest.mark.parametrize("name", ["../../escaped.txt", "cases/../../../escaped.txt", "/escaped.txt"])
def test_an_archive_naming_a_file_outside_the_uploads_is_refused_before_anything_is_restored(
    backup_dir, org, tmp_path, name
):
    """A manifest and a member whose name leaves MEDIA_ROOT, with the right digest: refused as no
    Needle backup before the database is written (the tar filter's refusal came after the database
    was restored and some files written: a half-restored server, and a traceback)."""
    made = archive.make_backup(check=False).archive
    payload = b"not an upload"

    def add_escaping_file(member_name, data):
        if member_name == archive.MANIFEST:
            manifest = json.loads(data)
            manifest["files"][name] = hashlib.sha256(payload).hexdigest()
            return json.dumps(manifest).encode()
        return data

    crafted = _copy_with(made, tmp_path / "crafted.tar", add_escaping_file)
    with tarfile.open(crafted, "a") as tar:
        info = tarfile.TarInfo(f"media/{name}")
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))

    with pytest.raises(CommandError, match="不是绣花针的备份"):
        call_command("backup", check=str(crafted))
    with empty_database(tmp_path) as env:
        done = _manage(env, "restore_backup", str(crafted))
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert "不是绣花针的备份" in done.stderr
        assert _tables_in(env) == []
    assert not list(tmp_path.rglob("escaped.txt")) and not Path("/escaped.txt").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_restore's messages")
def test_a_restore_that_pg_restore_refuses_says_pg_restores_error(backup_dir, org, tmp_path):
    """pg_restore names its error, then quotes the SQL it ran: the administrator is told the error,
    not the SQL's last line (which was ");" or "Command was: CREATE EXTENSION …")."""
    made = archive.make_backup(check=False, media=False).archive
    with empty_database(tmp_path) as env:
        # No table, so restore_backup takes the database as empty; pg_restore's CREATE TABLE fails.
        with psycopg.connect(env["DATABASE_URL"].replace("postgres://", "postgresql://")) as conn:
            conn.execute("CREATE SEQUENCE cases_case")
        done = _manage(env, "restore_backup", str(made), "--no-media")
    assert done.returncode == 1
    [message] = [line for line in done.stderr.splitlines() if line.startswith("CommandError")]
    assert '"cases_case" already exists' in message and "Command was" not in message, done.stderr


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the scratch database's server")
def test_a_check_the_server_refuses_keeps_the_archive_as_unchecked_and_says_why(backup_dir, org, monkeypatch):
    """The check's maintenance connection refused (a managed server where the user may not CONNECT
    to "postgres"): the archive is kept as unchecked and the run recorded, as for any failed check.
    It stayed behind as a hidden ".partial", every resident's ID number in it, never pruned, and
    `manage.py backup` recorded nothing."""

    def refused():
        nowhere = {**postgres.conninfo(), "dbname": "needle_no_such_database"}
        return psycopg.connect(**nowhere, autocommit=True)

    monkeypatch.setattr(postgres, "maintenance", refused)
    with pytest.raises(CommandError, match=r"未通过校验.*needle_no_such_database"):
        call_command("backup", no_media=True)
    [kept] = _archives(backup_dir)
    assert kept.name.startswith("needle-") and kept.name.endswith("-unchecked.tar")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    run = JobRun.objects.get(job=JobRun.BACKUP)
    assert run.outcome["checked"] is False and "needle_no_such_database" in run.outcome["problem"]


@pytest.mark.parametrize("keep", [0, -1])
def test_the_archive_just_made_is_never_pruned(backup_dir, org, settings, keep):
    """BACKUP_KEEP=0 (read as "keep them all", or a slip) removed every archive, the one just made
    and checked among them, and said it was checked."""
    settings.BACKUP_KEEP = keep
    outcome = archive.make_backup(media=False)
    assert outcome.checked and outcome.archive.exists()
    assert _archives(backup_dir) == [outcome.archive]


def test_one_backup_at_a_time_and_what_a_killed_one_left_is_swept(backup_dir, org):
    backup_dir.mkdir(parents=True)
    left = backup_dir / ".needle-20261201-023000.partial"
    left.write_bytes(b"half an archive")
    (backup_dir / "tmpabc123").mkdir()
    (backup_dir / "tmpabc123" / "database.dump").write_bytes(b"a raw dump")
    with archive.one_at_a_time(backup_dir), pytest.raises(CommandError, match="正在进行"):
        call_command("backup", no_media=True)  # the nightly one still runs
    assert left.exists()  # nothing was touched while the other ran
    outcome = archive.make_backup(media=False)
    assert outcome.checked
    assert sorted(p.name for p in backup_dir.iterdir() if p.name != ".lock") == [outcome.archive.name]


def test_unchecked_archives_are_capped_too(tmp_path, settings):
    settings.BACKUP_KEEP = 2
    for day in range(1, 5):
        (tmp_path / f"needle-2026120{day}-023000-unchecked.tar").write_bytes(b"")
    assert archive.prune(tmp_path) == [
        "needle-20261201-023000-unchecked.tar",
        "needle-20261202-023000-unchecked.tar",
    ]


def test_a_restore_that_fails_leaves_the_new_database_and_media_folder_empty(
    backup_dir, case_with_photo, tmp_path
):
    """A database in the archive that cannot be restored (its digest matching, so it passes the
    archive's own checks): nothing is written, neither the uploads nor the database."""
    call_command("backup")
    [made] = _archives(backup_dir)
    garbage = b"not a database at all" * 100
    manifest = archive.read_manifest(made)
    manifest["database_sha256"] = hashlib.sha256(garbage).hexdigest()

    def damage(name, data):
        if name.startswith("database"):
            return garbage
        if name == "manifest.json":
            return json.dumps(manifest).encode()
        return data

    damaged = _copy_with(made, tmp_path / "damaged.tar", damage)
    with empty_database(tmp_path) as env:
        done = _manage(env, "restore_backup", str(damaged))
        assert done.returncode != 0
        assert "数据库已损坏" in done.stderr or "pg_restore 运行失败" in done.stderr, done.stderr
        media = Path(env["MEDIA_ROOT"])
        assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]
        assert not list(media.parent.glob(".restoring-*"))
        if connection.vendor == "sqlite":
            with contextlib.closing(sqlite3.connect(env["SQLITE_PATH"])) as conn:
                assert (
                    conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] == 0
                )
        else:
            with psycopg.connect(env["DATABASE_URL"].replace("postgres://", "postgresql://")) as conn:
                tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
                assert tables[0] == 0


def test_pg_dump_connects_as_django_does(settings, monkeypatch):
    """The connection settings in OPTIONS reach pg_dump and pg_restore (their environment) and the
    check's own connections: only sslmode did, so a server asking for a client certificate, or named
    by a service file, was backed up without them and refused. psycopg's own options stay out."""
    options = settings.DATABASES["default"].setdefault("OPTIONS", {})
    for key, value in {"sslrootcert": "/etc/needle/root.crt", "sslcert": "/etc/needle/client.crt"}.items():
        monkeypatch.setitem(options, key, value)
    monkeypatch.setitem(options, "pool", True)
    environment = postgres.environment()
    assert environment["PGSSLROOTCERT"] == "/etc/needle/root.crt"
    assert environment["PGSSLCERT"] == "/etc/needle/client.crt"
    assert postgres.conninfo()["sslcert"] == "/etc/needle/client.crt" and "pool" not in postgres.conninfo()


def test_backups_inside_the_uploads_are_refused_at_start(settings, tmp_path):
    """BACKUP_DIR inside MEDIA_ROOT made each night's archive carry every archive before it, and a
    server that serves the uploads would serve the archives: the system check (run at every start of
    the server and the worker) refuses it, naming both folders."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKUP_DIR = tmp_path / "media" / "backups"
    [error] = [e for e in checks.run_checks() if e.id == "backups.E001"]
    assert error.is_serious() and str(settings.BACKUP_DIR) in error.msg and "MEDIA_ROOT" in error.msg
    settings.BACKUP_DIR = tmp_path / "backups"
    assert not [e for e in checks.run_checks() if e.id.startswith("backups.")]
