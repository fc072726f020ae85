"""Casework settings, read entirely from environment variables.

Defaults are safe for production (DEBUG off, secure cookies, HSTS) except where
`make run` needs an embedded setup: SQLite and the filesystem broker under var/.
Every variable is listed with a one-line comment in `.env.example`.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from casework.core.crypto import development_key as development_field_key
from casework.core.crypto import parse_keys as parse_field_keys

BASE_DIR = Path(__file__).resolve().parent.parent
# A relative CASEWORK_VAR_DIR is taken from the project directory.
VAR_DIR = BASE_DIR / environ.Env().str("CASEWORK_VAR_DIR", default="var")

env = environ.Env()


def file_email_path(url: str, var_dir: Path) -> Path:
    """Folder of a `filemail://` EMAIL_URL: `filemail:///abs` is absolute, `filemail://rel/dir` relative to the
    project, `filemail://` is var/mail. (django-environ alone reads `filemail:///abs` as the relative `abs`.)"""
    parts = urlsplit(url)
    path = parts.netloc + parts.path
    return BASE_DIR / path if path else var_dir / "mail"


# --- Core ---
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    # Development only: a key that is obviously not a production secret.
    SECRET_KEY = "insecure-development-key-do-not-use-in-production-" + "x" * 16

# Keys of the field encryption at rest (core.crypto): comma-separated Fernet keys, the first encrypts,
# all decrypt. Kept outside the database; production refuses to start without them.
CASEWORK_FIELD_KEYS = parse_field_keys(env.str("CASEWORK_FIELD_KEYS", default=""))
if not CASEWORK_FIELD_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured("CASEWORK_FIELD_KEYS must be set when DJANGO_DEBUG is off.")
    # Development only: derived from the development secret, so `make run` needs no key.
    CASEWORK_FIELD_KEYS = [development_field_key(SECRET_KEY)]
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
ADMIN_URL = env.str("DJANGO_ADMIN_URL", default="admin/")
SITE_URL = env.str("CASEWORK_SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "casework.core.sites.CaseworkAdminConfig",  # django.contrib.admin without the /r/ shortcut
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_countries",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "casework.core",
    "casework.accounts",
    "casework.outbox",
    "casework.camps",
    "casework.people",
    "casework.matching",
    "casework.policies",
    "casework.screenings",
    "casework.govrequests",
    "casework.legal",
    "casework.reminders",
    "casework.reports",
    "casework.imports",
    "casework.dossiers",
    "casework.merging",
    "casework.retention",
    "casework.pages",
    "casework.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise: every response of a view (not static files) is `Cache-Control: no-store`.
    "casework.accounts.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before LoginRequiredMiddleware: a session past its absolute lifetime is logged out first.
    "casework.accounts.middleware.SessionLifetimeMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # A password alone opens nothing: every page but the second-factor step needs a verified session.
    "casework.accounts.middleware.SecondFactorMiddleware",
    # After authentication: a logged-in user's saved language wins over the cookie.
    "casework.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication: writes the read log (core.access) of each request in one INSERT.
    "casework.core.access.AccessLogMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: answers a locked-out login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "casework.urls"
WSGI_APPLICATION = "casework.wsgi.application"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- Database ---
# SQLite under var/ is the embedded default for `make run`; production and CI use PostgreSQL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'casework.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Names are stored as written in Arabic and Latin script: the test database must be UTF-8 too.
    DATABASES["default"]["TEST"] = {"CHARSET": "UTF8", "TEMPLATE": "template0"}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ---
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out username + IP before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sessions end after this many seconds without a request (sliding expiry)...
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_TIMEOUT", default=15 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# ...and at the latest this many seconds after the login, active or not (accounts.middleware).
SESSION_ABSOLUTE_LIFETIME = env.int("SESSION_ABSOLUTE_LIFETIME", default=12 * 60 * 60)

# --- Second factor (django-otp: TOTP apps and one-time backup codes) ---
# Required for every account; there is deliberately no setting that switches it off (docs/security.md).
OTP_TOTP_ISSUER = env.str("CASEWORK_OTP_ISSUER", default="Casework")
# Backup codes given at enrolment (each works once).
CASEWORK_BACKUP_CODE_COUNT = 10

# --- Failed logins (django-axes) ---
# Locked after 5 failures for the same username from the same client IP within the cool-off period;
# an administrator unlocks earlier (user admin action). The client IP is REMOTE_ADDR, or with
# CASEWORK_TRUSTED_PROXY_COUNT=N the N-th address from the right of X-Forwarded-For (docs/operations.md).
AXES_FAILURE_LIMIT = env.int("CASEWORK_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(seconds=env.int("CASEWORK_LOGIN_COOLOFF", default=15 * 60))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USE_ATTEMPT_EXPIRATION = True
AXES_CLIENT_IP_CALLABLE = "casework.accounts.sessions.client_ip"
CASEWORK_TRUSTED_PROXY_COUNT = env.int("CASEWORK_TRUSTED_PROXY_COUNT", default=0)
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# Axes' own per-login access log keeps user agents and IPs for ever: the audit log records logins instead.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False

# --- Security ---
# Hardening is on unless DJANGO_DEBUG is set; TLS is terminated by the reverse proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content Security Policy (django-csp): scripts and styles only from our own static files, no inline
# script, no inline style, no eval. Enforced in every mode (tests assert it), never report-only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Bootstrap draws its form icons as data: SVG images from its stylesheet.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- Internationalisation ---
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ar", _("Arabic")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "casework" / "locale"]
TIME_ZONE = env.str("CASEWORK_TIME_ZONE", default="Asia/Damascus")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ---
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Uploaded files (photos, scans) are personal data: they live outside STATIC_ROOT and are
    # never served by the web server directly; views stream them after a scoped lookup.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env.str("CASEWORK_MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"
# Photos and scans are readable by the application's user and group only, folders included.
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# --- Spreadsheet imports ---
# Uploaded import files: private (directories 0750), never served; deleted after the retention period.
IMPORTS_FILE_ROOT = Path(env.str("CASEWORK_IMPORTS_ROOT", default=str(VAR_DIR / "imports")))
IMPORTS_MAX_FILE_SIZE = env.int("CASEWORK_IMPORTS_MAX_FILE_SIZE", default=20 * 1024 * 1024)
# Sum of the uncompressed sizes in an XLSX/ODS zip directory above which the file is refused (zip bomb).
IMPORTS_MAX_UNCOMPRESSED_SIZE = env.int("CASEWORK_IMPORTS_MAX_UNCOMPRESSED_SIZE", default=200 * 1024 * 1024)
IMPORTS_FILE_RETENTION_DAYS = env.int("CASEWORK_IMPORTS_FILE_RETENTION_DAYS", default=30)

# --- E-mail ---
# EMAIL_URL examples: smtp+tls://user:pass@mail.example.org:587, consolemail://, filemail:///abs/path,
# filemail://relative/path (from the project directory); plain filemail:// writes to var/mail/.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="filemail://")
if EMAIL_CONFIG["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend":
    EMAIL_CONFIG["EMAIL_FILE_PATH"] = str(file_email_path(env.str("EMAIL_URL", default="filemail://"), VAR_DIR))
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="casework@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# Longest wait in seconds between two attempts to send an e-mail (exponential backoff, 5 retries).
CASEWORK_EMAIL_RETRY_BACKOFF_MAX = env.int("CASEWORK_EMAIL_RETRY_BACKOFF_MAX", default=600)
# A queued e-mail whose task was lost (broker restarted, or down at commit) is enqueued again once it
# has waited longer than any retry would (default: the longest backoff + 10 minutes), by a beat task
# that runs every CASEWORK_OUTBOX_REQUEUE_EVERY_SECONDS. Their sum bounds the delay after a broker loss.
CASEWORK_OUTBOX_STALE_AFTER_SECONDS = env.int(
    "CASEWORK_OUTBOX_STALE_AFTER_SECONDS", default=CASEWORK_EMAIL_RETRY_BACKOFF_MAX + 600
)
CASEWORK_OUTBOX_REQUEUE_EVERY_SECONDS = env.int("CASEWORK_OUTBOX_REQUEUE_EVERY_SECONDS", default=900)

# --- Celery ---
# The filesystem transport needs no server: `make run` uses it. Production and CI use Redis.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # Seconds after which Redis hands a message that a worker took but never acknowledged (the
    # worker died) to another worker. Countdowns and ETAs must stay well below it (docs/operations.md).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_BROKER_VISIBILITY_TIMEOUT", default=3600)}
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A task is acknowledged only after it finished: a worker that dies mid-task leaves it on the
# queue for another worker. Tasks must therefore be idempotent (see docs/operations.md).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="casework")
# Every task goes to the default queue for now; see docs/operations.md to give sweeps their own queue.
CELERY_TASK_ROUTES = {"casework.*.tasks.sweep_*": {"queue": CELERY_TASK_DEFAULT_QUEUE}}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Beat records a heartbeat of its own, so that /health/ tells a stopped beat from a stopped worker.
CELERY_BEAT_SCHEDULER = "casework.core.beat:HeartbeatScheduler"
# The periodic tasks, one row each: entry name, task (below `casework.`), when.
# Crontabs run in TIME_ZONE (Celery takes Django's).
CELERY_BEAT_SCHEDULE = {
    name: {"task": f"casework.{task}", "schedule": schedule}
    for name, task, schedule in [
        ("record-worker-heartbeat", "core.tasks.record_worker_heartbeat", 60.0),
        ("purge-expired-sessions", "accounts.tasks.purge_expired_sessions", crontab(hour=3, minute=15)),
        # 05:00 Asia/Damascus, before the working day.
        ("sweep-reminders", "reminders.tasks.sweep_reminders", crontab(hour=5, minute=0)),
        # After the sweep: one digest per user with something due (weekly ones on Mondays).
        ("email-daily-digests", "reminders.tasks.email_daily_digests", crontab(hour=6, minute=0)),
        # The dashboard's summary (casework.reports.dashboard.summary), before the weekly report's charts.
        ("refresh-dashboard-summary", "reports.tasks.refresh_dashboard_summary", crontab(hour=4, minute=0)),
        # Mondays, after the digests: each organisation's supervisors get the weekly report (with XLSX).
        ("email-weekly-reports", "reports.tasks.email_weekly_reports", crontab(hour=7, minute=0, day_of_week=1)),
        # E-mails whose delivery task was lost or never enqueued (e.g. the broker was down at commit).
        (
            "requeue-stale-outbound-messages",
            "outbox.tasks.requeue_stale_outbound_messages",
            float(CASEWORK_OUTBOX_REQUEUE_EVERY_SECONDS),
        ),
        # Likely duplicate persons for the supervisors' review queue (casework.matching.duplicates).
        ("find-duplicate-pairs", "matching.tasks.find_duplicate_pairs", crontab(hour=2, minute=30)),
        # Uploaded import files past their retention period.
        ("delete-expired-import-files", "imports.tasks.delete_expired_import_files", crontab(hour=3, minute=45)),
        # Closed cases past their organisation's retention period, for supervisors to decide on.
        ("list-due-retention-reviews", "retention.tasks.list_due_retention_reviews", crontab(hour=4, minute=30)),
    ]
}

# --- Forms and UI ---
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Logging ---
# Log lines carry public ids, never names or other personal data.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint and fontTools narrate every PDF step at INFO; django-axes logs usernames and client IPs
    # on failures (the audit log records those, not the log).
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "ERROR"},
    },
}
