"""The one settings module: every value comes from the environment (see .env.example).

Embedded defaults run anywhere with no server: SQLite for records, Celery's filesystem transport as the
broker, files on local disk. Production sets DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis).
"""

from __future__ import annotations

import warnings
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from adcreative.env import (
    ObjectStore,
    env_bool,
    env_choice,
    env_choices,
    env_float,
    env_int,
    env_list,
    env_seconds,
    env_secret,
    env_str,
    parse_database_url,
    parse_storage_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

# --- core -------------------------------------------------------------------------------------------
DEBUG = env_bool("DEBUG", False)
# PRODUCTION: served over HTTPS only (redirect, HSTS, secure cookies) and no development key accepted.
PRODUCTION = env_bool("PRODUCTION", False)
DEVELOPMENT_KEY = "insecure-dev-key-set-SECRET_KEY-in-production-0123456789abcdef"
# The fallback key exists so `make run` works on a fresh clone; production refuses it at start-up.
SECRET_KEY = env_secret("SECRET_KEY", DEVELOPMENT_KEY)
if PRODUCTION and (SECRET_KEY == DEVELOPMENT_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "PRODUCTION needs SECRET_KEY (or SECRET_KEY_FILE): 50 or more random characters."
    )
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("PRODUCTION and DEBUG together would show tracebacks to clients: unset DEBUG.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Absolute URLs in responses (preset previews, download links) use this origin when set, else the request's.
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "").rstrip("/")
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
# Probes and scrapers inside the network speak plain HTTP: never redirected.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
if PRODUCTION:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31_536_000, minimum=0)
    # Every subdomain HTTPS too, and the browsers' preload list: turn off only for a domain that needs it.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "adcreative.api",
    "adcreative.tenancy",
    "adcreative.catalog",
    "adcreative.assets",
    "adcreative.recommendations",
    "adcreative.finetunes",
    "adcreative.creatives",
    "adcreative.downloads",
    "adcreative.notifications",
    "adcreative.ops",
]

MIDDLEWARE = [
    "adcreative.api.middleware.TraceMiddleware",
    "adcreative.api.middleware.CaseInsensitiveApiMiddleware",
    "adcreative.api.middleware.BodySizeLimitMiddleware",
    "adcreative.ops.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "adcreative.urls"
WSGI_APPLICATION = "adcreative.wsgi.application"
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

# --- records ----------------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
DATABASES = {"default": parse_database_url("DATABASE_URL", DATABASE_URL)}
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite is the embedded default for one machine: WAL lets the web and the workers read while one writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rate-limit counters must be shared by every web process: the broker's Redis serves unless CACHE_URL says.
_BROKER = env_str("CELERY_BROKER_URL", "filesystem://")
CACHE_URL = env_str("CACHE_URL", _BROKER if _BROKER.startswith(("redis://", "rediss://")) else "locmem://")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES: dict[str, dict[str, object]] = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            # A Redis that hangs (a network partition) costs a request at most this, not the OS's TCP timeout;
            # the rate limits then use the process's memory for a while (adcreative.api.throttling).
            "OPTIONS": {"socket_connect_timeout": 1.0, "socket_timeout": 1.0},
        }
    }
elif CACHE_URL == "locmem://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured(f"CACHE_URL={CACHE_URL!r}: use locmem:// or redis://host:port/db.")

# --- files ------------------------------------------------------------------------------------------
STORAGE_ROOT = Path(env_str("STORAGE_ROOT", str(VAR_DIR / "media")))
MEDIA_ROOT = str(STORAGE_ROOT)
MEDIA_URL = "/media/"
STATIC_URL = "/static/"
STATIC_ROOT = str(VAR_DIR / "static")
# Every stored file (uploads, cut-outs, creatives, thumbnails, renditions, fine-tune uploads and weights):
# on local disk under STORAGE_ROOT (empty STORAGE_URL, the embedded default), or in an S3-compatible store
# (`s3://bucket[/prefix]`: AWS S3, MinIO, Ceph, R2), which the web and workers on other machines share.
STORAGE_URL = env_str("STORAGE_URL", "")
_STORE = ObjectStore(
    endpoint_url=env_str("STORAGE_ENDPOINT_URL", ""),  # MinIO, Ceph, R2; empty: AWS
    region=env_str("STORAGE_REGION", ""),
    access_key=env_secret("STORAGE_ACCESS_KEY_ID", ""),
    secret_key=env_secret("STORAGE_SECRET_ACCESS_KEY", ""),
    addressing_style=env_choice(
        "STORAGE_ADDRESSING_STYLE",
        "path" if env_str("STORAGE_ENDPOINT_URL", "") else "virtual",
        ("path", "virtual"),
    ),
    link_seconds=env_int("DOWNLOAD_LINK_SECONDS", 300, minimum=10),
)
# stream: Download sends the file through the web (the default); presigned: Download charges as ever, then
# redirects (302) to a link to the one object in the store that expires in DOWNLOAD_LINK_SECONDS.
DOWNLOAD_REDIRECT = env_choice("DOWNLOAD_REDIRECT", "stream", ("stream", "presigned"))
DOWNLOAD_LINK_SECONDS = _STORE.link_seconds
if DOWNLOAD_REDIRECT == "presigned" and not STORAGE_URL.startswith("s3://"):
    raise ImproperlyConfigured("DOWNLOAD_REDIRECT=presigned needs an object store (STORAGE_URL=s3://…).")
STORAGES = {
    "default": parse_storage_url("STORAGE_URL", STORAGE_URL, _STORE),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # admin and Swagger assets work without a collectstatic step
# Without collectstatic there is no STATIC_ROOT yet; the finders serve the files, so the warning is noise.
warnings.filterwarnings("ignore", message="No directory at: ")
PRESET_PREVIEW_DIR = Path(env_str("PRESET_PREVIEW_DIR", str(BASE_DIR / "presets" / "previews")))

# Requests larger than this are refused with 413 before anything reads the body.
MAX_REQUEST_BYTES = env_int("MAX_REQUEST_BYTES", 30 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- photos and models -----------------------------------------------------------------------------
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 25 * 1024 * 1024, minimum=1024)
if UPLOAD_MAX_BYTES >= MAX_REQUEST_BYTES:  # the upload limit could never be reached: say so at start-up
    raise ImproperlyConfigured(
        f"UPLOAD_MAX_BYTES={UPLOAD_MAX_BYTES} must be below MAX_REQUEST_BYTES={MAX_REQUEST_BYTES} "
        "(the whole request, form fields and multipart framing included); raise MAX_REQUEST_BYTES too."
    )
MAX_IMAGE_PIXELS = env_int("MAX_IMAGE_PIXELS", 40_000_000, minimum=64 * 64)
# How long POST Recommendations waits for the worker before answering 202 with a Location to poll.
RECOMMENDATION_WAIT_SECONDS = env_float("RECOMMENDATION_WAIT_SECONDS", 60.0, minimum=0.0)
# How many requests of one web process may wait so at once (each holds a thread; gunicorn runs 8 a process).
RECOMMENDATION_MAX_WAITING = env_int("RECOMMENDATION_MAX_WAITING", 4, minimum=0)
REMBG_MODEL = env_str("REMBG_MODEL", "u2netp")
U2NET_HOME = env_str("U2NET_HOME", str(BASE_DIR / "models"))
# The engine that renders creatives: studio (procedural, any CPU) or diffusion (SD inpainting, GPU).
GENERATION_ENGINE = env_choice("GENERATION_ENGINE", "studio", ("studio", "diffusion"))
# A diffusers inpainting model: a local folder or a hub id already in the local HF cache (SD 1.5/2, SDXL).
SD_INPAINT_MODEL = env_str("SD_INPAINT_MODEL", "")
if GENERATION_ENGINE == "diffusion" and not SD_INPAINT_MODEL:
    raise ImproperlyConfigured(
        "GENERATION_ENGINE=diffusion needs SD_INPAINT_MODEL: a diffusers inpainting folder (or a hub id in the "
        "local cache). `HF_HUB_OFFLINE=0 manage.py provision_models --diffusion <hub id or folder>` puts one in "
        "models/ and prints the line to set."
    )
DIFFUSION_STEPS = env_int("DIFFUSION_STEPS", 30, minimum=1)
DIFFUSION_GUIDANCE = env_float("DIFFUSION_GUIDANCE", 7.5, minimum=0.0)
# LoRA weights for the inpainting UNet (the fine-tune's output); empty: none.
LORA_WEIGHTS = env_str("LORA_WEIGHTS", "")
# IP-Adapter (style from an image): a local folder or cached hub id laid out like h94/IP-Adapter; empty: off.
# With it, UseSameStyleReferenceImage makes the preset's preview the style image of each creative.
IP_ADAPTER = env_str("IP_ADAPTER", "")
IP_ADAPTER_SUBFOLDER = env_str("IP_ADAPTER_SUBFOLDER", "models")
IP_ADAPTER_WEIGHT_NAME = env_str("IP_ADAPTER_WEIGHT_NAME", "ip-adapter_sd15.safetensors")
IP_ADAPTER_SCALE = env_float("IP_ADAPTER_SCALE", 0.5, minimum=0.0)
# A transformers image-to-text model (local path or HF cache id) that writes product descriptions.
CAPTION_MODEL = env_str("CAPTION_MODEL", "")
# A CLIP or SigLIP model (local path or HF cache id) that names products over a shop taxonomy, zero-shot.
ZERO_SHOT_MODEL = env_str("ZERO_SHOT_MODEL", "")
# The ImageNet classifiers that name products (averaged when several; Lite0 named most dev photos, fastest).
CLASSIFIER_MODELS = env_choices(
    "CLASSIFIER_MODELS", ["efficientnet-lite0"], ("efficientnet-lite0", "efficientnet-lite2")
)
# Read the words printed on the product (offline OCR) to name packaged goods and quote them.
LABEL_READING = env_bool("LABEL_READING", True)

# --- fine-tunes (POST /api/v1/FineTune, the admin; trained by a gpu worker) --------------------------
# The SD 1.x/2.x inpainting model a fine-tune trains a LoRA for; empty: SD_INPAINT_MODEL.
FINETUNE_BASE_MODEL = env_str("FINETUNE_BASE_MODEL", "") or SD_INPAINT_MODEL
FINETUNE_STEPS = env_int("FINETUNE_STEPS", 500, minimum=1)  # when a request names none
FINETUNE_MAX_STEPS = env_int("FINETUNE_MAX_STEPS", 5000, minimum=1)
FINETUNE_MAX_PHOTOS = env_int("FINETUNE_MAX_PHOTOS", 200, minimum=1)
FINETUNE_BATCH = env_int("FINETUNE_BATCH", 4, minimum=1)
FINETUNE_RESOLUTION = env_int("FINETUNE_RESOLUTION", 512, minimum=8)
FINETUNE_MIXED_PRECISION = env_choice("FINETUNE_MIXED_PRECISION", "fp16", ("no", "fp16", "bf16"))  # CUDA only
FINETUNE_CHECKPOINT_EVERY = env_int("FINETUNE_CHECKPOINT_EVERY", 100, minimum=1)
FINETUNE_VALIDATION_IMAGES = env_int("FINETUNE_VALIDATION_IMAGES", 2, minimum=0)
FINETUNE_VALIDATION_STEPS = env_int("FINETUNE_VALIDATION_STEPS", 20, minimum=1)
# Checkpoints of running fine-tunes (a worker that restarts resumes from its last one); emptied when done.
FINETUNE_WORK_DIR = Path(env_str("FINETUNE_WORK_DIR", str(VAR_DIR / "finetunes")))
# How many fine-tunes' LoRAs a rendering worker keeps loaded beside the base model.
FINETUNE_ADAPTERS_KEPT = env_int("FINETUNE_ADAPTERS_KEPT", 4, minimum=1)

# --- auth -------------------------------------------------------------------------------------------
JWT_ACCESS_TOKEN_LIFETIME = env_seconds("JWT_ACCESS_TOKEN_LIFETIME", 3600)
JWT_REFRESH_TOKEN_LIFETIME = env_seconds("JWT_REFRESH_TOKEN_LIFETIME", 7 * 24 * 3600)
if JWT_REFRESH_TOKEN_LIFETIME <= JWT_ACCESS_TOKEN_LIFETIME:
    raise ImproperlyConfigured("JWT_REFRESH_TOKEN_LIFETIME must be longer than JWT_ACCESS_TOKEN_LIFETIME.")
JWT_SIGNING_KEY = env_secret("JWT_SIGNING_KEY", SECRET_KEY)
# How long a web process trusts an API key + secret or a token's application it checked (0: never):
# a disabled application or a changed key is refused everywhere within this time.
API_KEY_CACHE_SECONDS = env_float("API_KEY_CACHE_SECONDS", 10.0, minimum=0.0)
if PRODUCTION and len(JWT_SIGNING_KEY) < 32:
    raise ImproperlyConfigured(
        "PRODUCTION needs JWT_SIGNING_KEY of 32 or more characters (or none: SECRET_KEY signs)."
    )
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": JWT_ACCESS_TOKEN_LIFETIME,
    "REFRESH_TOKEN_LIFETIME": JWT_REFRESH_TOKEN_LIFETIME,
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": JWT_SIGNING_KEY,
    "USER_ID_CLAIM": "applicationId",
    "USER_ID_FIELD": "id",
    "LEEWAY": 5,
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "adcreative.tenancy.authentication.JwtAuthentication",
        "adcreative.tenancy.authentication.ApiKeyAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["adcreative.tenancy.permissions.IsApplication"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "adcreative.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "adcreative.api.negotiation.JsonFallbackNegotiation",
    "DEFAULT_THROTTLE_CLASSES": [
        "adcreative.api.throttling.RateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "application": env_str("THROTTLE_RATE_APPLICATION", "600/minute"),
        "upload": env_str("THROTTLE_RATE_UPLOAD", "120/minute"),
        "poll": env_str("THROTTLE_RATE_POLL", "1200/minute"),
        "anonymous": env_str("THROTTLE_RATE_ANONYMOUS", "120/minute"),
    },
    "EXCEPTION_HANDLER": "adcreative.api.handlers.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
    # `format` is Download's own query field (0 PNG, 1 JPEG, 2 PDF), not DRF's renderer override.
    "URL_FORMAT_OVERRIDE": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Product Photoshoot API",
    "DESCRIPTION": "Self-hosted, AdCreative-compatible product photoshoot API.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"ChannelTypeEnum": ["Webhook", "RabbitMQ"]},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "adcreative.api.schema.forbid_unknown_keys",
        "adcreative.api.schema.document_unsupported_media_types",
        "adcreative.api.schema.require_bodies_of_required_shapes",
    ],
}

# --- Celery -----------------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", "") or None
# No task's return value is read but the probes' (ops.ping, gpu.ping, gpu.warm_up: ignore_result=False):
# a task whose result is kept makes the sender subscribe to the result backend first, and with Redis down
# that retried for 20 s and then left the web process's result backend broken for good.
CELERY_TASK_IGNORE_RESULT = True
GPU_TASK_SOFT_TIME_LIMIT = env_int("GPU_TASK_SOFT_TIME_LIMIT", 600, minimum=1)
GPU_TASK_TIME_LIMIT = env_int("GPU_TASK_TIME_LIMIT", 660, minimum=1)
BROKER_VISIBILITY_TIMEOUT = env_int("BROKER_VISIBILITY_TIMEOUT", 3600, minimum=1)
if not GPU_TASK_SOFT_TIME_LIMIT < GPU_TASK_TIME_LIMIT < BROKER_VISIBILITY_TIMEOUT:
    # A task that outlives the visibility timeout is handed to a second worker while the first still runs.
    raise ImproperlyConfigured(
        "Need GPU_TASK_SOFT_TIME_LIMIT < GPU_TASK_TIME_LIMIT < BROKER_VISIBILITY_TIMEOUT."
    )
# A fine-tune runs longer than a render: its own limits, under the visibility timeout too.
FINETUNE_SOFT_TIME_LIMIT = env_int("FINETUNE_SOFT_TIME_LIMIT", 3300, minimum=1)
FINETUNE_TIME_LIMIT = env_int("FINETUNE_TIME_LIMIT", 3360, minimum=1)
if not FINETUNE_SOFT_TIME_LIMIT < FINETUNE_TIME_LIMIT < BROKER_VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured(
        "Need FINETUNE_SOFT_TIME_LIMIT < FINETUNE_TIME_LIMIT < BROKER_VISIBILITY_TIMEOUT."
    )
BROKER_DIR = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "data_folder_in": str(BROKER_DIR),
        "data_folder_out": str(BROKER_DIR),
        "control_folder": str(VAR_DIR / "broker-control"),
        "store_processed": False,
        # A worker looks for new task files this often: kombu's 1 s default added half a second to every
        # Recommendations round trip on one machine; listing a folder 20 times a second costs ~1 % of a core.
        "polling_interval": env_float("BROKER_POLLING_INTERVAL", 0.05, minimum=0.01),
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": BROKER_VISIBILITY_TIMEOUT}
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {"gpu.*": {"queue": "gpu"}}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_CONSUMER = "adcreative.consumer:Consumer"  # Celery's, surviving a broker restart
# A "task-sent" event per message lets Flower list a task before a worker receives it, at the price of
# a second Redis round trip on every send (bench/enqueue.py: 1.93x a bare apply_async with it on); off by
# default, Flower still shows each task from the moment a worker takes it, and the queues' depth.
CELERY_TASK_SEND_SENT_EVENT = env_bool("CELERY_TASK_SEND_SENT_EVENT", False)
CELERY_WORKER_SEND_TASK_EVENTS = True  # Flower shows tasks live
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
# A rendering worker renews its lease on its tasks a few times per lease; a task whose lease ran out has
# lost its worker (killed, out of memory) and is taken by the next message or the reaper.
TASK_LEASE_SECONDS = env_int("TASK_LEASE_SECONDS", 30, minimum=3)
REAPER_INTERVAL_SECONDS = env_float("REAPER_INTERVAL_SECONDS", 15.0, minimum=1.0)
CELERY_BEAT_SCHEDULE = {
    "flush-expired-tokens": {"task": "ops.flush_expired_tokens", "schedule": 24 * 3600},
    "reap-stuck-work": {"task": "ops.reap_stuck_work", "schedule": REAPER_INTERVAL_SECONDS},
    "prune-notification-log": {"task": "notifications.prune_log", "schedule": 24 * 3600},
    "clean-storage": {"task": "ops.clean_storage", "schedule": 600},
    "send-due-notifications": {
        "task": "notifications.send_due",
        "schedule": env_float("NOTIFICATION_SWEEP_SECONDS", 15.0, minimum=1.0),
    },
}
# --- notification channels (webhooks and RabbitMQ) ------------------------------------------------
NOTIFICATION_TIMEOUT_SECONDS = env_float("NOTIFICATION_TIMEOUT_SECONDS", 10.0, minimum=0.1)
# 9 tries, 30 s doubling to a 1 h cap, ±20 % jitter: about 2 hours from the first to the last.
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 9, minimum=1)
NOTIFICATION_RETRY_BASE_SECONDS = env_float("NOTIFICATION_RETRY_BASE_SECONDS", 30.0, minimum=0.01)
NOTIFICATION_RETRY_MAX_SECONDS = env_float("NOTIFICATION_RETRY_MAX_SECONDS", 3600.0, minimum=0.01)
NOTIFICATION_DEACTIVATE_AFTER_SECONDS = env_int("NOTIFICATION_DEACTIVATE_AFTER_SECONDS", 24 * 3600, minimum=1)
# Webhooks go to public addresses only, unless receivers on a private network are allowed (self-hosting).
NOTIFICATION_ALLOW_PRIVATE_ADDRESSES = env_bool("NOTIFICATION_ALLOW_PRIVATE_ADDRESSES", False)
# Sent and given-up messages (and their attempts) are kept this many days for the admin, then pruned.
NOTIFICATION_LOG_RETENTION_DAYS = env_int("NOTIFICATION_LOG_RETENTION_DAYS", 30, minimum=1)
# When on, AdCreative needs an active channel (as the public API does) and answers 404 without one.
REQUIRE_NOTIFICATION_CHANNEL = env_bool("REQUIRE_NOTIFICATION_CHANNEL", False)

# Uploads and results (photos, cut-outs, processes with their creatives, fine-tune zips) older than this
# many days are deleted with their files by the `clean-storage` beat job, never while work still needs them;
# 0 keeps everything. Files of records deleted any other way (the admin) are removed whatever this says.
RETENTION_DAYS = env_int("RETENTION_DAYS", 0, minimum=0)

# A task still Queued this long (its message lost with a broker restart, say) is sent again.
QUEUED_TASK_RESEND_SECONDS = env_int("QUEUED_TASK_RESEND_SECONDS", 600, minimum=30)

# --- operations -------------------------------------------------------------------------------------
# When set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`; else expose it only internally.
METRICS_TOKEN = env_secret("METRICS_TOKEN", "")
# A Celery worker's Prometheus scrape target, host:port (empty: none); one per worker process kind.
WORKER_METRICS_BIND = env_str("WORKER_METRICS_BIND", "")
# Flower's logins, user:password[,user:password]; `manage.py flower` refuses to start without in PRODUCTION.
FLOWER_BASIC_AUTH = env_secret("FLOWER_BASIC_AUTH", "")

# --- time, language, logging ------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
# plain: readable lines (development); json: one JSON object per line (production: log collectors).
LOG_FORMAT = env_str("LOG_FORMAT", "json" if PRODUCTION else "plain").lower()
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r}: use plain or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "adcreative.api.tracing.LogContextFilter"}},
    "formatters": {
        "plain": {
            "()": "adcreative.api.tracing.PlainFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(context)s] %(message)s",
        },
        "json": {"()": "adcreative.api.tracing.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.request": {"level": "ERROR"}},
}
