"""Request-wide concerns that must hold for every response, admin and errors included."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, get_resolver

from adcreative.api import tracing
from adcreative.api.errors import business_response
from adcreative.api.exceptions import PayloadTooLargeError

Handler = Callable[[HttpRequest], HttpResponse]


class TraceMiddleware:
    """Binds a W3C traceparent to the request (logs and error bodies read it) and echoes it back; the
    request's log lines start with no ids bound (a thread serves one request after another)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        traceparent = tracing.new_traceparent(request.headers.get("traceparent"))
        tokens = tracing.fresh_context()
        tracing.set_current(traceparent)
        try:
            response = self.get_response(request)
        finally:
            tracing.reset_context(tokens)
        response["traceparent"] = traceparent
        return response


class CaseInsensitiveApiMiddleware:
    """Routes `/api/v1/authorization/generatejwttoken` like `/api/v1/Authorization/GenerateJwtToken`.

    The public API runs on ASP.NET, whose routes ignore case, and clients in the wild rely on that.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self._canonical: dict[str, str] | None = None

    def canonical_paths(self) -> dict[str, str]:
        if self._canonical is None:
            routes = (str(p.pattern) for p in get_resolver().url_patterns if isinstance(p, URLPattern))
            self._canonical = {f"/{r}".lower(): f"/{r}" for r in routes if r.startswith("api/v1/")}
        return self._canonical

    def __call__(self, request: HttpRequest) -> HttpResponse:
        canonical = self.canonical_paths().get(request.path_info.lower())
        if canonical and canonical != request.path_info:
            request.path = request.path[: len(request.path) - len(request.path_info)] + canonical
            request.path_info = canonical
        return self.get_response(request)


class BodySizeLimitMiddleware:
    """Refuses an oversized body from its Content-Length, before any parser spends memory on it."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return business_response(400, "The Content-Length header is not a number.")
        if length > settings.MAX_REQUEST_BYTES:
            limit_mb = settings.MAX_REQUEST_BYTES / (1024 * 1024)
            message = f"{PayloadTooLargeError.default_detail[:-1]}: the limit is {limit_mb:.0f} MB."
            return business_response(413, message, headers={"Connection": "close"})
        return self.get_response(request)
