"""Settings for the dispute handling centre: one module, driven by the environment.

Embedded default (nothing set): SQLite under var/, Celery over kombu's filesystem transport.
Production: DATABASE_URL (PostgreSQL), REDIS_URL, SECRET_KEY, ALLOWED_HOSTS, DEBUG=false.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_networks, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", default=True)
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"  # a Chinese 403 page, like the others

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "django_filters",
    "django_tables2",
    "rest_framework",
    "rest_framework_api_key",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc, served from our own static files
    "config.apps.AxesConfig",  # django-axes, with a Chinese name in the admin
    "departments",
    "disputes",
    "routing",
    "consultations",
    "reports",
    "api",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "departments.sessions.RenewSessionMiddleware",  # after SessionMiddleware
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "api.middleware.ApiCallMiddleware",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "departments.context_processors.staff",
                "reports.context_processors.inbox",
                "reports.context_processors.desks",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    # PostgreSQL's JIT compiles the application's short queries at a cost above the query's
    # own (the lists' estimates pass jit_above_cost): off for these connections, unless
    # DATABASE_JIT=true. Measured in the pages benchmark (README).
    postgres = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    if postgres and not env_bool("DATABASE_JIT", default=False):
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "centre.sqlite3",
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "reports:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# The age is an inactivity limit: a request renews the session (a write) when its last renewal
# is more than SESSION_RENEW_SECONDS old, not on every request (departments/sessions.py).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_RENEW_SECONDS = env_int("SESSION_RENEW_SECONDS", 60)
if not 0 <= SESSION_RENEW_SECONDS <= SESSION_COOKIE_AGE // 2:
    raise ImproperlyConfigured(
        "SESSION_RENEW_SECONDS must be between 0 and half of SESSION_IDLE_SECONDS"
    )
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# The lockout counts failures by account (from any address) and by address (across accounts),
# each against its own limit (departments/lockout.py); both are forgotten after the cool-off.
LOGIN_FAILURE_LIMITS = {
    "username": env_int("LOGIN_FAILURE_LIMIT", 5),
    "ip_address": env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20),
}
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMITS["username"]
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "departments.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "departments.http.counted_address"
AXES_RESET_ON_SUCCESS = True
# Proxies whose X-Forwarded-For is believed (addresses or networks); none: the connection's own
# address is the client's (departments/http.py).
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES", [])
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# guardian: no anonymous user row; object permissions only where granted.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

LANGUAGE_CODE = "zh-hans"
# The centres read Chinese: one language, whatever the browser asks for.
LANGUAGES = [("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# How many different payer numbers (identity number, credit code, phone) each user may search
# by per day; every such search is logged; past the limit it is refused, and the refusal logged.
NUMBER_SEARCHES_PER_DAY = env_int("NUMBER_SEARCHES_PER_DAY", 40)

# The CSV export of the case list stops after this many rows (newest first): it is streamed, so
# memory stays flat, but one request must end within gunicorn's --timeout (README: Deploying).
EXPORT_MAX_ROWS = env_int("EXPORT_MAX_ROWS", 200_000)

# The ledger's exports (.xlsx, CSV): up to this many rows the file is written while the user
# waits; a larger one is a Celery job (a progress bar, then a download link), at most
# EXPORT_MAX_ROWS rows. Its file is kept this many hours, then the beat job deletes it.
LEDGER_EXPORT_JOB_ROWS = env_int("LEDGER_EXPORT_JOB_ROWS", 3_000)
LEDGER_EXPORT_KEEP_HOURS = env_int("LEDGER_EXPORT_KEEP_HOURS", 24)
# Cases read (and written) per step; a job's progress moves a step at a time.
LEDGER_EXPORT_CHUNK_ROWS = env_int("LEDGER_EXPORT_CHUNK_ROWS", 2_000)
# The ledger counts its rows up to this many (a LIMIT under the COUNT), then says "10,000+".
LEDGER_COUNT_CAP = env_int("LEDGER_COUNT_CAP", 10_000)

# Attachments: what a clerk may upload with a case.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
ATTACHMENT_EXTENSIONS = env_list(
    "ATTACHMENT_EXTENSIONS", ["pdf", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx", "txt"]
)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "centre@localhost")

# Text messages (disputes/sms/): to officers for new work, urgings and overdue limits, and to
# payers who asked for them. The backend is a dotted path, like EMAIL_BACKEND: the console
# (development: prints them), a file (SMS_FILE_PATH, one JSON line each), the in-memory one
# (tests) or the HTTP gateway (disputes.sms.backends.gateway.SmsBackend, with the SMS_GATEWAY_
# settings). A failed send is tried again SMS_RETRY_SECONDS later, the wait doubling up to
# SMS_RETRY_MAX_SECONDS, SMS_MAX_ATTEMPTS times in all; then the message is marked failed.
SMS_BACKEND = env_str("SMS_BACKEND", "disputes.sms.backends.console.SmsBackend")
SMS_FILE_PATH = Path(env_str("SMS_FILE_PATH", str(VAR_DIR / "sms" / "outbox.jsonl")))
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL", "")
SMS_GATEWAY_APP_KEY = env_str("SMS_GATEWAY_APP_KEY", "")
SMS_GATEWAY_SECRET = env_str("SMS_GATEWAY_SECRET", "")
SMS_SIGN_NAME = env_str("SMS_SIGN_NAME", "")
SMS_GATEWAY_TIMEOUT = env_int("SMS_GATEWAY_TIMEOUT", 10)
SMS_MAX_ATTEMPTS = env_int("SMS_MAX_ATTEMPTS", 5)
SMS_RETRY_SECONDS = env_int("SMS_RETRY_SECONDS", 60)
SMS_RETRY_MAX_SECONDS = env_int("SMS_RETRY_MAX_SECONDS", 3600)
# The beat job that queues again the messages left waiting (a worker died with their task).
SMS_SWEEP_SECONDS = env_int("SMS_SWEEP_SECONDS", 300)
if SMS_MAX_ATTEMPTS < 1 or SMS_GATEWAY_TIMEOUT < 1 or SMS_SWEEP_SECONDS < 1:
    raise ImproperlyConfigured(
        "SMS_MAX_ATTEMPTS, SMS_GATEWAY_TIMEOUT and SMS_SWEEP_SECONDS must be at least 1"
    )
if not 1 <= SMS_RETRY_SECONDS <= SMS_RETRY_MAX_SECONDS:
    raise ImproperlyConfigured(
        "SMS_RETRY_SECONDS must be at least 1 and at most SMS_RETRY_MAX_SECONDS"
    )

# Celery: Redis when REDIS_URL is set; otherwise kombu's filesystem transport under var/.
REDIS_URL = env_str("REDIS_URL", "")

# The cache counts wrong guesses on the public status page (and other per-user limits): shared
# by every process, through Redis in production, through files under var/cache/ on the embedded
# default (config/cache.py: counting there is atomic across processes).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "centre",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.SharedFileCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }

# The machine interface for hotlines and websites (api/): JSON only, each integrating system
# authenticated by its own key, limited per system on the shared cache.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.SystemKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.IsActiveSystem"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.SystemRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_VERSIONING_CLASS": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "社会保险费征缴争议处理中心 API / Dispute centre API",
    "DESCRIPTION": (
        "热线、网站等线上渠道提交工单、查询办理情况、接收回调事件。"
        " Hotlines and websites hand in work orders, read their progress and hear back."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}
# The API's call log is kept this many days (a beat job drops older entries nightly).
API_CALL_KEEP_DAYS = env_int("API_CALL_KEEP_DAYS", 180)
# A request body larger than this is refused with 413 before it is parsed.
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 12 * 1024 * 1024)
# The events told back to a system are POSTed to its callback URL by the worker (api/delivery.py):
# a failed attempt is tried again after API_DELIVERY_RETRY_SECONDS, the wait doubling up to
# API_DELIVERY_RETRY_MAX_SECONDS, until API_DELIVERY_GIVE_UP_SECONDS after the first attempt;
# then the delivery is given up (the administrator may replay it). Timeouts in seconds.
API_DELIVERY_RETRY_SECONDS = env_int("API_DELIVERY_RETRY_SECONDS", 30)
API_DELIVERY_RETRY_MAX_SECONDS = env_int("API_DELIVERY_RETRY_MAX_SECONDS", 3600)
API_DELIVERY_GIVE_UP_SECONDS = env_int("API_DELIVERY_GIVE_UP_SECONDS", 24 * 3600)
API_DELIVERY_CONNECT_TIMEOUT = env_int("API_DELIVERY_CONNECT_TIMEOUT", 5)
API_DELIVERY_READ_TIMEOUT = env_int("API_DELIVERY_READ_TIMEOUT", 10)
# The beat job that sends what is due and has no task queued (a worker died with it).
API_DELIVERY_SWEEP_SECONDS = env_int("API_DELIVERY_SWEEP_SECONDS", 60)
if not 1 <= API_DELIVERY_RETRY_SECONDS <= API_DELIVERY_RETRY_MAX_SECONDS:
    raise ImproperlyConfigured(
        "API_DELIVERY_RETRY_SECONDS must be at least 1 and at most API_DELIVERY_RETRY_MAX_SECONDS"
    )
if min(API_DELIVERY_CONNECT_TIMEOUT, API_DELIVERY_READ_TIMEOUT, API_DELIVERY_SWEEP_SECONDS) < 1:
    raise ImproperlyConfigured("The API_DELIVERY_ timeouts and period must be at least 1 second")

# The payers' own online application (/apply/): the channel its cases are recorded under (a
# code of the channel list, installed by load_reference_data), and how many applications one
# client address may hand in per hour (departments.http.counted_address: behind a proxy listed
# in TRUSTED_PROXIES, the address it forwards).
APPLY_CHANNEL = env_str("APPLY_CHANNEL", "online_application")
APPLY_PER_HOUR = env_int("APPLY_PER_HOUR", 5)
if APPLY_PER_HOUR < 1:
    raise ImproperlyConfigured("APPLY_PER_HOUR must be at least 1")

# Where payers reach the public status page (/status/), printed on the receipt; empty when the
# centre does not expose it beyond its intranet.
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "")
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 15 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 14 * 60)
# Late acknowledgement is switched on per task, for the idempotent ones only (the sweep).
CELERY_TASK_ACKS_LATE = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
DEADLINE_SWEEP_SECONDS = env_int("DEADLINE_SWEEP_SECONDS", 300)
# The dashboard's tally (reports.tally) is counted again this often; older than the maximum age
# (no beat running) it is not read, and the dashboard counts live.
REPORTS_TALLY_SECONDS = env_int("REPORTS_TALLY_SECONDS", 30 * 60)
REPORTS_TALLY_MAX_AGE = env_int("REPORTS_TALLY_MAX_AGE", 3 * REPORTS_TALLY_SECONDS)
CELERY_BEAT_SCHEDULE = {
    "sweep-deadlines": {
        "task": "routing.tasks.sweep_deadlines",
        "schedule": DEADLINE_SWEEP_SECONDS,
        "options": {"expires": DEADLINE_SWEEP_SECONDS},
    },
    "refresh-dashboard-tally": {
        "task": "reports.tasks.refresh_tally",
        "schedule": REPORTS_TALLY_SECONDS,
        "options": {"expires": REPORTS_TALLY_SECONDS},
    },
    "purge-ledger-exports": {
        "task": "reports.tasks.purge_expired_exports",
        "schedule": 3600,
        "options": {"expires": 3600},
    },
    "purge-api-calls": {
        "task": "api.tasks.purge_old_calls",
        "schedule": crontab(minute=30, hour=3),
    },
    "deliver-due-events": {
        "task": "api.tasks.send_due_deliveries",
        "schedule": API_DELIVERY_SWEEP_SECONDS,
        "options": {"expires": API_DELIVERY_SWEEP_SECONDS},
    },
    "requeue-text-messages": {
        "task": "disputes.tasks.requeue_sms",
        "schedule": SMS_SWEEP_SECONDS,
        "options": {"expires": SMS_SWEEP_SECONDS},
    },
    # Last month's evaluation circular to each county's recipients, on the 1st at 08:00 (the
    # job sends each county's month once, so a rerun or a catch-up run is harmless).
    "mail-monthly-circulars": {
        "task": "reports.tasks.mail_monthly_circulars",
        "schedule": crontab(minute=0, hour=8, day_of_month=1),
    },
}
# The callbacks to the hotlines have a queue of their own: a receiver slow to answer (up to the
# read timeout, every attempt) holds up only the workers that consume it, never the sweep, the
# archive or the exports. Every worker must consume "celery"; some worker must consume
# "callbacks" (scripts/run.sh's one worker takes both; docker-compose.yml runs one for each).
CELERY_TASK_DEFAULT_QUEUE = "celery"
CALLBACK_QUEUE = env_str("CALLBACK_QUEUE", "callbacks")
CELERY_TASK_ROUTES = {
    "api.tasks.deliver_event": {"queue": CALLBACK_QUEUE},
    "api.tasks.send_due_deliveries": {"queue": CALLBACK_QUEUE},
}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # Longer than any task may run (the time limit above), so a running task is never handed
    # to a second worker while the first still has it.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 3600}
else:
    _queue_dir = VAR_DIR / "celery"
    for _sub in ("in", "processed"):
        (_queue_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "in"),
        "data_folder_out": str(_queue_dir / "in"),
        "processed_folder": str(_queue_dir / "processed"),
        # Exchange bindings (broadcast, remote control): kombu's default is ./control.
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": env_str("AXES_LOG_LEVEL", "WARNING")},
        # WeasyPrint logs every layout step at INFO; its warnings (a missing font) still show.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
