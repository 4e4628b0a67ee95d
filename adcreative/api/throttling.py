"""Rate limits: per authenticated application and endpoint class, and per client address for the public
endpoints. The counters live in the cache: Redis (shared by every web process) wherever Redis is
configured, the process's memory on the embedded defaults."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

if TYPE_CHECKING:
    from rest_framework.views import APIView


class ApplicationRateThrottle(SimpleRateThrottle):
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


class AnonymousRateThrottle(SimpleRateThrottle):
    scope = "anonymous"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if request.user is not None and getattr(request.user, "is_authenticated", False):
            return None
        return self.cache_format % {
            "scope": self.scope,
            "ident": self.get_ident(request),
        }
