"""Settings shared by every environment. Values come from the environment (12-factor), parsed strictly."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()


def env_int(name: str, default: int) -> int:
    """environ's int() raises a bare ValueError; say which variable is wrong."""
    try:
        return env.int(name, default=default)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {env.str(name)!r}") from exc


def env_bool(name: str, default: bool) -> bool:
    raw = env.str(name, default=str(default)).strip().lower()
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {raw!r}")


SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_otp",
    "config.apps.TotpConfig",  # django_otp.plugins.otp_totp, named for the administration
    "config.apps.AxesConfig",  # axes, named for the administration
    "csp",
    "pgtrigger",
    "pghistory",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI / Redoc assets served from here, never a CDN
    "drf_standardized_errors",
    "knox",
    "accounts",
    "victims",
    "support",
    "facilities",
    "reporting",
    "imports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.RequestIdMiddleware",
    "config.db_router.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.RequireTwoFactorMiddleware",
    "accounts.middleware.ActiveMembershipMiddleware",
    "config.middleware.HistoryMiddleware",
    "config.middleware.RefusedAccessLogMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.NoStoreForSignedInMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "accounts.context_processors.membership",
            ],
        },
    },
]

def env_database(name: str, default: str) -> dict:
    raw = env.str(name, default=default)
    if not raw.startswith(("postgres://", "postgresql://", "pgsql://")):
        raise ImproperlyConfigured(f"{name} must be a PostgreSQL URL like postgres://user@host:5432/db")
    return env.db_url_config(raw)


DATABASES = {"default": env_database("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/nanhan")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Page views are short OLTP queries: JIT compiling (tens of ms, 10 s of a 10.6 s search once) and
# parallel workers (started for a query that finds nothing) cost more than they save.
OLTP_OPTIONS = "-c jit=off -c max_parallel_workers_per_gather=0"
_options = DATABASES["default"].setdefault("OPTIONS", {})
_options["options"] = f"{_options.get('options', '')} {OLTP_OPTIONS}".strip()

# Scaling out: a streaming replica (optional) for dashboards, reports and exports. It keeps the
# server's defaults (JIT and parallel workers help large aggregates). config.db_router sends only
# those reads there; writes and migrations always go to default.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env_database("DATABASE_REPLICA_URL", "")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]
REPLICA_READ_NAMESPACES = ("reporting",)  # dashboards, reports and their exports
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "nanhan",
    }
}

# Celery: Redis is both broker and result store (the health check waits for a ping result).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_RESULT_EXPIRES = timedelta(hours=1)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Exactly one beat runs this schedule (README, docs/reports.md): every beat would send every entry.
CELERY_BEAT_SCHEDULE: dict = {
    # A draft of each periodic report for every province once its period has closed (idempotent).
    "reports-draft-closed-periods": {
        "task": "reporting.draft_periodic_reports",
        "schedule": crontab(hour=1, minute=15),
    },
}
# Report rendering (reporting.tasks.render_report_run): retries with backoff (seconds, doubling).
REPORTS_RENDER_RETRY_BACKOFF = env_int("REPORTS_RENDER_RETRY_BACKOFF", 30)
REPORTS_RENDER_MAX_RETRIES = env_int("REPORTS_RENDER_MAX_RETRIES", 3)
# Tests only: a path; while the file exists, the next render fails half-way (and removes it).
REPORTS_RENDER_FAULT_FILE = ""

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # must be first: it refuses locked-out attempts
    "accounts.backends.AccountLockBackend",  # then accounts locked across addresses
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling: lock a username from one address, with a cool-off.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# And per account across addresses (a password spray): locked until a manager or administrator unlocks.
ACCOUNT_FAILURE_LIMIT = env_int("ACCOUNT_FAILURE_LIMIT", 20)
ACCOUNT_FAILURE_WINDOW = timedelta(hours=env_int("ACCOUNT_FAILURE_WINDOW_HOURS", 24))
# Password-reset links sent per hour, per address and per account (the page answers the same anyway).
PASSWORD_RESET_PER_ADDRESS = env_int("PASSWORD_RESET_PER_ADDRESS", 5)
PASSWORD_RESET_PER_ACCOUNT = env_int("PASSWORD_RESET_PER_ACCOUNT", 3)
PASSWORD_RESET_WINDOW = timedelta(hours=1)

# Two-factor login is required for every staff role; only the demo settings may relax it.
TWO_FACTOR_REQUIRED = True
OTP_TOTP_ISSUER = "NanNhan"
OTP_TOTP_THROTTLE_FACTOR = 1

# Sessions: 30 minutes of inactivity, 12 hours at most.
SESSION_ENGINE = "django.contrib.sessions.backends.db"  # survives a Redis outage
SESSION_COOKIE_AGE = 30 * 60
# The last activity is written at most once a minute (accounts.middleware), not on every request: a
# session row UPDATE per page view is three statements. So a session may end up to a minute early.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_ACTIVITY_RESOLUTION = 60
SESSION_ABSOLUTE_TIMEOUT = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content Security Policy: everything from our own origin, scripts only with a nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"

# smtp+tls://user:password@mail.example.gov.vn:587 in production; console output by default.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="no-reply@nannhan.gov.vn")

REST_FRAMEWORK = {
    # Partner clients send `Authorization: Token <secret>` (knox); the browser's session works too
    # (with its CSRF token on writes). Either way the request acts for one agency and role.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "config.api.authentication.ApiTokenAuthentication",
        "config.api.authentication.ApiSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["config.api.permissions.ActsForAnAgency"],
    "DEFAULT_SCHEMA_CLASS": "config.api.schema.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "config.api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["config.api.throttling.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"client": env.str("API_RATE_LIMIT", default="600/min")},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
API_MAX_PAGE_SIZE = 200
# The de-identified dataset (reporting.deidentified): the smallest group of quasi-identifiers released.
DEIDENTIFIED_DATASET_K = env_int("DEIDENTIFIED_DATASET_K", 11)
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's own AuthToken is swapped for accounts.ApiToken: its migrations would still create an unused
# table (referencing users, which breaks flushing); without them no table is made for the swapped model.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": None,  # every token's expiry is chosen by the manager who creates it
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_PREFIX": "nh_",
}
DRF_STANDARDIZED_ERRORS = {
    "EXCEPTION_HANDLER_CLASS": "config.api.errors.Handler",
    "ENABLE_IN_DEBUG_FOR_UNHANDLED_EXCEPTIONS": False,
    "ALLOWED_ERROR_STATUS_CODES": ["400", "401", "403", "404", "409", "412", "422", "429"],
    "ERROR_SCHEMAS": {
        "409": "config.api.schema.ErrorResponse409Serializer",
        "412": "config.api.schema.ErrorResponse412Serializer",
        "422": "config.api.schema.ErrorResponse422Serializer",
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hệ thống quản lý hỗ trợ nạn nhân bị mua bán — API",
    "DESCRIPTION": (
        "The partner API: the same scope, masking and services as the web pages. Authenticate with "
        "`Authorization: Token <secret>` (a token an agency manager creates) or the browser session."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "victims.workflow.Status",
        "SupportRequestStatusEnum": "support.models.RequestStatus",
        "LineStatusEnum": "support.models.LineStatus",
        "FacilityStatusEnum": "facilities.choices.FacilityStatus",
        "FacilityTypeEnum": "facilities.choices.FacilityType",
        "ActivityKindEnum": "reporting.models.ActivityKind",
        "ContactKindEnum": "victims.models.ContactKind",
        "StatisticsColumnKindEnum": "reporting.api.serializers.COLUMN_KINDS",
        "ReportStatusEnum": "reporting.models.ReportStatus",
        "ReportRunStatusEnum": "reporting.models.RunStatus",
        "ValidationErrorEnum": "drf_standardized_errors.openapi_serializers.ValidationErrorEnum.choices",
        "ClientErrorEnum": "drf_standardized_errors.openapi_serializers.ClientErrorEnum.choices",
        "ServerErrorEnum": "drf_standardized_errors.openapi_serializers.ServerErrorEnum.choices",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_standardized_errors.openapi_hooks.postprocess_schema_enums",
    ],
}
# Webhooks: attempts (with exponential backoff) before a delivery is marked failed.
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 6)
WEBHOOK_TIMEOUT = 10
WEBHOOK_BACKOFF_SECONDS = env_int("WEBHOOK_BACKOFF_SECONDS", 30)


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Referrals (victims.referrals): working days the receiving agency has to accept or decline before the
# referral shows as overdue on both sides. No decree fixes it (to be confirmed with the ministry); 3
# mirrors the commune's 3 working days to forward an application (Decree 09/2013/NĐ-CP, Art. 23).
REFERRAL_ANSWER_WORKING_DAYS = env_int("REFERRAL_ANSWER_WORKING_DAYS", 3)
