"""Loaded by pytest (`-p tests.testenv`) before Django reads its settings: the test environment.

Tests use the real PostgreSQL and Redis of the machine; each value can be overridden from outside.
"""

import os
import tempfile

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
os.environ.setdefault("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("CELERY_BROKER_URL", os.environ["TEST_REDIS_URL"])
os.environ.setdefault("CELERY_RESULT_BACKEND", os.environ["TEST_REDIS_URL"])
os.environ.setdefault("CACHE_URL", "locmem://")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("SECRET_KEY", "test-secret-key-0123456789abcdef0123456789abcdef")
# Webhook receivers in tests listen on loopback; retries and timeouts are short so a test sees them.
os.environ.setdefault("NOTIFICATION_ALLOW_PRIVATE_ADDRESSES", "true")
os.environ.setdefault("NOTIFICATION_RETRY_BASE_SECONDS", "0.3")
os.environ.setdefault("NOTIFICATION_RETRY_MAX_SECONDS", "1.5")
os.environ.setdefault("NOTIFICATION_TIMEOUT_SECONDS", "2")
os.environ["VAR_DIR"] = tempfile.mkdtemp(prefix="adcreative-test-")
