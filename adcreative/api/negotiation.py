"""Content negotiation that never answers 406.

Clients generated from the public API's Swagger send `Accept: text/plain`; the public API answers them
with JSON, so we do too rather than refuse.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request


class JsonFallbackNegotiation(DefaultContentNegotiation):
    def select_renderer(
        self,
        request: Request,
        renderers: Iterable[BaseRenderer],
        format_suffix: str | None = None,
    ) -> tuple[BaseRenderer, str]:
        if format_suffix is None and request.META.get("HTTP_ACCEPT", "*/*").strip() in ("", "*/*"):
            first: Any = next(iter(renderers))  # what DRF picks for */*, without parsing it per request
            return first, str(first.media_type)
        try:
            chosen: tuple[BaseRenderer, str] = super().select_renderer(request, renderers, format_suffix)
            return chosen
        except NotAcceptable:
            renderer: Any = next(iter(renderers))
            return renderer, str(renderer.media_type)
