"""Settings, read from the environment (see the configuration table in README.md).

Every setting an operator may change is a ``KEFU_*`` environment variable; nothing else here is
meant to be edited per deployment.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlparse

from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(env("KEFU_DATA_DIR", "var")).resolve()


def database_from_url(url: str | None) -> dict:
    """Turn ``KEFU_DATABASE_URL`` into a Django DATABASES entry.

    ``sqlite:///relative/or/absolute.sqlite3`` or ``postgres://user:pass@host:port/name``. Without a
    URL the embedded default is a SQLite file under ``KEFU_DATA_DIR``.
    """
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DATA_DIR / 'kefu.sqlite3'}"
    parsed = urlparse(url)
    options = dict(parse_qsl(parsed.query))
    if parsed.scheme == "sqlite":
        # sqlite:////abs/file (absolute) or sqlite:///rel/file (relative to the working directory)
        path = unquote(parsed.path)
        name = path[1:] if path.startswith("//") else path.lstrip("/")
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            "OPTIONS": {
                # WAL lets the web server and the worker read while one of them writes.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            "TEST": {"NAME": options.get("test_name") or None},
        }
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        return {
            "ENGINE": "kefu.core.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")) or "kefu",
            "USER": unquote(parsed.username or "postgres"),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "127.0.0.1",
            "PORT": str(parsed.port or 5432),
            # `kefu serve` (ASGI) sets KEFU_CONN_MAX_AGE=0: each request runs in a thread of its own
            # there, so a kept connection would never be reused, only left for the collector
            "CONN_MAX_AGE": int(options.pop("conn_max_age", env("KEFU_CONN_MAX_AGE", "60"))),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": _postgres_options(options),
        }
    raise ValueError(f"KEFU_DATABASE_URL has an unsupported scheme: {parsed.scheme!r}")


def _remember_wide_statements() -> None:
    """psycopg turns a statement's ``%s`` placeholders into PostgreSQL's once and remembers the result,
    but only for statements of at most 50 parameters: a new work order's INSERT has some sixty, so
    its conversion (0.4 ms of Python) ran again on every accept. The ORM's single-row inserts of wide
    models are few and always the same text, so statements of up to 128 parameters are remembered
    too (psycopg keeps at most 128 converted statements whatever their size)."""
    from psycopg import _queries

    if getattr(_queries, "MAX_CACHED_STATEMENT_PARAMS", 128) < 128:
        _queries.MAX_CACHED_STATEMENT_PARAMS = 128


def _postgres_options(options: dict) -> dict:
    """Server-side binding, and psycopg preparing a statement once a connection has sent it
    ``prepare_threshold`` times (default 2): PostgreSQL then stops parsing and planning it on every
    call — planning, not running, is most of what the work-order actions cost it (the order table has
    some thirty indexes, partial ones among them, to consider). Django leaves preparing off unless
    told. ``?server_side_binding=false`` turns both off (poolers in transaction mode);
    ``?prepare_threshold=off`` keeps the binding and turns preparing off."""
    _remember_wide_statements()
    binding = options.pop("server_side_binding", "true").lower() in ("1", "true", "yes", "on")
    threshold = options.pop("prepare_threshold", "2").lower()
    if not binding or threshold in ("", "off", "none", "false"):
        return {**options, "server_side_binding": binding, "prepare_threshold": None}
    if not threshold.isdigit():
        raise ValueError(
            f"KEFU_DATABASE_URL: prepare_threshold must be a whole number or off, not {threshold!r}"
        )
    return {**options, "server_side_binding": True, "prepare_threshold": int(threshold)}


def _secret_key() -> str:
    """KEFU_SECRET_KEY, or a random key made once and kept under KEFU_DATA_DIR (never a known default)."""
    key = env("KEFU_SECRET_KEY")
    if key:
        return key
    import secrets

    path = DATA_DIR / "secret_key"
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("KEFU_DEBUG", False)
ALLOWED_HOSTS = [h.strip() for h in env("KEFU_ALLOWED_HOSTS", "*").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in (env("KEFU_CSRF_TRUSTED_ORIGINS", "") or "").split(",") if o.strip()
]

# X-Forwarded-For is believed only when the request comes from one of these proxies.
KEFU_TRUSTED_PROXIES = [p.strip() for p in (env("KEFU_TRUSTED_PROXIES", "") or "").split(",") if p.strip()]
# The billing port's adapter (dotted path); the local adapter reads kefu's own tables.
KEFU_BILLING_ADAPTER = env("KEFU_BILLING_ADAPTER", "kefu.customers.billing.LocalBilling")
# Contacts of the same subscriber and category within this many days are linked as repeats (CON-3).
KEFU_REPEAT_CONTACT_DAYS = int(env("KEFU_REPEAT_CONTACT_DAYS", "7"))
# CON-1: a query without a call joins the contact the same staff member had with the customer this recently
KEFU_QUERY_CONTACT_MINUTES = int(env("KEFU_QUERY_CONTACT_MINUTES", "30"))
# Calls one seat may hold at once (answered + on hold). 1: a ring or answer on a busy seat is refused
# (409 seat_busy); 2 or more: answering puts the call in progress on hold.
KEFU_CALLS_PER_SEAT = max(1, int(env("KEFU_CALLS_PER_SEAT", "1")))
# Routing (issue 14): the one `kefu router` process web processes send their commands to (ADR 0008);
# empty: the router runs inside the process (tests, a single process). Counters are kept per interval.
KEFU_ROUTER_URL = env("KEFU_ROUTER_URL", "")
KEFU_ROUTING_INTERVAL = int(env("KEFU_ROUTING_INTERVAL", "900"))
# CON-6: the longest after-call summary an agent may write at wrap-up (characters)
KEFU_WRAP_UP_SUMMARY_MAX = int(env("KEFU_WRAP_UP_SUMMARY_MAX", "2000"))
# Customer authentication (AUTH-5): consecutive failures before the lock, and how long it stays closed;
# how long a successful authentication lets an agent act on the number; SMS one-time password lifetime.
KEFU_AUTH_MAX_FAILURES = int(env("KEFU_AUTH_MAX_FAILURES", "3"))
KEFU_AUTH_LOCK_MINUTES = int(env("KEFU_AUTH_LOCK_MINUTES", "30"))
KEFU_AUTH_GRANT_MINUTES = int(env("KEFU_AUTH_GRANT_MINUTES", "30"))
KEFU_OTP_MINUTES = int(env("KEFU_OTP_MINUTES", "5"))
# SMS and email ports' adapters (dotted paths); the local ones keep messages in the outbox only.
KEFU_SMS_ADAPTER = env("KEFU_SMS_ADAPTER", "kefu.notify.adapters.LocalSms")
KEFU_EMAIL_ADAPTER = env("KEFU_EMAIL_ADAPTER", "kefu.notify.adapters.LocalEmail")
KEFU_FAX_ADAPTER = env("KEFU_FAX_ADAPTER", "kefu.notify.adapters.LocalFax")
KEFU_SMS_SENDER = env("KEFU_SMS_SENDER", "10086")

# Event bus for pushing to browsers across processes: "db" (embedded) or a redis:// URL (production).
KEFU_BUS_URL = env("KEFU_BUS_URL", "db")

KEFU_ROLE = env("KEFU_ROLE", "province")
KEFU_NODE_CODE = env("KEFU_NODE_CODE", "JS")
if KEFU_ROLE not in {"province", "hub", "sims", "platform"}:
    raise ValueError(f"KEFU_ROLE must be province, hub, sims or platform, not {KEFU_ROLE!r}")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "kefu.core",
    "kefu.catalog",
    "kefu.customers",
    "kefu.contacts",
    "kefu.telephony",
    "kefu.notify",
    "kefu.bulletins",
    "kefu.identity",
    "kefu.queries",
    "kefu.acceptance",
    "kefu.marketing",
    "kefu.workorders",
    "kefu.knowledge",
    "kefu.routing",
    "kefu.tmf",
    "kefu.federation",
    "kefu.crosslevel",
    "kefu.hub",
    "kefu.sims",
    "kefu.capability",
    "kefu.syndication",
    "kefu.platform",
    "kefu.spquality",
    "kefu.remote",
    "kefu.desk",
    "kefu.api",
    "kefu.cli",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kefu.core.middleware.MetricsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kefu.core.middleware.ChineseByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kefu.core.middleware.RequestContextMiddleware",
    "kefu.core.middleware.DeviceAccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kefu.core.middleware.ProblemMiddleware",
]

# The composition root: each role exposes only its own screens and endpoints (kefu/urls/<role>.py).
ROOT_URLCONF = f"kefu.urls.{KEFU_ROLE}"
WSGI_APPLICATION = "kefu.wsgi.application"

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
                "kefu.core.context_processors.node",
            ],
        },
    },
]

DATABASES = {"default": database_from_url(env("KEFU_DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.Staff"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
]
AUTHENTICATION_BACKENDS = ["kefu.core.auth.JobNumberBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "desk:home"
LOGOUT_REDIRECT_URL = "login"

# Staff login lockout: after this many consecutive failures the job number is locked for a while.
KEFU_LOGIN_MAX_FAILURES = int(env("KEFU_LOGIN_MAX_FAILURES", "5"))
KEFU_LOGIN_LOCK_MINUTES = int(env("KEFU_LOGIN_LOCK_MINUTES", "15"))
# How long a process trusts a bearer token it has already checked (0: check every call).
KEFU_TOKEN_CACHE_SECONDS = float(env("KEFU_TOKEN_CACHE_SECONDS", "10"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("KEFU_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
# dates and times written one way in every language: 2026-12-06 14:05 (kefu.core.formats)
FORMAT_MODULE_PATH = ["kefu.core.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(env("KEFU_MEDIA_DIR", str(DATA_DIR / "media")))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "kefu.core.auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "kefu.core.errors.problem_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.ScopedRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"login": env("KEFU_LOGIN_RATE", "30/min")},
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # ?format= is ours (exports), not a renderer switch
    "URL_FORMAT_OVERRIDE": None,
}

# Build the OpenAPI document in the background when a web process starts (kefu.api.schema), so the
# first /api/docs/ reader does not wait for it.
KEFU_SCHEMA_WARM = env_bool("KEFU_SCHEMA_WARM", True)
SPECTACULAR_SETTINGS = {
    "TITLE": "kefu API",
    "DESCRIPTION": "Customer-service system for telecom operators: native API under /api/v1/.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1|/tmf-api",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "APPEND_COMPONENTS": {
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
    },
    "SECURITY": [{"bearerAuth": []}],
    "ENUM_NAME_OVERRIDES": {
        "BusinessKindEnum": "kefu.catalog.choices.BusinessKind.CHOICES",
        "DepartmentKindEnum": "kefu.core.choices.DepartmentKind.CHOICES",
        "CustomerLevelEnum": "kefu.core.choices.CustomerLevel.CHOICES",
        "SubscriberStatusEnum": "kefu.customers.choices.SubscriberStatus.CHOICES",
        "ContactStatusEnum": "kefu.contacts.choices.ContactStatus.CHOICES",
        "BusinessStatusEnum": "kefu.catalog.choices.BusinessStatus.CHOICES",
        "CallStateEnum": "kefu.telephony.choices.CallState.CHOICES",
        "ChannelEnum": "kefu.contacts.choices.Channel.CHOICES",
        "AuthMethodEnum": "kefu.identity.choices.API_METHOD_CHOICES",
        "GrantScopeEnum": "kefu.identity.choices.GrantScope.CHOICES",
        "CollectionStateEnum": "kefu.identity.choices.CollectionState.CHOICES",
        "CollectionResultEnum": "kefu.identity.choices.CollectionResult.CHOICES",
        "CollectedMethodEnum": "kefu.identity.choices.COLLECTED_METHOD_CHOICES",
        "CollectionPurposeEnum": "kefu.identity.choices.CollectionPurpose.CHOICES",
        "CollectorEnum": "kefu.identity.choices.Collector.CHOICES",
        "MessageChannelEnum": "kefu.notify.choices.MessageChannel.CHOICES",
        "MessagePurposeEnum": "kefu.notify.choices.MessagePurpose.CHOICES",
        "MessageStatusEnum": "kefu.notify.choices.MessageStatus.CHOICES",
        "QueryKindEnum": "kefu.queries.choices.QueryKind.CHOICES",
        "OrderKindEnum": "kefu.queries.choices.OrderKind.CHOICES",
        "ProductKindEnum": "kefu.customers.choices.ProductKind.CHOICES",
        "SubscriptionStatusEnum": "kefu.customers.choices.SubscriptionStatus.CHOICES",
        "AcceptanceActionEnum": "kefu.acceptance.choices.AcceptanceAction.CHOICES",
        "WorkOrderKindEnum": "kefu.workorders.choices.WorkOrderKind.CHOICES",
        "WorkOrderStateEnum": "kefu.workorders.choices.WorkOrderState.CHOICES",
        "ContactMethodEnum": "kefu.workorders.choices.ContactMethod.CHOICES",
        "NoticeKindEnum": "kefu.bulletins.choices.NoticeKind.CHOICES",
        "NoticeAudienceEnum": "kefu.bulletins.choices.Audience.CHOICES",
        "CustomerTypeEnum": "kefu.core.choices.CustomerType.CHOICES",
        "ArticleKindEnum": "kefu.knowledge.choices.ArticleKind.CHOICES",
        "KnowledgeAudienceEnum": "kefu.knowledge.choices.Audience.CHOICES",
        "KnowledgeStatusEnum": "kefu.knowledge.choices.Status.CHOICES",
        "WordingChannelEnum": "kefu.knowledge.choices.Channel.CHOICES",
        "RoutedCallStateEnum": "kefu.routing.choices.RoutedCallState.CHOICES",
        "AgentStateEnum": "kefu.routing.choices.AgentStateChoices.CHOICES",
        "SettableAgentStateEnum": "kefu.routing.choices.SETTABLE_STATE_CHOICES",
        "NotReadyReasonEnum": "kefu.routing.choices.NotReadyReason.CHOICES",
        "RoutingStrategyEnum": "kefu.routing.choices.StrategyChoices.CHOICES",
        "RoutingPriorityEnum": "kefu.routing.choices.PriorityChoices.CHOICES",
    },
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work. The embedded default needs no server: kombu's SQLAlchemy transport on SQLite.
DATA_DIR.mkdir(parents=True, exist_ok=True)
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
CELERY_BROKER_URL = env("KEFU_BROKER_URL", f"sqla+sqlite:///{DATA_DIR / 'broker.sqlite3'}")
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env_bool("KEFU_TASKS_EAGER", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "kefu.core.logging.JsonFormatter"}},
    # 4xx responses (403s above all) as one line without traceback; 500s keep theirs
    "filters": {"client_errors": {"()": "kefu.core.logging.ClientErrorWithoutTraceback"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["client_errors"]}
    },
    "root": {"handlers": ["console"], "level": env("KEFU_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["client_errors"]},
        "django.security": {"filters": ["client_errors"]},
    },
}

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "SAMEORIGIN"

# Work orders (WO-5): the SLA sweep runs every minute under Celery beat (embedded default too).
KEFU_WORKORDER_WARN_MINUTES = int(env("KEFU_WORKORDER_WARN_MINUTES", "120"))
# An order accepted without a request category (TMF621) waits in triage this many business hours,
# on the province's business calendar, before the SLA sweep warns and escalates; once categorised
# the category's own time limits apply.
KEFU_WORKORDER_TRIAGE_HOURS = int(env("KEFU_WORKORDER_TRIAGE_HOURS", "4"))
KEFU_ATTACHMENT_MAX_BYTES = int(env("KEFU_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
CELERY_BEAT_SCHEDULE = {
    "workorders-sla-sweep": {"task": "workorders.sla_sweep", "schedule": 60.0},
    # daily: delete outbox rows that have done their work and are older than the retention
    "core-outbox-purge": {"task": "core.outbox_purge", "schedule": 24 * 3600.0},
}
# Outbox rows (work-order events, federation messages, TMF notifications) that have done their work
# are kept this many days, then deleted by the daily purge (kefu.core.outbox).
KEFU_OUTBOX_RETENTION_DAYS = int(env("KEFU_OUTBOX_RETENTION_DAYS", "30"))

# --- Federation (issue 5): peers, protocol limits, delivery ----------------------------------------
# TOML file of peers ([peers.<CODE>] role, url, key); without it the node talks to nobody.
KEFU_PEERS_FILE = env("KEFU_PEERS_FILE")
KEFU_FEDERATION_CLOCK_SKEW = int(env("KEFU_FEDERATION_CLOCK_SKEW", "300"))  # seconds either way
KEFU_FEDERATION_MAX_BODY = int(env("KEFU_FEDERATION_MAX_BODY", str(1024 * 1024)))  # bytes
KEFU_FEDERATION_TIMEOUT = float(env("KEFU_FEDERATION_TIMEOUT", "10"))  # per delivery attempt, seconds
KEFU_FEDERATION_REQUEST_TIMEOUT = float(env("KEFU_FEDERATION_REQUEST_TIMEOUT", "5"))  # synchronous requests
KEFU_FEDERATION_RETRY_BASE = float(env("KEFU_FEDERATION_RETRY_BASE", "1"))  # first back-off, seconds
KEFU_FEDERATION_RETRY_MAX = float(env("KEFU_FEDERATION_RETRY_MAX", "300"))  # back-off cap, seconds
KEFU_FEDERATION_MAX_ATTEMPTS = int(env("KEFU_FEDERATION_MAX_ATTEMPTS", "25"))  # then: dead letter
KEFU_FEDERATION_POLL = float(env("KEFU_FEDERATION_POLL", "0.5"))  # `kefu federation deliver` poll, seconds
KEFU_FEDERATION_DELIVERY_THREADS = int(env("KEFU_FEDERATION_DELIVERY_THREADS", "4"))  # peers in parallel
# Posts in flight to one peer at a time (different orders; one order's messages always go in sequence).
KEFU_FEDERATION_PEER_CONCURRENCY = int(env("KEFU_FEDERATION_PEER_CONCURRENCY", "4"))
# Deliver from the committing process right after commit (a background thread), not only by polling.
KEFU_FEDERATION_DELIVER_ON_COMMIT = env_bool("KEFU_FEDERATION_DELIVER_ON_COMMIT", True)
CELERY_BEAT_SCHEDULE = {
    **globals().get("CELERY_BEAT_SCHEDULE", {}),
    "federation-deliver": {"task": "federation.deliver_pending", "schedule": 15.0},
}

# --- Capability queries, SP quality files, remote service (issue 5: CAP-1..3, SP-2, SVC-1) --------
# How long the province waits for an answer through the hub; the hub gives up this margin earlier, so
# the agent hears which node failed rather than a bare timeout.
KEFU_CAPABILITY_TIMEOUT = float(env("KEFU_CAPABILITY_TIMEOUT", "8"))
KEFU_CAPABILITY_RELAY_MARGIN = float(env("KEFU_CAPABILITY_RELAY_MARGIN", "0.5"))
# SVC-1: the business a remote (other province) customer may have relayed to the home province, by the
# category's first level; any other business is done by the home centre (BA-1).
KEFU_REMOTE_BUSINESS = env("KEFU_REMOTE_BUSINESS", "退订,黑名单办理")
# Hub: business code -> platform peer ("mobile_video=PLAT,mobile_game=GAME"); default the platform peer.
KEFU_CAPABILITY_PLATFORMS = env("KEFU_CAPABILITY_PLATFORMS", "")
# Platform role: answer every request this many seconds late (to show and test timeouts). 0 = at once.
KEFU_PLATFORM_DELAY = float(env("KEFU_PLATFORM_DELAY", "0"))
# SP-2: files are due by this day of the month; generated files are kept under DATA_DIR/spquality.
KEFU_SPQUALITY_DUE_DAY = int(env("KEFU_SPQUALITY_DUE_DAY", "8"))
CELERY_BEAT_SCHEDULE = {
    **CELERY_BEAT_SCHEDULE,
    # daily: on a province, make and upload last month's file if not accepted yet (no-op elsewhere)
    "spquality-monthly-report": {"task": "spquality.report_due", "schedule": 24 * 3600.0},
}

# --- TMF621 hub notifications: fan the work-order outbox out to registered listeners -------------
CELERY_BEAT_SCHEDULE = {
    **CELERY_BEAT_SCHEDULE,
    "tmf-trouble-ticket-notify": {"task": "tmf.trouble_ticket_notify", "schedule": 15.0},
}
