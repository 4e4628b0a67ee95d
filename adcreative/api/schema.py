"""OpenAPI pieces shared by the views: the two error shapes, the token body, the auth schemes."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

_messages = serializers.DictField(
    child=serializers.ListField(child=serializers.CharField()),
    help_text='Field or area → messages, e.g. {"business:": ["…"]} or {"productImage": ["…"]}.',
)

BusinessProblem = inline_serializer(
    name="BusinessProblem",
    fields={
        "errors": _messages,
        "type": serializers.CharField(default="https://tools.ietf.org/html/rfc7231#section-6.5.1"),
        "title": serializers.CharField(default="One or more errors occurred."),
        "status": serializers.IntegerField(),
        "detail": serializers.CharField(allow_null=True),
        "instance": serializers.CharField(allow_null=True),
        "extensions": inline_serializer(
            name="ProblemExtensions", fields={"traceId": serializers.CharField()}
        ),
    },
)

ValidationProblem = inline_serializer(
    name="ValidationProblem",
    fields={
        "errors": _messages,
        "type": serializers.CharField(default="https://tools.ietf.org/html/rfc9110#section-15.5.1"),
        "title": serializers.CharField(default="One or more validation errors occurred."),
        "status": serializers.IntegerField(default=400),
        "traceId": serializers.CharField(),
    },
)

TokenPairSchema = inline_serializer(
    name="TokenPair",
    fields={
        "applicationId": serializers.UUIDField(),
        "accessToken": serializers.CharField(),
        "accessTokenExpiration": serializers.DateTimeField(),
        "refreshToken": serializers.CharField(),
        "refreshTokenExpiration": serializers.DateTimeField(),
    },
)

ERROR_RESPONSES: dict[int, Any] = {
    400: OpenApiResponse(ValidationProblem, description="Field validation failed."),
    401: OpenApiResponse(BusinessProblem, description="Missing or invalid credentials."),
    404: OpenApiResponse(
        BusinessProblem,
        description="Not found (also for another application's objects).",
    ),
    413: OpenApiResponse(BusinessProblem, description="Request body too large."),
    429: OpenApiResponse(BusinessProblem, description="Rate limit hit; see Retry-After."),
    500: OpenApiResponse(BusinessProblem, description="Unexpected error (never a stack trace)."),
}


class JwtScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "adcreative.tenancy.authentication.JwtAuthentication"
    name = "bearer"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}


class ApiKeyScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "adcreative.tenancy.authentication.ApiKeyAuthentication"
    name = ["apiKey", "apiSecret"]

    def get_security_definition(self, auto_schema: Any) -> list[dict[str, Any]]:
        return [
            {"type": "apiKey", "in": "header", "name": "x-api-key"},
            {"type": "apiKey", "in": "header", "name": "x-api-secret"},
        ]
