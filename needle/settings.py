"""Needle's one settings module, read from the environment (and an optional .env file).

Every variable is documented in .env.example. The defaults are safe for a laptop: SQLite in var/,
DEBUG off, only localhost allowed. Production sets DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS and
the secure-cookie switches.
"""

from pathlib import Path

import environ
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"  # ignored by git: the SQLite database, uploads, the laptop's secret key

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _laptop_secret_key() -> str:
    """A random key kept in var/ so that a laptop needs no configuration and no key is ever committed."""
    from django.core.management.utils import get_random_secret_key

    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(exist_ok=True)
        path.write_text(get_random_secret_key())
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="") or _laptop_secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "common",
    "committee",
    "residents",
    "cases",
    "reports",
    "audit",
    "holidays",
    "jobs",
    "backups",
    "notifications",
    "demo",
    "bench",
    "common.admin_apps.NeedleAdminConfig",  # django.contrib.admin with Needle's site (autocomplete labels)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "committee.apps.AxesConfig",  # django-axes, named in Chinese
    "simple_history",
    "jobs.apps.TasksDbConfig",  # django-tasks-db, named in Chinese
    "crontask",
]

MIDDLEWARE = [
    # /healthz and /readyz are answered here, before sessions and authentication touch the database.
    "needle.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "needle.middleware.CompressPagesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "needle.sessions.SessionMiddleware",  # Django's, except that health checks and polls do not renew
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in user's pages: Cache-Control private, no-store (unless the view says otherwise).
    "needle.middleware.PrivatePagesMiddleware",
    # Every view needs a login unless it says otherwise (@login_not_required): fail closed.
    # (Django's, and the login page told when the session ran out while idle.)
    "committee.middleware.LoginRequiredMiddleware",
    "committee.middleware.SessionLifetimeMiddleware",
    # An account whose password the administrator set chooses its own before anything else.
    "committee.middleware.OwnPasswordMiddleware",
    "committee.middleware.CommitteeScopeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A GET of a form's address (405): a page with a link back, not an empty body.
    "needle.middleware.MethodNotAllowedPageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that a locked-out login is answered before the view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "needle.urls"
# {{ form.field.as_field_group }} renders Needle's field layout (common/templates/common/field.html).
FORM_RENDERER = "common.forms.FormRenderer"
WSGI_APPLICATION = "needle.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "committee.context_processors.access",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
# Without DATABASE_URL: SQLite in var/, tuned for a web server. WAL lets readers work while one
# request writes; IMMEDIATE transactions take the write lock at BEGIN so that two writers queue on
# the busy timeout instead of failing half-way with "database is locked".
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    VAR_DIR.mkdir(exist_ok=True)
    # How long a write waits for another's lock before "database is locked" (the busy timeout).
    SQLITE_TIMEOUT_SECONDS = env.float("SQLITE_TIMEOUT_SECONDS", default=10)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": Path(env.str("SQLITE_PATH", default=str(VAR_DIR / "needle.sqlite3"))),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": SQLITE_TIMEOUT_SECONDS,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    f"PRAGMA busy_timeout={round(SQLITE_TIMEOUT_SECONDS * 1000)}; PRAGMA foreign_keys=ON;"
                ),
            },
            # The tests' database is a file too (var/test.sqlite3, one per xdist process), not
            # SQLite's shared in-memory one: there a page read while the live server's other thread
            # writes fails at once with "table is locked" (a 503 in the browser tests), where a file
            # in WAL mode lets readers read and writers wait, as on a server.
            "TEST": {"NAME": str(VAR_DIR / "test.sqlite3")},
        }
    }
# A read replica (a streaming standby of default), optional: the dashboards, the street and district
# overviews and the exports read from it; everything else, and every write, stays on default
# (common/db_routers.py). Without DATABASE_REPLICA_URL there is no "replica" alias and no router.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    # The tests' replica is default's test database under another connection, never a database of its own.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["common.db_routers.ReplicaRouter"]
# Prepared statements (off by default; README, "Running it for a street or a district"): on, the
# server binds the parameters (psycopg's server-side binding) and keeps a query prepared on its
# connection from its DATABASE_PREPARE_THRESHOLD-th run, so that it is no longer parsed each time.
# Measured (bench_cases, README "Benchmarks"): 5–10% off every page, the logged-in floor's two
# queries as much, so no page's ratio to the floor falls. Off because PgBouncer in transaction mode
# before 1.21 hands a connection's next query to a server connection without the statement.
DATABASE_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=False)
DATABASE_PREPARE_THRESHOLD = env.int("DATABASE_PREPARE_THRESHOLD", default=2)
# The dashboards' counts (one large UNION ALL each) prepared with their values written in, planned
# once per connection and day (common/prepared.py): the district overview's 5–6 ms of planning
# gone from every request after a connection's first. On by default, since only those few
# statements are prepared; off behind PgBouncer in transaction mode before 1.21, as above.
DATABASE_PREPARED_COUNTS = env.bool("DATABASE_PREPARED_COUNTS", default=True)
# Settings of every connection's session, each added to the `options` DATABASE_URL gives unless
# those name it. Behind a pooler that refuses startup options (PgBouncer), remove them there and
# run `ALTER DATABASE needle SET …` for each instead (README, "Running it for a district").
_SESSION_SETTINGS = {
    # No JIT compilation: it starts on a query's estimated cost, which a street's or the district's
    # counts over many committees pass, and then spends 100–150 ms compiling a query that runs in
    # less (EXPLAIN ANALYZE of the district overview at 2,000,000 cases).
    "jit": "off",
    # Reading a page out of order costs about what reading the next one does when the cases are in
    # memory or on an SSD (PostgreSQL's default 4 is for spinning disks). At 4 the case search's
    # plan was a coin flip on ANALYZE's sample: walking the committee's date index (1.4 ms) or
    # reading all of the committee's cases by committee and sorting the matches (5–24 ms), 5 times
    # in 12 ANALYZEs at 10,000 cases; at 1.1 the walk 12 times in 12 (README, "Benchmarks").
    "random_page_cost": "1.1",
}
if DATABASE_PREPARED_STATEMENTS:
    # A statement is planned for its own values on every run. PostgreSQL's default switches a
    # prepared statement to one generic plan after five runs: the case search's, chosen for a
    # common term (积水), walked the date index for a case number and took 664 ms at 300,000
    # cases instead of 1.7.
    _SESSION_SETTINGS["plan_cache_mode"] = "force_custom_plan"
for _database in DATABASES.values():
    if not _database["ENGINE"].endswith("postgresql"):
        continue
    # Persistent connections: a one-query page went from ~130 to ~900 req/s with them.
    _database.setdefault("CONN_MAX_AGE", 600)
    _database["CONN_HEALTH_CHECKS"] = True
    _options = _database.setdefault("OPTIONS", {})
    _options.setdefault("connect_timeout", 5)
    for _name, _value in _SESSION_SETTINGS.items():
        if _name not in _options.get("options", ""):
            _options["options"] = f"{_options.get('options', '')} -c {_name}={_value}".strip()
    if DATABASE_PREPARED_STATEMENTS:
        _options.setdefault("server_side_binding", True)
    if DATABASE_PREPARED_STATEMENTS or DATABASE_PREPARED_COUNTS:
        # Without server-side binding Django's cursors never prepare (psycopg's ClientCursor): the
        # threshold then applies to common/prepared.py's statements alone.
        _options.setdefault("prepare_threshold", DATABASE_PREPARE_THRESHOLD)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions ------------------------------------------------------------------------------
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://needle")}
if CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache":
    # django-environ names django-redis for redis:// URLs; Django's own Redis backend needs no extra package.
    CACHES["default"]["BACKEND"] = "django.core.cache.backends.redis.RedisCache"
    CACHES["default"].pop("OPTIONS", None)
# The dashboard and street overview figures are cached per user this many seconds; 0 turns it off.
REPORTS_CACHE_SECONDS = env.int("REPORTS_CACHE_SECONDS", default=120)
# The dashboards read closed months from their rollup (reports/rollup.py) and count only the current
# month live; False counts every month live (as before the rollup: bench_cases compares the two).
REPORTS_ROLLUP = env.bool("REPORTS_ROLLUP", default=True)
# The most cases one .xlsx export may hold (a monthly ledger: its cases and visits): written at
# about 1,800 rows a second here, 50,000 take ~30 s of a web thread; a district's 2,000,000 would
# take 18 minutes and pass Excel's 1,048,576 rows.
EXPORT_MAX_ROWS = env.int("EXPORT_MAX_ROWS", default=50_000)
SESSION_ENGINE = env.str("SESSION_ENGINE", default="django.contrib.sessions.backends.db")
# Idle timeout: the session (cookie and stored expiry) lives SESSION_IDLE_MINUTES; a request renews
# it when the last renewal is SESSION_RENEW_MINUTES old, not on every request, so that a page that
# changes nothing writes nothing (committee/middleware.py SessionLifetimeMiddleware).
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_RENEW_MINUTES = env.int("SESSION_RENEW_MINUTES", default=5)
SESSION_SAVE_EVERY_REQUEST = False
# Absolute limit (OWASP ASVS L2): after this a login ends however active it is.
SESSION_MAX_HOURS = env.int("SESSION_MAX_HOURS", default=12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Authentication ---------------------------------------------------------------------------------------
AUTH_USER_MODEL = "committee.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (等保 level 2): lock an account after 5 wrong passwords, and an address only after
# far more failed logins from it (one NAT address is a whole committee office, often the street office
# too). axes counts the account; committee/lockout.py adds the address's own limit and the page.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=30)
AXES_COOLOFF_TIME = env.float("LOGIN_COOLOFF_MINUTES", default=15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_HANDLER = "committee.lockout.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "committee.lockout.locked_out_page"
# A login refused while locked checks no password: not counted (nor does it restart the cool-off).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# axes.W006 asks for "ip_address" in AXES_LOCKOUT_PARAMETERS: the address is counted, against its own
# limit, by committee.lockout.LockoutHandler.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password"]

# --- Internationalisation ---------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

# --- Static files and uploads ------------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
# Uploads are never served from a public URL: attachments go through an access-checked view.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
UPLOAD_MAX_MB = env.int("UPLOAD_MAX_MB", default=10)

# --- Security ------------------------------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "needle.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Behind a TLS-terminating proxy: set these in production (check --deploy insists).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Logging -------------------------------------------------------------------------------------------
# Every record passes a filter that masks ID and phone numbers, so personal data never reaches a log.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_personal_data": {"()": "common.logging.MaskPersonalData"},
        "one_line_for_client_errors": {"()": "common.logging.OneLineForClientErrors"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["mask_personal_data"],
            "formatter": "plain",
        },
        # Replaces Django's own mail_admins (and its unmasked console and runserver handlers, below).
        "mail_admins": {
            "class": "common.logging.MaskedAdminEmailHandler",
            "filters": ["require_debug_false", "mask_personal_data"],
            "level": "ERROR",
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        "django.request": {"filters": ["one_line_for_client_errors"]},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},
        # The scheduler logs every job it runs (and its lock's refresh every few seconds): only trouble.
        "apscheduler": {"level": "WARNING"},
    },
}
# "name:address" or a bare address; Django 6 wants address strings ((name, address) pairs are deprecated).
ADMINS = ["{} <{}>".format(*a.split(":", 1)) if ":" in a else a for a in env.list("ADMINS", default=[])]
SERVER_EMAIL = env.str("SERVER_EMAIL", default="needle@localhost")
# Django 6.1's MAILERS (EMAIL_* settings are deprecated): the SMTP relay the error mails leave by.
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": env.str("EMAIL_HOST", default="localhost"),
            "port": env.int("EMAIL_PORT", default=25),
        },
    }
}

# --- Background work -----------------------------------------------------------------------------------
# Django's task framework. The default backend keeps the queue in the database (django-tasks-db) and
# `manage.py task_worker` (the library's db_worker, kept alive through a database outage) runs it; a
# deployment that outgrows it names another backend here (e.g. django_tasks_rq.RQBackend with
# TASKS_OPTIONS) and changes nothing else. Periodic jobs: django-crontask (`manage.py task_scheduler`,
# its `crontask` kept through an outage); with several servers, CRONTASK_REDIS_URL makes only one of
# them schedule.
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "OPTIONS": env.json("TASKS_OPTIONS", default={}),
    }
}
CRONTASK = {"REDIS_URL": env.str("CRONTASK_REDIS_URL", default="") or None}
# A task that raises is tried again after a pause, this many times in all, then reported as failed.
TASK_MAX_ATTEMPTS = env.int("TASK_MAX_ATTEMPTS", default=3)
TASK_RETRY_SECONDS = env.int("TASK_RETRY_SECONDS", default=60)
# /healthz/tasks answers 503 when the worker's or the scheduler's last sign of life is older than this.
TASKS_STALE_SECONDS = env.int("TASKS_STALE_SECONDS", default=300)
# `manage.py task_worker` waits out a database it cannot reach (busy, restarting): 1 s, then doubled
# up to this, between polls, instead of exiting (jobs/management/commands/task_worker.py).
TASK_WORKER_MAX_PAUSE_SECONDS = env.float("TASK_WORKER_MAX_PAUSE_SECONDS", default=60)
# Each `task_worker` writes its sign of life (and which task it runs) this often, from a thread of its
# own; a task left "running" by a worker not seen for TASK_WORKER_LOST_SECONDS is marked failed (and
# queued again once if it is safe to run twice) by another worker's look, every TASK_WORKER_SWEEP_SECONDS
# and when one starts (jobs/reclaim.py).
TASK_WORKER_BEAT_SECONDS = env.float("TASK_WORKER_BEAT_SECONDS", default=10)
TASK_WORKER_LOST_SECONDS = env.int("TASK_WORKER_LOST_SECONDS", default=300)
TASK_WORKER_SWEEP_SECONDS = env.float("TASK_WORKER_SWEEP_SECONDS", default=60)
# `manage.py task_scheduler` tries a periodic job's queueing again as long as this, then gives it up
# until its next time (jobs/management/commands/task_scheduler.py).
TASK_SCHEDULER_RETRY_SECONDS = env.float("TASK_SCHEDULER_RETRY_SECONDS", default=600)
# The registry import reads and writes a file of this many rows or more in the worker, with a progress
# bar (residents/tasks.py); a smaller file is done in the request, as it is quick.
IMPORT_TASK_MIN_ROWS = env.int("IMPORT_TASK_MIN_ROWS", default=2000)
# A run in the worker's hands with no sign of life for this long had its worker die: it is queued again
# (nothing of it was written) or, after TASK_MAX_ATTEMPTS, reported failed. The scheduler looks every
# IMPORT_SWEEP_MINUTES. A commit's sign of life is its count of rows written, after each batch of 1,000.
IMPORT_STALL_MINUTES = env.int("IMPORT_STALL_MINUTES", default=10)
IMPORT_SWEEP_MINUTES = env.int("IMPORT_SWEEP_MINUTES", default=5)
# An e-mail or WeCom post still waiting this long after it was written lost its sending (a worker
# that died holding it): the scheduler's sweep, every 15 minutes, queues it again or, its attempts
# spent, marks it failed for the secretary to see (notifications/delivery.py resend_stalled).
DELIVERY_STALL_MINUTES = env.int("DELIVERY_STALL_MINUTES", default=30)
# The nightly backup (backups/archive.py): the database and the uploads in one archive in BACKUP_DIR,
# checked by restoring it into a scratch database (PostgreSQL: the database user needs CREATEDB), the
# newest BACKUP_KEEP kept. BACKUP_MEDIA=false leaves the uploads to the server's own file backup.
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(VAR_DIR / "backups")))
BACKUP_KEEP = env.int("BACKUP_KEEP", default=14)
BACKUP_MEDIA = env.bool("BACKUP_MEDIA", default=True)
BACKUP_TIME = env.str("BACKUP_TIME", default="02:30")
# The morning digest goes out at this time on working days (the scheduler's cron, Asia/Shanghai).
DIGEST_TIME = env.str("DIGEST_TIME", default="08:30")
# Where notifications go besides the inbox. SITE_URL: the address people open Needle at, for the
# links in e-mails and WeCom posts. E-mail leaves through MAILERS (EMAIL_HOST) from DEFAULT_FROM_EMAIL.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=SERVER_EMAIL)
# A committee's WeCom robot must be https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…; hosts
# (host:port) listed here are allowed too, http included: an intranet relay, or the tests' stub.
WECOM_EXTRA_HOSTS = env.list("WECOM_EXTRA_HOSTS", default=[])
WECOM_TIMEOUT_SECONDS = env.int("WECOM_TIMEOUT_SECONDS", default=10)
# How often an open page asks for the bell's unread count (one query each time).
BELL_POLL_SECONDS = env.int("BELL_POLL_SECONDS", default=60)

# --- Needle ------------------------------------------------------------------------------------------
# How long access records are kept (Cybersecurity Law Art. 21 asks for at least six months).
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)
DEFAULT_EXCEPTION_REPORTER_FILTER = "common.logging.PersonalDataReporterFilter"
