"""Shared fixtures: the organisation and the personas every view is tested with.

Personas: secretary, worker and viewer of committee A; worker of committee B (same
street); the officer of that street; a superuser; anonymous. Committee C sits in another street,
which the street officer must not see.
"""

import importlib
import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.db.backends.signals import connection_created
from django.test import Client
from django.test.utils import override_settings

from committee.roles import Role
from tests.factories import make_committee, make_street, make_user

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls there unless told.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PERSONAS = ["anonymous", "secretary_a", "worker_a", "viewer_a", "worker_b", "officer", "superuser"]


def _durability_off(sender, connection, **kwargs) -> None:
    """The tests' database is thrown away after the run: a commit need not wait for the disk.

    What commits for real here: the migrations that build it, and the transactional tests (the
    browser's live server, threads, the task worker), which commit each write and flush every table
    afterwards. On PostgreSQL `synchronous_commit=off` risks only the last commits on a server crash;
    on SQLite `synchronous=OFF` the file on a power cut. Production keeps needle/settings.py's.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET synchronous_commit TO off")
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous=OFF")


connection_created.connect(_durability_off, dispatch_uid="tests-durability-off")


class _TemplateCopy:
    """Whether this process's test database was copied from the migrated template (tests/template_db.py)."""

    made = False


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, django_db_modify_db_settings_parallel_suffix, django_db_blocker):
    """After pytest-django's own (the xdist suffix), copy the migrated template to this process's test
    database, unless --create-db asks for a fresh one; dropped again at the end unless --reuse-db."""
    from django.db import connections

    from tests import template_db

    if request.config.getvalue("create_db") or not template_db.usable():
        yield
        return
    connection = connections[template_db.ALIAS]
    original_name = connection.settings_dict["NAME"]
    with django_db_blocker.unblock():
        template_db.copy_for_this_process()
    _TemplateCopy.made = True
    yield
    if not request.config.getvalue("reuse_db"):
        with django_db_blocker.unblock():
            try:
                connection.creation.destroy_test_db(original_name, verbosity=0)
            except Exception as error:  # as pytest-django's own teardown: a warning, not an error
                request.node.warn(pytest.PytestWarning(f"Error when dropping the test database: {error!r}"))


@pytest.fixture(scope="session")
def django_db_keepdb(request, django_db_modify_db_settings) -> bool:
    """A copied template is kept when pytest-django sets the databases up (`migrate` then finds every
    migration applied); django_db_modify_db_settings drops it at the end."""
    return bool(request.config.getvalue("reuse_db")) or _TemplateCopy.made


# Rows a flush keeps: what `migrate`'s post_migrate writes (content types, permissions), the same for
# every test. See _flush_quickly.
KEPT_BY_FLUSH = frozenset({"django_content_type", "auth_permission"})


@pytest.fixture(autouse=True, scope="session")
def _flush_quickly():
    """After each transactional test (the live server's, threads', the task worker's) pytest-django
    flushes every table, then Django sends post_migrate, whose handlers write every app's content
    types and permissions again: 150 queries, 0.15 s on SQLite and 0.35-0.5 s on PostgreSQL a flush,
    against 0.01-0.1 s for the flush itself. The flush keeps those two tables instead (nothing in the
    tests writes them) and sends no post_migrate.

    On PostgreSQL Django flushes with one TRUNCATE of the 61 tables, which makes new files for each
    table and index: 1.0-1.7 s a flush on this machine, against 0.07-0.12 s for a DELETE FROM each
    (the tables hold a test's few rows). The foreign keys Django makes are DEFERRABLE, so deferred to
    the commit of the flush's transaction the order does not matter. TRUNCATE ... RESTART IDENTITY
    (reset_sequences) is left as Django writes it."""
    from django.core.management.commands import flush
    from django.db.backends.postgresql.operations import DatabaseOperations as PostgreSQLOperations
    from django.db.backends.sqlite3.base import DatabaseOperations as SQLiteOperations

    handle = flush.Command.handle
    originals = {ops: ops.sql_flush for ops in (PostgreSQLOperations, SQLiteOperations)}

    def handle_without_post_migrate(self, **options):
        return handle(self, **{**options, "inhibit_post_migrate": True})

    def keeping(sql_flush):
        def sql_flush_keeping(self, style, tables, *, reset_sequences=False, allow_cascade=False):
            tables = [table for table in tables if table not in KEPT_BY_FLUSH]
            return sql_flush(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )

        return sql_flush_keeping

    def postgresql_sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables:
            return originals[PostgreSQLOperations](
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        return ["SET CONSTRAINTS ALL DEFERRED;"] + [
            f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};"
            for table in tables
        ]

    flush.Command.handle = handle_without_post_migrate
    PostgreSQLOperations.sql_flush = keeping(postgresql_sql_flush)
    SQLiteOperations.sql_flush = keeping(originals[SQLiteOperations])
    yield
    flush.Command.handle = handle
    for ops, sql_flush in originals.items():
        ops.sql_flush = sql_flush


@pytest.fixture(autouse=True, scope="session")
def _plain_static_storage():
    """Tests run without collectstatic, so the hashed-name storage of production is swapped out."""
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # An empty STATIC_ROOT of the tests' own: whitenoise reads every file under STATIC_ROOT each time
    # a test client starts (one per test), and after `make run`'s collectstatic (713 files) that
    # doubled the URL × persona walk (27 s against 14 s). It warns on every request when the
    # directory is missing, so it is made.
    static_root = Path(settings.VAR_DIR) / "test-static"
    static_root.mkdir(parents=True, exist_ok=True)
    with override_settings(STORAGES=storages, STATIC_ROOT=static_root):
        yield


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Hashing a password the production way takes a good part of a second; tests make hundreds."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


# The reference rows of the data migrations (care categories, case categories, outside bodies), by
# model, as this process's migrated database has them: read by the first transactional test, before
# any flush (every earlier test rolled back). None until then.
_REFERENCE_MODELS = ("residents.CareCategory", "cases.CaseCategory", "cases.OutsideBody")


class _ReferenceRows:
    rows: dict | None = None


def _reference_rows_now() -> dict:
    from django.apps import apps

    rows = {}
    for label in _REFERENCE_MODELS:
        model = apps.get_model(label)
        fields = [field.attname for field in model._meta.concrete_fields]
        rows[label] = list(model._base_manager.order_by("pk").values(*fields))
    return rows


def _run_the_data_migrations() -> None:
    from django.apps import apps

    for name, function in (
        ("residents.migrations.0002_care_categories", "create"),
        # Their English names as labels, as a migrated database has them ("Very old (80+)").
        ("residents.migrations.0025_care_categories_capitalised", "capitalise"),
        ("cases.migrations.0002_categories_and_bodies", "forwards"),
        ("cases.migrations.0008_category_sensitive_by_default", "hardship_is_sensitive"),
        ("cases.migrations.0029_categories_glossary_names", "to_glossary_names"),
    ):
        getattr(importlib.import_module(name), function)(apps, None)


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """A transactional test (the browser's live server, threads) may start from a database that an
    earlier one flushed, rows of the data migrations included: put the care categories, case
    categories and outside bodies back, as a migrated database has them.

    The rows are read once, from the migrated database before any flush, and written back after a
    flush with one INSERT a table (their ids too, as migrated: no history rows, as a migration writes
    none). Running the data migrations' functions again instead, an update_or_create a row, took
    ~60 ms of every transactional test's setup on PostgreSQL. Tables neither as migrated nor empty (a
    flush that failed) get the data migrations' functions, as before."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    now = _reference_rows_now()
    if _ReferenceRows.rows is None:
        _ReferenceRows.rows = now
    if now == _ReferenceRows.rows:
        return
    if not any(now.values()):
        for label, rows in _ReferenceRows.rows.items():
            model = apps.get_model(label)
            model._base_manager.bulk_create([model(**row) for row in rows])
        return
    _run_the_data_migrations()


@pytest.fixture(autouse=True)
def _cache_cleared():
    """Reports keep computed figures in the cache keyed by user and committee ids; a rolled-back test's
    ids come back in the next test (SQLite reuses them), which would read the earlier test's figures."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language (zh-hans). A request sent with `Accept-Language: en`
    leaves English active in the test's thread after it (LocaleMiddleware activates, nothing
    deactivates): a later test that calls a service directly then read its messages in English, and
    failed or passed by the order xdist gave the tests."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


_media_folders = itertools.count(1)


@pytest.fixture(autouse=True)
def _media_in_tmp(tmp_path_factory):
    """Each test's uploads in a folder of its own under the run's temporary folder. Named, not made:
    the storage makes it when a file is saved, and most tests save none (a tmp_path and the
    `settings` fixture for each of ~1,750 tests cost about 1-2 ms a test)."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.getbasetemp() / "media" / str(next(_media_folders))):
        yield


@pytest.fixture(autouse=True)
def _holiday_schedule_read_afresh(request):
    """The calendar keeps the entered holiday schedule for a minute per process (one query): every test
    reads its own database's table afresh, before it starts, as a warm server process has it, so that
    query counts do not depend on which test happened to run first."""
    from holidays.calendar import forget_entered_days, load_entered_years

    forget_entered_days()
    if "db" in request.fixturenames:
        request.getfixturevalue("db")
        load_entered_years()


def _open_outer_transactions() -> list:
    atomics = []
    for alias in connections:
        atomic = transaction.atomic(using=alias)
        atomic._from_testcase = True  # a durable atomic in the code under test may nest inside
        atomic.__enter__()
        atomics.append((alias, atomic))
    return atomics


def _roll_back_outer_transactions(atomics: list) -> None:
    for alias, atomic in reversed(atomics):
        transaction.set_rollback(True, using=alias)
        atomic.__exit__(None, None, None)


@contextmanager
def rows_kept_for_scope(django_db_blocker) -> Iterator[None]:
    """Rows written inside (and until the end of the `with`) are seen by every test of a wider scope.

    An outer transaction holds them: each test's own transaction nests inside it as a savepoint and
    rolls back to these rows, and the outer one rolls back when the scope ends, so no other test ever
    sees them. Use it from a module-scoped fixture (pytest ends a module's fixtures before it runs a
    test of another module); a session scope would show the rows to every test of the process.
    Transactional tests (the live server) never request such a fixture: they commit and flush.
    """
    with django_db_blocker.unblock():
        atomics = _open_outer_transactions()
        try:
            yield
        finally:
            _roll_back_outer_transactions(atomics)


def build_org() -> SimpleNamespace:
    """Streets, committees and the personas (see the module's docstring)."""
    street = make_street("定海路街道")
    other_street = make_street("平凉路街道")
    a = make_committee(street, "定海居民区")
    b = make_committee(street, "波阳居民区")
    c = make_committee(other_street, "平凉居民区")
    users = {
        "secretary_a": make_user("secretary_a", committee=a, role=Role.SECRETARY, full_name="周勤"),
        "worker_a": make_user("worker_a", committee=a, role=Role.WORKER, full_name="李敏"),
        "viewer_a": make_user("viewer_a", committee=a, role=Role.VIEWER, full_name="陈晓燕"),
        "worker_b": make_user("worker_b", committee=b, role=Role.WORKER, full_name="张伟"),
        "officer": make_user("officer", street=street, full_name="刘建国"),
        "superuser": make_user("superuser", superuser=True, full_name="管理员"),
    }
    return SimpleNamespace(street=street, other_street=other_street, a=a, b=b, c=c, users=users, **users)


def _commits(item) -> bool:
    """Whether a test commits (the live server, threads): rows kept for a scope cannot be under it."""
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    names = getattr(item, "fixturenames", ())
    return any(name in names for name in ("transactional_db", "live_server", "django_db_reset_sequences"))


def _may_share_the_org(item) -> bool:
    names = getattr(item, "fixturenames", ())
    if _commits(item) or "seeded_demo" in names:
        return False
    return "org" in names or not ("db" in names or item.get_closest_marker("django_db"))


@pytest.fixture(scope="module")
def _org_of_the_module(request, django_db_blocker):
    """The organisation's rows, written once for a module's tests rather than once per test (~570 tests
    ask for `org`: 11 rows and their history, ~10 ms each). Only in a module whose every test that
    reads the database asks for `org` (another would find rows it did not ask for), and none commits
    (its rows would sit in the outer transaction) or reads the demo (another database)."""
    module = request.module
    items = [item for item in request.session.items if getattr(item, "module", None) is module]
    if not all(_may_share_the_org(item) for item in items):
        yield None
        return
    with rows_kept_for_scope(django_db_blocker):
        org = build_org()
        yield {
            "streets": [org.street.pk, org.other_street.pk],
            "committees": [org.a.pk, org.b.pk, org.c.pk],
            "users": {name: user.pk for name, user in org.users.items()},
        }


def _org_read_again(pks: dict) -> SimpleNamespace:
    """The module's organisation as new objects, so that a test that changes one in memory changes it
    for itself only (its rows roll back with the test)."""
    from committee.models import Committee, Street, User

    streets = Street._base_manager.in_bulk(pks["streets"])
    committees = Committee._base_manager.select_related("street").in_bulk(pks["committees"])
    users_by_pk = User._base_manager.in_bulk(pks["users"].values())
    users = {name: users_by_pk[pk] for name, pk in pks["users"].items()}
    street, other_street = (streets[pk] for pk in pks["streets"])
    a, b, c = (committees[pk] for pk in pks["committees"])
    return SimpleNamespace(street=street, other_street=other_street, a=a, b=b, c=c, users=users, **users)


def _uses_the_database(item) -> bool:
    names = getattr(item, "fixturenames", ())
    return "db" in names or item.get_closest_marker("django_db") is not None


def rows_of_the_module(request, org_of_the_module, django_db_blocker, name: str, build) -> Iterator:
    """For a module-scoped fixture: `build(org)` written once for the module's tests, on the module's
    organisation (_org_of_the_module), and yielded in a list; None (build it for each test) unless the
    organisation is the module's and every test of the module that reads the database asks for the
    function-scoped fixture `name`, which hands each test a deep copy (copy_of_the_module), so that
    a test that changes an object in memory changes its own. Each test rolls back to these rows (see
    rows_kept_for_scope), so what a test writes is gone for the next as before."""
    module = request.module
    items = [item for item in request.session.items if getattr(item, "module", None) is module]
    if org_of_the_module is None or not all(
        name in item.fixturenames for item in items if _uses_the_database(item)
    ):
        yield None
        return
    with rows_kept_for_scope(django_db_blocker):
        yield [build(_org_read_again(org_of_the_module))]  # in a list: build may return None


def copy_of_the_module(kept, build, org):
    """The module's rows' objects (rows_of_the_module) as new objects for a test, or built afresh."""
    import copy

    return build(org) if kept is None else copy.deepcopy(kept[0])


@pytest.fixture
def org(request, _org_of_the_module, db):
    """The organisation (build_org): its rows are the module's (_org_of_the_module), its objects new
    for each test; built afresh for a test that commits."""
    if _org_of_the_module is None or _commits(request.node):
        return build_org()
    return _org_read_again(_org_of_the_module)


def _seed_demo() -> None:
    from io import StringIO

    from django.core.management import call_command

    # on_server: a developer's .env may set SECRET_KEY; the tests' database is no server's.
    call_command("seed_demo", on_server=True, stdout=StringIO())


class _Demo:
    """The seeded demo of this test process.

    With the template databases (tests/template_db.py) it is a copy of the kept, seeded demo
    template, a database of its own that the connection points at while the demo's tests run: a
    copy takes ~0.1 s where seeding takes ~16 s of CPU on SQLite and ~30 s on PostgreSQL. Without
    them (--create-db) it is seeded into the test database and held by an outer transaction (see
    rows_kept_for_scope) until rolled back.
    """

    atomics: list | None = None
    blocker = None
    copy: str | None = None  # this process's copy of the demo template, made once
    test_db: str | None = None  # the test database to point back at, while the copy is in use

    @classmethod
    def seed(cls, django_db_blocker) -> None:
        from tests import template_db

        cls.blocker = django_db_blocker
        with django_db_blocker.unblock():
            if _TemplateCopy.made:
                if cls.copy is None:
                    cls.copy = template_db.demo_copy_for_this_process(_seed_demo)
                cls.test_db = template_db.point_at(cls.copy)
            else:
                cls.atomics = _open_outer_transactions()
                _seed_demo()

    @classmethod
    def seeded(cls) -> bool:
        return cls.atomics is not None or cls.test_db is not None

    @classmethod
    def roll_back(cls) -> None:
        from tests import template_db

        if cls.test_db is not None:
            template_db.point_at(cls.test_db)
            cls.test_db = None
        if cls.atomics is None:
            return
        with cls.blocker.unblock():
            _roll_back_outer_transactions(cls.atomics)
        cls.atomics = None

    @classmethod
    def drop(cls) -> None:
        from tests import template_db

        if cls.copy is not None:
            with cls.blocker.unblock():
                template_db.drop_demo_copy(cls.copy)
            cls.copy = None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """The demo stays seeded from one module that wants it to the next (seeding takes seconds, and the
    demo modules run one after another: pytest_collection_modifyitems puts them first) and is rolled
    back before the first test that did not ask for it, before any of that test's fixtures run."""
    if "seeded_demo" not in item.fixturenames:
        _Demo.roll_back()


def pytest_collection_modifyitems(items):
    """Tests on the demo first, so that each test process seeds it once (xdist hands every process
    the start of the list first, in order). xdist's `loadgroup`, which would give them all to one
    process, does not work with pytest 9.2 (it renames node ids through an attribute pytest no
    longer reads)."""
    items.sort(key=lambda item: "seeded_demo" not in item.fixturenames)


@pytest.fixture(scope="session")
def _demo_rolled_back_at_the_end(django_db_setup):
    yield
    _Demo.roll_back()
    _Demo.drop()


@pytest.fixture(scope="module")
def seeded_demo(_demo_rolled_back_at_the_end, django_db_blocker):
    """The demo (`seed_demo`), for every test of a module that asks for it.

    Seeding takes seconds, so it is done once per test process (or copied from the kept demo
    template, see _Demo) and kept until the first test that did not ask for it
    (pytest_runtest_setup above); each test rolls back to the seeded rows, so a test may change them
    freely. Request `db` as well (the tests' own transaction).
    """
    if not _Demo.seeded():
        _Demo.seed(django_db_blocker)
    yield


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def session_of(user) -> str:
    """The key of a new logged-in session of `user` (force_login's), for client_in_session.

    Logging in writes the session, the last login and django-axes' log (~6 ms a test): a module of
    hundreds of requests by a few personas makes one session per persona in its kept rows
    (rows_kept_for_scope) and sends each request in it. A test that changes the session (logs out,
    switches language) changes it inside its own transaction, rolled back afterwards as the rest.
    """
    return client_for(user).cookies[settings.SESSION_COOKIE_NAME].value


def client_in_session(session_key: str | None) -> Client:
    """A new test client that sends the session cookie of session_of (None: anonymous)."""
    client = Client()
    if session_key is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return client


@pytest.fixture
def as_user():
    """as_user(user) → a test client logged in as that user (None: anonymous)."""
    return client_for
