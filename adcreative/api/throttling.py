"""Rate limits: per authenticated application and endpoint class, and per client address for the public
endpoints. The counters live in the cache: Redis (shared by every web process) wherever Redis is
configured, the process's memory on the embedded defaults.

DRF's throttles keep a list of every request's time in the cache and read and write it whole on each
request: up to 1,200 entries per poll at the default rate. Ours keep one number per client and endpoint
class (a token bucket, `BucketThrottle`), and one throttle class (`RateThrottle`) decides which budget a
request spends from: the application's or, before authentication, the client address's.

A shared cache that cannot be reached (Redis restarting, failing over) never fails a request: for
SHARED_CACHE_PAUSE_SECONDS the buckets live in this process's memory, as on the embedded defaults (a
client then gets each web process's budget instead of one shared one), and the cache is tried again after.
"""

from __future__ import annotations

import logging
import math
import time
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from adcreative.memo import Memo

if TYPE_CHECKING:
    from rest_framework.views import APIView


log = logging.getLogger(__name__)

# Where the cache is the process's own memory anyway (the embedded defaults), the buckets live in a memo:
# the same place, without the cache's key checks and pickling on every request.
_local_buckets: Memo[float] = Memo(max_entries=100_000)
SHARED_CACHE_PAUSE_SECONDS = 5.0
_shared_cache_failed_at = -1e9  # monotonic time of this process's last failed call to the shared cache


def _in_process() -> bool:
    backend = str(settings.CACHES["default"]["BACKEND"])
    return (
        backend.endswith(".LocMemCache")
        or time.monotonic() - _shared_cache_failed_at < SHARED_CACHE_PAUSE_SECONDS
    )


def _shared_cache_failed() -> None:
    global _shared_cache_failed_at
    _shared_cache_failed_at = time.monotonic()
    log.warning(
        "the rate-limit cache cannot be reached: limits are kept in this process for %.0f s",
        SHARED_CACHE_PAUSE_SECONDS,
        exc_info=True,
    )


class BucketThrottle(SimpleRateThrottle):
    """N/period as a token bucket: a burst of N, then one more request every period/N.

    Kept as one number per client, its theoretical arrival time (GCRA): the moment the bucket would be
    full again. Only requests let through spend from it.
    """

    cache_format = "throttle-bucket_%(scope)s_%(ident)s"  # not DRF's key: that holds a list
    num_requests: int | None
    duration: int | None

    def allow_request(self, request: Request, view: APIView) -> bool:
        if self.rate is None or not self.num_requests or not self.duration:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        try:
            return self._spend(self.duration, local=_in_process())
        except Exception:  # the shared cache: its client's errors (redis-py's) and any other
            _shared_cache_failed()
            return self._spend(self.duration, local=True)

    def _spend(self, duration: int, local: bool) -> bool:
        """Take one request from the bucket in the shared cache or (`local`) this process's memory."""
        interval = duration / (self.num_requests or 1)  # one request's share of the period
        stored = _local_buckets.get(self.key) if local else self.cache.get(self.key)
        full_at = max(float(stored or 0.0), self.now)
        self.retry_in = full_at + interval - self.now - duration  # > 0: the bucket is empty
        if self.retry_in > 0:
            return False
        if local:
            _local_buckets.put(self.key, full_at + interval, duration + 1)
        else:
            self.cache.set(self.key, full_at + interval, timeout=duration + 1)
        return True

    def wait(self) -> float | None:
        """Seconds until the bucket holds a request again."""
        return float(max(1, math.ceil(self.retry_in)))


@lru_cache(maxsize=64)
def _parsed(rate: str | None) -> tuple[int | None, int | None]:
    return SimpleRateThrottle.parse_rate(None, rate)  # type: ignore[arg-type]  # reads only `rate`


class RateThrottle(BucketThrottle):
    """The one budget a request spends from. An authenticated application has its own per endpoint class:
    a view's `throttle_scope` names it ("upload": photos and renders, stricter; "poll": progress and
    results; the rest "application"). Anything else spends from its client address's "anonymous" budget.
    """

    scope = "application"

    def __init__(self) -> None:  # the rate depends on the request: chosen in allow_request
        self.rate, self.ident = None, ""

    def allow_request(self, request: Request, view: APIView) -> bool:
        application = request.user
        if application is not None and getattr(application, "is_authenticated", False):
            self.scope, self.ident = getattr(view, "throttle_scope", "application"), str(application.pk)
        else:
            self.scope, self.ident = "anonymous", self.get_ident(request) or ""
        self.rate = self.get_rate()
        self.num_requests, self.duration = _parsed(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.ident}
