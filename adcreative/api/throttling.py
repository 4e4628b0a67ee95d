"""Rate limits: per authenticated application, and per client address for the public endpoints."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

if TYPE_CHECKING:
    from rest_framework.views import APIView


class ApplicationRateThrottle(SimpleRateThrottle):
    scope = "application"

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
