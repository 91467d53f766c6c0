"""foiatracker settings: one module, every knob read from the environment.

Defaults need nothing installed (SQLite under var/, console email, tasks run in-process);
set the variables listed in `.env.example` to use PostgreSQL, Redis and SMTP. Reading is strict:
a typo in a boolean or a number stops start-up with a message naming the variable.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    """A string variable; `NAME_FILE` (a path) wins, for secrets mounted as files."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        try:
            return Path(file_path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_path!r} cannot be read: {exc}") from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean; use true/false, 1/0, yes/no or on/off"
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} is below its minimum of {minimum}")
    return value


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


_ENV_LINE = re.compile(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$")


def env_file_read(path: Path) -> dict[str, str]:
    """The `NAME=value` lines of an env file (`.env`), strictly: blank lines and `#` comments are
    skipped, a value may be quoted ('...' or "...") and is otherwise taken as written; any other
    line stops start-up naming the file and the line."""
    values = {}
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _ENV_LINE.match(line)
        if match is None:
            raise ImproperlyConfigured(
                f"{path}, line {number}: {raw!r} is not NAME=value (or a # comment)"
            )
        name, value = match[1], match[2].strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[name] = value
    return values


# The checkout's own settings file, `.env` beside manage.py (`make venv` and `make run` write one
# for development: DEBUG on, a generated SECRET_KEY), so that manage.py commands work as the README
# writes them. It only fills in what the environment leaves unset: a variable set in the
# environment always wins. The image never contains it (.dockerignore), and docker compose, which
# passes its variables as environment, sets DEBUG off itself. FOIATRACKER_ENV_FILE names another
# file; empty, none is read (the test suite runs on its environment alone).
ENV_FILE = os.environ.get("FOIATRACKER_ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE and Path(ENV_FILE).is_file():
    for _name, _value in env_file_read(Path(ENV_FILE)).items():
        os.environ.setdefault(_name, _value)

VAR_DIR = Path(os.environ.get("FOIATRACKER_VAR_DIR", BASE_DIR / "var"))

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (set DEBUG=true for local development)"
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The public address, for links that leave the site (reminder emails, calendar feeds): read once
# here, without a trailing slash, and refused unless it is an absolute http(s) address.
_SITE_URL = env_str("SITE_URL", "http://localhost:8000")
SITE_URL = _SITE_URL.strip().rstrip("/")
if urlsplit(SITE_URL).scheme not in ("http", "https") or not urlsplit(SITE_URL).hostname:
    raise ImproperlyConfigured(
        f"SITE_URL={_SITE_URL!r} is not an absolute http(s) address, e.g. https://foia.example.org"
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    # DRF's plain-text tokens are no longer used (accounts' hashed ones are), but the app stays:
    # accounts' migration 0002 reads its table through the migration state to move the old keys
    # (hashed) and empty it, and backups made before that name its migrations, which `restore`
    # checks against the installed apps. Its admin, which shows keys, is unregistered.
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    # The house, lowest layer first (docs/design.md, "The house"): each app imports only those
    # above it in this list, never one below (checked by import-linter in `make lint`).
    "core",
    "requests_app",
    "accounts",
    "documents",
    "reminders",
    "reports",
    "api",
    "dashboard",
    "sample_data",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything that queries (sessions, auth): every statement of the request is limited.
    "core.middleware.StatementTimeoutMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: it needs the resolved view, to tell the admin's pages from the others.
    "core.middleware.NulCharacterMiddleware",
]

ROOT_URLCONF = "foiatracker.urls"

# People sign in on the dashboard's login page (/accounts/login/), which any role may use.
LOGIN_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "foiatracker.wsgi.application"

# Database: SQLite under var/ unless DATABASE_URL points elsewhere (postgres://user@host:5432/name).
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # PostgreSQL's JIT compiles the plans of the reports' and lists' aggregates for 15-25 ms
        # each call, more than it saves on queries of this size (benchmarks/README.md). An
        # `options` given in DATABASE_URL (?options=...) wins.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "foiatracker.sqlite3"),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }

# PostgreSQL cancels any statement of a web request that runs longer than this (milliseconds;
# 0: no limit), answered 503 with what to do instead of holding the web worker until gunicorn's
# 30-second timeout kills it. Web requests only (core/middleware.py): workers, beat, migrations
# and management commands are not limited. No effect on SQLite.
WEB_STATEMENT_TIMEOUT_MS = env_int("WEB_STATEMENT_TIMEOUT_MS", 20_000)
if WEB_STATEMENT_TIMEOUT_MS < 0:
    raise ImproperlyConfigured("WEB_STATEMENT_TIMEOUT_MS must be 0 (no limit) or more")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (Index.include) are PostgreSQL's; on SQLite they are plain indexes, as meant.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# A record's History is read-only: restoring an old version would bypass the workflow, the
# timeline and the deadlines, which only the record's own page and the services keep. This hides
# simple_history's Revert button; requests_app.admin.history.HistoryAdmin also refuses the POST.
SIMPLE_HISTORY_REVERT_DISABLED = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# Deadlines are counted in the organisation's own time zone: "due today" means today there.
TIME_ZONE = os.environ.get("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
# The stored documents. No MEDIA_URL: nothing serves this folder, and its storage has no URLs
# (core/storage.py); an original is read through the API, which checks who asks and records it.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# WhiteNoise serves STATIC_ROOT and warns on every start if it is missing; create both folders
# when we may (a read-only image has them already).
for _folder in (STATIC_ROOT, MEDIA_ROOT):
    with contextlib.suppress(OSError):
        _folder.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "core.storage.PrivateFileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Who sends the bytes of a document's original (GET /api/v1/documents/{id}/original/), once the
# tracker has checked the caller, the file's hash, and recorded the download: "" (Django streams
# them), "x-accel-redirect" (nginx, from an `internal` location at ORIGINALS_INTERNAL_LOCATION
# mapped onto MEDIA_ROOT: README, "Deployment") or "x-sendfile" (Apache's mod_xsendfile,
# lighttpd; the header names the file's absolute path).
ORIGINALS_SENDFILE_MODES = ("", "x-accel-redirect", "x-sendfile")
ORIGINALS_SENDFILE = os.environ.get("ORIGINALS_SENDFILE", "").strip().lower()
if ORIGINALS_SENDFILE not in ORIGINALS_SENDFILE_MODES:
    raise ImproperlyConfigured(
        f"ORIGINALS_SENDFILE={os.environ['ORIGINALS_SENDFILE']!r} is not one of: empty (Django "
        "sends the files), x-accel-redirect (nginx), x-sendfile (Apache, lighttpd)"
    )
ORIGINALS_INTERNAL_LOCATION = os.environ.get("ORIGINALS_INTERNAL_LOCATION", "/_originals/")
if not re.fullmatch(r"/(?:(?!\.\.?/)[A-Za-z0-9._~-]+/)+", ORIGINALS_INTERNAL_LOCATION):
    raise ImproperlyConfigured(
        f"ORIGINALS_INTERNAL_LOCATION={ORIGINALS_INTERNAL_LOCATION!r} is not a path that starts "
        "and ends with / (letters, digits, . _ ~ -), e.g. /_originals/"
    )

# Email: printed to the console unless EMAIL_HOST is set (Django 6.1's MAILERS setting).
_EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if _EMAIL_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _EMAIL_HOST,
                "port": env_int("EMAIL_PORT", 25),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", default=False),
                "use_ssl": env_bool("EMAIL_USE_SSL", default=False),
                "timeout": env_int("EMAIL_TIMEOUT", 30),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "foiatracker <foiatracker@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work. With REDIS_URL set, tasks go through Redis to a Celery worker, and Celery beat
# runs the periodic sweeps. Without it, tasks run in the calling process right after the
# transaction commits (CELERY_TASK_ALWAYS_EAGER), so nothing is lost on a laptop with no Redis.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "foiatracker")
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 600)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis redelivers an unacknowledged task after the visibility timeout; foiatracker/celery.py
# sizes it from the tasks' hard time limits when a worker starts, and checks it.
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = {}
# Prepended to every routed queue's name (foiatracker/celery.py), so that several installations
# or test runs can share one Redis database.
TASK_QUEUE_PREFIX = os.environ.get("TASK_QUEUE_PREFIX", "")
# Work handed to the broker that no worker started (the broker was down, or lost it) is sent
# again by a sweep every REQUEUE_SWEEP_MINUTES once it is REQUEUE_AFTER_MINUTES old (core.requeue).
REQUEUE_AFTER_MINUTES = env_int("REQUEUE_AFTER_MINUTES", 30)
REQUEUE_SWEEP_MINUTES = env_int("REQUEUE_SWEEP_MINUTES", 10)
for _name, _minutes in [
    ("REQUEUE_AFTER_MINUTES", REQUEUE_AFTER_MINUTES),
    ("REQUEUE_SWEEP_MINUTES", REQUEUE_SWEEP_MINUTES),
]:
    if _minutes < 1:
        raise ImproperlyConfigured(f"{_name}={_minutes} must be at least 1 (minutes)")
# A worker killed mid-task (OOM, SIGKILL) hands the task back instead of dropping it.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TIMEZONE = TIME_ZONE
# How old the precomputed reports (reports.snapshots) may grow: Celery beat refreshes them this
# often; without a broker there is no beat, so a read finding them older refreshes them first.
REPORTS_REFRESH_MINUTES = env_int("REPORTS_REFRESH_MINUTES", 10)
if REPORTS_REFRESH_MINUTES < 1:
    raise ImproperlyConfigured(
        f"REPORTS_REFRESH_MINUTES={REPORTS_REFRESH_MINUTES} must be at least 1 (minutes)"
    )

# Production hardening: on by default whenever DEBUG is off, each switchable for a TLS-terminating
# proxy or a local production-like run.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("SECURE_PROXY_SSL_HEADER", False) else None
)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
# The health check is polled over plain HTTP by load balancers inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token auth that counts failures per client IP and refuses after too many (429).
        "api.access.ThrottledTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Every API caller needs one of the roles (core.roles); writes need specific ones.
    "DEFAULT_PERMISSION_CLASSES": ["api.access.RolePermission"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
        "api.csv_export.CSVRenderer",
    ],
    # One error shape for every 4xx: {"error": {"code", "message", "fields"}}.
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    # ?format= names a format the endpoint has, or is a 400 naming it (DRF's default says 404).
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.negotiation.StrictContentNegotiation",
}
# Failed token authentications allowed per client IP within the window before it gets 429.
API_TOKEN_FAILURE_LIMIT = env_int("API_TOKEN_FAILURE_LIMIT", 10)
API_TOKEN_FAILURE_WINDOW = env_int("API_TOKEN_FAILURE_WINDOW", 600)
# The cache holds the failure counters: shared through Redis when there is one (every web worker
# sees the same count), otherwise per process.
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "foiatracker-cache",
            # A Redis that stops answering costs a request a second at most (api.access then
            # counts in the process), never a hung worker.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
SPECTACULAR_SETTINGS = {
    "TITLE": "foiatracker API",
    "DESCRIPTION": "Records requests, appeals, lawsuits, deadlines and releases.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
    # The schema and the docs need a login like the rest of the API (README, "API").
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # The interactive docs' assets are served from this server, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set, so clients see RequestStatus, not StatusDd9Enum.
    "ENUM_NAME_OVERRIDES": {
        "RequestStatusEnum": "requests_app.workflow.RequestStatus",
        "ProcessingChoiceEnum": "requests_app.models.ProcessingChoice",
        "RequestKindEnum": "requests_app.models.RequestKind",
        "DistrictEnum": "requests_app.models.District",
        "EventKindEnum": "requests_app.models.EventKind",
        "LawsuitStatusEnum": "requests_app.models.LawsuitStatus",
        "DeadlineStatusEnum": "requests_app.models.DeadlineStatus",
        "DeadlineSourceEnum": "requests_app.models.DeadlineSource",
        "AppealOutcomeEnum": "requests_app.models.AppealOutcome",
        "DocumentKindEnum": "documents.models.DocumentKind",
        "IngestionEnum": "documents.models.ReleaseIngestion",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Document ingestion limits: one file, and everything an archive may expand to.
DOCUMENT_MAX_FILE_BYTES = env_int("DOCUMENT_MAX_FILE_BYTES", 100 * 1024 * 1024)
DOCUMENT_MAX_ARCHIVE_BYTES = env_int("DOCUMENT_MAX_ARCHIVE_BYTES", 2 * 1024 * 1024 * 1024)
DOCUMENT_MAX_ARCHIVE_FILES = env_int("DOCUMENT_MAX_ARCHIVE_FILES", 50_000, minimum=1)
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("DATA_UPLOAD_MAX_NUMBER_FILES", 1000)
# Large uploads go to a temporary file named without the client's file name (core/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "core.uploads.TemporaryFileUploadHandler",
]
# What one ingestion run may hold and spend, so no upload can take a worker's memory or hours of
# its time (documents/services.py names the setting in the release's problem when one is hit).
INGEST_MAX_MEMORY_BYTES = env_int("INGEST_MAX_MEMORY_BYTES", 64 * 1024 * 1024, minimum=1)
INGEST_MAX_PARTS = env_int("INGEST_MAX_PARTS", 1000, minimum=1)
INGEST_MAX_PDF_PAGES = env_int("INGEST_MAX_PDF_PAGES", 2000, minimum=1)
INGEST_PDF_PAGE_SECONDS = env_int("INGEST_PDF_PAGE_SECONDS", 10, minimum=1)
INGEST_MAX_TEXT_CHARS = env_int("INGEST_MAX_TEXT_CHARS", 2_000_000, minimum=1)
# What one upload may carry: each file, and all files of one request together.
UPLOAD_MAX_FILE_BYTES = env_int("UPLOAD_MAX_FILE_BYTES", 2 * 1024 * 1024 * 1024, minimum=1)
UPLOAD_MAX_REQUEST_BYTES = env_int("UPLOAD_MAX_REQUEST_BYTES", 4 * 1024 * 1024 * 1024, minimum=1)
if UPLOAD_MAX_REQUEST_BYTES < UPLOAD_MAX_FILE_BYTES:
    raise ImproperlyConfigured("UPLOAD_MAX_REQUEST_BYTES must be at least UPLOAD_MAX_FILE_BYTES")
# Files chosen on a release form that came back with errors are kept on the server this long
# (documents.kept_uploads): the form's reference to them expires then, and a sweep deletes them.
UPLOAD_KEEP_HOURS = env_int("UPLOAD_KEEP_HOURS", 24, minimum=1)

# Where `import_agencies` looks when no path is given, and the demo data finds its agencies.
AGENCY_DIRECTORY_DIR = Path(
    os.environ.get(
        "AGENCY_DIRECTORY_DIR", BASE_DIR.parent / "shared" / "data" / "agency-directory-18f-2017"
    )
)

# Deadline reminders (reminders/outbox.py explains the policy and the delivery guarantee).
try:
    REMINDER_UPCOMING_BUSINESS_DAYS = [
        int(n) for n in env_list("REMINDER_UPCOMING_BUSINESS_DAYS", "7,2")
    ]
except ValueError as exc:
    raise ImproperlyConfigured(
        "REMINDER_UPCOMING_BUSINESS_DAYS: whole numbers of working days, comma-separated (7,2)"
    ) from exc
REMINDER_OVERDUE_EVERY_DAYS = env_int("REMINDER_OVERDUE_EVERY_DAYS", 7)
REMINDER_SEND_HOUR = env_int("REMINDER_SEND_HOUR", 8)  # in TIME_ZONE, the organisation's
REMINDER_MAX_ATTEMPTS = env_int("REMINDER_MAX_ATTEMPTS", 5)
REMINDER_RETRY_BASE_SECONDS = env_int("REMINDER_RETRY_BASE_SECONDS", 300)  # times 3 per attempt
REMINDER_SENDING_TIMEOUT = env_int("REMINDER_SENDING_TIMEOUT", 900)
REMINDER_REQUEUE_AFTER = env_int("REMINDER_REQUEUE_AFTER", 3600)
REMINDER_CALENDAR_ALARM_MINUTES = env_int("REMINDER_CALENDAR_ALARM_MINUTES", 24 * 60)
if any(n < 1 for n in REMINDER_UPCOMING_BUSINESS_DAYS):
    raise ImproperlyConfigured("REMINDER_UPCOMING_BUSINESS_DAYS: working days, each at least 1")
if not 0 <= REMINDER_SEND_HOUR <= 23:
    raise ImproperlyConfigured("REMINDER_SEND_HOUR: an hour from 0 to 23")
if REMINDER_OVERDUE_EVERY_DAYS < 1 or REMINDER_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured(
        "REMINDER_OVERDUE_EVERY_DAYS and REMINDER_MAX_ATTEMPTS must be at least 1"
    )
# A send that outlasted the timeout would be re-queued while still in flight and sent twice.
if env_int("EMAIL_TIMEOUT", 30) >= REMINDER_SENDING_TIMEOUT:
    raise ImproperlyConfigured("REMINDER_SENDING_TIMEOUT must be longer than EMAIL_TIMEOUT")
