"""Django settings for Clientdesk, read only from CLIENTDESK_* environment variables."""

import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from clientdesk.env import env_bool, env_int, env_list, env_str, parse_email_url

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(env_str("CLIENTDESK_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("CLIENTDESK_DEBUG", False)
TESTING = env_bool("CLIENTDESK_TESTING", False)


def _secret_key() -> str:
    key = env_str("CLIENTDESK_SECRET_KEY")
    if key:
        return key
    if not DEBUG and not TESTING:
        raise ImproperlyConfigured(
            "CLIENTDESK_SECRET_KEY is not set. With CLIENTDESK_DEBUG off, set it to a long random "
            "value, e.g. CLIENTDESK_SECRET_KEY=\"$(python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))')\"."
        )
    # Development: one key per checkout, kept under var/ so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("CLIENTDESK_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if TESTING:
        ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
    elif DEBUG:
        ALLOWED_HOSTS = ["*"]  # development: `make run HOST=0.0.0.0` answers on any address
    else:
        raise ImproperlyConfigured(
            "CLIENTDESK_ALLOWED_HOSTS is not set. With CLIENTDESK_DEBUG off, list the host names "
            "the app answers to, comma-separated, e.g. CLIENTDESK_ALLOWED_HOSTS=desk.example.com."
        )

BASE_URL = env_str("CLIENTDESK_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CLIENTDESK_CSRF_TRUSTED_ORIGINS", [BASE_URL])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "clientdesk.core",
    "clientdesk.clients",
    "clientdesk.contacts",
    "clientdesk.portal",
    "clientdesk.tickets",
    "clientdesk.documents",
    "clientdesk.agreements",
    "clientdesk.devices",
    "clientdesk.software",
    "clientdesk.offboarding",
    "clientdesk.insights",
    "clientdesk.onboarding",
    "clientdesk.transfer",
    "clientdesk.audit",
    "clientdesk.integrations",
    "clientdesk.api",
]

MIDDLEWARE = [
    "clientdesk.core.middleware.TenancyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "clientdesk.core.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "clientdesk.core.middleware.AccountMiddleware",
    "clientdesk.portal.middleware.PortalUserMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clientdesk.urls"
WSGI_APPLICATION = "clientdesk.wsgi.application"
ASGI_APPLICATION = "clientdesk.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "clientdesk.core.context_processors.frame",
            ],
            "builtins": ["clientdesk.core.templatetags.ui"],
        },
    }
]

# --- Database -----------------------------------------------------------------------------------
_default_sqlite = f"sqlite:///{VAR_DIR / 'clientdesk.sqlite3'}"
_db_url = env_str("CLIENTDESK_DATABASE_URL") or _default_sqlite
_db = dj_database_url.parse(_db_url, conn_max_age=0 if TESTING else 60, conn_health_checks=True)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    if _db["NAME"] not in ("", ":memory:"):
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    _db["ENGINE"] = "clientdesk.core.sqlitedb"  # Django's, with writers that take turns
    _db["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue on busy_timeout
        # instead of one failing with "database is locked" halfway through (per-client counters).
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            " PRAGMA cache_size=-64000;"
        ),
    }
    _db["CONN_MAX_AGE"] = 0 if TESTING else 600
elif _db["ENGINE"] == "django.db.backends.postgresql":
    _db["ENGINE"] = "django.db.backends.postgresql"
else:
    raise ImproperlyConfigured(
        "CLIENTDESK_DATABASE_URL must be a sqlite:/// or postgresql:// URL; got "
        f"{_db_url.split('@')[-1]!r}"
    )
_db["TEST"] = {"NAME": env_str("CLIENTDESK_TEST_DATABASE_NAME") or None}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -----------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
PASSWORD_RESET_EMAILS_PER_HOUR = 3  # per address (core.forms.ResetForm)

AXES_FAILURE_LIMIT = env_int("CLIENTDESK_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours: a locked sign-in opens again after 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "clientdesk.core.lockout.lockout_username"  # one count per person
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False

# --- Sessions, cookies, security headers ----------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG and not TESTING
CSRF_COOKIE_SECURE = not DEBUG and not TESTING
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env_bool("CLIENTDESK_SSL_REDIRECT", not DEBUG and not TESTING)
SECURE_HSTS_SECONDS = env_int("CLIENTDESK_HSTS_SECONDS", 0 if DEBUG or TESTING else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = False
if env_bool("CLIENTDESK_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = ["security.W021"]  # HSTS preload is the operator's own decision

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- Static and media files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("CLIENTDESK_MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded files (documents/storage.py) go to MEDIA_ROOT, or to an S3-compatible bucket when
# CLIENTDESK_S3_BUCKET is set (needs `pip install "clientdesk[s3]"`: django-storages and boto3;
# docs/servers.md). Either way they are served only through views that check access.
S3_BUCKET = env_str("CLIENTDESK_S3_BUCKET")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("CLIENTDESK_S3_ENDPOINT_URL") or None,
            "region_name": env_str("CLIENTDESK_S3_REGION") or None,
            "access_key": env_str("CLIENTDESK_S3_ACCESS_KEY") or None,
            "secret_key": env_str("CLIENTDESK_S3_SECRET_KEY") or None,
            "location": env_str("CLIENTDESK_S3_PREFIX"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
WHITENOISE_USE_FINDERS = DEBUG or TESTING
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A document (or any file kept for a client) is at most this many MB (documents/storage.py).
DOCUMENTS_MAX_MB = env_int("CLIENTDESK_DOCUMENTS_MAX_MB", 25)

# --- Email --------------------------------------------------------------------------------------
EMAIL_URL = env_str("CLIENTDESK_EMAIL_URL")
if EMAIL_URL:
    globals().update(parse_email_url(EMAIL_URL))
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"  # used by name in core.emails
EMAIL_TIMEOUT = 15
DEFAULT_FROM_EMAIL = env_str("CLIENTDESK_FROM_EMAIL", "Clientdesk <noreply@clientdesk.localhost>")
EMAIL_MAX_ATTEMPTS = env_int("CLIENTDESK_EMAIL_MAX_ATTEMPTS", 5)
EMAIL_RETRY_SECONDS = env_int("CLIENTDESK_EMAIL_RETRY_SECONDS", 60)
# Email in (integrations/inbound.py): the domain whose mail reaches `clientdesk mailin`, so
# `<account-slug>@<domain>` is an account's address (replies to tickets go from it too).
MAILIN_DOMAIN = env_str("CLIENTDESK_MAILIN_DOMAIN", urlsplit(BASE_URL).hostname or "localhost")
MAILIN_MAX_BYTES = env_int("CLIENTDESK_MAILIN_MAX_BYTES", 25 * 1024 * 1024)
MAILIN_ATTACHMENT_MAX_BYTES = env_int("CLIENTDESK_MAILIN_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)

# --- Background tasks ---------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# --- Imports: what a file may hold before the readers stop (transfer/readers/limits.py) ------
IMPORT_MAX_COLUMNS = env_int("CLIENTDESK_IMPORT_MAX_COLUMNS", 500)
IMPORT_MAX_CELL_CHARS = env_int("CLIENTDESK_IMPORT_MAX_CELL_CHARS", 32767)
IMPORT_MAX_ROW_KB = env_int("CLIENTDESK_IMPORT_MAX_ROW_KB", 2048)
IMPORT_XLSX_MAX_INFLATED_MB = env_int("CLIENTDESK_IMPORT_XLSX_MAX_INFLATED_MB", 2048)
IMPORT_XLSX_MAX_RATIO = env_int("CLIENTDESK_IMPORT_XLSX_MAX_RATIO", 100)
IMPORT_XLSX_RATIO_FROM_MB = env_int("CLIENTDESK_IMPORT_XLSX_RATIO_FROM_MB", 4)
IMPORT_XLSX_MAX_SHARED_STRINGS = env_int("CLIENTDESK_IMPORT_XLSX_MAX_SHARED_STRINGS", 10_000_000)
IMPORT_XLSX_MAX_SHARED_STRINGS_MB = env_int("CLIENTDESK_IMPORT_XLSX_MAX_SHARED_STRINGS_MB", 512)

# --- API ----------------------------------------------------------------------------------------
NINJA_PAGINATION_MAX_LIMIT = 200

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"forbidden_on_one_line": {"()": "clientdesk.core.logs.ForbiddenOnOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django.request": {"filters": ["forbidden_on_one_line"]},
        "clientdesk": {"level": "INFO"},
        "django_tasks": {"level": "WARNING"},
        "django_tasks_db": {"level": "WARNING"},
    },
}
