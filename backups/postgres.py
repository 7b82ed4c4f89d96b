"""PostgreSQL's side of a backup: the connection as Django makes it, for psycopg and for pg_dump and
pg_restore (which read it from their environment: no password in the process list), the programs
run with their errors in a person's words, and the maintenance connection that makes and drops the
scratch database a check restores into."""

import contextlib
import os
import shutil
import subprocess

from django.conf import settings
from django.utils.translation import gettext as _

from backups.errors import BackupError

# The connection settings libpq reads from OPTIONS, and the variable pg_dump and pg_restore read each
# from: a server that needs a client certificate or a service file is backed up as Django reaches it.
# Other OPTIONS (psycopg's own: pool, server_side_binding, isolation_level…) are not libpq's.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "sslnegotiation": "PGSSLNEGOTIATION",
    "gssencmode": "PGGSSENCMODE",
    "channel_binding": "PGCHANNELBINDING",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
    "options": "PGOPTIONS",
    "application_name": "PGAPPNAME",
}


def conninfo() -> dict:
    """psycopg's keywords for the default database (pg_dump reads the same from the environment)."""
    db = settings.DATABASES["default"]
    info = {"dbname": db["NAME"], "user": db.get("USER") or None, "password": db.get("PASSWORD") or None}
    info |= {"host": db.get("HOST") or None, "port": str(db["PORT"]) if db.get("PORT") else None}
    options = db.get("OPTIONS", {})
    info |= {key: str(options[key]) for key in LIBPQ_OPTIONS if options.get(key) not in (None, "")}
    return {key: value for key, value in info.items() if value is not None}


def environment() -> dict:
    """The connection for pg_dump and pg_restore, in the environment: the password never appears in
    the process list."""
    names = {"user": "PGUSER", "password": "PGPASSWORD", "host": "PGHOST", "port": "PGPORT"}
    names |= {"dbname": "PGDATABASE", **LIBPQ_OPTIONS}
    return {**os.environ, **{names[key]: value for key, value in conninfo().items()}}


def run(command: list[str], arguments: list[str], *, scratch: bool = False) -> None:
    """Run pg_dump or pg_restore. `scratch`: into the check's scratch database, dropped right after,
    so its commits need not wait for the disk (synchronous_commit=off, for this session only)."""
    if shutil.which(command[0]) is None:
        raise BackupError(
            _("%(program)s is not installed (Debian: postgresql-client).") % {"program": command[0]}
        )
    argv = [*command, *arguments]  # fixed programs; the arguments are paths and names Needle made
    env = environment()
    if scratch:
        env["PGOPTIONS"] = f"{env.get('PGOPTIONS', '')} -c synchronous_commit=off".strip()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": command[0], "error": program_error(command[0], done.stderr or done.stdout)}
        )


def program_error(program: str, output: str) -> str:
    """What pg_dump or pg_restore said went wrong: its "<program>: error: …" line (the first), not
    the SQL it quotes after it ("Command was: CREATE TABLE …", whose last line is ");"), nor a
    CONTEXT or DETAIL line (which may quote a row)."""
    said = [line.strip() for line in output.splitlines() if line.startswith(f"{program}: ")]
    errors = [line for line in said if line.startswith(f"{program}: error: ")]
    if errors:
        return errors[0].removeprefix(f"{program}: error: ")
    if said:  # its words in another language: the last it said before the SQL
        return said[-1].removeprefix(f"{program}: ")
    return output.strip().splitlines()[0] if output.strip() else "?"


@contextlib.contextmanager
def maintenance():
    import psycopg

    with psycopg.connect(**{**conninfo(), "dbname": "postgres"}, autocommit=True) as conn:
        yield conn


def drop_database(name: str) -> None:
    with maintenance() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
