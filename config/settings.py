"""Frontdesk settings. Everything that differs between deployments comes from the environment
(see `.env.example`); the defaults give the embedded set-up: SQLite in WAL mode on this machine."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

from config.env import _load_dotenv, envbool, envint, envlist, envstr, secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
_load_dotenv(BASE_DIR / ".env")

DEBUG = envbool("DEBUG", False)
# Each installation has its own key (`make run` writes one into .env); without one, start-up with
# DEBUG off stops instead of signing sessions with a key anybody can read in this repository.
SECRET_KEY = secret_key(debug=DEBUG)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
# Where clients reach Frontdesk: links made with no request at hand (the task worker's messages)
# are built on it; with a request, links follow the request's own address
# (frontdesk/core/siteurl.py). Required with DEBUG off; `make run` sets it from HOST and PORT.
SITE_URL = envstr("SITE_URL", "").strip().rstrip("/")
if SITE_URL and (_site_host := urlsplit(SITE_URL).hostname):
    # The declared address is always served: `make run HOST=0.0.0.0` links the LAN address.
    ALLOWED_HOSTS.append(f"[{_site_host}]" if ":" in _site_host else _site_host)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "frontdesk.core",
    "frontdesk.accounts",
    "frontdesk.tenancy",
    "frontdesk.catalog",
    "frontdesk.staff",
    "frontdesk.clients",
    "frontdesk.scheduling",
    "frontdesk.booking",
    "frontdesk.finance",
    "frontdesk.notifications",
    "frontdesk.payments",
    "frontdesk.prepaid",
    "frontdesk.warehouse",
    "frontdesk.payroll",
    "frontdesk.analytics",
    "frontdesk.loyalty",
    "frontdesk.api",
    # Django Ninja serves its Swagger UI from these static files, not from a CDN.
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy of every page (see "Security" below); a response that set its
    # own (files: `sandbox`) keeps it.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside everything else, so that any HTML error under /api/ becomes the API's JSON body.
    "frontdesk.api.middleware.ApiErrorBodyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Links built while a request runs (messages it writes included) use its trusted address.
    "frontdesk.core.siteurl.SiteUrlMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "frontdesk.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "frontdesk.core.middleware.AuditContextMiddleware",
    "frontdesk.tenancy.middleware.TenantMiddleware",
    # Last, so that it sees a login attempt after everything else has run.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Every app keeps its own templates (frontdesk/<app>/templates/); the project-wide pages
        # (base.html, the error pages, includes/) live in frontdesk/core/templates/.
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "frontdesk.tenancy.context_processors.backoffice",
                "frontdesk.core.context_processors.money",
            ],
            # Money and phones are shown one way on every page (core/templatetags/formatting.py).
            "builtins": ["frontdesk.core.templatetags.formatting"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite is the embedded default. WAL lets readers work while one writer writes; IMMEDIATE makes
# every transaction take the write lock when it begins, so "check, then write" inside
# transaction.atomic() cannot interleave with another writer (invariant 1 in DESIGN.md).
DATA_DIR = Path(envstr("DATA_DIR", str(BASE_DIR / "var")))
_sqlite_path = Path(envstr("SQLITE_PATH", "") or str(DATA_DIR / "frontdesk.sqlite3"))
DATABASE_URL = envstr("DATABASE_URL", "")


def _test_sqlite_path() -> str:
    """A RAM-backed file where the machine has one, so the test database costs no disk I/O."""
    shm = Path("/dev/shm")
    base = shm if shm.is_dir() and os.access(shm, os.W_OK) else DATA_DIR
    return str(base / f"frontdesk-test-{os.getpid()}.sqlite3")


if DATABASE_URL:
    # Health checks: a kept-open connection is pinged before a request reuses it, so after the
    # database server restarts each worker reconnects instead of failing its next request.
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": _sqlite_path,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;PRAGMA cache_size=-65536;"
                ),
            },
            # Tests run on a file, not Django's shared in-memory database: the live server's threads
            # then each have their own connection and wait on the write lock like production does,
            # instead of sharing one connection (and failing with "table is locked") under load.
            "TEST": {"NAME": envstr("TEST_SQLITE_PATH", _test_sqlite_path())},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHE_URL = envstr("REDIS_URL", "")
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "frontdesk"}}
# Where rate-limit counters live (core.ratelimit): shared by every worker and server either way.
# The local-memory cache above is per process, so without Redis they go to the database.
RATELIMIT_STORE = envstr("RATELIMIT_STORE", "cache" if CACHE_URL else "database")

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out login before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "frontdesk.accounts.backends.EmailOrPhoneBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "tenancy:home"
LOGOUT_REDIRECT_URL = "accounts:login"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 60 * 60 * 24 * 14)
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", False)

# Brute-force protection on login: lock a username+IP pair after this many failures.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "frontdesk.accounts.backends.lockout_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLED = envbool("AXES_ENABLED", True)

# --- Languages and time ---------------------------------------------------------------------
LANGUAGE_CODE = envstr("LANGUAGE_CODE", "ru")
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = envstr("TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Every app keeps its own static files (frontdesk/<app>/static/), found by the app finder.
STATICFILES_DIRS = [
    # Front-end packages installed by npm (package-lock.json); served by us, never by a CDN.
    ("vendor/bootstrap", BASE_DIR / "node_modules/bootstrap/dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules/bootstrap-icons/font"),
    ("vendor/htmx", BASE_DIR / "node_modules/htmx.org/dist"),
    ("vendor/sortablejs", BASE_DIR / "node_modules/sortablejs"),
    ("vendor/event-calendar", BASE_DIR / "node_modules/@event-calendar/build/dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules/chart.js/dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(DATA_DIR / "media")))
# Where `manage.py backup` writes (docs/operations.md).
BACKUP_DIR = Path(envstr("BACKUP_DIR", str(DATA_DIR / "backups")))
SERVE_MEDIA = envbool("SERVE_MEDIA", True)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Frontdesk <noreply@frontdesk.local>")

# --- SMS ------------------------------------------------------------------------------------
# Dotted path of the SMS gateway adapter; the console adapter writes messages to the log.
SMS_BACKEND = envstr("SMS_BACKEND", "frontdesk.core.sms.ConsoleSmsBackend")

# --- Notifications --------------------------------------------------------------------------
# The gateways' addresses (changed only to point at a test stand-in) and how the outbox worker
# behaves. See frontdesk/notifications/worker.py.
NOTIFY_SMSRU_URL = envstr("NOTIFY_SMSRU_URL", "https://sms.ru")
NOTIFY_SMSC_URL = envstr("NOTIFY_SMSC_URL", "https://smsc.ru")
NOTIFY_TELEGRAM_URL = envstr("NOTIFY_TELEGRAM_URL", "https://api.telegram.org")
NOTIFY_HTTP_TIMEOUT = envint("NOTIFY_HTTP_TIMEOUT", 10)
# A claimed message whose worker has not finished within this many seconds is taken over.
NOTIFY_LEASE_SECONDS = envint("NOTIFY_LEASE_SECONDS", 120)
NOTIFY_MAX_ATTEMPTS = envint("NOTIFY_MAX_ATTEMPTS", 6)
# Pause between two messages of one worker (milliseconds): the sending rate the gateways allow.
NOTIFY_SEND_PAUSE_MS = envint("NOTIFY_SEND_PAUSE_MS", 0)
# Wake the task worker when a message is written (off in tests: they deliver explicitly).
NOTIFY_WAKE_WORKER = envbool("NOTIFY_WAKE_WORKER", True)

# --- Online payments and receipts -----------------------------------------------------------
# The providers' addresses (changed only to point at a test stand-in). YooKassa signs nothing:
# its notifications are accepted only from its published networks and then re-read through
# its API. ATOL Online's API v5 fiscalises receipts; its report is polled a few times.
YOOKASSA_API_URL = envstr("YOOKASSA_API_URL", "https://api.yookassa.ru/v3")
YOOKASSA_WEBHOOK_NETWORKS = envlist(
    "YOOKASSA_WEBHOOK_NETWORKS",
    "185.71.76.0/27,185.71.77.0/27,77.75.153.0/25,77.75.156.11/32,77.75.156.35/32,77.75.154.128/25,2a02:5180::/32",
)
ATOL_API_URL = envstr("ATOL_API_URL", "https://online.atol.ru/possystem/v5")
ATOL_REPORT_POLLS = envint("ATOL_REPORT_POLLS", 5)
ATOL_REPORT_DELAY_MS = envint("ATOL_REPORT_DELAY_MS", 1000)
PAYMENTS_HTTP_TIMEOUT = envint("PAYMENTS_HTTP_TIMEOUT", 15)

# --- Background tasks -----------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": envstr("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- API ------------------------------------------------------------------------------------
# Requests a minute per partner token and IP address (429 with Retry-After above it); 0 = no limit.
API_RATE_LIMIT = envint("API_RATE_LIMIT", 200)
# Days a user token (POST /api/v1/auth) stays valid from its issue; then the integration logs in again.
API_USER_TOKEN_DAYS = envint("API_USER_TOKEN_DAYS", 90)

# Days of past visits and payments the demo network gets (analytics/demo.py); the test suite,
# which builds the demo in several tests, asks for fewer (conftest.py).
DEMO_HISTORY_DAYS = envint("DEMO_HISTORY_DAYS", 365)

# --- Security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
# No page may be framed by another site: the public booking pages the widget opens say which
# sites may frame them (frontdesk/core/security.py), the widget preview allows this site only.
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_HTTPS_PROXY") else None
SECURE_REFERRER_POLICY = "same-origin"

# Served over HTTPS only (SECURE_COOKIES=1): plain-HTTP requests are redirected, and browsers are
# told to use HTTPS for a year (HSTS_SECONDS; 0 turns the header off while trying HTTPS out).
# Behind a proxy that ends TLS the request counts as HTTPS by its X-Forwarded-Proto: gunicorn
# trusts it from this machine, BEHIND_HTTPS_PROXY=1 from anywhere.
_HTTPS_ONLY = envbool("SECURE_COOKIES", False)
SECURE_SSL_REDIRECT = _HTTPS_ONLY
SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", 31536000) if _HTTPS_ONLY else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("HSTS_INCLUDE_SUBDOMAINS", False)

# Every page loads scripts, styles, fonts and pictures from this site only, and runs no inline
# script: there is none (behaviour lives in static files, wired by data- attributes). The few
# <style> blocks carry the page's nonce. Inline style="" attributes stay allowed: they cannot run
# code and the pages use them for sizes. data: pictures are Bootstrap's icons inside its CSS.
# form-action is left open: paying online posts to this site, which redirects to the provider.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
