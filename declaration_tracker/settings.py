"""Settings for the declaration tracker, read from the environment in one place.

With no environment at all the tracker runs on one machine: an SQLite file, a Celery broker
on the local file system and e-mail printed to the console. DATABASE_URL and
CELERY_BROKER_URL switch to PostgreSQL and Redis.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
RUN_DIR = BASE_DIR / ".run"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off.")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# HTTPS and cookies. Production (DJANGO_DEBUG=0) is HTTPS-only unless told otherwise; while
# debugging (`make run`, the tests) nothing is redirected to HTTPS and cookies travel over HTTP.
SECURE_SSL_REDIRECT = not DEBUG and env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# The health probe is asked over plain HTTP from inside the container (docker-compose.yml), and
# Prometheus scrapes /metrics on the internal network, past the TLS proxy.
SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^metrics$"]
# Behind a proxy that terminates TLS, the header it sets and its value for HTTPS, e.g.
# DJANGO_SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https. Only set it if the proxy always
# sets (or strips) that header: otherwise a client can claim HTTPS.
_proxy_ssl_header = env.tuple("DJANGO_SECURE_PROXY_SSL_HEADER", default=())
if _proxy_ssl_header:
    if len(_proxy_ssl_header) != 2:
        raise ImproperlyConfigured(
            "DJANGO_SECURE_PROXY_SSL_HEADER is a header and a value, e.g. "
            "HTTP_X_FORWARDED_PROTO,https."
        )
    SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header[0], _proxy_ssl_header[1])
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG
)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
# A log-in lasts a working day at most, and ends when the browser closes.
SESSION_COOKIE_AGE = round(env.float("TRACKER_SESSION_HOURS", default=8) * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # for django-allauth's second-factor pages
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "csp",
    "axes",
    # Signing in (django-allauth): the log-in, a second factor (TOTP, WebAuthn security keys and
    # passkeys, recovery codes), each government's OpenID Connect provider, and the sessions
    # each user sees and ends. `access.signin` adapts them to the tracker's sides and roles.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.usersessions",
    # Who may do what and the release-marking gate: below commitments, no models.
    "access",
    # The audit log: below commitments, naming the models it audits by label.
    "audit",
    # Deadline reminders and their digests: below commitments, which adds its reminder sources.
    "notifications",
    "commitments",
    "dialogues",
    # What is said and attached on the items of both apps.
    "discussion",
    # The features, each above both apps (README, "How it is built").
    "webhooks",
    "reports",
    "calendar_feed",
    "dashboard",
    "declaration",
    "markings",
    "changes",
    # What the operator watches: /health/ (django-health-check), the worker's heartbeat and
    # /metrics (django-prometheus, and the tracker's own counts in operations/metrics.py).
    "health_check",
    "django_prometheus",
    "operations",
    # DRF's tokens of the old kind, kept for their table (migrated to hashed keys) and after
    # `access`, whose drf_create_token makes keys of the new kind.
    "rest_framework.authtoken",
]

MIDDLEWARE = [
    # First and last: django-prometheus times and counts every request (by view, method, status).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "declaration_tracker.middleware.TranslationResetMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "declaration_tracker.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Inside CommonMiddleware: its slash redirect still applies to a JSON 404 under /api/.
    "declaration_tracker.middleware.ApiNotFoundMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Records each session's address, browser and last activity, for the sessions page.
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    # After the user is known: their saved language beats the browser's.
    "declaration_tracker.middleware.UserLanguageMiddleware",
    # Then the reader's time zone: their own, else by their language (core.timezones).
    "declaration_tracker.middleware.ReaderTimeZoneMiddleware",
    "audit.recording.AuditMiddleware",
    # Every read of markable data while serving a request passes the release-marking gate
    # for the request's user (`access.markings`).
    "access.visibility.GateMiddleware",
    "declaration_tracker.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A user whose role requires a second factor and who has none reaches nothing but
    # enrolling it (TRACKER_MFA_REQUIRED); after the messages, to tell them why.
    "access.signin.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last but one: it sees the status of the lock-out page django-axes makes.
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Last, as django-axes asks: it turns a locked-out log-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # Static files from gunicorn in production (right after SecurityMiddleware); runserver
    # serves them while debugging.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

ROOT_URLCONF = "declaration_tracker.urls"
WSGI_APPLICATION = "declaration_tracker.wsgi.application"

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
                "access.context_processors.tracker",
                "notifications.context_processors.notifications",
            ],
            # `|at`: a time in the reader's zone with the zone's name (core.timezones).
            "builtins": ["declaration_tracker.core.time_filters"],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "commitments.User"
# django-axes first: it refuses a locked-out log-in before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "access.auth.UserBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Log-in lock-out (django-axes): after this many failed log-ins for one username from one IP
# address, that pair is refused, even with the right password, until the cool-off has passed
# since the lock. The tracker's log-in page and the admin's alike; API tokens are not log-ins.
AXES_FAILURE_LIMIT = env.int("TRACKER_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("TRACKER_LOGIN_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Failures and lock-outs are still logged; not the banner on every manage.py command.
AXES_VERBOSE = False

# Signing in (django-allauth, adapted by `access.signin`). Local accounts sign in with a
# username and password; nobody signs themselves up (each government's administrators add
# their people, or its identity provider does). django-axes is the one lock-out, for passwords
# and second-factor codes alike, so allauth's own rate limits are off.
ACCOUNT_ADAPTER = "access.signin.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False  # a session ends when the browser closes (as above)
ACCOUNT_LOGOUT_REDIRECT_URL = LOGOUT_REDIRECT_URL
ACCOUNT_RATE_LIMITS = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False

# The second factor. Who must have one: `all` users, `managers` (managers, side administrators
# and the operator; the default) or `none`. Until they enrol, such a user reaches only the
# pages that enrol it.
TRACKER_MFA_REQUIRED = env.str("TRACKER_MFA_REQUIRED", default="managers")
MFA_ADAPTER = "access.signin.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_FORMS = {"authenticate": "access.signin.AuthenticateForm"}
MFA_TOTP_ISSUER = "India-Japan tracker"
MFA_PASSKEY_LOGIN_ENABLED = False  # a passkey is a second factor here, after the password
# WebAuthn needs a secure origin; plain http only where debugging (`make run`) or told so.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env.bool("TRACKER_WEBAUTHN_ALLOW_HTTP", default=DEBUG)

# Each government's OpenID Connect provider, from the environment; either, both or neither.
# A user signed in through a side's provider is that side's user: the side comes from which
# provider it is, never from a claim. The role and pillars come from the claims named here.
SOCIALACCOUNT_ADAPTER = "access.signin.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # an e-mail address never links two accounts
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": side,
                "name": label,
                "client_id": env.str(f"TRACKER_OIDC_{side.upper()}_CLIENT_ID", default=""),
                "secret": env.str(f"TRACKER_OIDC_{side.upper()}_CLIENT_SECRET", default=""),
                "settings": {
                    "server_url": env.str(f"TRACKER_OIDC_{side.upper()}_ISSUER"),
                    "side": side,
                    "scope": env.list(
                        f"TRACKER_OIDC_{side.upper()}_SCOPES",
                        default=["openid", "profile", "email"],
                    ),
                    "role_claim": env.str(
                        f"TRACKER_OIDC_{side.upper()}_ROLE_CLAIM", default="tracker_role"
                    ),
                    "pillars_claim": env.str(
                        f"TRACKER_OIDC_{side.upper()}_PILLARS_CLAIM", default="tracker_pillars"
                    ),
                },
            }
            for side, label in (("india", "India"), ("japan", "Japan"))
            if env.str(f"TRACKER_OIDC_{side.upper()}_ISSUER", default="")
        ],
    }
}

# English by default; Japanese for whoever chooses it (their saved preference) or whose browser
# asks for it (Accept-Language). Each language's name in itself, for the switcher.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ja", "日本語")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["declaration_tracker.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Front-end libraries come from their npm packages (`make install` runs `npm ci`).
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
    ("vendor/pico", NODE_MODULES / "@picocss" / "pico" / "css"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Attachments (discussion.Attachment): stored through their own storage, never served by a
# URL of their own — only through the gated download view. By default a private directory on
# the file system, outside STATIC_ROOT and any media URL; with TRACKER_ATTACHMENT_S3_BUCKET, an
# S3-compatible store (django-storages) whose objects are private and read by the tracker only.
TRACKER_ATTACHMENT_ROOT = env.path("TRACKER_ATTACHMENT_ROOT", default=RUN_DIR / "attachments")
TRACKER_ATTACHMENT_MAX_BYTES = env.int("TRACKER_ATTACHMENT_MAX_BYTES", default=25 * 1024 * 1024)
# clamd's unix socket: when set, every upload is scanned and an infected file quarantined.
TRACKER_CLAMD_SOCKET = env.str("TRACKER_CLAMD_SOCKET", default="")
TRACKER_CLAMD_TIMEOUT_SECONDS = env.float("TRACKER_CLAMD_TIMEOUT_SECONDS", default=30)
_attachment_bucket = env.str("TRACKER_ATTACHMENT_S3_BUCKET", default="")
if _attachment_bucket:
    STORAGES["attachments"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _attachment_bucket,
            "endpoint_url": env.str("TRACKER_ATTACHMENT_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("TRACKER_ATTACHMENT_S3_REGION", default="") or None,
            "access_key": env.str("TRACKER_ATTACHMENT_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("TRACKER_ATTACHMENT_S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("TRACKER_ATTACHMENT_S3_PREFIX", default="attachments"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    STORAGES["attachments"] = {
        # No URL: a stored file is read only through the gated download view.
        "BACKEND": "discussion.storage.PrivateFileSystemStorage",
        "OPTIONS": {
            "location": str(TRACKER_ATTACHMENT_ROOT),
            "file_permissions_mode": 0o640,
            "directory_permissions_mode": 0o750,
        },
    }

# Content Security Policy (django-csp), sent whatever DEBUG is: scripts, styles and everything
# else from the tracker itself only; no inline script anywhere (htmx's indicator styles are
# off, see base.html). The API's own HTML pages also allow inline styles: see
# declaration_tracker.middleware.ContentSecurityPolicyMiddleware.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
    },
}

# E-mail: printed to the console unless the environment says otherwise.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(RUN_DIR / "mail"))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="tracker@localhost")

# Celery: Redis in production; with no broker configured, a broker on the local file system
# that needs no server, so that `make run` works on a bare machine.
_BROKER_DIR = RUN_DIR / "broker"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_BROKER_DIR / "queue"),
        "data_folder_out": str(_BROKER_DIR / "queue"),
        "processed_folder": str(_BROKER_DIR / "processed"),
        "store_processed": False,
        # Its exchange tables (kombu's default is a `control` folder in the working directory).
        "control_folder": str(_BROKER_DIR / "control"),
    }
    for _folder in ("queue", "processed", "control"):
        (_BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Keep a digest being sent when the broker connection drops: it finishes and is marked sent,
# and a redelivery of its task then sends nothing. Cancelling it mid-send (Celery 6's
# default) could send the same mail twice.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# A worker sweeps for due reminders as it starts, not only at beat's first tick.
TRACKER_SWEEP_ON_WORKER_START = env.bool("TRACKER_SWEEP_ON_WORKER_START", default=True)

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # A cache outage is a cache miss, not a 500 on every page (declaration_tracker/core/cache.py);
    # and an unreachable host costs half a second, not a hung worker.
    CACHES["default"]["BACKEND"] = "declaration_tracker.core.cache.TolerantRedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    )

REST_FRAMEWORK = {
    # Token first, so that a request without credentials is answered 401 with a challenge.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "access.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["commitments.api.permissions.TrackerPermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "declaration_tracker.api.filters.StrictDjangoFilterBackend",
        "declaration_tracker.api.filters.StrictSearchFilter",
        "declaration_tracker.api.filters.StrictOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "declaration_tracker.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["declaration_tracker.api.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["declaration_tracker.api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env.str("API_TOKEN_THROTTLE_RATE", default="5000/hour")},
    "EXCEPTION_HANDLER": "declaration_tracker.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "declaration_tracker.api.schema.TrackerAutoSchema",
    "DATETIME_FORMAT": "iso-8601",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "India–Japan declaration tracker API",
    "DESCRIPTION": (
        "Commitments of the India–Japan Joint Declaration on Security Cooperation (29 August "
        "2025), their milestones, status trail and dialogue mechanisms.\n\n"
        "**Authentication**: `Authorization: Token KEY` (a key from `python manage.py "
        "drf_create_token USER`), or the browser session.\n\n"
        "**Languages**: responses follow `Accept-Language` (`en`, the default, or `ja`): "
        "labels such as `status_label`, and `title`, `description` and names, whose Japanese "
        "is the tracker's unofficial translation (English where there is none). Both are also "
        "given apart (`title_en`, `title_ja`, `name_en`, `name_ja`…). The declaration's "
        "clauses stay in English, and notes as their authors wrote them.\n\n"
        "**No lost updates**: every single object carries an `ETag`; `PUT` and `PATCH` must send "
        "it back as `If-Match` (missing: 428, stale: 412).\n\n"
        '**Errors** share one body: `{"error": {"status", "code", "message", '
        '"fields"}}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    # No validator badge: it would send the schema's URL to validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "declaration_tracker.api.glossary.describe_everything",
        "declaration_tracker.api.glossary.exemplify_path_parameters",
    ],
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "commitments.choices.Status",
        "SideEnum": "access.choices.Side",
        "OrganisationSideEnum": "commitments.choices.OrganisationSide",
        "TrailKindEnum": "commitments.choices.TrailKind",
        "MilestoneStateEnum": "commitments.choices.MilestoneState",
        "MeetingStateEnum": "dialogues.choices.MeetingState",
        "ActionItemStateEnum": "dialogues.choices.ActionItemState",
    },
}

# The tracker's own policy.
# A reconciliation (the sides disagree on a commitment) is due this many days after it opens;
# either side's manager moves the date.
TRACKER_RECONCILIATION_DAYS = env.int("TRACKER_RECONCILIATION_DAYS", default=30)
TRACKER_REMINDERS = {
    # A milestone's (or action item's) owner hears this many days before it is due, and on the day.
    "lead_days": env.list("TRACKER_REMINDER_LEAD_DAYS", cast=int, default=[14, 7, 1]),
    # Once overdue: again every this many days.
    "overdue_every_days": env.int("TRACKER_REMINDER_OVERDUE_EVERY_DAYS", default=7),
    # Overdue for more than this many days: the responsible user and the pillar's managers hear.
    "escalate_after_days": env.int("TRACKER_REMINDER_ESCALATE_AFTER_DAYS", default=7),
    # A side awaited to confirm the other's assessment hears after this many days...
    "awaiting_after_days": env.int("TRACKER_REMINDER_AWAITING_AFTER_DAYS", default=3),
    # Nudges about stale commitments, lapsed dialogue mechanisms and awaited confirmations
    # (after the first) repeat this often.
    "repeat_every_days": env.int("TRACKER_REMINDER_REPEAT_EVERY_DAYS", default=7),
    # Digests go out at this hour or later in the recipient's own time zone.
    "send_hour": env.int("TRACKER_REMINDER_SEND_HOUR", default=9),
    # A digest still unsent this long after it was queued is queued again (a lost task).
    "requeue_after_minutes": env.int("TRACKER_REMINDER_REQUEUE_AFTER_MINUTES", default=10),
}
TRACKER_DUE_SOON_DAYS = env.int("TRACKER_DUE_SOON_DAYS", default=14)
TRACKER_STALE_AFTER_DAYS = env.int("TRACKER_STALE_AFTER_DAYS", default=90)
# The summit report's default "changes since": the last Annual Summit (ISO date); empty: the
# declaration's own, the 15th Annual Summit of 29 August 2025.
TRACKER_LAST_SUMMIT = env.str("TRACKER_LAST_SUMMIT", default="")
# Reports of up to this many commitments are made within the request; larger ones by the
# Celery worker, with a progress page and a download link (docs/performance.md).
TRACKER_REPORT_INLINE_MAX = env.int("TRACKER_REPORT_INLINE_MAX", default=150)
# Webhooks (docs/api.md): seconds to wait before each retry after a failed attempt (then the
# event is failed: seven attempts over about 21 hours by default); a subscription failing for
# this many days is disabled and its owner told; an attempt is presumed lost with its worker
# after the lease; loopback targets (plain http included) only when allowed.
# API keys expire after this many days unless made otherwise; DRF tokens of the old kind
# (migrated to hashed keys) sign in until the end of this day (UTC), then answer 401.
TRACKER_API_KEY_DAYS = env.int("TRACKER_API_KEY_DAYS", default=90)
TRACKER_LEGACY_TOKENS_UNTIL = env.str("TRACKER_LEGACY_TOKENS_UNTIL", default="2027-03-31")
# The change feed keeps its entries this long; an older sync token answers 410.
TRACKER_CHANGES_RETENTION_DAYS = env.int("TRACKER_CHANGES_RETENTION_DAYS", default=90)
TRACKER_WEBHOOK_RETRY_DELAYS = env.list(
    "TRACKER_WEBHOOK_RETRY_DELAYS", cast=int, default=[60, 300, 1800, 7200, 21600, 43200]
)
TRACKER_WEBHOOK_DISABLE_AFTER_DAYS = env.float("TRACKER_WEBHOOK_DISABLE_AFTER_DAYS", default=3)
TRACKER_WEBHOOK_LEASE_SECONDS = env.int("TRACKER_WEBHOOK_LEASE_SECONDS", default=60)
TRACKER_WEBHOOK_TIMEOUT_SECONDS = env.float("TRACKER_WEBHOOK_TIMEOUT_SECONDS", default=5)
TRACKER_WEBHOOKS_ALLOW_LOOPBACK = env.bool("TRACKER_WEBHOOKS_ALLOW_LOOPBACK", default=False)
# /metrics (Prometheus) answers only `Authorization: Bearer <this>` when set (401 otherwise);
# empty, it is open to whoever reaches it: restrict it at the network then (docs/operations.md).
TRACKER_METRICS_TOKEN = env.str("TRACKER_METRICS_TOKEN", default="")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    # WeasyPrint narrates each page it lays out at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
