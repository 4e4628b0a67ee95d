"""Rate limits: per authenticated application and endpoint class, and per client address for the public
endpoints. The counters live in the cache: Redis (shared by every web process) wherever Redis is
configured, the process's memory on the embedded defaults.

DRF's throttles keep a list of every request's time in the cache and read and write it whole on each
request: up to 1,200 entries per poll at the default rate. Ours keep one number per client and endpoint
class (a token bucket, `BucketThrottle`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

if TYPE_CHECKING:
    from rest_framework.views import APIView


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
        interval = self.duration / self.num_requests  # one request's share of the period
        self.now = self.timer()
        full_at = max(float(self.cache.get(self.key, 0.0)), self.now)
        self.retry_in = full_at + interval - self.now - self.duration  # > 0: the bucket is empty
        if self.retry_in > 0:
            return False
        self.cache.set(self.key, full_at + interval, timeout=self.duration + 1)
        return True

    def wait(self) -> float | None:
        """Seconds until the bucket holds a request again."""
        return float(max(1, math.ceil(self.retry_in)))


class ApplicationRateThrottle(BucketThrottle):
    """Each application's own budget per endpoint class: a view's `throttle_scope` names its class
    ("upload": photos and renders, stricter; "poll": progress and results; the rest "application")."""

    scope = "application"

    def allow_request(self, request: Request, view: APIView) -> bool:
        self.scope = getattr(view, "throttle_scope", "application")
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        application = request.user
        if application is None or not getattr(application, "is_authenticated", False):
            return None
        return self.cache_format % {"scope": self.scope, "ident": application.pk}


class AnonymousRateThrottle(BucketThrottle):
    scope = "anonymous"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if request.user is not None and getattr(request.user, "is_authenticated", False):
            return None
        return self.cache_format % {
            "scope": self.scope,
            "ident": self.get_ident(request),
        }
