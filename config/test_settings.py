"""Settings for the test suite: the same as production but fast hashing, in-memory SMS and a
private media folder. DATABASE_URL still picks PostgreSQL for the CI's second run."""

import os
import tempfile

# Before the settings are read: a fixed key of test-only length, never a production one.
os.environ.setdefault("SECRET_KEY", "test-suite-key-" + "x" * 40)

from config.settings import *  # noqa: E402,F403

ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SMS_BACKEND = "frontdesk.core.sms.MemorySmsBackend"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="frontdesk-media-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
SITE_URL = "http://testserver"
NOTIFY_WAKE_WORKER = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, not shared-cache memory: concurrency tests need SQLite's real locking (WAL, IMMEDIATE).
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-frontdesk.sqlite3")}  # noqa: F405

# Serve static files straight from the finders (node_modules, the apps' static/) without collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
