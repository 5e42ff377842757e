"""Orion settings, read from the environment (django-environ).

Importing this module needs no environment at all: with nothing set, ``DEBUG`` is on and every
value falls back to a safe development default (SQLite file, local-memory cache, eager Celery).
Production sets ``DEBUG=false``, which makes ``SECRET_KEY`` and ``ALLOWED_HOSTS`` mandatory.
README.md has the table of every variable.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def _origin_of(url: str) -> str:
    """``https://cdn.example.com/media/`` → ``https://cdn.example.com``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=True)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-orion-development-only")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["*"])
else:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])

# --- Applications ----------------------------------------------------------------------------

INSTALLED_APPS = [
    "django_prometheus",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_celery_results",
    "health_check",
    "axes",
    "csp",
    "orion_core",
    # Modules: core tier first, then optional, then internal. Adding an app here is all it
    # takes to add a module; nothing else in the project names it.
    "modules.core",
    "modules.tenancy",
    "modules.cms",
    "modules.customers",
    "modules.payments",
    "modules.billing",
    "modules.catalog",
    "modules.inventory",
    "modules.orders",
    "modules.marketplace",
    "modules.analytics",
    "modules.messaging",
    "modules.dev_tools",
    "modules.monitoring",
]
# Leave modules out of this deployment without editing code, e.g. ORION_EXCLUDE_MODULES=analytics.
# Only optional and internal modules can go; their dependents must go with them.
_excluded = {f"modules.{code}" for code in env.list("ORION_EXCLUDE_MODULES", default=[])}
INSTALLED_APPS = [app for app in INSTALLED_APPS if app not in _excluded]

AUTH_USER_MODEL = "tenancy.User"

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # After the language and the CSRF cookie are known, before the platform, vendor and user
    # are: a kept page for an anonymous visitor is served while every lookup it was made of is
    # current, with the visitor's own form token put in.
    "orion_core.page_cache.PageCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "orion_core.middleware.PlatformMiddleware",
    "modules.tenancy.middleware.VendorDomainMiddleware",
    "orion_core.middleware.ModuleGateMiddleware",
    # Innermost (django-axes asks for last): turns a lockout flagged by a login into a 429 page.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "orion_core.context_processors.platform",
                "orion_core.context_processors.module_context",
                "orion_core.context_processors.menus",
            ],
        },
    },
]

# --- Data --------------------------------------------------------------------------------------

# An empty DATABASE_URL means "not set", as it does for the other URLs below.
DATABASES = {
    "default": env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    )
}
# Route queries through django-prometheus's wrappers so database metrics are exported.
_engine = DATABASES["default"]["ENGINE"]
if _engine.startswith("django.db.backends."):
    DATABASES["default"]["ENGINE"] = _engine.replace(
        "django.db.backends.", "django_prometheus.db.backends.", 1
    )
# Persistent connections: opening a PostgreSQL connection costs more than a whole page. Each
# web or Celery worker process keeps one, checked before reuse after an error or a restart of
# the server (CONN_HEALTH_CHECKS). More processes than the server's max_connections: put
# pgbouncer (transaction pooling) in front and set CONN_MAX_AGE=0 (docs/operations.md).
# Development keeps 0: runserver serves every request in a new thread.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if "sqlite" in _engine:
    # pytest-django recognises SQLite by the stock engine name only; with the wrapper it would
    # give each parallel test worker a file name it cannot open instead of a memory database.
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="orion"),
            "OPTIONS": {
                # Fail fast: a cache outage must degrade to the database, not hang requests.
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    # Sessions are read on every logged-in request: from Redis, written through to the database
    # so a Redis restart or eviction logs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # No Redis: a file cache that every local process shares (the `make run` server, a
    # `manage.py module …` in a second terminal, an eager Celery task), so a change made by one
    # reaches the others on their next request. One process only may use CACHE_URL=locmemcache://.
    CACHES = {
        "default": env.cache(
            "CACHE_URL", default=f"filecache://{BASE_DIR / 'var' / 'cache'}?max_entries=10000"
        )
    }

# --- Orion -------------------------------------------------------------------------------------

# Hosts that resolve to no platform fall back to this platform code while DEBUG is on, so
# ``localhost`` works in development. Empty in production: an unknown host is a 404.
ORION_DEFAULT_PLATFORM = env.str("ORION_DEFAULT_PLATFORM", default="oms" if DEBUG else "")
# How long a resolved platform state may sit in the shared cache. Correctness does not depend
# on it (states are keyed by generation); it only bounds memory.
ORION_STATE_CACHE_TIMEOUT = env.int("ORION_STATE_CACHE_TIMEOUT", default=3600)
# Products per leaf category in `manage.py seed_demo` (70: over 1,000 per demo shop); smaller
# makes a quicker demo.
ORION_DEMO_PRODUCTS_PER_CATEGORY = env.int("ORION_DEMO_PRODUCTS_PER_CATEGORY", default=70)
# Anonymous pages kept whole in the shared cache (orion_core/page_cache.py) live at most this
# long even when nothing they show changes (what changes is seen at once); 0 turns it off. Off
# with DEBUG: a template being edited must show on the next reload.
ORION_PAGE_CACHE_TIMEOUT = env.int("ORION_PAGE_CACHE_TIMEOUT", default=0 if DEBUG else 60)

# --- Background work (Celery) ------------------------------------------------------------------

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# Results (state, return value or traceback, and with RESULT_EXTENDED the task's name, args and
# kwargs) in the database through django-celery-results: the monitoring module lists, filters
# and retries them with plain queries, and they survive a Redis restart. Celery beat's daily
# ``celery.backend_cleanup`` deletes those older than CELERY_RESULT_EXPIRES.
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="django-db")
CELERY_RESULT_EXTENDED = True
CELERY_RESULT_EXPIRES = timedelta(days=env.int("CELERY_RESULT_EXPIRES_DAYS", default=7))
CELERY_TASK_TRACK_STARTED = True
# No broker: run tasks in-process so the embedded default needs no Redis.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Tasks are acknowledged late: a task whose worker died (killed, out of memory, host lost) is
# still unacknowledged, and Redis gives it to another worker only once it is older than this
# many seconds. It must exceed the longest task (a large catalogue import), or a task still
# running is given to a second worker as well; the cost of a long one is the wait after a crash.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Links the monitoring pages offer when set (Celery's Flower, the Grafana dashboards).
FLOWER_URL = env.str("FLOWER_URL", default="")
GRAFANA_URL = env.str("GRAFANA_URL", default="")
# Days monitoring keeps application errors (ERROR log records); a daily task deletes older ones.
MONITORING_ERROR_RETENTION_DAYS = env.int("MONITORING_ERROR_RETENTION_DAYS", default=14)
# Vendors' feed and image addresses on private, loopback or reserved networks are refused
# unless this is on (feeds on an internal network; docs/operations.md).
MARKETPLACE_FETCH_PRIVATE_ADDRESSES = env.bool("MARKETPLACE_FETCH_PRIVATE_ADDRESSES", default=False)
# Days the staged rows of an import are kept once it is over (its job and figures stay).
MARKETPLACE_STAGED_RETENTION_DAYS = env.int("MARKETPLACE_STAGED_RETENTION_DAYS", default=30)

# --- E-mail ------------------------------------------------------------------------------------

# Order confirmations and, with messaging, every notification. One URL: smtp://user:pass@host:25,
# smtp+tls://…:587 (STARTTLS), smtp+ssl://…:465 (implicit TLS); consolemail:// prints to stdout.
# Empty counts as unset. Lower case: not a setting, so its password is never shown by Django.
email_url = env.str("EMAIL_URL", default="") or (
    "consolemail://" if DEBUG else "smtp://localhost:25"
)
vars().update(env.email_url_config(email_url))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Orion <noreply@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# --- Internationalisation ----------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("de", _("German"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ------------------------------------------------------------------------------

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")

# --- Media (uploaded files: the cms media libraries) -------------------------------------------

# Every upload goes through the default storage. Without AWS_STORAGE_BUCKET_NAME: files under
# MEDIA_ROOT, served at MEDIA_URL (by Django itself only while ORION_SERVE_MEDIA is on, which is
# the development default; production serves MEDIA_ROOT from the web server, see
# docs/operations.md). With a bucket: S3-compatible object storage (django-storages), which
# several web hosts share.
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
ORION_SERVE_MEDIA = env.bool("ORION_SERVE_MEDIA", default=DEBUG)
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Origins images may come from besides our own (the Content Security Policy's img-src).
MEDIA_ORIGINS = env.list("MEDIA_ORIGINS", default=[])
if MEDIA_URL.startswith(("http://", "https://")):  # media behind a CDN of its own
    MEDIA_ORIGINS.append(_origin_of(MEDIA_URL))
if AWS_STORAGE_BUCKET_NAME:
    _s3_endpoint = env.str("AWS_S3_ENDPOINT_URL", default="")
    _s3_domain = env.str("AWS_S3_CUSTOM_DOMAIN", default="")
    _s3_region = env.str("AWS_S3_REGION_NAME", default="")
    _s3_addressing = env.str("AWS_S3_ADDRESSING_STYLE", default="path" if _s3_endpoint else "")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            # Credentials: these, else boto3's own chain (instance role, ~/.aws, AWS_* env).
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "endpoint_url": _s3_endpoint or None,  # MinIO, Ceph, R2, Scaleway, …
            "region_name": _s3_region or None,
            "addressing_style": _s3_addressing or None,
            "custom_domain": _s3_domain or None,  # a CDN in front of the bucket
            "location": env.str("AWS_LOCATION", default="media"),
            # Media are public content with random names that never change: plain URLs,
            # cached for a year. Set AWS_QUERYSTRING_AUTH=true for a private bucket.
            "querystring_auth": env.bool("AWS_QUERYSTRING_AUTH", default=False),
            "file_overwrite": False,
            "default_acl": None,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
    if _s3_domain:
        MEDIA_ORIGINS.append(f"https://{_s3_domain}")
    elif _s3_endpoint and _s3_addressing == "path":
        MEDIA_ORIGINS.append(_origin_of(_s3_endpoint))
    elif _s3_endpoint:
        _scheme, _host = _s3_endpoint.split("://", 1)
        MEDIA_ORIGINS.append(f"{_scheme}://{AWS_STORAGE_BUCKET_NAME}.{_host.split('/')[0]}")
    else:
        MEDIA_ORIGINS.append(f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com")
        if _s3_region:
            MEDIA_ORIGINS.append(f"https://{AWS_STORAGE_BUCKET_NAME}.s3.{_s3_region}.amazonaws.com")
MEDIA_ORIGINS = list(dict.fromkeys(MEDIA_ORIGINS))

# --- Authentication ----------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Tenancy's account pages on the platform; after logging in, the user's first vendor portal
# (or the staff dashboard for staff).
LOGIN_URL = "tenancy:login"
LOGIN_REDIRECT_URL = "tenancy:home"
LOGOUT_REDIRECT_URL = "tenancy:login"
# django-axes refuses logins after repeated failures; its backend must come first and sees every
# authenticate() call (which therefore needs the request).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend reading the user of a session from the shared cache (no query when warm).
    "modules.tenancy.backends.CachedUserBackend",
]

# --- Login throttling (django-axes) ------------------------------------------------------------

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
_cooloff_minutes = env.int("AXES_COOLOFF_MINUTES", default=15)
if _cooloff_minutes < 1:
    # axes reads "no cool-off" as a permanent lockout that only an operator can lift.
    raise ImproperlyConfigured("AXES_COOLOFF_MINUTES must be at least 1.")
AXES_COOLOFF_TIME = timedelta(minutes=_cooloff_minutes)
# Per account and address together: a wrong password from one address does not lock the
# account out everywhere (no denial of service by guessing), yet each address gets few tries.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The client's address (which axes locks out) behind reverse proxies: django-ipware, configured
# as django-axes documents. ORION_TRUSTED_PROXY_COUNT is how many proxies in front of Django
# append the address they received a request from to X-Forwarded-For (nginx:
# $proxy_add_x_forwarded_for). 0: the header is ignored, the address is REMOTE_ADDR (anything a
# client writes into X-Forwarded-For would otherwise pick whose address is locked out). N: the
# N-th address from the right of the header, the one the outermost trusted proxy saw; whatever
# a client wrote to the left of it is skipped (IPWARE_STRICT off: a longer chain is expected).
ORION_TRUSTED_PROXY_COUNT = env.int("ORION_TRUSTED_PROXY_COUNT", default=0)
if ORION_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("ORION_TRUSTED_PROXY_COUNT must be 0 or more.")
AXES_IPWARE_PROXY_ORDER = "left-most"  # proxies append to the right of the header
if ORION_TRUSTED_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    # python-ipware counts the proxies listed in the header after the client; the last proxy is
    # REMOTE_ADDR, not in the header.
    AXES_IPWARE_PROXY_COUNT = ORION_TRUSTED_PROXY_COUNT - 1
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
    AXES_IPWARE_PROXY_COUNT = None
# A clear 429 page in the frontend's own layout (staff, vendor portal, admin, storefront).
AXES_LOCKOUT_CALLABLE = "modules.tenancy.lockout.lockout_response"

# --- API ---------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Orion API",
    "DESCRIPTION": "Multi-tenant, multi-vendor commerce platform.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc from drf-spectacular-sidecar's static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every operation documents its error bodies too (403/404 detail, 400 per field).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "orion_core.api_errors.document_error_responses",
    ],
}

# --- Security (production values; `manage.py check --deploy` must be clean with them) ----------

# "HEADER=value" the TLS-terminating proxy sets on HTTPS requests (and strips from clients); empty
# when Django is reached without such a proxy, where trusting the header would be a hole.
_proxy_ssl_header = env.str("SECURE_PROXY_SSL_HEADER", default="HTTP_X_FORWARDED_PROTO=https")
SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header.split("=", 1)) if _proxy_ssl_header else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 30)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics$"]
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Every page's scripts and styles come from our own static files: no inline <script>, <style>,
# style="…" or on…= handlers anywhere (docs/modules.md). Vendor themes come from a per-shop
# stylesheet (cms' theme.css), Swagger UI from the split view's separate script. Images may also
# come from the media storage when it is another origin (MEDIA_ORIGINS, above).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *MEDIA_ORIGINS],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Observability -----------------------------------------------------------------------------

SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default="development" if DEBUG else "production")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
if SENTRY_DSN:
    from orion_core.observability import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=SENTRY_ENVIRONMENT,
        traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
    )

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(platform)s/%(vendor)s] %(message)s"
        },
    },
    # Every record gets the tenant it was logged for (``platform``/``vendor`` codes, "-" if none).
    "filters": {"tenant": {"()": "modules.tenancy.context.TenantLogFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["tenant"]},
        # ERROR and above kept in the database for monitoring's "Errors" page (never raises,
        # never writes inside a transaction that is rolled back; modules/monitoring/log_handler).
        "errors": {
            "class": "modules.monitoring.log_handler.ErrorRecordHandler",
            "level": "ERROR",
            "filters": ["tenant"],
        },
    },
    # Celery's loggers (the worker keeps this configuration: CELERY_WORKER_HIJACK_ROOT_LOGGER)
    # and the project's own propagate here.
    "root": {"handlers": ["console", "errors"], "level": LOG_LEVEL},
    "loggers": {
        # Replace Django's own console handler rather than printing every line twice.
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        # Unhandled exceptions of views (and 5xx responses); propagates to "django" for console.
        "django.request": {"handlers": ["errors"]},
        "django.db.backends": {"level": "INFO"},
        # Failed logins and lockouts are warnings; axes' start-up banner and successes are not.
        "axes": {"level": "WARNING"},
    },
}
